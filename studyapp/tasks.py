"""Background work, run by the django-tasks backend configured in settings (a worker in production)."""

from functools import partial

from django.db import transaction
from django_tasks import task

from studyapp.models import User
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
    learner's last fit. Call it after recording an answer; costs one COUNT query. The task is queued when the
    surrounding transaction commits, so it never holds up the answer's row lock nor reads uncommitted rows.

    Counting to an exact multiple (rather than "at least") means a learner whose history is still too short to
    fit is not refitted on every single answer, only once per REFIT_AFTER_REVIEWS answers.
    """
    new_reviews = fitting.reviews_since_last_fit(user)
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
