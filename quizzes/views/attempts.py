from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from quizzes import services
from quizzes.access import get_attempt_for_learner, get_attempt_for_viewer
from quizzes.forms import PracticeForm
from quizzes.models import Attempt
from studyapp.models import Deck, ProblemReport, SectionKind
from studyapp.services import problem_reports
from studyapp.views.rendering import render_page
from studyapp.views.reports import ReportForm


def _attempt_context(attempt: Attempt, position: int | None, now) -> dict:
    answers = list(attempt.answers.select_related("question"))
    if position is None or not 1 <= position <= len(answers):
        position = next((a.position for a in answers if a.chosen is None), 1)
    current = next((a for a in answers if a.position == position), None)
    seconds_left = None
    if attempt.deadline is not None:
        seconds_left = max(0, int((attempt.deadline - now).total_seconds()))
    return {
        "attempt": attempt,
        "answers": answers,
        "current": current,
        "previous": position - 1 if position > 1 else None,
        "next": position + 1 if position < len(answers) else None,
        "answered": sum(1 for a in answers if a.chosen is not None),
        "show_feedback": attempt.mode == Attempt.Mode.TUTOR
        and current is not None
        and current.chosen is not None,
        "seconds_left": seconds_left,
        "report_reasons": ProblemReport.Reason.choices,
        "nav": "quizzes",
    }


def _position(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@require_GET
@login_required
def attempt_page(request: HttpRequest, attempt_id: int) -> HttpResponse:
    attempt = get_attempt_for_learner(request.user, attempt_id)
    now = timezone.now()
    attempt = services.close_if_expired(attempt=attempt, now=now)
    if not attempt.is_open:
        return redirect("quizzes:attempt-result", attempt_id=attempt.pk)
    context = _attempt_context(attempt, _position(request.GET.get("q")), now)
    return render_page(request, "quizzes/attempt.html", "attempt-question", context)


@require_POST
@login_required
def attempt_answer(request: HttpRequest, attempt_id: int) -> HttpResponse:
    attempt = get_attempt_for_learner(request.user, attempt_id)
    now = timezone.now()
    position = _position(request.POST.get("position"))
    chosen = _position(request.POST.get("chosen"))
    result_url = reverse("quizzes:attempt-result", kwargs={"attempt_id": attempt.pk})
    if position is None or not attempt.answers.filter(position=position).exists():
        return redirect("quizzes:attempt", attempt_id=attempt.pk)
    if chosen is None:
        messages.warning(request, "Pick an option first.")
    else:
        try:
            services.save_answer(attempt=attempt, position=position, chosen=chosen, now=now)
        except services.AttemptClosed as error:
            messages.error(request, str(error))
            services.close_if_expired(attempt=attempt, now=now)
            return HttpResponseClientRedirect(result_url) if request.htmx else redirect(result_url)
        except (services.QuizError, ValidationError) as error:
            messages.error(request, error.messages[0] if isinstance(error, ValidationError) else str(error))
    # Exam mode moves on; tutor mode stays to show the feedback.
    if attempt.mode == Attempt.Mode.EXAM and chosen is not None and request.POST.get("stay") is None:
        position = min(position + 1, attempt.question_count)
    if request.htmx:
        attempt.refresh_from_db()
        response = render_page(
            request, "quizzes/attempt.html", "attempt-question", _attempt_context(attempt, position, now)
        )
        response["HX-Push-Url"] = (
            f"{reverse('quizzes:attempt', kwargs={'attempt_id': attempt.pk})}?q={position}"
        )
        return response
    return redirect(f"{reverse('quizzes:attempt', kwargs={'attempt_id': attempt.pk})}?q={position}")


@require_POST
@login_required
def report_question(request: HttpRequest, attempt_id: int) -> HttpResponse:
    """Report a problem with one question of the learner's own attempt; they will not be asked it again."""
    attempt = get_attempt_for_learner(request.user, attempt_id)
    position = _position(request.POST.get("position"))
    answer = attempt.answers.select_related("question__deck").filter(position=position).first()
    form = ReportForm(request.POST)
    if answer is None:
        return redirect("quizzes:attempt", attempt_id=attempt.pk)
    if not form.is_valid() or answer.question.deck is None:
        messages.error(request, "Pick what is wrong with the question to report it.")
    else:
        question = answer.question
        problem_reports.report_question(
            user=request.user,
            deck=question.deck,
            question_id=question.pk,
            stem=question.stem,
            answer=question.correct_option,
            item_ids=question.item_ids,
            reason=form.cleaned_data["reason"],
            comment=form.cleaned_data["comment"],
        )
        messages.success(
            request, "Thanks: the question is reported to the deck's editors; you will not get it again."
        )
    if attempt.is_open:
        return redirect(f"{reverse('quizzes:attempt', kwargs={'attempt_id': attempt.pk})}?q={position}")
    return redirect("quizzes:attempt-result", attempt_id=attempt.pk)


@require_POST
@login_required
def attempt_submit(request: HttpRequest, attempt_id: int) -> HttpResponse:
    attempt = get_attempt_for_learner(request.user, attempt_id)
    attempt = services.submit_attempt(attempt=attempt, now=timezone.now())
    if request.POST.get("time_up") and not attempt.is_late:
        messages.info(request, "Time is up: your answers were submitted automatically.")
    if attempt.is_late:
        messages.warning(
            request, "Submitted after the time limit: marked late, only answers saved in time count."
        )
    url = reverse("quizzes:attempt-result", kwargs={"attempt_id": attempt.pk})
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


@require_GET
@login_required
def attempt_result(request: HttpRequest, attempt_id: int) -> HttpResponse:
    attempt = get_attempt_for_viewer(request.user, attempt_id)
    now = timezone.now()
    attempt = services.close_if_expired(attempt=attempt, now=now)
    if attempt.is_open and attempt.user_id == request.user.pk:
        return redirect("quizzes:attempt", attempt_id=attempt.pk)
    answers = list(attempt.answers.select_related("question"))
    context = {
        "attempt": attempt,
        "answers": answers,
        "reveal": services.answers_visible(attempt=attempt, viewer=request.user, now=now),
        "is_own": attempt.user_id == request.user.pk,
        "report_reasons": ProblemReport.Reason.choices,
        "nav": "quizzes",
    }
    if attempt.is_practice and not attempt.is_open:
        context.update(_leads_on(attempt, answers))
    return render(request, "quizzes/attempt_result.html", context)


def _practice_initial(request: HttpRequest) -> dict:
    """The deck (and list) asked for in the query string, or the learner's only deck."""
    studied = Deck.objects.visible_to(request.user).filter(
        enrollments__user=request.user, enrollments__active=True
    )
    initial: dict = {}
    wanted = request.GET.get("deck", "")
    if wanted.isascii() and wanted.isdigit() and len(wanted) <= 18:
        initial["decks"] = list(Deck.objects.visible_to(request.user).filter(pk=int(wanted)).distinct())
    elif studied.count() == 1:
        initial["decks"] = list(studied)
    lists = [k for k in request.GET.getlist("list") if k in SectionKind.values]
    if lists:
        initial["section_kinds"] = lists
    return initial


def _leads_on(attempt: Attempt, answers: list) -> dict:
    """Where a finished practice quiz leads: retry it, review the missed items as flashcards, a quiz on the lists
    missed most."""
    missed = [a for a in answers if not a.is_correct]
    missed_items = sorted(
        {i for a in missed if a.question.kind != "not_member" for i in (a.question.item_ids or [])}
    )[:100]
    misses_by_list: dict[str, int] = {}
    for a in missed:
        if a.question.section:
            misses_by_list[a.question.section] = misses_by_list.get(a.question.section, 0) + 1
    weakest = sorted(misses_by_list, key=lambda k: -misses_by_list[k])[:2]
    return {
        "retry_decks": sorted({a.question.deck_id for a in answers if a.question.deck_id}),
        "retry_lists": sorted({a.question.section for a in answers if a.question.section}),
        "missed_review_url": (
            f"{reverse('studyapp:review')}?{urlencode({'items': ','.join(map(str, missed_items))})}"
            if missed_items
            else ""
        ),
        "weakest_lists": [(k, SectionKind(k).label if k in SectionKind.values else k) for k in weakest],
    }


@require_http_methods(["GET", "POST"])
@login_required
def practice(request: HttpRequest) -> HttpResponse:
    form = PracticeForm(request.POST or None, user=request.user, initial=_practice_initial(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            attempt = services.start_practice(
                user=request.user,
                decks=data["decks"],
                section_kinds=data["section_kinds"],
                count=data["count"],
                mode=data["mode"],
                now=timezone.now(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if attempt.question_count < data["count"]:
                messages.warning(
                    request, services.shortfall_message(asked=data["count"], made=attempt.question_count)
                )
            return redirect("quizzes:attempt", attempt_id=attempt.pk)
    return render(request, "quizzes/practice.html", {"form": form, "nav": "quizzes"})
