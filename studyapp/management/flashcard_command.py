"""What the flashcard import commands (CSV, Anki) share: arguments, owner lookup, reading the file."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from studyapp.models import Deck, User
from studyapp.services.imports import ImportRejected


class FlashcardImportCommand(BaseCommand):
    def import_file(self, *, data: bytes, title: str, owner: User | None, scope: str, slug: str | None):
        raise NotImplementedError

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--title", help="Deck title (default: the file name).")
        parser.add_argument("--slug")
        parser.add_argument(
            "--owner", help="Username of the owner; the deck is then theirs, not the library's."
        )

    def handle(self, *args, path, title, slug, owner, **options):
        owner_user, scope = None, Deck.Scope.LIBRARY
        if owner:
            owner_user = User.objects.filter(username=owner).first()
            if owner_user is None:
                raise CommandError(f"No user called {owner!r}.")
            scope = Deck.Scope.INSTRUCTOR if owner_user.is_instructor else Deck.Scope.PERSONAL
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"{path}: cannot read the file ({exc.strerror}).") from exc
        title = title or path.stem.replace("-", " ").replace("_", " ").capitalize()
        try:
            result = self.import_file(data=data, title=title, owner=owner_user, scope=scope, slug=slug)
        except ImportRejected as exc:
            for problem in exc.problems:
                self.stderr.write(f"  line {problem.line}: {problem.message}")
            raise CommandError(f"{path}: {exc}") from exc
        self.stdout.write(f"{path}: {result.summary()}")
