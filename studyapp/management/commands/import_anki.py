import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from studyapp.importers.anki import AnkiError, read_anki
from studyapp.management.flashcard_command import owner_and_scope_option
from studyapp.models import Deck
from studyapp.services.anki import save_anki
from studyapp.services.anki_jobs import report_of
from studyapp.services.imports import ImportRejected


class Command(BaseCommand):
    help = (
        "Import an Anki package (.apkg/.colpkg): notes through their note types, media, and, for a learner "
        "importing their own collection, scheduling and review history (unless --content-only)."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--title", help="Deck title (default: the file name).")
        parser.add_argument("--owner", help="Username of the owner; without it the deck goes to the library.")
        parser.add_argument(
            "--content-only", action="store_true", help="Notes and media only: no scheduling or history."
        )

    def handle(self, *args, path, title, owner, content_only, **options):
        owner_user, scope = owner_and_scope_option(owner)
        if not path.is_file():
            raise CommandError(f"{path}: no such file.")
        title = title or path.stem.replace("-", " ").replace("_", " ").capitalize()
        # A learner's own collection brings its history; instructors and the library get content only.
        with_scheduling = scope == Deck.Scope.PERSONAL and not content_only
        try:
            with tempfile.TemporaryDirectory() as workdir:
                parsed = read_anki(path, Path(workdir))
                report = report_of(parsed)
                result = save_anki(
                    parsed=parsed,
                    package_path=path,
                    owner=owner_user,
                    scope=scope,
                    title=title,
                    with_scheduling=with_scheduling,
                )
        except (AnkiError, ImportRejected) as exc:
            raise CommandError(f"{path}: {exc}") from exc
        for row in report["by_notetype"]:
            self.stdout.write(
                f"  {row['name']}: {row['notes']} notes, {row['cards']} cards, {row['media']} media, "
                f"{row['reviews']} reviews, {row['skipped']} not imported"
            )
        for skip in report["skipped"]:
            self.stdout.write(f"  not imported: {skip['note']} ({skip['notetype']}): {skip['reason']}")
        for line in result.media_skipped:
            self.stdout.write(f"  media not kept: {line}")
        self.stdout.write(f"{path}: {result.summary()}")
