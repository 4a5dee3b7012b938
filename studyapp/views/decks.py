"""The deck library (decks a learner can see, in or out of their studies) and a deck's contents."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

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


def _render_library(request: HttpRequest) -> HttpResponse:
    context = {"decks": _library(request.user), "nav": "decks"}
    return render_page(request, "studyapp/decks.html", "deck-library", context)


@require_GET
@login_required
def decks(request: HttpRequest) -> HttpResponse:
    return _render_library(request)


@require_POST
@login_required
def add_to_studies(request: HttpRequest, deck_id: int) -> HttpResponse:
    deck = get_deck_for_user(request.user, deck_id)
    add_deck_to_studies(user=request.user, deck=deck)
    if request.htmx:
        return _render_library(request)
    return redirect("studyapp:decks")


@require_POST
@login_required
def remove_from_studies(request: HttpRequest, deck_id: int) -> HttpResponse:
    deck = get_deck_for_user(request.user, deck_id)
    remove_deck_from_studies(user=request.user, deck=deck)
    if request.htmx:
        return _render_library(request)
    return redirect("studyapp:decks")


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
        "studying": Enrollment.objects.filter(user=request.user, deck=deck, active=True).exists(),
        "can_edit": can_edit,
        # Editors see what they retired, so they can restore it.
        "retired": Item.objects.filter(deck=deck, retired_at__isnull=False).select_related("section")
        if can_edit
        else [],
        "report_groups": problem_reports.open_report_groups(deck) if can_edit else [],
        "nav": "decks",
    }
    return render(request, "studyapp/deck.html", context)
