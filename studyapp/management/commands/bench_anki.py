"""Time an Anki import and export at two sizes, in one run: read (unzip, parse, render), save (one transaction)
and export, for N and 10N notes (a mix of Basic and three-deletion Cloze notes). Prints the figures and the
10x / 1x ratios, then deletes what it made."""

import json as jsonlib
import tempfile
import time
from pathlib import Path

import genanki
from django.core.management.base import BaseCommand

from studyapp.importers.anki import read_anki
from studyapp.models import Deck, User
from studyapp.services.anki import save_anki
from studyapp.services.anki_export import export_apkg

_BASIC = genanki.Model(
    1770000001,
    "Bench Basic",
    fields=[{"name": "Front"}, {"name": "Back"}],
    templates=[{"name": "Card 1", "qfmt": "{{Front}}", "afmt": "{{FrontSide}}<hr id=answer>{{Back}}"}],
)


def build_package(folder: Path, notes: int) -> Path:
    deck = genanki.Deck(1770000002, "Bench")
    for n in range(notes):
        if n % 2:
            text = f"Drug {n} {{{{c1::inhibits}}}} <b>enzyme {n}</b> and {{{{c2::raises}}}} {{{{c3::marker {n}}}}}"
            deck.add_note(genanki.Note(model=genanki.CLOZE_MODEL, fields=[text, ""], guid=f"bench-{n}"))
        else:
            back = f"<ul><li>Effect {n}</li><li>Side effect {n}</li></ul> \\(x^{n % 7}\\)"
            deck.add_note(genanki.Note(model=_BASIC, fields=[f"Question {n}", back], guid=f"bench-{n}"))
    path = folder / f"bench-{notes}.apkg"
    genanki.Package(deck).write_to_file(str(path), timestamp=1)
    return path


class Command(BaseCommand):
    help = "Anki import/export timings at N and 10N notes (ratios measured in one run)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--notes", type=int, default=500, help="N: the small size (the large one is 10N)."
        )
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, notes, **options):
        results = []
        owner = User.objects.create_user("bench-anki-owner")
        try:
            with tempfile.TemporaryDirectory() as tmp:
                folder = Path(tmp)
                for size in (notes, notes * 10):
                    path = build_package(folder, size)
                    work = folder / f"work-{size}"
                    work.mkdir()
                    started = time.perf_counter()
                    parsed = read_anki(path, work)
                    read_s = time.perf_counter() - started
                    started = time.perf_counter()
                    result = save_anki(
                        parsed=parsed, package_path=path, owner=owner, scope="personal", title=f"Bench {size}"
                    )
                    save_s = time.perf_counter() - started
                    started = time.perf_counter()
                    export_apkg(decks=[result.deck])
                    export_s = time.perf_counter() - started
                    results.append(
                        {
                            "notes": size,
                            "cards": result.cards,
                            "read_ms": round(read_s * 1000),
                            "save_ms": round(save_s * 1000),
                            "export_ms": round(export_s * 1000),
                        }
                    )
        finally:
            Deck.objects.filter(owner=owner).delete()
            owner.delete()
        small, large = results
        ratios = {
            f"{k}_ratio": round(large[k] / max(small[k], 1), 1) for k in ("read_ms", "save_ms", "export_ms")
        }
        if options["json"]:
            self.stdout.write(_dumps({"sizes": results, **ratios}))
        else:
            for row in results:
                self.stdout.write(
                    f"{row['notes']} notes / {row['cards']} cards: read {row['read_ms']} ms, "
                    f"save {row['save_ms']} ms, export {row['export_ms']} ms"
                )
            self.stdout.write(", ".join(f"{k} {v}x" for k, v in ratios.items()))


def _dumps(value) -> str:
    return jsonlib.dumps(value)
