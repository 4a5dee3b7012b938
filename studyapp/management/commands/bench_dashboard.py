"""Seed a learner with N reviews, render their dashboard a few times, report queries and the median time, and
remove everything it made."""

import datetime as dt
import json
import random
import secrets
import statistics
import time

from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from studyapp.models import Card, CardState, Deck, Enrollment, Item, Review, Section, SectionKind, User

REVIEWS_PER_CARD = 20
BATCH = 5000
LISTS = [SectionKind.CAUSES, SectionKind.SYMPTOMS, SectionKind.DIAGNOSTIC_TESTS, SectionKind.DRUGS]


def seed_learner(reviews: int, now: dt.datetime, rng: random.Random) -> User:
    """A learner with `reviews` reviews over the past year on reviews/20 cards of one deck."""
    tag = secrets.token_hex(4)
    user = User.objects.create(username=f"bench-{tag}", time_zone="Europe/Berlin", day_start_hour=4)
    deck = Deck.objects.create(
        title=f"Bench {tag}", slug=f"bench-{tag}", owner=user, scope=Deck.Scope.PERSONAL
    )
    Enrollment.objects.create(user=user, deck=deck)
    cards = _seed_cards(deck, max(1, reviews // REVIEWS_PER_CARD))
    CardState.objects.bulk_create(_seed_states(user, cards, now, rng), batch_size=BATCH)
    Review.objects.bulk_create(_seed_reviews(user, cards, reviews, now, rng), batch_size=BATCH)
    return user


def _seed_cards(deck: Deck, n_cards: int) -> list[Card]:
    """One card per item, the items spread over the deck's lists."""
    sections = [
        Section.objects.create(deck=deck, kind=kind, heading=kind.label, position=i)
        for i, kind in enumerate(LISTS)
    ]
    items = Item.objects.bulk_create(
        [
            Item(deck=deck, section=sections[i % len(sections)], key=f"k{i}", term=f"Term {i}", position=i)
            for i in range(n_cards)
        ],
        batch_size=BATCH,
    )
    return Card.objects.bulk_create(
        [
            Card(
                deck=deck,
                item=item,
                section=item.section,
                template="term",
                key=f"term:{item.key}",
                front=item.term,
                back="",
                position=i,
            )
            for i, item in enumerate(items)
        ],
        batch_size=BATCH,
    )


def _seed_states(user: User, cards: list[Card], now: dt.datetime, rng: random.Random) -> list[CardState]:
    """A tenth of the cards new, a twentieth learning, the rest in review with varied memory."""
    states = []
    for card in cards:
        roll = rng.random()
        if roll < 0.1:
            states.append(CardState(user=user, card=card))
            continue
        state = CardState.State.LEARNING if roll < 0.15 else CardState.State.REVIEW
        last = now - dt.timedelta(days=rng.uniform(0, 60))
        states.append(
            CardState(
                user=user,
                card=card,
                state=state,
                stability=rng.uniform(0.5, 120),
                difficulty=rng.uniform(1, 10),
                last_review=last,
                due=now + dt.timedelta(days=rng.uniform(-5, 60)),
                reps=REVIEWS_PER_CARD,
                lapses=rng.randint(0, 6),
            )
        )
    return states


def _seed_reviews(user: User, cards: list[Card], reviews: int, now: dt.datetime, rng: random.Random):
    """`reviews` reviews spread over the past year, mostly Good, generated lazily (100,000 rows)."""
    return (
        Review(
            user=user,
            card=cards[i % len(cards)],
            rating=rng.choices((1, 2, 3, 4), (10, 10, 70, 10))[0],
            reviewed_at=now - dt.timedelta(seconds=rng.uniform(0, 365 * 86400)),
            duration_ms=rng.randint(2000, 20000),
            state_before=CardState.State.REVIEW if rng.random() < 0.8 else CardState.State.LEARNING,
            state_after=CardState.State.REVIEW,
            last_interval_days=rng.uniform(1, 60),
            snapshot_before={},
        )
        for i in range(reviews)
    )


class Command(BaseCommand):
    help = "Measure the learner dashboard: queries and median render time for learners with N reviews."

    def add_arguments(self, parser):
        parser.add_argument("--reviews", type=int, nargs="+", default=[10_000, 100_000])
        parser.add_argument(
            "--repeat", type=int, default=7, help="Timed renders per size (after one warm-up)."
        )
        parser.add_argument("--json", action="store_true", dest="as_json", help="Print only the JSON list.")

    def handle(self, *args, reviews: list[int], repeat: int, as_json: bool, **options):
        results = [self.measure(size, repeat) for size in reviews]
        if as_json:
            self.stdout.write(json.dumps(results))
            return
        for r in results:
            self.stdout.write(
                f"{r['reviews']:>8} reviews {r['cards']:>6} cards {r['queries']:>3} queries "
                f"{r['median_ms']:>8.1f} ms median ({r['cpu_median_ms']:.1f} ms CPU)"
            )

    def measure(self, size: int, repeat: int) -> dict:
        now = timezone.now()
        with transaction.atomic():
            user = seed_learner(size, now, random.Random(size))
        if connection.vendor == "postgresql":
            # Statistics for the rows just seeded, as autovacuum would gather on a live database; without them
            # the planner plans for the empty tables it last saw (same as bench_review).
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        try:
            client = Client(HTTP_HOST="localhost")
            client.force_login(user)
            url = reverse("home")
            assert client.get(url).status_code == 200  # warm-up
            timings, cpu, queries = [], [], set()
            for _ in range(repeat):
                with CaptureQueriesContext(connection) as captured:
                    started, started_cpu = time.perf_counter(), time.process_time()
                    response = client.get(url)
                    timings.append((time.perf_counter() - started) * 1000)
                    cpu.append((time.process_time() - started_cpu) * 1000)
                assert response.status_code == 200
                queries.add(len(captured))
            return {
                "reviews": size,
                "cards": CardState.objects.filter(user=user).count(),
                "queries": max(queries),
                "median_ms": round(statistics.median(timings), 1),
                # This process's CPU time (on SQLite it includes the database's work; on PostgreSQL it leaves out
                # the server's): steadier than wall time on a shared machine.
                "cpu_median_ms": round(statistics.median(cpu), 1),
            }
        finally:
            # Reviews and states go with their user and deck (cascade, bulk-deleted by the database).
            Deck.objects.filter(owner=user).delete()
            user.delete()
