import json
from pathlib import Path

from django.core.management.base import BaseCommand

from studyapp.importers.article import ParsedArticle
from studyapp.models import Deck
from studyapp.services.imports import save_article

DATA_DIR = Path(__file__).resolve().parents[2] / "data"


class Command(BaseCommand):
    help = "Load the decks bundled in studyapp/data/ into the library (safe to run again)."

    def handle(self, *args, **options):
        for path in sorted(DATA_DIR.glob("*.json")):
            parsed = ParsedArticle.from_dict(json.loads(path.read_text(encoding="utf-8")))
            result = save_article(parsed=parsed, owner=None, scope=Deck.Scope.LIBRARY)
            self.stdout.write(f"{path.name}: {result.summary()}")
