"""The instructor's class dashboard and its CSV export."""

import csv

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from quizzes import class_stats, overview, services as quiz_services, stats as quiz_stats, tasks
from quizzes.access import get_classroom_for_instructor
from studyapp.views.rendering import render_page


@require_GET
@login_required
def class_dashboard(request: HttpRequest, classroom_id: int) -> HttpResponse:
    classroom = get_classroom_for_instructor(request.user, classroom_id)
    quiz_services.close_expired_for_dashboards(classroom=classroom, now=timezone.now())
    now = timezone.now()
    day_start, _ = request.user.day_bounds(request.user.study_date(now))
    dashboard = class_stats.class_dashboard(
        classroom, now, day_start, recount_limit=class_stats.RECOUNT_ON_PAGE
    )
    if dashboard.behind:
        tasks.queue_class_recount(classroom)
    scores = quiz_stats.class_scores(classroom, dashboard.students)
    context = {
        "nav": "classes",
        "classroom": classroom,
        "dash": dashboard,
        "lines": class_stats.student_lines(dashboard, scores),
        "reviews_window": class_stats.REVIEWS_WINDOW_DAYS,
        "retention_window": class_stats.RETENTION_WINDOW_DAYS,
        "scores": scores,
        "releases": overview.recent_release_progress(classroom, timezone.now()),
    }
    return render_page(request, "quizzes/class_dashboard.html", "class-dashboard", context)


@require_GET
@login_required
def class_dashboard_csv(request: HttpRequest, classroom_id: int) -> HttpResponse:
    classroom = get_classroom_for_instructor(request.user, classroom_id)
    quiz_services.close_expired_for_dashboards(classroom=classroom, now=timezone.now())
    table = "items" if request.GET.get("table") == "items" else "students"
    if table == "items":
        rows = class_stats.item_csv_rows(class_stats.class_items(classroom, timezone.now()))
    else:
        dashboard = class_stats.class_dashboard(classroom, timezone.now(), with_items=False)
        rows = class_stats.student_csv_rows(dashboard)
        rows = quiz_stats.add_score_columns(rows, quiz_stats.class_scores(classroom, dashboard.students))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"{slugify(classroom.name) or 'class'}-{table}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    csv.writer(response).writerows(rows)
    return response
