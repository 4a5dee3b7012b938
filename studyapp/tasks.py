"""Background work, run by the django-tasks backend configured in settings (a worker in production)."""

import datetime as dt
from functools import partial

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks import task

from studyapp.models import ReminderTick, User
from studyapp.services import fitting


@task()
def fit_parameters_task(user_id: int) -> int | None:
    """Fit a learner's FSRS parameters; the new ParameterFit's id, or None if the history is still short."""
    user = User.objects.filter(pk=user_id).first()
    if user is None:  # the account went away while the task waited
        return None
    fit = fitting.fit_learner_parameters(user=user)
    return fit.pk if fit else None


def maybe_fit_parameters(user: User) -> bool:
    """Queue a refit, off the request path, each time REFIT_AFTER_REVIEWS more answers have come in since the
    learner's last fit. Call it after counting an answer (services.answer_counts): it reads the learner's
    counter, no query. The task is queued when the surrounding transaction commits, so it never holds up the
    answer's row lock nor reads uncommitted rows.

    Counting to an exact multiple (rather than "at least") means a learner whose history is still too short to
    fit is not refitted on every single answer, only once per REFIT_AFTER_REVIEWS answers.
    """
    new_reviews = user.reviews_since_fit
    if new_reviews == 0 or new_reviews % fitting.REFIT_AFTER_REVIEWS:
        return False
    transaction.on_commit(partial(fit_parameters_task.enqueue, user.pk))
    return True


@task()
def import_anki_task(import_id: int) -> str | None:
    """Import a staged Anki package (services.anki_jobs); the job's final status."""
    from studyapp.models import AnkiImport
    from studyapp.services.anki_jobs import run_anki_import

    job = AnkiImport.objects.filter(pk=import_id).select_related("owner").first()
    if job is None or job.status != AnkiImport.Status.QUEUED:
        return None
    return run_anki_import(job).status


@task()
def export_anki_task(export_id: int) -> str | None:
    """Prepare a queued Anki export (services.anki_jobs); the job's final status."""
    from studyapp.models import AnkiExport
    from studyapp.services.anki_jobs import run_anki_export

    job = AnkiExport.objects.filter(pk=export_id).select_related("owner", "deck").first()
    if job is None or job.status != AnkiExport.Status.QUEUED:
        return None
    return run_anki_export(job).status


@task()
def send_reminders_task() -> int:
    """Send the reminders due now, then queue the next run (one chain only: see ReminderTick)."""
    from studyapp.services.reminders import send_due_reminders

    now = timezone.now()
    outcome = send_due_reminders(now=now)
    schedule_next_reminders(now)
    refresh_tallies_task.enqueue()  # its own task: a long recount must not hold up the next reminders
    return len(outcome.sent)


@task()
def refresh_tallies_task() -> int:
    """Recount the deck tallies about to go out of date, so the class dashboard's first look of a day (or
    after the tallies' window) reads current figures instead of recounting a whole class. Run at each
    reminder tick; returns how many learners were looked at."""
    from studyapp import tallies

    return tallies.refresh_expiring(now=timezone.now())


def next_slot(now: dt.datetime) -> dt.datetime:
    """The next quarter of an hour (or whatever REMINDER_INTERVAL_MINUTES says) after `now`."""
    step = settings.REMINDER_INTERVAL_MINUTES * 60
    return dt.datetime.fromtimestamp((int(now.timestamp()) // step + 1) * step, tz=dt.UTC)


def schedule_next_reminders(now: dt.datetime) -> bool:
    """Queue the reminder task for the next slot, unless a run for that slot is already queued (by another
    worker or an earlier `start_reminders`). Only with a backend that can run tasks later (the database one)."""
    backend = send_reminders_task.get_backend()
    if not backend.supports_defer:
        return False
    slot = next_slot(now)
    try:
        with transaction.atomic():
            ReminderTick.objects.create(slot=slot)
    except IntegrityError:
        return False
    ReminderTick.objects.filter(slot__lt=now - dt.timedelta(days=1)).delete()
    transaction.on_commit(lambda: send_reminders_task.using(run_after=slot).enqueue())
    return True
