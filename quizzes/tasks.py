"""Background work of the quizzes app, run by the django-tasks backend configured in settings."""

from functools import partial

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from quizzes import class_stats
from quizzes.models import Classroom

RECOUNT_QUEUED_FOR = 10 * 60  # seconds a queued recount keeps others from being queued (if it never runs)


def _recount_key(classroom_id: int) -> str:
    return f"class-tallies-recount:{classroom_id}"


@task()
def recount_class_tallies_task(classroom_id: int) -> int:
    """Recount the class dashboard's card figures of every student of the class whose figures are out of
    date; how many students the class has."""
    cache.delete(_recount_key(classroom_id))  # answers from now on need a recount of their own
    classroom = Classroom.objects.filter(pk=classroom_id).first()
    if classroom is None:
        return 0
    return class_stats.recount_tallies(classroom, timezone.now())


def queue_class_recount(classroom: Classroom) -> bool:
    """Queue the class's recount when a page shows figures from earlier, unless one is already queued."""
    if not cache.add(_recount_key(classroom.pk), True, RECOUNT_QUEUED_FOR):
        return False
    transaction.on_commit(partial(recount_class_tallies_task.enqueue, classroom.pk))
    return True
