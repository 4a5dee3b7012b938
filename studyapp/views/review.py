"""The daily review loop: one page, one template; htmx swaps the `review-card` partial, plain forms work too."""

from __future__ import annotations

import functools
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from studyapp import cardgen, custom_study, queue, releases
from studyapp.access import get_deck_for_editor, get_deck_for_user
from studyapp.models import CardState, Deck, ProblemReport, Section
from studyapp.scheduling import Rating
from studyapp.services import cards as card_service, reviews
from studyapp.views.rendering import render_page

# The flag menu's options (value, label): the same on every card.
FLAG_CHOICES = [(value, label) for value, label in CardState.Flag.choices if value != CardState.Flag.NONE]
# Anki's default cap: a learner who walks away should not record a ten-minute answer.
MAX_ANSWER_MS = 60_000
MAX_ITEMS = 100


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _scope(request: HttpRequest, data) -> tuple[queue.Scope, Deck | None, Section | None]:
    """The deck and/or list to study, each checked to be visible to the learner (404 otherwise)."""
    deck = section = None
    deck_id, section_id = data.get("deck"), data.get("section")
    if deck_id:
        if _int(deck_id) is None:
            raise Http404
        deck = get_deck_for_user(request.user, int(deck_id))
    if section_id:
        if _int(section_id) is None:
            raise Http404
        section = get_object_or_404(
            Section.objects.select_related("deck").filter(deck__in=Deck.objects.visible_to(request.user)),
            pk=int(section_id),
        )
    # Item ids only narrow the learner's own cards, so a stranger's id simply matches nothing. Past 18 digits
    # an id cannot exist, and SQLite refuses to even compare with it.
    item_ids = tuple(
        sorted(
            {
                int(i)
                for i in (data.get("items") or "").split(",")
                if i.isascii() and i.isdigit() and len(i) <= 18
            }
        )
    )[:MAX_ITEMS]
    return (
        queue.Scope(
            deck_id=deck.pk if deck else None, section_id=section.pk if section else None, item_ids=item_ids
        ),
        deck,
        section,
    )


def _scope_query(scope: queue.Scope, **extra) -> dict:
    items = ",".join(map(str, scope.item_ids)) or None
    params = {"deck": scope.deck_id, "section": scope.section_id, "items": items, **extra}
    return {k: v for k, v in params.items() if v is not None}


def _review_url(scope: queue.Scope, base: str | None = None, **extra) -> str:
    params = _scope_query(scope, **extra)
    return (base or reverse("studyapp:review")) + (f"?{urlencode(params)}" if params else "")


def _render(
    request: HttpRequest,
    scope: queue.Scope,
    deck: Deck | None,
    section: Section | None,
    *,
    show: int | None = None,
    prefer: int | None = None,
    shown_at: int | None = None,
    notices: list[str] = (),
    config=None,
) -> HttpResponse:
    now = timezone.now()
    base = reverse("studyapp:review")
    built = queue.build_queue(request.user, now, scope, prefer=prefer or show)
    card_state = built.card_state
    buttons = []
    if card_state is not None:
        config = config or reviews.config_for(request.user)
        outcomes = reviews.preview_for(card_state, now, config)
        buttons = [
            {"rating": int(r), "label": r.label, "interval": outcomes[r].label, "key": str(int(r))}
            for r in Rating
        ]
    showing_answer = card_state is not None and show == card_state.pk
    context = {
        "nav": "study",
        "scope": scope,
        # Pairs, not a dict: `{% for k, v in d.items %}` would look up the "items" key first.
        "scope_fields": list(_scope_query(scope).items()),
        "deck": deck,
        "section": section,
        "counts": built.counts,
        "card_state": card_state,
        "showing_answer": showing_answer,
        "buttons": buttons,
        "shown_at": shown_at if showing_answer and shown_at else int(now.timestamp() * 1000),
        "notices": notices,
        "flags": FLAG_CHOICES,
        "report_reasons": ProblemReport.Reason.choices,
        "review_url": _review_url(scope, base=base),
        # Lazy, and built only when read: only the full page lists the learner's lists, so an htmx answer
        # pays neither the query nor building it (both uses on the page share one result).
        "study_lists": functools.cache(lambda: _study_lists(request.user)),
        "new_releases": lambda: releases.new_this_week(request.user, now),
        "custom": lambda: custom_study.custom_study(request.user, now),
    }
    if card_state is not None:
        context["show_url"] = _review_url(scope, show=card_state.pk, shown=context["shown_at"], base=base)
    return render_page(request, "studyapp/review.html", "review-card", context)


def _study_lists(user) -> list[Section]:
    return list(
        Section.objects.filter(deck__enrollments__user=user, deck__enrollments__active=True)
        .select_related("deck")
        .order_by("deck__title", "deck_id", "position")
    )


@login_required
@require_GET
def review(request: HttpRequest) -> HttpResponse:
    scope, deck, section = _scope(request, request.GET)
    return _render(
        request,
        scope,
        deck,
        section,
        show=_int(request.GET.get("show")),
        prefer=_int(request.GET.get("card")),
        shown_at=_int(request.GET.get("shown")),
    )


def _after_post(request, scope, deck, section, notices, *, prefer=None, config=None) -> HttpResponse:
    if request.htmx:
        return _render(request, scope, deck, section, notices=notices, prefer=prefer, config=config)
    for notice in notices:
        messages.info(request, notice)
    return redirect(_review_url(scope, card=prefer) if prefer else _review_url(scope))


@login_required
@require_POST
def answer(request: HttpRequest) -> HttpResponse:
    scope, deck, section = _scope(request, request.POST)
    card_state_id = _int(request.POST.get("card_state"))
    version = _int(request.POST.get("version"))
    rating = _int(request.POST.get("rating"))
    if card_state_id is None or version is None or rating not in {int(r) for r in Rating}:
        return HttpResponse("That answer was incomplete; reload the page.", status=400)
    now = timezone.now()
    shown_at = _int(request.POST.get("shown_at"))
    duration = int(now.timestamp() * 1000) - shown_at if shown_at else 0
    config = reviews.config_for(request.user)
    try:
        result = reviews.record_review(
            user=request.user,
            card_state_id=card_state_id,
            rating=rating,
            shown_version=version,
            duration_ms=min(max(duration, 0), MAX_ANSWER_MS),
            now=now,
            config=config,
            scope=scope,
        )
    except CardState.DoesNotExist:
        raise Http404 from None
    notices = [result.message] if result.message else []
    return _after_post(request, scope, deck, section, notices, config=config)


@login_required
@require_POST
def undo(request: HttpRequest) -> HttpResponse:
    scope, deck, section = _scope(request, request.POST)
    result = reviews.undo_last_review(user=request.user, now=timezone.now())
    prefer = result.card_state.pk if result.card_state else None
    return _after_post(request, scope, deck, section, [result.message], prefer=prefer)


@login_required
@require_POST
def card_action(request: HttpRequest) -> HttpResponse:
    scope, deck, section = _scope(request, request.POST)
    card_state_id = _int(request.POST.get("card_state"))
    action = request.POST.get("action")
    if card_state_id is None:
        raise Http404
    try:
        if action == "suspend":
            reviews.suspend(user=request.user, card_state_id=card_state_id)
            notices, prefer = ["Card suspended."], None
        elif action == "bury":
            reviews.bury(user=request.user, card_state_id=card_state_id, now=timezone.now())
            notices, prefer = ["Card buried until tomorrow."], None
        elif action == "flag" and _int(request.POST.get("flag")) in CardState.Flag.values:
            state = reviews.flag(
                user=request.user, card_state_id=card_state_id, flag=int(request.POST["flag"])
            )
            notices, prefer = [f"Flag: {state.get_flag_display()}."], card_state_id
        else:
            return HttpResponse("Unknown card action.", status=400)
    except CardState.DoesNotExist:
        raise Http404 from None
    return _after_post(request, scope, deck, section, notices, prefer=prefer)


TEMPLATE_EXAMPLES = 5


@login_required
@require_http_methods(["GET", "POST"])
def deck_templates(request: HttpRequest, deck_id: int) -> HttpResponse:
    deck = get_deck_for_editor(request.user, deck_id)
    if request.method == "POST":
        enabled = set(request.POST.getlist("templates"))
        deck.disabled_card_templates = [name for name in cardgen.TEMPLATES if name not in enabled]
        deck.save(update_fields=["disabled_card_templates", "updated_at"])
        result = card_service.sync_cards(deck)
        messages.success(
            request,
            f"Card templates saved: {result.created} cards added, {result.deactivated} switched off.",
        )
        return redirect("studyapp:deck-templates", deck_id=deck.pk)
    disabled = set(deck.disabled_card_templates or [])
    # Every template's cards as this deck would get them, switched on or not, so the owner sees the wording.
    sources = card_service.deck_sources(deck)
    headings = {s.key: s.heading for s in sources}
    groups = {i.key: i.group for s in sources for i in s.items}
    examples: dict[str, list[dict]] = {}
    for spec in cardgen.generate_cards(deck.title, sources):
        context = cardgen.context_line(deck.title, headings.get(spec.section_key), groups.get(spec.item_key))
        examples.setdefault(spec.template, []).append(
            {"context": context, "front": spec.front, "back": spec.back}
        )
    templates = [
        {
            "name": name,
            "label": label,
            "enabled": name not in disabled,
            "examples": examples.get(name, [])[:TEMPLATE_EXAMPLES],
            "count": len(examples.get(name, [])),
        }
        for name, label in cardgen.TEMPLATES.items()
    ]
    return render(
        request, "studyapp/deck_templates.html", {"deck": deck, "templates": templates, "nav": "study"}
    )
