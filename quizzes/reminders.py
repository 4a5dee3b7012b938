"""The quiz app's reminders: an assignment the learner has not finished closes within a day."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from quizzes.models import Assignment, Attempt
from studyapp.models import ReminderSent
from studyapp.reminders import Reminder

LEAD = dt.timedelta(hours=24)


def closing_assignments(user, now: dt.datetime) -> list[Reminder]:
    assignments = list(
        Assignment.objects.for_student(user)
        .filter(opens_at__lte=now, closes_at__gt=now, closes_at__lte=now + LEAD)
        .select_related("quiz_set", "classroom")
        .distinct()
        .order_by("closes_at", "pk")
    )
    if not assignments:
        return []
    finished = set(
        Attempt.objects.filter(user=user, assignment__in=assignments)
        .exclude(status=Attempt.Status.IN_PROGRESS)
        .values_list("assignment_id", flat=True)
    )
    found = []
    for assignment in assignments:
        if assignment.pk in finished:
            continue
        closes = assignment.closes_at.astimezone(user.tzinfo)
        hours = max(1, round((assignment.closes_at - now).total_seconds() / 3600))
        title = assignment.quiz_set.title
        found.append(
            Reminder(
                kind=ReminderSent.Kind.ASSIGNMENT,
                key=str(assignment.pk),
                subject=f"studyapp: “{title}” closes in {hours} hour{'s' if hours != 1 else ''}",
                body=f"“{title}” ({assignment.classroom.name}) closes {closes:%a %d %b at %H:%M} and you have not "
                "finished it yet.",
                path=reverse("quizzes:assignment", kwargs={"assignment_id": assignment.pk}),
            )
        )
    return found
