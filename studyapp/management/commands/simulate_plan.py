"""Prove the planning rules on simulated learners: exam mode, backlog autopilot, workload simulator."""

import json

from django.core.management.base import BaseCommand, CommandError

from studyapp import plan_simulation


class Command(BaseCommand):
    help = (
        "Simulate learners whose memory follows FSRS-6 (parameters sampled around the defaults) studying through "
        "the app's scheduling and planning code; compare exam mode, backlog autopilot and the workload simulator "
        "with their baselines. Means over the learners."
    )

    def add_arguments(self, parser):
        parser.add_argument("--learners", type=int, default=50)
        parser.add_argument("--days", type=int, default=120)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--target", type=float, default=0.95, help="Exam-day recall target.")
        parser.add_argument(
            "--json", action="store_true", help="Print one JSON object (the default prints it too)."
        )

    def handle(self, *args, learners, days, seed, target, **options):
        if learners < 1:
            raise CommandError("--learners must be at least 1.")
        if days < 30:
            raise CommandError(
                "--days must be at least 30 (an exam halfway, a 14-day break, 90 days predicted)."
            )
        if not 0.7 <= target < 1:
            raise CommandError("--target must be between 0.7 and 0.99.")
        figures = plan_simulation.summarise(learners, days, seed, target)
        self.stdout.write(json.dumps(figures, indent=None if options["json"] else 2))
