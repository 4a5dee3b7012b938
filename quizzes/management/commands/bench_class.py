"""Seed one instructor and a class of N students studying the same deck, time the class dashboard and the
gradebook (page and CSV) through the test client, report queries and medians, and remove everything it made.

Pages are timed with the dummy task backend, as in production a page only queues its background recount; the
recount itself (the whole class's tallies, as after a day or a wave of answers) is timed on its own. With more
than one class size, `ratios` gives each figure of the largest class over the smallest's, measured in the same
run; `load` is the machine's load average (1 minute) before and after each size: on a shared machine the
absolute times move with it, the ratios much less."""

import datetime as dt
import json
import os
import random
import secrets
import statistics
import time

from django.core.management.base import BaseCommand
from django.db import connection, reset_queries, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import timezone

from quizzes import class_stats
from quizzes.models import Assignment, Attempt, ClassMembership, Classroom, QuizSet
from studyapp.management.commands.bench_dashboard import _seed_cards
from studyapp.models import CardState, Deck, DeckTally, Enrollment, Review, User
from studyapp.services.answer_counts import cards_changed

BATCH = 10_000
REVIEWS_PER_STUDENT = 40  # in the last 30 days: the dashboard's review window
ATTEMPTS_PER_STUDENT = 2
FEW_STALE = 10  # students whose cards changed since the dashboard's last look
PAGES_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def seed_class(students: int, cards: int, now: dt.datetime, rng: random.Random):
    """An instructor's deck of `cards` cards, a class of `students` learners each with a state on every card,
    some recent reviews and finished attempts at one assignment. Returns (instructor, classroom, assignment)."""
    tag = secrets.token_hex(4)
    instructor = User.objects.create(username=f"bench-{tag}", role=User.Role.INSTRUCTOR)
    deck = Deck.objects.create(title=f"Bench {tag}", slug=f"bench-{tag}", owner=instructor)
    deck_cards = _seed_cards(deck, cards)
    learners = User.objects.bulk_create(
        [User(username=f"bench-{tag}-{n:04d}", password="!") for n in range(students)], batch_size=BATCH
    )
    classroom = Classroom.objects.create(instructor=instructor, name=f"Bench {tag}")
    ClassMembership.objects.bulk_create([ClassMembership(classroom=classroom, student=u) for u in learners])
    Enrollment.objects.bulk_create([Enrollment(user=u, deck=deck) for u in learners])
    CardState.objects.bulk_create(
        (_state(u, c, now, rng) for u in learners for c in deck_cards), batch_size=BATCH
    )
    Review.objects.bulk_create(
        (
            Review(
                user=u,
                card=rng.choice(deck_cards),
                rating=rng.choices((1, 2, 3, 4), (10, 10, 70, 10))[0],
                reviewed_at=now - dt.timedelta(seconds=rng.uniform(0, 30 * 86400)),
                duration_ms=rng.randint(2000, 20000),
                state_before=CardState.State.REVIEW,
                state_after=CardState.State.REVIEW,
                last_interval_days=rng.uniform(1, 60),
                snapshot_before={},
            )
            for u in learners
            for _ in range(REVIEWS_PER_STUDENT)
        ),
        batch_size=BATCH,
    )
    quiz_set = QuizSet.objects.create(owner=instructor, title="Bench quiz", mode=QuizSet.Mode.PICKED)
    assignment = Assignment.objects.create(
        quiz_set=quiz_set,
        classroom=classroom,
        opens_at=now - dt.timedelta(days=7),
        closes_at=now + dt.timedelta(days=7),
        max_attempts=ATTEMPTS_PER_STUDENT,
    )
    Attempt.objects.bulk_create(
        (
            Attempt(
                user=u,
                assignment=assignment,
                number=n + 1,
                started_at=now - dt.timedelta(days=2 - n, minutes=10),
                submitted_at=now - dt.timedelta(days=2 - n),
                status=Attempt.Status.SUBMITTED,
                question_count=20,
                correct_count=(k := rng.randint(0, 20)),
                score=k / 20,
            )
            for u in learners
            for n in range(ATTEMPTS_PER_STUDENT)
        ),
        batch_size=BATCH,
    )
    return instructor, classroom, assignment


def _state(user: User, card, now: dt.datetime, rng: random.Random) -> CardState:
    roll = rng.random()
    if roll < 0.2:
        return CardState(user=user, card=card)
    return CardState(
        user=user,
        card=card,
        state=CardState.State.LEARNING if roll < 0.25 else CardState.State.REVIEW,
        stability=rng.uniform(0.5, 60),
        difficulty=rng.uniform(1, 10),
        last_review=now - dt.timedelta(days=rng.uniform(0, 30)),
        due=now + dt.timedelta(days=rng.uniform(-5, 30)),
        reps=3,
        lapses=rng.randint(0, 3),
    )


def members_of(classroom: Classroom) -> list[int]:
    return list(User.objects.filter(memberships__classroom=classroom).values_list("pk", flat=True))


class Command(BaseCommand):
    help = "Measure the class dashboard and gradebook for classes of N students with M cards each."

    def add_arguments(self, parser):
        parser.add_argument("--students", type=int, nargs="+", default=[30, 300])
        parser.add_argument("--cards", type=int, default=2000)
        parser.add_argument(
            "--repeat", type=int, default=9, help="Timed requests per page (after a warm-up)."
        )
        parser.add_argument("--json", action="store_true", dest="as_json", help="Print only the JSON list.")

    def handle(self, *args, students: list[int], cards: int, repeat: int, as_json: bool, **options):
        results = [self.measure(size, cards, repeat) for size in students]
        if len(results) > 1:
            small, large = results[0], results[-1]
            ratios = {
                key: round(large[key] / small[key], 2)
                for key in large
                if key.endswith(("_ms_p50", "_s")) and key != "seed_s" and small[key]
            }
            results.append({"ratios": f"{large['students']} / {small['students']} students", **ratios})
        if as_json:
            self.stdout.write(json.dumps(results))
            return
        for r in results:
            if "ratios" in r:
                self.stdout.write(
                    f"ratios {r['ratios']}: " + json.dumps({k: v for k, v in r.items() if k != "ratios"})
                )
                continue
            self.stdout.write(
                f"{r['students']:>5} students {r['cards']:>6} cards seeded in {r['seed_s']:>6.1f} s: "
                f"queries {r['queries']}, dashboard {r['dashboard_ms_p50']:.1f} ms "
                f"({r['dashboard_few_stale_ms_p50']:.1f} ms with {FEW_STALE} students stale, "
                f"{r['dashboard_cold_ms_p50']:.1f} ms all stale), "
                f"gradebook {r['gradebook_ms_p50']:.1f} ms, CSV {r['gradebook_csv_ms_p50']:.1f} ms; "
                f"background recount of the class {r['recount_s']:.1f} s; load {r['load']}"
            )

    @staticmethod
    def _time(client, url: str, name: str, repeat: int, result: dict, prepare=None) -> None:
        timings, queries = [], set()
        for _ in range(repeat):
            if prepare is not None:
                prepare()
            # The test client's request_started empties the query log: start it empty too (DEBUG logs prepare's).
            reset_queries()
            with CaptureQueriesContext(connection) as captured:
                t0 = time.perf_counter()
                response = client.get(url)
                timings.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200
            queries.add(len(captured))
        result["queries"][name] = max(queries)
        result[f"{name}_ms_p50"] = round(statistics.median(timings), 1)

    def measure(self, students: int, cards: int, repeat: int) -> dict:
        now = timezone.now()
        started = time.perf_counter()
        with transaction.atomic():
            instructor, classroom, assignment = seed_class(students, cards, now, random.Random(students))
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # As autovacuum would after a bulk load (its visibility map lets index-only scans skip the heap);
                # VACUUM cannot run in a transaction (the tests').
                cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
        seed_s = time.perf_counter() - started
        load_before = os.getloadavg()[0]
        try:
            client = Client(HTTP_HOST="localhost")
            client.force_login(instructor)
            pages = {
                "dashboard": reverse("quizzes:class-dashboard", args=[classroom.pk]),
                "gradebook": reverse("quizzes:gradebook", args=[assignment.pk]),
                "gradebook_csv": reverse("quizzes:gradebook-csv", args=[assignment.pk]),
            }
            result = {"students": students, "cards": cards, "seed_s": round(seed_s, 1), "queries": {}}
            # The background task's work when every tally is out of date (the first look, or after their window
            # with no worker running): the whole class recounted at once.
            DeckTally.objects.filter(user_id__in=members_of(classroom)).delete()
            t0 = time.perf_counter()
            class_stats.recount_tallies(classroom, timezone.now())
            result["recount_s"] = round(time.perf_counter() - t0, 2)
            members = members_of(classroom)
            url = pages["dashboard"]
            # The class dashboard reads each student's deck tallies and recounts at most RECOUNT_ON_PAGE stale
            # students, showing the others' last count and queueing their recount: timed with every tally missing
            # (cold: the first look), with a few students changed since the last look (FEW_STALE answered), and
            # with none.
            before = {
                "dashboard_cold": lambda: DeckTally.objects.filter(user_id__in=members).delete(),
                "dashboard_few_stale": lambda: cards_changed(user_ids=members[:FEW_STALE]),
            }
            with override_settings(TASKS=PAGES_TASKS):
                for name, prepare in before.items():
                    self._time(client, url, name, max(3, repeat // 3), result, prepare)
                class_stats.recount_tallies(classroom, timezone.now())
                for name, url in pages.items():
                    assert client.get(url).status_code == 200  # warm-up
                    self._time(client, url, name, repeat, result)
            result["load"] = [round(load_before, 2), round(os.getloadavg()[0], 2)]
            return result
        finally:
            DeckTally.objects.filter(deck__owner=instructor).delete()
            # One student at a time: deleting states and reviews sets the API log's links to them to NULL in
            # one UPDATE ... IN (ids), which must stay under SQLite's limit on query parameters.
            for member in User.objects.filter(memberships__classroom=classroom):
                Review.objects.filter(user=member).delete()
                CardState.objects.filter(user=member).delete()
                member.delete()
            Deck.objects.filter(owner=instructor).delete()
            instructor.delete()
