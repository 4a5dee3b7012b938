"""Measure generated questions as a test-wise student would attack them (issue 12)."""

import json

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from quizzes.knowledge_loader import load_knowledge_base
from quizzes.quality import generate_and_measure
from studyapp.models import Deck


class Command(BaseCommand):
    help = (
        "Generate quizzes about the given decks over many seeds (wrong options may come from every library "
        "deck) and print: share of item and gloss questions answerable by category alone, wrong options "
        "equivalent to a listed item, answer-position spread, correct-is-longest share."
    )

    def add_arguments(self, parser):
        parser.add_argument("--deck", action="append", required=True, metavar="SLUG", help="repeatable")
        parser.add_argument("--questions", type=int, default=20, metavar="N", help="per quiz")
        parser.add_argument("--seeds", type=int, default=50, metavar="K", help="quizzes 0 … K-1")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **options):
        slugs = list(dict.fromkeys(options["deck"]))
        found = set(Deck.objects.filter(slug__in=slugs).values_list("slug", flat=True))
        missing = [slug for slug in slugs if slug not in found]
        if missing:
            raise CommandError(f"Unknown deck {', '.join(missing)}.")
        if options["questions"] < 1 or options["seeds"] < 1:
            raise CommandError("--questions and --seeds must be at least 1.")
        kb = load_knowledge_base(
            Deck.objects.filter(Q(slug__in=slugs) | Q(scope=Deck.Scope.LIBRARY)).order_by("slug")
        )
        result = generate_and_measure(
            kb, deck_slugs=slugs, count=options["questions"], seeds=range(options["seeds"])
        )
        if options["json"]:
            self.stdout.write(json.dumps(result, indent=2, ensure_ascii=False))
            return
        self.stdout.write(
            f"{result['questions']} questions about {', '.join(slugs)} "
            f"(library: {len(result['library_decks'])} decks)\n"
            f"answerable by category alone: {result['answerable_by_category']} of "
            f"{result['item_and_gloss_questions']} item and gloss questions "
            f"({result['answerable_by_category_share']:.1%})\n"
            f"wrong options equivalent to a listed item: {result['wrong_options_equivalent_to_listed']}\n"
            f"answer positions A–D: {result['answer_positions']}\n"
            f"correct option the longest: {result['correct_is_longest_share']:.1%}\n"
            f"invalid questions: {result['invalid_questions']}"
        )
