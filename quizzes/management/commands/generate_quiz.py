import json
import random
import secrets

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from quizzes.generation import QUESTION_KINDS, generate_questions
from quizzes.knowledge_loader import load_knowledge_base
from studyapp.models import Deck


class Command(BaseCommand):
    help = (
        "Generate multiple-choice questions about a deck. Distractors may also come from the library decks. "
        "The same --seed gives the same questions."
    )

    def add_arguments(self, parser):
        parser.add_argument("--deck", action="append", required=True, metavar="SLUG", help="repeatable")
        parser.add_argument("--questions", type=int, default=10, metavar="N")
        parser.add_argument("--seed", type=int, default=None, metavar="S", help="random when left out")
        parser.add_argument(
            "--kind", action="append", choices=QUESTION_KINDS, help="repeatable; all by default"
        )
        parser.add_argument("--section", action="append", metavar="KIND", help="section kind, repeatable")
        parser.add_argument("--json", action="store_true", help="print a JSON list")

    def handle(self, *args, **options):
        slugs = list(dict.fromkeys(options["deck"]))
        found = set(Deck.objects.filter(slug__in=slugs).values_list("slug", flat=True))
        missing = [slug for slug in slugs if slug not in found]
        if missing:
            known = ", ".join(Deck.objects.order_by("slug").values_list("slug", flat=True)[:20]) or "none"
            raise CommandError(f"Unknown deck {', '.join(missing)} (known decks: {known}).")
        if options["questions"] < 1:
            raise CommandError("--questions must be at least 1.")
        seed = options["seed"] if options["seed"] is not None else secrets.randbelow(2**31)

        kb = load_knowledge_base(Deck.objects.filter(Q(slug__in=slugs) | Q(scope=Deck.Scope.LIBRARY)))
        questions = generate_questions(
            kb,
            count=options["questions"],
            rng=random.Random(seed),
            deck_slugs=slugs,
            section_kinds=options["section"],
            kinds=options["kind"],
        )
        if options["json"]:
            self.stdout.write(json.dumps([q.to_dict() for q in questions], ensure_ascii=False, indent=2))
            return
        plural = "" if len(questions) == 1 else "s"
        self.stdout.write(f"{len(questions)} question{plural} (seed {seed})\n")
        for number, question in enumerate(questions, start=1):
            self.stdout.write(f"{number}. {question.stem}")
            for position, option in enumerate(question.options):
                mark = "*" if position == question.answer else " "
                self.stdout.write(f"   {mark} {chr(ord('A') + position)}) {option}")
            self.stdout.write(f"   {question.explanation}\n")
