from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from quizzes.forms import JoinForm
from quizzes.models import Assignment, Attempt, Classroom, QuizSet


@require_GET
@login_required
def index(request: HttpRequest) -> HttpResponse:
    user = request.user
    now = timezone.now()
    attempts = Attempt.objects.filter(user=user)
    by_assignment: dict[int, list[Attempt]] = {}
    for attempt in attempts.filter(assignment__isnull=False).order_by("started_at"):
        by_assignment.setdefault(attempt.assignment_id, []).append(attempt)
    assignments = []
    for assignment in (
        Assignment.objects.for_student(user)
        .select_related("quiz_set", "classroom")
        .order_by("closes_at")
        .distinct()
    ):
        mine = by_assignment.get(assignment.pk, [])
        assignments.append(
            {"assignment": assignment, "status": _status(assignment, mine, now), "attempts": mine}
        )
    context = {
        "nav": "quizzes",
        "taught": Classroom.objects.taught_by(user).active(),
        "archived_classes": Classroom.objects.taught_by(user).exclude(archived_at=None),
        "quiz_sets": QuizSet.objects.owned_by(user).active()
        if user.is_instructor
        else QuizSet.objects.none(),
        "set_assignments": Assignment.objects.taught_by(user)
        .active()
        .select_related("quiz_set", "classroom")
        .order_by("closes_at"),
        "joined": Classroom.objects.joined_by(user),
        "assignments": assignments,
        "practice_attempts": attempts.filter(assignment__isnull=True)[:10],
        "join_form": JoinForm(),
    }
    return render(request, "quizzes/index.html", context)


def _status(assignment: Assignment, attempts: list[Attempt], now) -> str:
    if any(a.is_open for a in attempts):
        return "In progress"
    if now < assignment.opens_at:
        return "Not open yet"
    done = [a for a in attempts if not a.is_open]
    if now >= assignment.closes_at:
        return "Closed" if done else "Closed, not taken"
    if len(attempts) >= assignment.max_attempts:
        return "Done"
    return f"Submitted ({len(done)} of {assignment.max_attempts})" if done else "To do"
