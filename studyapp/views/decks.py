"""The deck library (decks a learner can see, in or out of their studies) and a deck's contents."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from studyapp import queue
from studyapp.access import get_deck_for_user
from studyapp.models import Deck, Enrollment, Item, SectionKind
from studyapp.services import problem_reports
from studyapp.services.enrollment import add_deck_to_studies, remove_deck_from_studies
from studyapp.views.rendering import render_page


def _library(user):
    studying = Enrollment.objects.filter(user=user, deck=OuterRef("pk"), active=True)
    return (
        Deck.objects.visible_to(user)
        .annotate(
            studying=Exists(studying),
            item_count=Count("items", filter=Q(items__retired_at__isnull=True), distinct=True),
        )
        .select_related("owner")
        .order_by("title")
    )


def _due_by_deck(user) -> dict[int, int]:
    """Cards due now per deck (before the daily limits), in one grouped query."""
    rows = (
        queue.due_now(user, timezone.now())
        .values("card__deck_id")
        .annotate(n=Count("pk"))
        .values_list("card__deck_id", "n")
    )
    return dict(rows)


def _render_library(request: HttpRequest, notice: str = "") -> HttpResponse:
    due = _due_by_deck(request.user)
    decks = list(_library(request.user))
    for d in decks:
        d.due = due.get(d.pk, 0)
    context = {"decks": decks, "notice": notice, "nav": "decks"}
    return render_page(request, "studyapp/decks.html", "deck-library", context)


def _back(request: HttpRequest, deck: Deck) -> HttpResponse:
    """To the deck page when the form was on it, else to the library."""
    if request.POST.get("next") == "deck":
        return redirect("studyapp:deck", deck_id=deck.pk)
    return redirect("studyapp:decks")


@require_GET
@login_required
def decks(request: HttpRequest) -> HttpResponse:
    return _render_library(request)


@require_POST
@login_required
def add_to_studies(request: HttpRequest, deck_id: int) -> HttpResponse:
    deck = get_deck_for_user(request.user, deck_id)
    add_deck_to_studies(user=request.user, deck=deck)
    notice = f"{deck.title} added to your studies: its cards are in your queue."
    if request.htmx:
        return _render_library(request, notice)
    messages.success(request, notice)
    return _back(request, deck)


@require_POST
@login_required
def remove_from_studies(request: HttpRequest, deck_id: int) -> HttpResponse:
    deck = get_deck_for_user(request.user, deck_id)
    remove_deck_from_studies(user=request.user, deck=deck)
    notice = f"{deck.title} removed from your studies. Your progress is kept if you add it again."
    if request.htmx:
        return _render_library(request, notice)
    messages.success(request, notice)
    return _back(request, deck)


@require_GET
@login_required
def deck(request: HttpRequest, deck_id: int) -> HttpResponse:
    deck = get_deck_for_user(request.user, deck_id)
    sections = deck.sections.prefetch_related(
        "groups",
        Prefetch("items", queryset=Item.objects.active().order_by("position"), to_attr="active_items"),
    )
    lists, faq = [], None
    for section in sections:
        if section.kind == SectionKind.FAQ:
            faq = section
            continue
        ungrouped = [i for i in section.active_items if i.group_id is None]
        groups = [(g, [i for i in section.active_items if i.group_id == g.pk]) for g in section.groups.all()]
        lists.append({"section": section, "ungrouped": ungrouped, "groups": groups})
    can_edit = Deck.objects.editable_by(request.user).filter(pk=deck.pk).exists()
    context = {
        "deck": deck,
        "lists": lists,
        "faq": faq,
        "studying": (
            studying := Enrollment.objects.filter(user=request.user, deck=deck, active=True).exists()
        ),
        "due": queue.due_now(request.user, timezone.now(), queue.Scope(deck_id=deck.pk)).count()
        if studying
        else 0,
        "can_edit": can_edit,
        # Editors see what they retired, so they can restore it.
        "retired": Item.objects.filter(deck=deck, retired_at__isnull=False).select_related("section")
        if can_edit
        else [],
        "report_groups": problem_reports.open_report_groups(deck) if can_edit else [],
        "nav": "decks",
    }
    return render(request, "studyapp/deck.html", context)
