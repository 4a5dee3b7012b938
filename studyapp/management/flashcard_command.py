"""What the import commands share: the --owner lookup, and for flashcard files arguments and reading."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from studyapp.models import Deck, User
from studyapp.services.imports import ImportRejected, owner_and_scope_for


def owner_and_scope_option(username: str | None) -> tuple[User | None, str]:
    """Where a command's import goes: the library without --owner, else where that user's own imports go."""
    if not username:
        return None, Deck.Scope.LIBRARY
    user = User.objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"No user called {username!r}.")
    return owner_and_scope_for(user)


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
        owner_user, scope = owner_and_scope_option(owner)
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
