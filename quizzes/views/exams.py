"""Exams an instructor sets for a class: each member's cards of that material are planned to the exam day."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from quizzes import services
from quizzes.access import get_classroom_for_instructor
from quizzes.forms import ClassExamForm


@require_http_methods(["GET", "POST"])
@login_required
def class_exams(request: HttpRequest, classroom_id: int) -> HttpResponse:
    classroom = get_classroom_for_instructor(request.user, classroom_id)
    now = timezone.now()
    form = ClassExamForm(request.POST or None, user=request.user, today=request.user.study_date(now))
    if request.method == "POST" and form.is_valid():
        deck, section = form.deck_and_section()
        try:
            exam = services.set_class_exam(
                classroom=classroom,
                deck=deck,
                section=section,
                exam_date=form.cleaned_data["exam_date"],
                target=form.cleaned_data["exam_target"],
                now=now,
            )
        except (ValidationError, PermissionDenied) as error:
            form.add_error(None, error.messages if isinstance(error, ValidationError) else str(error))
        else:
            messages.success(request, f"Exam set for {classroom.name}: {exam}.")
            return redirect("quizzes:class-exams", classroom_id=classroom.pk)
    context = {
        "classroom": classroom,
        "form": form,
        "exams": classroom.exams.select_related("deck", "section"),
        "nav": "classes",
    }
    return render(request, "quizzes/class_exams.html", context)


@require_POST
@login_required
def class_exam_delete(request: HttpRequest, classroom_id: int, exam_id: int) -> HttpResponse:
    classroom = get_classroom_for_instructor(request.user, classroom_id)
    exam = get_object_or_404(classroom.exams.select_related("deck", "section"), pk=exam_id)
    services.delete_class_exam(exam=exam, now=timezone.now())
    messages.success(request, f"Exam removed: {exam}. Students' cards go back to their own schedules.")
    return redirect("quizzes:class-exams", classroom_id=classroom.pk)
