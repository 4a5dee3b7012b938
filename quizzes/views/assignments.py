from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from quizzes import services
from quizzes.access import get_assignment_for_student, get_classroom_for_instructor
from quizzes.forms import AssignmentForm
from quizzes.models import Attempt


@require_http_methods(["GET", "POST"])
@login_required
def assignment_create(request: HttpRequest, classroom_id: int) -> HttpResponse:
    classroom = get_classroom_for_instructor(request.user, classroom_id)
    form = AssignmentForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.assign_quiz_set(instructor=request.user, classroom=classroom, **data)
        except (ValidationError, PermissionDenied) as error:
            form.add_error(None, error.messages if isinstance(error, ValidationError) else str(error))
        else:
            messages.success(request, f"{data['quiz_set']} assigned to {classroom}.")
            return redirect("quizzes:class-detail", classroom_id=classroom.pk)
    return render(
        request, "quizzes/assignment_form.html", {"form": form, "classroom": classroom, "nav": "classes"}
    )


@require_GET
@login_required
def assignment_detail(request: HttpRequest, assignment_id: int) -> HttpResponse:
    """The student's view of one assignment: dates, rules, their attempts and a Start/Resume button."""
    assignment = get_assignment_for_student(request.user, assignment_id)
    now = timezone.now()
    attempts = list(Attempt.objects.filter(assignment=assignment, user=request.user).order_by("started_at"))
    attempts = [services.close_if_expired(attempt=a, now=now) for a in attempts]
    open_attempt = next((a for a in attempts if a.is_open), None)
    can_start = open_attempt is None and assignment.is_open(now) and len(attempts) < assignment.max_attempts
    finished = [a for a in attempts if not a.is_open]
    context = {
        "assignment": assignment,
        "attempts": attempts,
        "open_attempt": open_attempt,
        "can_start": can_start,
        "grade": services.grade(finished, assignment.grading),
        "now": now,
        "nav": "quizzes",
    }
    return render(request, "quizzes/assignment_detail.html", context)


@require_POST
@login_required
def assignment_start(request: HttpRequest, assignment_id: int) -> HttpResponse:
    assignment = get_assignment_for_student(request.user, assignment_id)
    try:
        attempt = services.start_attempt(user=request.user, assignment=assignment, now=timezone.now())
    except (services.QuizError, ValidationError) as error:
        messages.error(request, error.messages[0] if isinstance(error, ValidationError) else str(error))
        return redirect("quizzes:assignment", assignment_id=assignment.pk)
    return redirect("quizzes:attempt", attempt_id=attempt.pk)
