"""Reminders: `--now` sends what is due at once; otherwise queue the periodic task for the worker."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from studyapp import tasks
from studyapp.services.reminders import send_due_reminders


class Command(BaseCommand):
    help = (
        "Start the reminder task's chain of runs (every REMINDER_INTERVAL_MINUTES, run by `manage.py db_worker`);"
        " safe to repeat. With --now, send the reminders due now in this process instead (for cron)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--now", action="store_true", help="send now, in this process")

    def handle(self, *args, **options):
        now = timezone.now()
        if options["now"]:
            outcome = send_due_reminders(now=now)
            self.stdout.write(
                f"sent {len(outcome.sent)}, already sent {outcome.already}, failed {outcome.failed}"
            )
        elif tasks.schedule_next_reminders(now):
            self.stdout.write(f"reminders scheduled from {tasks.next_slot(now):%H:%M} UTC")
        else:
            self.stdout.write("reminders already scheduled (or the task backend cannot run tasks later)")
