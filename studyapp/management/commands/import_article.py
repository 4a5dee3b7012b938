import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from studyapp.importers.article import read_article
from studyapp.management.flashcard_command import owner_and_scope_option
from studyapp.services.imports import ImportRejected, save_article


class Command(BaseCommand):
    help = "Import list-style articles as decks, one transaction per article (library decks unless --owner)."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Parse and report; write nothing.")
        parser.add_argument("--json", action="store_true", help="Print the parse as JSON (with --dry-run).")
        parser.add_argument("--slug", help="Deck slug (only with a single path).")
        parser.add_argument(
            "--owner", help="Username of the owner; the deck is then theirs, not the library's."
        )

    def handle(self, *args, paths, dry_run, json: bool, slug, owner, **options):
        if slug and len(paths) > 1:
            raise CommandError("--slug names one deck: give a single PATH with it.")
        owner_user, scope = owner_and_scope_option(owner)
        failures = 0
        dumps = []
        for path in paths:
            try:
                data = path.read_bytes()
            except OSError as exc:
                self.stderr.write(f"{path}: cannot read the file ({exc.strerror}).")
                failures += 1
                continue
            try:
                parsed = read_article(data)
            except ImportRejected as exc:
                self.stderr.write(f"{path}: {exc}")
                failures += 1
                continue
            if slug:
                parsed.slug = slug
            if dry_run:
                if json:
                    dumps.append(parsed.to_dict())
                else:
                    counts = ", ".join(f"{s.kind} {len(s.items)}" for s in parsed.sections)
                    self.stdout.write(f"{path}: {parsed.title!r} ({counts}, faq {len(parsed.faqs)})")
                    for problem in parsed.problems:
                        self.stdout.write(f"  line {problem.line}: {problem.message}")
                continue
            result = save_article(parsed=parsed, owner=owner_user, scope=scope, slug=slug)
            self.stdout.write(f"{path}: {result.summary()}")
            for problem in result.problems:
                self.stdout.write(f"  line {problem.line}: {problem.message}")
        if dumps:
            payload = dumps[0] if len(dumps) == 1 and len(paths) == 1 else dumps
            self.stdout.write(_json_dumps(payload))
        if failures:
            raise CommandError(f"{failures} of {len(paths)} file(s) could not be imported.")


def _json_dumps(payload) -> str:
    return json.dumps(payload, ensure_ascii=False, indent=2)
