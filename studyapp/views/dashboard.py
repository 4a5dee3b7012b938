"""Dashboards: the learner's own progress at `/`, and an instructor's view of one class."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from quizzes import charts as quiz_charts
from quizzes import services as quiz_services
from quizzes import stats as quiz_stats
from studyapp import charts, stats


def _render(request: HttpRequest, template: str, partial: str, context: dict) -> HttpResponse:
    if request.htmx and not request.htmx.history_restore_request:
        template = f"{template}#{partial}"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _weak_items_url(weakest) -> str:
    ids = ",".join(str(w.item_id) for w in weakest)
    return f"{reverse('studyapp:review')}?{urlencode({'items': ids})}" if ids else ""


@require_GET
@login_required
def home(request: HttpRequest) -> HttpResponse:
    quiz_services.close_expired_for_dashboards(learner=request.user, now=timezone.now())
    figures = stats.learner_dashboard(request.user, timezone.now())
    quiz = quiz_stats.learner_quizzes(request.user, timezone.now())
    context = {
        "nav": "dashboard",
        "d": figures,
        "heatmap": charts.heatmap(figures.heatmap),
        "months": stats.monthly_totals(figures.heatmap),
        "forecast_chart": charts.bar_chart(figures.forecast),
        "forecast_total": sum(n for _, n in figures.forecast),
        "study_url": reverse("studyapp:review"),
        "weak_study_url": _weak_items_url(figures.weakest),
        "mature_days": stats.MATURE_DAYS,
        "quiz": quiz,
        "quiz_chart": quiz_charts.score_chart(quiz.days, figures.today.date),
    }
    return _render(request, "studyapp/dashboard.html", "dashboard", context)
