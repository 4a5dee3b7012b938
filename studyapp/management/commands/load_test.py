"""Load and soak test against a running server; run it with the server's DATABASE_URL (see README.md)."""

import json
import os
import random
import signal
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path

from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count

from studyapp.integrity import review_log_violations
from studyapp.models import CardState, Deck, Review, User
from studyapp.services.enrollment import add_deck_to_studies

PASSWORD = "load-test-learner-password"


class Command(BaseCommand):
    help = (
        "Drive simulated learners against a running studyapp, optionally kill a gunicorn worker part-way, "
        "then check the review log and card schedules in the database; prints JSON figures."
    )

    def add_arguments(self, parser):
        parser.add_argument("--url", required=True, help="the running server, e.g. http://127.0.0.1:8000")
        parser.add_argument("--learners", type=int, default=50)
        parser.add_argument("--minutes", type=float, default=2.0)
        parser.add_argument("--think", type=float, nargs=2, default=(0.2, 1.5), metavar=("MIN", "MAX"))
        parser.add_argument(
            "--gunicorn-pid-file", help="gunicorn's --pid file: one worker is killed part-way"
        )
        parser.add_argument("--kill-at", type=float, default=0.5, help="fraction of the run (default 0.5)")
        parser.add_argument("--prefix", default="loadtest-", help="usernames of the simulated learners")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--sequential",
            action="store_true",
            help="each learner sends its double clicks and second tabs one after the other (for test servers "
            "on in-memory SQLite, which cannot take concurrent writes)",
        )

    def handle(self, *args, **options):
        try:
            from studyapp import loadtest
        except ImportError as exc:
            raise CommandError("load_test needs the dev extras: pip install -e '.[dev]'") from exc
        if options["learners"] < 1 or options["minutes"] <= 0:
            raise CommandError("--learners and --minutes must be positive")
        users = self._learners(options["prefix"], options["learners"])
        siblings = self._siblings([u.pk for u in users])
        tally = loadtest.Tally()
        rng = random.Random(options["seed"])
        duration = options["minutes"] * 60
        started = time.monotonic()
        learners = [
            loadtest.Learner(
                username=user.username,
                password=PASSWORD,
                base_url=options["url"],
                tally=tally,
                deadline=started + duration,
                rng=random.Random(rng.random()),
                think=tuple(options["think"]),
                siblings_of=lambda pk: siblings.get(pk, []),
                sequential=options["sequential"],
            )
            for user in users
        ]
        killed = {}
        if options["gunicorn_pid_file"]:
            timer = threading.Timer(
                duration * options["kill_at"], self._kill_a_worker, (options["gunicorn_pid_file"], killed)
            )
            timer.start()
        loadtest.run_learners(learners)
        elapsed = time.monotonic() - started
        if options["gunicorn_pid_file"]:
            timer.cancel()
        report = tally.summary(elapsed)
        violations = review_log_violations([u.pk for u in users]) + self._lost_or_doubled(users, tally)
        report.update(
            learners=len(users),
            minutes=options["minutes"],
            worker_killed=killed.get("pid"),
            invariant_violations=len(violations),
            violations=violations[:20],
            reviews_in_database=Review.objects.filter(user__in=users).count(),
        )
        self.stdout.write(json.dumps(report, indent=2))
        # A learner who could not log in tested nothing: that is a failed run too.
        if report["server_errors"] or violations or report["outcomes"].get("login_failed"):
            sys.exit(1)

    def _learners(self, prefix: str, count: int) -> list[User]:
        """Fresh learners (earlier runs' are deleted) studying every library deck, with limits high enough
        that the queue does not run dry during the run."""
        User.objects.filter(username__startswith=prefix).delete()
        if not Deck.objects.filter(scope=Deck.Scope.LIBRARY).exists():
            call_command("load_bundled_decks", stdout=open(os.devnull, "w"))  # noqa: SIM115
        decks = list(Deck.objects.filter(scope=Deck.Scope.LIBRARY))
        password = make_password(PASSWORD)
        users = User.objects.bulk_create(
            [
                User(
                    username=f"{prefix}{n:03d}",
                    password=password,
                    new_cards_per_day=9999,
                    reviews_per_day=99999,
                )
                for n in range(count)
            ]
        )
        users = list(User.objects.filter(username__startswith=prefix).order_by("username"))
        for user in users:
            for deck in decks:
                add_deck_to_studies(user=user, deck=deck)
        return users

    def _siblings(self, user_ids: list[int]) -> dict[int, list[int]]:
        by_item = defaultdict(list)
        rows = CardState.objects.filter(user_id__in=user_ids, card__item__isnull=False)
        for pk, user_id, item_id in rows.values_list("pk", "user_id", "card__item_id"):
            by_item[(user_id, item_id)].append(pk)
        return {pk: [other for other in group if other != pk] for group in by_item.values() for pk in group}

    def _lost_or_doubled(self, users: list[User], tally) -> list[str]:
        """Flashcard reviews in the database against what the server told the learners it recorded and
        undid; requests cut off by the killed worker may have gone either way."""
        counts = defaultdict(
            int,
            Review.objects.filter(user__in=users, source=Review.Source.REVIEW)
            .values("user__username")
            .annotate(n=Count("pk"))
            .values_list("user__username", "n"),
        )
        problems = []
        for user in users:
            name = user.username
            low = tally.answered[name] - tally.undone[name] - tally.undos_unknown[name]
            high = tally.answered[name] + tally.answers_unknown[name] - tally.undone[name]
            if not low <= counts[name] <= high:
                problems.append(f"{name}: {counts[name]} reviews stored, the server confirmed {low}..{high}")
        return problems

    def _kill_a_worker(self, pid_file: str, killed: dict) -> None:
        master = int(Path(pid_file).read_text().strip())
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        if children:
            pid = int(children[0])
            os.kill(pid, signal.SIGKILL)
            killed["pid"] = pid
