"""Plans: exam dates, catching up after a break, and the workload simulator (a page under study settings)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from studyapp import charts, plans
from studyapp.forms import BacklogPlanForm, ExamPlanForm
from studyapp.models import ExamPlan
from studyapp.views.rendering import render_page


def _page(
    request: HttpRequest,
    *,
    exam_form=None,
    backlog_form=None,
    preview=None,
    status: int = 200,
    partial="plans",
):
    user, now = request.user, timezone.now()
    today = user.study_date(now)
    context = {
        "nav": "settings",
        "exam_plans": ExamPlan.objects.upcoming_for(user, today).select_related("deck", "section"),
        "exam_form": exam_form or ExamPlanForm(user=user, today=today),
        "backlog_form": backlog_form or BacklogPlanForm(),
        "backlog": plans.backlog_now(user, now),
        "catch_up": plans.active_backlog(user),
        "preview": preview,
        "preview_chart": charts.bar_chart([(day, round(n)) for day, n, _m in preview.days], unit="reviews")
        if preview
        else None,
    }
    return render_page(request, "studyapp/plans.html", partial, context, status=status)


@require_GET
@login_required
def plans_page(request: HttpRequest) -> HttpResponse:
    return _page(request)


@require_POST
@login_required
def exam_plan(request: HttpRequest) -> HttpResponse:
    """First a preview of the predicted daily load and the new-card pace; saved only when the learner commits."""
    now = timezone.now()
    form = ExamPlanForm(request.POST, user=request.user, today=request.user.study_date(now))
    if not form.is_valid():
        return _page(request, exam_form=form, partial="exam-panel")
    deck, section = form.deck_and_section
    fields = {"deck": deck, "section": section, "exam_date": form.cleaned_data["exam_date"]}
    if request.POST.get("commit"):
        plans.set_exam_plan(user=request.user, target=form.cleaned_data["target"], now=now, **fields)
        messages.success(request, f"Exam plan saved: {section or deck} on {fields['exam_date']:%d %b %Y}.")
        if request.htmx:
            return HttpResponseClientRedirect(reverse("studyapp:plans"))
        return redirect("studyapp:plans")
    preview = plans.preview_exam(user=request.user, target=form.cleaned_data["target"], now=now, **fields)
    return _page(request, exam_form=form, preview=preview, partial="exam-panel")


@require_POST
@login_required
def exam_plan_delete(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = get_object_or_404(ExamPlan, pk=plan_id, user=request.user, source=ExamPlan.OWN)
    plans.remove_exam_plan(user=request.user, plan_id=plan.pk, now=timezone.now())
    messages.success(request, "Exam plan removed; your cards go back to your own desired retention.")
    return redirect("studyapp:plans")


@require_POST
@login_required
def backlog_plan(request: HttpRequest) -> HttpResponse:
    form = BacklogPlanForm(request.POST)
    if not form.is_valid():
        return _page(request, backlog_form=form, partial="backlog-panel")
    plan = plans.start_backlog_plan(
        user=request.user,
        now=timezone.now(),
        cap=form.cleaned_data["daily_cap"],
        days=form.cleaned_data["days"],
    )
    messages.success(
        request, f"Catching up at most {plan.daily_cap} reviews a day; new cards wait until then."
    )
    return redirect("studyapp:plans")


@require_POST
@login_required
def backlog_stop(request: HttpRequest) -> HttpResponse:
    plans.stop_backlog_plan(user=request.user, now=timezone.now())
    messages.success(request, "Catch-up plan stopped: your own limits apply again.")
    return redirect("studyapp:plans")


@require_GET
@login_required
def simulator(request: HttpRequest) -> HttpResponse:
    """Minutes a day and expected recall for 90 days at three desired retentions (about a second of work)."""
    workloads = plans.simulate_retentions(request.user, timezone.now())
    chart = charts.line_chart([(f"{w.desired_retention:.2f}", w.minutes) for w in workloads])
    context = {
        "nav": "settings",
        "workloads": workloads,
        "chart": chart,
        "current": request.user.desired_retention,
        "retentions": [f"{w.desired_retention:.2f}" for w in workloads],
    }
    return render_page(request, "studyapp/simulator.html", "simulator", context)
