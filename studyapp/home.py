"""The learner's home at `/`: their study progress and their quizzes on one page.

This page combines both apps, so it lives with the project wiring: the study core never imports `quizzes`.
"""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from quizzes import (
    charts as quiz_charts,
    overview,
    percentile,
    services as quiz_services,
    stats as quiz_stats,
    study_next,
)
from quizzes.models import QuizSet
from studyapp import charts, plans, stats
from studyapp.views.rendering import render_page


def _weak_items_url(weakest) -> str:
    ids = ",".join(str(w.item_id) for w in weakest)
    return f"{reverse('studyapp:review')}?{urlencode({'items': ids})}" if ids else ""


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """Visitors read what the app is; instructors land on their classes; learners on their dashboard."""
    if not request.user.is_authenticated:
        return render(request, "home/landing.html", {"nav": "home"})
    if request.user.is_instructor and request.GET.get("view") != "learner":
        return instructor_home(request)
    return learner_dashboard(request)


def instructor_home(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    context = {
        "nav": "dashboard",
        "classes": overview.instructor_overview(request.user, now),
        "quiz_sets": QuizSet.objects.owned_by(request.user).active().count(),
        "now": now,
    }
    return render(request, "home/instructor.html", context)


@login_required
def learner_dashboard(request: HttpRequest) -> HttpResponse:
    quiz_services.close_expired_for_dashboards(learner=request.user, now=timezone.now())
    figures = stats.learner_dashboard(request.user, timezone.now())
    planned = plans.for_dashboard(request.user, timezone.now(), figures.forecast)
    quiz = quiz_stats.learner_quizzes(request.user, timezone.now())
    context = {
        "nav": "dashboard",
        "d": figures,
        "plans": planned,
        "forecast": planned.forecast,
        "heatmap": charts.heatmap(figures.heatmap),
        "months": stats.monthly_totals(figures.heatmap),
        "forecast_chart": charts.bar_chart(planned.forecast),
        "forecast_total": sum(n for _, n in planned.forecast),
        "study_url": reverse("studyapp:review"),
        "weak_study_url": _weak_items_url(figures.weakest),
        "mature_days": stats.MATURE_DAYS,
        "quiz": quiz,
        "quiz_chart": quiz_charts.score_chart(quiz.days, figures.today.date),
        "study_next": study_next.study_next(request.user, timezone.now(), figures.by_list),
        "standings": percentile.class_percentiles(request.user, timezone.now()),
    }
    return render_page(request, "home/dashboard.html", "dashboard", context)
