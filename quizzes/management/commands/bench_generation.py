"""Question generation time against the size of the asked list (issue 11: no request may be quadratic).

Pure: no database. The asked deck holds one list of N one-line entries; the bundled deck is the rest of the
library (it supplies wrong options of the same kind). Prints, per size, the median CPU time of a 20-question
quiz (process time: on a shared machine wall time mostly measures the neighbours), its wall time, and its ratio
to the smallest size, measured in one run.
"""

import json
import random
import statistics
import time
from pathlib import Path

from django.core.management.base import BaseCommand

from quizzes.generation import generate_questions
from quizzes.knowledge import KnowledgeBase, KnowledgeItem, build_deck, knowledge_deck_from_parsed
from studyapp.importers.article import ParsedArticle

BUNDLED = Path(__file__).resolve().parents[3] / "studyapp" / "data"
_WORDS = [
    "pain",
    "ache",
    "numbness",
    "tingling",
    "weakness",
    "burning",
    "stiffness",
    "swelling",
    "cramp",
    "spasm",
    "tremor",
    "fatigue",
    "fever",
    "rash",
    "itching",
    "nausea",
    "dizziness",
    "headache",
    "loss",
    "reduced",
    "increased",
    "sudden",
    "gradual",
    "severe",
    "mild",
    "night",
    "morning",
    "left",
    "right",
    "upper",
    "lower",
    "arm",
    "leg",
    "hand",
    "foot",
    "neck",
    "back",
    "chest",
    "shoulder",
    "hip",
    "knee",
    "ankle",
    "wrist",
    "finger",
    "toe",
    "muscle",
    "nerve",
    "joint",
    "skin",
    "bone",
    "reflex",
    "grip",
    "balance",
    "gait",
    "vision",
    "hearing",
    "speech",
    "sleep",
    "appetite",
    "weight",
]


def synthetic_terms(count: int, seed: int) -> list[str]:
    """`count` distinct one-line entries of two to five common words and a number: the shape of a long
    personal list, with words shared by thousands of entries (the worst case for word indexes)."""
    rng = random.Random(seed)
    return [
        " ".join(rng.choice(_WORDS) for _ in range(rng.randint(2, 5))).capitalize() + f" {n}"
        for n in range(count)
    ]


def library_with_list(size: int) -> KnowledgeBase:
    bundled = [
        knowledge_deck_from_parsed(
            ParsedArticle.from_dict(json.loads(path.read_text())), first_id=1_000_000 * n
        )
        for n, path in enumerate(sorted(BUNDLED.glob("*.json")), start=1)
    ]
    items = [KnowledgeItem(id=n, term=term) for n, term in enumerate(synthetic_terms(size, size), start=1)]
    asked = build_deck("bench-list", "Bench condition", [("symptoms", "Symptoms", items)])
    return KnowledgeBase(decks=(asked, *bundled))


class Command(BaseCommand):
    help = "Time a 20-question quiz on one list of 100 … 50,000 entries (pure generator, no database)."

    def add_arguments(self, parser):
        parser.add_argument("--items", type=int, nargs="+", default=[100, 1_000, 10_000, 50_000])
        parser.add_argument("--questions", type=int, default=20)
        parser.add_argument("--repeat", type=int, default=5)
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **options):
        rows = []
        for size in options["items"]:
            kb = library_with_list(size)
            generate_questions(
                kb, count=options["questions"], rng=random.Random(0), deck_slugs=["bench-list"]
            )
            cpu, wall, made = [], [], 0
            for run in range(options["repeat"]):
                started, started_cpu = time.perf_counter(), time.process_time()
                questions = generate_questions(
                    kb, count=options["questions"], rng=random.Random(run + 1), deck_slugs=["bench-list"]
                )
                cpu.append(time.process_time() - started_cpu)
                wall.append(time.perf_counter() - started)
                made = len(questions)
            rows.append(
                {
                    "items": size,
                    "questions": made,
                    "median_ms": round(statistics.median(cpu) * 1000, 1),
                    "median_wall_ms": round(statistics.median(wall) * 1000, 1),
                }
            )
        floor = rows[0]["median_ms"] or 0.1
        for row in rows:
            row["ratio_to_smallest"] = round(row["median_ms"] / floor, 1)
        if options["json"]:
            self.stdout.write(json.dumps(rows, indent=2))
            return
        for row in rows:
            self.stdout.write(
                f"{row['items']:>7} items: {row['questions']} questions in {row['median_ms']} ms of CPU "
                f"({row['median_wall_ms']} ms wall; × {row['ratio_to_smallest']} the smallest)"
            )
