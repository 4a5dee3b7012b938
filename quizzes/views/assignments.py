from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from quizzes import gradebook, grading, services
from quizzes.access import (
    get_assignment_for_instructor,
    get_assignment_for_student,
    get_assignment_for_viewer,
    get_classroom_for_instructor,
)
from quizzes.forms import AssignmentForm
from quizzes.models import Assignment, Attempt, Classroom, QuizSet
from quizzes.views.deleting import Outcomes, delete_or_archive


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
    """Its instructor gets the settings and who attempted it; a student gets their attempts and Start/Resume."""
    assignment, teaches = get_assignment_for_viewer(request.user, assignment_id)
    now = timezone.now()
    if teaches:
        return _instructor_detail(request, assignment, now)
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
        "grade": grading.grade(finished, assignment.grading),
        "now": now,
        "nav": "quizzes",
    }
    return render(request, "quizzes/assignment_detail.html", context)


def _instructor_detail(request: HttpRequest, assignment: Assignment, now) -> HttpResponse:
    services.close_expired_attempts(assignment=assignment, now=now)
    rows = gradebook.gradebook_rows(assignment)
    attempted = [r for r in rows if r.attempts]
    context = {
        "assignment": assignment,
        "attempted": attempted,
        "not_attempted": [r for r in rows if not r.attempts],
        "member_count": len(rows),
        "in_progress": sum(1 for r in rows for a in r.attempts if a.is_open),
        "now": now,
        "nav": "classes",
    }
    return render(request, "quizzes/assignment_manage.html", context)


def _form_initial(assignment: Assignment) -> dict:
    return {"quiz_set": assignment.quiz_set, **services._assignment_fields(assignment)}


@require_http_methods(["GET", "POST"])
@login_required
def assignment_edit(request: HttpRequest, assignment_id: int) -> HttpResponse:
    assignment = get_assignment_for_instructor(request.user, assignment_id)
    has_attempts = services.attempts_on(assignment).exists()
    form = AssignmentForm(request.POST or None, user=request.user, initial=_form_initial(assignment))
    form.fields["quiz_set"].queryset = QuizSet.objects.owned_by(request.user).filter(
        Q(archived_at__isnull=True) | Q(pk=assignment.quiz_set_id)
    )
    # Attempts hold the questions they drew: after the first one, the quiz set stays.
    form.fields["quiz_set"].disabled = has_attempts
    if request.method == "POST" and form.is_valid():
        try:
            notes = services.update_assignment(assignment=assignment, now=timezone.now(), **form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            form.add_error(None, error.messages if isinstance(error, ValidationError) else str(error))
        else:
            messages.success(request, " ".join(["Assignment saved.", *notes]))
            return redirect("quizzes:assignment", assignment_id=assignment.pk)
    context = {
        "form": form,
        "classroom": assignment.classroom,
        "assignment": assignment,
        "has_attempts": has_attempts,
        "nav": "classes",
    }
    return render(request, "quizzes/assignment_form.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def assignment_duplicate(request: HttpRequest, assignment_id: int) -> HttpResponse:
    """The assignment form filled in from this one, for the same or another of the instructor's classes."""
    assignment = get_assignment_for_instructor(request.user, assignment_id)
    classes = Classroom.objects.taught_by(request.user).active()
    form = AssignmentForm(
        request.POST or None,
        user=request.user,
        initial={**_form_initial(assignment), "classroom": assignment.classroom},
        classrooms=classes,
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        classroom = data.pop("classroom")
        try:
            copy = services.assign_quiz_set(instructor=request.user, classroom=classroom, **data)
        except (ValidationError, PermissionDenied) as error:
            form.add_error(None, error.messages if isinstance(error, ValidationError) else str(error))
        else:
            messages.success(request, f"{copy.quiz_set} assigned again to {classroom}.")
            return redirect("quizzes:assignment", assignment_id=copy.pk)
    context = {"form": form, "classroom": assignment.classroom, "duplicate_of": assignment, "nav": "classes"}
    return render(request, "quizzes/assignment_form.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def assignment_delete(request: HttpRequest, assignment_id: int) -> HttpResponse:
    assignment = get_assignment_for_instructor(request.user, assignment_id)
    return delete_or_archive(
        request,
        assignment,
        label=f"the assignment {assignment.quiz_set} in {assignment.classroom}",
        delete=lambda now: services.delete_assignment(assignment=assignment, now=now),
        outcomes=Outcomes(
            restored=f"{assignment.quiz_set} restored for {assignment.classroom}.",
            archived=f"{assignment.quiz_set} archived: students no longer see it; its gradebook is kept.",
            deleted=f"{assignment.quiz_set} deleted from {assignment.classroom}.",
            after_delete=reverse("quizzes:class-detail", args=[assignment.classroom_id]),
        ),
    )


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
