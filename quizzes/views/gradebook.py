import io

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from quizzes import gradebook, services
from quizzes.access import get_assignment_for_instructor
from studyapp.services import problem_reports


@require_GET
@login_required
def gradebook_page(request: HttpRequest, assignment_id: int) -> HttpResponse:
    assignment = get_assignment_for_instructor(request.user, assignment_id)
    services.close_expired_attempts(assignment=assignment, now=timezone.now())
    rows = gradebook.gradebook_rows(assignment)
    gradebook.add_attempt_cells(rows)
    graded = [r.grade for r in rows if r.grade is not None]
    context = {
        "assignment": assignment,
        "rows": rows,
        "average": round(100 * sum(graded) / len(graded)) if graded else None,
        "nav": "classes",
    }
    return render(request, "quizzes/gradebook.html", context)


@require_GET
@login_required
def gradebook_csv(request: HttpRequest, assignment_id: int) -> HttpResponse:
    assignment = get_assignment_for_instructor(request.user, assignment_id)
    services.close_expired_attempts(assignment=assignment, now=timezone.now())
    out = io.StringIO()
    gradebook.write_gradebook_csv(assignment, gradebook.gradebook_rows(assignment), out)
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    name = slugify(f"{assignment.classroom.name} {assignment.quiz_set.title}") or "gradebook"
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


@require_GET
@login_required
def item_analysis(request: HttpRequest, assignment_id: int) -> HttpResponse:
    assignment = get_assignment_for_instructor(request.user, assignment_id)
    services.close_expired_attempts(assignment=assignment, now=timezone.now())
    questions = gradebook.item_analysis(assignment)
    reports = problem_reports.open_counts_by_question(qa.question.pk for qa in questions)
    for qa in questions:
        qa.open_reports = reports.get(qa.question.pk, 0)
    context = {
        "assignment": assignment,
        "questions": questions,
        "low": gradebook.analysis.LOW_DISCRIMINATION,
        "nav": "classes",
    }
    return render(request, "quizzes/item_analysis.html", context)
