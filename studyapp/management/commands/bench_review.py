"""Time grade + next card and the review page for learners of several collection sizes, against a raw-SQL
floor doing the same writes, all in one run; remove everything it made.

Each size seeds one learner (in the configured database) shaped like a real collection: a quarter of the cards
due, two thirds scheduled ahead, a tenth new, two sibling cards per item, `reviews-per-card` past reviews.
Grades go through the real view with the Django test client (session, middleware, htmx fragment of the next
card). Two floors do the same writes in raw SQL in one transaction: `floor_grade` in-process, with no request
at all, and the HTTP floor (`studyapp.bench_floor`), the smallest Django view that authenticates the session
and does them, posted through the same test client as ours (the issue's floor). Every size is seeded
first and the sizes are then timed in turns, our grade and both floors' within each turn, so all of them
see the same machine noise and the ratios between sizes hold on a busy machine."""

from __future__ import annotations

import datetime as dt
import json
import random
import re
import secrets
import statistics
import time

from django.contrib.sessions.backends.db import SessionStore
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import timezone

from studyapp import scheduling
from studyapp.bench_floor import FLOOR_URL, floor_writes
from studyapp.models import Card, CardState, Deck, Enrollment, Item, Review, Section, SectionKind, User
from studyapp.services.reviews import config_for

BATCH = 5000
SIBLINGS = 2
LISTS = [SectionKind.CAUSES, SectionKind.SYMPTOMS, SectionKind.DIAGNOSTIC_TESTS, SectionKind.DRUGS]
HTMX = {"HTTP_HX_REQUEST": "true"}
NEXT_CARD = re.compile(r'data-card-state="(\d+)"')


def seed_collection(
    cards: int, reviews: int, now: dt.datetime, rng: random.Random, *, reviews_per_day: int = 200
) -> User:
    """A learner with `cards` cards (25% due, 65% ahead, 10% new; two cards per item) and `reviews` past
    reviews spread over a year, with the app's default daily limits unless told."""
    tag = secrets.token_hex(4)
    user = User.objects.create(
        username=f"bench-review-{tag}", time_zone="Europe/Berlin", reviews_per_day=reviews_per_day
    )
    deck = Deck.objects.create(title=f"Bench {tag}", slug=f"bench-{tag}", owner=user)
    Enrollment.objects.create(user=user, deck=deck)
    sections = [
        Section.objects.create(deck=deck, kind=kind, heading=kind.label, position=i)
        for i, kind in enumerate(LISTS)
    ]
    n_items = max(1, cards // SIBLINGS)
    items = Item.objects.bulk_create(
        [
            Item(deck=deck, section=sections[i % len(sections)], key=f"k{i}", term=f"Term {i}", position=i)
            for i in range(n_items)
        ],
        batch_size=BATCH,
    )
    card_rows = Card.objects.bulk_create(
        [
            Card(
                deck=deck,
                item=items[i % n_items],
                section=items[i % n_items].section,
                template=f"t{i // n_items}",
                key=f"t{i // n_items}:{items[i % n_items].key}",
                front=f"Front of card {i}: what is term {i % n_items}?",
                back=f"Back of card {i}",
                position=i,
            )
            for i in range(cards)
        ],
        batch_size=BATCH,
    )
    states = []
    for card in card_rows:
        roll = rng.random()
        if roll < 0.10:
            states.append(CardState(user=user, card=card, position=card.position))
            continue
        due = (
            now - dt.timedelta(days=rng.uniform(0, 20))
            if roll < 0.35
            else now + dt.timedelta(days=rng.uniform(1, 120))
        )
        stability = rng.uniform(1, 120)
        states.append(
            CardState(
                user=user,
                card=card,
                position=card.position,
                state=CardState.State.REVIEW,
                stability=stability,
                difficulty=rng.uniform(1, 10),
                last_review=due - dt.timedelta(days=stability),
                due=due,
                reps=max(1, reviews // max(1, cards)),
                lapses=rng.randint(0, 3),
            )
        )
    CardState.objects.bulk_create(states, batch_size=BATCH)
    Review.objects.bulk_create(
        (
            Review(
                user=user,
                card=card_rows[i % cards],
                rating=rng.choices((1, 2, 3, 4), (10, 10, 70, 10))[0],
                reviewed_at=now - dt.timedelta(days=1, seconds=rng.uniform(0, 365 * 86400)),
                duration_ms=rng.randint(2000, 20000),
                state_before=CardState.State.REVIEW,
                state_after=CardState.State.REVIEW,
                last_interval_days=rng.uniform(1, 60),
                snapshot_before={},
            )
            for i in range(reviews)
        ),
        batch_size=BATCH,
    )
    return user


def _session_user_id(session_key: str) -> int:
    """Session auth as the floor does it: one SELECT, then the signed payload decoded."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT session_data FROM django_session WHERE session_key = %s AND expire_date > %s",
            [session_key, connection.ops.adapt_datetimefield_value(timezone.now())],
        )
        (data,) = cursor.fetchone()
    return int(SessionStore().decode(data)["_auth_user_id"])


def floor_grade(*, session_key: str, card_state_id: int, rating: int, config: scheduling.Config) -> None:
    """The least a grade can do: authenticate the session, load the learner, then in one transaction lock the
    card's state, schedule it (the pure FSRS step), bury its siblings, save it and append the review with its
    undo snapshot. No ORM, no template, no next card, no request: the in-process floor."""
    user_id = _session_user_id(session_key)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, is_active, time_zone, day_start_hour FROM studyapp_user WHERE id = %s", [user_id]
        )
        cursor.fetchone()
    floor_writes(user_id=user_id, card_state_id=card_state_id, rating=rating, config=config)


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


class Command(BaseCommand):
    help = (
        "Measure grade + next card and the review page against a raw-SQL floor for several collection sizes."
    )

    def add_arguments(self, parser):
        parser.add_argument("--cards", type=int, nargs="+", default=[2000, 20000])
        parser.add_argument("--reviews-per-card", type=float, default=3)
        parser.add_argument(
            "--reviews", type=int, nargs="+", help="Past reviews per size (overrides --reviews-per-card)."
        )
        parser.add_argument(
            "--repeat", type=int, default=60, help="Timed grades (and floor grades) per size."
        )
        parser.add_argument(
            "--reviews-per-day",
            type=int,
            default=200,
            help="The learner's daily review limit (the app's default); the queue's counts stop there.",
        )
        parser.add_argument("--json", action="store_true", dest="as_json", help="Print only the JSON list.")

    def handle(self, *args, cards, reviews_per_card, reviews, repeat, reviews_per_day, as_json, **options):
        if reviews and len(reviews) != len(cards):
            raise CommandError("--reviews needs one figure per --cards size.")
        if repeat + 5 > min(reviews_per_day, min(cards) // 5):
            raise CommandError(
                "--repeat must stay under the daily review limit and the due cards of each size."
            )
        reviews = reviews or [int(n * reviews_per_card) for n in cards]
        self.reviews_per_day = reviews_per_day
        results = self.measure(list(zip(cards, reviews, strict=True)), repeat)
        base = results[0]
        for r in results:
            r["grade_vs_first"] = round(r["grade_ms_p50"] / base["grade_ms_p50"], 2)
            r["review_vs_first"] = round(r["review_ms_p50"] / base["review_ms_p50"], 2)
        if as_json:
            self.stdout.write(json.dumps(results))
            return
        self.stdout.write(f"database: {connection.vendor}")
        for r in results:
            self.stdout.write(
                f"{r['cards']:>7} cards {r['reviews']:>8} reviews {r['queries']:>3} queries  grade p50 "
                f"{r['grade_ms_p50']:.2f} ms p95 {r['grade_ms_p95']:.2f} ms ({r['grade_vs_first']}x)  review page "
                f"{r['review_ms_p50']:.2f} ms ({r['review_vs_first']}x)  in-process floor {r['floor_ms_p50']:.2f} ms "
                f"(ours = {r['ratio_to_floor']}x its throughput)  HTTP floor {r['http_floor_ms_p50']:.2f} ms "
                f"(ours = {r['ratio_to_http_floor']}x)"
            )

    def measure(self, sizes: list[tuple[int, int]], repeat: int) -> list[dict]:
        """Seed a learner per size (all in the tables at once, as learners share them), then time the sizes
        in turns, one grade of each per round: a slow spell of the machine falls on every size alike."""
        now = timezone.now()
        learners = []
        try:
            for cards, reviews in sizes:
                with transaction.atomic():
                    learners.append(
                        seed_collection(
                            cards, reviews, now, random.Random(cards), reviews_per_day=self.reviews_per_day
                        )
                    )
            if connection.vendor == "postgresql":
                # Fresh statistics, as autovacuum keeps them on a live database: without them the planner
                # guesses from the empty tables it last saw and scans what an index would find.
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")
            # The HTTP floor's URL exists only here: the app's URLconf plus the floor view.
            with override_settings(ROOT_URLCONF="studyapp.bench_floor"):
                runs = [_Run(user, repeat) for user in learners]
                for i in range(repeat + 5):  # the first five warm up
                    for run in runs:
                        run.round(record=i >= 5, rating=3 if i % 5 else 1)
                return [run.result() for run in runs]
        finally:
            for user in learners:
                Deck.objects.filter(owner=user).delete()
                user.delete()


class _Run:
    """One learner's timings: each round grades the card the review screen shows (our view), one card through
    each floor, and loads the review page."""

    def __init__(self, user: User, repeat: int):
        self.user = user
        self.client = Client(HTTP_HOST="localhost")
        self.client.force_login(user)
        self.session_key = self.client.session.session_key
        self.review_url, self.answer_url = reverse("studyapp:review"), reverse("studyapp:answer")
        self.config = config_for(user)
        # The floors grade cards the view will not reach: the far end of the due list.
        # Even ones for the in-process floor, odd ones for the HTTP floor.
        far_end = list(
            CardState.objects.filter(user=user, state=CardState.State.REVIEW, due__lte=timezone.now())
            .order_by("-due")
            .values_list("pk", flat=True)[: 2 * (repeat + 5)]
        )
        self.floor_cards, self.http_floor_cards = far_end[::2], far_end[1::2] or far_end
        page = self.client.get(self.review_url, **HTMX)
        self.next_id = int(NEXT_CARD.search(page.content.decode()).group(1))
        self.grade_ms, self.floor_ms, self.http_floor_ms, self.review_ms = [], [], [], []
        self.queries: set[int] = set()
        self.rounds = 0

    def round(self, *, record: bool, rating: int) -> None:
        client, i = self.client, self.rounds
        self.rounds += 1
        version = CardState.objects.values_list("version", flat=True).get(pk=self.next_id)
        data = {"card_state": self.next_id, "version": version, "rating": rating, "shown_at": ""}
        connection.queries_log.clear()  # a full log (seeding) would make the capture count nothing
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.post(self.answer_url, data, **HTMX)
            elapsed = (time.perf_counter() - started) * 1000
        grade_queries = len(captured.captured_queries)  # now: the next request empties the log
        assert response.status_code == 200, response.status_code
        match = NEXT_CARD.search(response.content.decode())
        assert match, "the queue ran dry; seed more due cards"
        self.next_id = int(match.group(1))
        started = time.perf_counter()
        floor_grade(
            session_key=self.session_key,
            card_state_id=self.floor_cards[i % len(self.floor_cards)],
            rating=3,
            config=self.config,
        )
        floor_elapsed = (time.perf_counter() - started) * 1000
        started = time.perf_counter()
        floor_response = client.post(
            FLOOR_URL,
            {"card_state": self.http_floor_cards[i % len(self.http_floor_cards)], "rating": 3},
            **HTMX,
        )
        http_floor_elapsed = (time.perf_counter() - started) * 1000
        assert floor_response.status_code == 204, floor_response.status_code
        started = time.perf_counter()
        page = client.get(self.review_url)
        page_elapsed = (time.perf_counter() - started) * 1000
        assert page.status_code == 200
        if record:
            self.grade_ms.append(elapsed)
            self.floor_ms.append(floor_elapsed)
            self.http_floor_ms.append(http_floor_elapsed)
            self.review_ms.append(page_elapsed)
            self.queries.add(grade_queries)

    def result(self) -> dict:
        # Rounded first, so the printed ratios can be checked from the printed times.
        grade_p50 = round(statistics.median(self.grade_ms), 2)
        floor_p50 = round(statistics.median(self.floor_ms), 2)
        http_floor_p50 = round(statistics.median(self.http_floor_ms), 2)
        return {
            "database": connection.vendor,
            "cards": CardState.objects.filter(user=self.user).count(),
            "reviews": Review.objects.filter(user=self.user).count(),
            "queries": max(self.queries),
            "grade_ms_p50": grade_p50,
            "grade_ms_p95": round(_percentile(self.grade_ms, 0.95), 2),
            "review_ms_p50": round(statistics.median(self.review_ms), 2),
            "floor_ms_p50": floor_p50,
            "http_floor_ms_p50": http_floor_p50,
            # Throughput ratios: a floor's time over ours (1.0 = as fast as that floor). The in-process floor
            # has no request at all; the HTTP floor pays the same client, middleware and session as ours.
            "ratio_to_floor": round(floor_p50 / grade_p50, 2),
            "ratio_to_http_floor": round(http_floor_p50 / grade_p50, 2),
        }
