"""Study endpoints: decks, lists and items; due cards and answers; undo; settings; dashboard figures."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Query, Router, Schema, Status

from studyapp import offline, queue, stats
from studyapp.access import get_deck_for_user
from studyapp.api import schemas as s
from studyapp.forms import StudySettingsForm
from studyapp.models import CardState, Deck, Enrollment, Item, Section
from studyapp.services import reviews, sync
from studyapp.services.enrollment import add_deck_to_studies, remove_deck_from_studies

router = Router(tags=["study"])


# --- Decks, lists, items ------------------------------------------------------------------------------------


def _decks(user):
    return Deck.objects.visible_to(user).annotate(
        studying=Exists(Enrollment.objects.filter(user=user, deck=OuterRef("pk"), active=True)),
        item_count=Count("items", filter=Q(items__retired_at__isnull=True), distinct=True),
    )


def _deck_out(deck) -> dict:
    return {
        "id": deck.pk,
        "title": deck.title,
        "slug": deck.slug,
        "summary": deck.summary,
        "scope": deck.scope,
        "source": deck.source,
        "studying": deck.studying,
        "item_count": deck.item_count,
    }


def _lists(queryset):
    return queryset.annotate(
        item_count=Count("items", filter=Q(items__retired_at__isnull=True), distinct=True)
    ).order_by("deck_id", "position")


def _list_out(section) -> dict:
    return {
        "id": section.pk,
        "deck_id": section.deck_id,
        "heading": section.heading,
        "kind": section.kind,
        "item_count": section.item_count,
    }


@router.get("/decks", response=list[s.DeckOut], summary="Decks you may study")
def list_decks(request):
    return [_deck_out(d) for d in _decks(request.user).order_by("title")]


@router.get("/decks/{int:deck_id}", response=s.DeckDetail, summary="A deck and its lists")
def get_deck(request, deck_id: int):
    deck = get_object_or_404(_decks(request.user), pk=deck_id)
    return {**_deck_out(deck), "lists": [_list_out(x) for x in _lists(deck.sections.all())]}


@router.post("/decks/{int:deck_id}/study", response=s.Message, summary="Add a deck to your studies")
def study_deck(request, deck_id: int):
    deck = get_deck_for_user(request.user, deck_id)
    add_deck_to_studies(user=request.user, deck=deck)
    return {"detail": f"{deck.title} is in your studies."}


@router.delete("/decks/{int:deck_id}/study", response=s.Message, summary="Remove a deck from your studies")
def unstudy_deck(request, deck_id: int):
    deck = get_deck_for_user(request.user, deck_id)
    remove_deck_from_studies(user=request.user, deck=deck)
    return {"detail": f"{deck.title} is no longer in your studies; your progress is kept."}


@router.get("/lists/{int:section_id}", response=s.ListDetail, summary="A list and its items")
def get_list(request, section_id: int):
    section = get_object_or_404(
        _lists(Section.objects.filter(deck__in=Deck.objects.visible_to(request.user))), pk=section_id
    )
    items = Item.objects.active().filter(section=section).select_related("group").order_by("position")
    return {
        **_list_out(section),
        "items": [
            {
                "id": i.pk,
                "term": i.term,
                "gloss": i.gloss,
                "answer": i.answer,
                "group": i.group.name if i.group else None,
                "tags": list(i.tags or []),
            }
            for i in items
        ],
    }


# --- Reviewing ----------------------------------------------------------------------------------------------


class ScopeQuery(Schema):
    deck: int | None = None
    section: int | None = None


def _scope(request, query: ScopeQuery) -> queue.Scope:
    """As the review page: a deck or list you may not see is a 404, not an empty queue."""
    if query.deck is not None:
        get_deck_for_user(request.user, query.deck)
    if query.section is not None:
        get_object_or_404(
            Section.objects.filter(deck__in=Deck.objects.visible_to(request.user)), pk=query.section
        )
    return queue.Scope(deck_id=query.deck, section_id=query.section)


def _counts(counts: queue.Counts) -> dict:
    return {"new": counts.new, "learning": counts.learning, "review": counts.review, "total": counts.total}


def card_out(card_state: CardState, now: dt.datetime, config, siblings=()) -> dict:
    """A card with the four outcomes of answering it at `now` (or when it falls due, if later)."""
    when = max(now, card_state.due) if card_state.due else now
    outcomes = reviews.preview_for(card_state, when, config)
    card = card_state.card
    return {
        "card_state_id": card_state.pk,
        "version": card_state.version,
        "card_rev": sync.card_revision(card),
        "deck_id": card.deck_id,
        "section_id": card.section_id,
        "item_id": card.item_id,
        "template": card.template,
        "context": card.context_line,
        "front": card.front,
        "back": card.back,
        "state": CardState.State(card_state.state).label,
        "due": card_state.due,
        "outcomes": [
            {
                "rating": int(rating),
                "label": rating.label,
                "interval": outcome.label,
                "interval_seconds": int(outcome.interval.total_seconds()),
                "due": outcome.memory.due,
            }
            for rating, outcome in outcomes.items()
        ],
        "siblings": list(siblings),
    }


def _with_siblings(states: list[CardState], now, config) -> list[dict]:
    by_item: dict[int, list[int]] = {}
    for state in states:
        if state.card.item_id is not None:
            by_item.setdefault(state.card.item_id, []).append(state.pk)
    return [
        card_out(st, now, config, [pk for pk in by_item.get(st.card.item_id, []) if pk != st.pk])
        for st in states
    ]


@router.get("/study/next", response=s.NextCard, summary="The next card to review, with its four outcomes")
def next_card(request, query: Query[ScopeQuery]):
    now = timezone.now()
    built = queue.build_queue(request.user, now, _scope(request, query))
    card = None
    if built.card_state is not None:
        card = card_out(built.card_state, now, reviews.config_for(request.user))
    return {"counts": _counts(built.counts), "card": card}


@router.get(
    "/study/due", response=s.DueCards, summary="Cards due now, in review order, within your daily limits"
)
def due(request, query: Query[ScopeQuery], limit: int = Query(100, ge=1, le=500)):
    now = timezone.now()
    counts, states = queue.due_cards(request.user, now, _scope(request, query), limit=limit)
    return {"counts": _counts(counts), "cards": _with_siblings(states, now, reviews.config_for(request.user))}


@router.get(
    "/study/offline",
    response=s.OfflinePackage,
    summary="Cards to review offline until the end of tomorrow's study day",
)
def offline_package(request):
    """The queue's own cards and limits (studyapp.offline): offline shows what the review page would."""
    now = timezone.now()
    batch = offline.offline_batch(request.user, now)
    return {
        "generated_at": now,
        "today_ends": batch.today_ends,
        "learn_ahead_seconds": int(queue.LEARN_AHEAD.total_seconds()),
        "new_left_today": batch.today.new,
        "reviews_left_today": batch.today.review,
        "new_per_day": batch.per_day.new_per_day,
        "reviews_per_day": batch.per_day.reviews_per_day,
        "valid_until": batch.valid_until,
        "cards": _with_siblings(batch.cards, now, reviews.config_for(request.user)),
    }


def _answer(request, answer: s.AnswerIn, now, config) -> dict | None:
    """The outcome as the API reports it; None for a card that is not the learner's."""
    try:
        result = sync.answer_once(
            user=request.user,
            client_id=answer.client_id,
            card_state_id=answer.card_state_id,
            rating=answer.rating,
            shown_version=answer.version,
            now=now,
            answered_at=answer.answered_at,
            duration_ms=answer.duration_ms,
            card_rev=answer.card_rev,
            config=config,
        )
    except CardState.DoesNotExist:
        return None
    return {
        "client_id": result.client_id,
        "outcome": result.outcome,
        "replayed": result.replayed,
        "message": result.message,
        "review_id": result.review_id,
    }


@router.post(
    "/study/answers",
    response={200: s.AnswerOut, 404: s.Message},
    summary="Answer a card (idempotent on client_id; refused if the card changed since `version`)",
)
def answer(request, payload: s.AnswerIn):
    result = _answer(request, payload, timezone.now(), reviews.config_for(request.user))
    if result is None:
        return Status(404, {"detail": "Not found."})
    return result


@router.post(
    "/study/sync",
    response=s.SyncOut,
    summary="Send queued (offline) answers in order; each client_id is applied at most once",
)
def sync_answers(request, payload: s.SyncIn):
    now = timezone.now()
    config = reviews.config_for(request.user)
    results = []
    for item in payload.answers:
        result = _answer(request, item, now, config)
        if result is None:
            result = {
                "client_id": item.client_id,
                "outcome": "skipped",
                "replayed": False,
                "message": "No such card in your studies.",
                "review_id": None,
            }
        results.append(result)
    return {
        "applied": sum(1 for r in results if r["outcome"] == "applied" and not r["replayed"]),
        "skipped": sum(1 for r in results if r["outcome"] != "applied" or r["replayed"]),
        "results": results,
    }


@router.post("/study/undo", response=s.UndoOut, summary="Undo your last answer exactly")
def undo(request):
    result = reviews.undo_last_review(user=request.user, now=timezone.now())
    return {"detail": result.message, "card_state_id": result.card_state.pk if result.card_state else None}


# --- Settings and dashboard ---------------------------------------------------------------------------------

SETTING_FIELDS = StudySettingsForm.Meta.fields


def _settings_out(user) -> dict:
    return {name: getattr(user, name) for name in SETTING_FIELDS}


@router.get("/settings", response=s.SettingsOut, summary="Your study settings")
def get_settings(request):
    return _settings_out(request.user)


@router.patch(
    "/settings",
    response={200: s.SettingsOut, 422: s.Message},
    summary="Change some of your study settings (validated as the settings page)",
)
def patch_settings(request, payload: s.SettingsPatch):
    data = _settings_out(request.user)
    data.update({k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None})
    form = StudySettingsForm(data, instance=request.user)
    if not form.is_valid():
        raise ValidationError({field: list(msgs) for field, msgs in form.errors.items()})
    form.save()
    return _settings_out(request.user)


@router.get("/dashboard", response=s.DashboardOut, summary="Your dashboard figures")
def dashboard(request):
    board = stats.learner_dashboard(request.user, timezone.now())
    today = board.today
    return {
        "today": {
            "date": today.date,
            "due": today.due,
            "new": today.new,
            "learning": today.learning,
            "reviews_done": today.reviews_done,
            "minutes": today.minutes,
            "to_study": today.to_study,
        },
        "streak": board.streak,
        "forecast": [{"date": day, "due": count} for day, count in board.forecast],
        "retention": [
            {
                "days": r.days,
                "young": r.young,
                "mature": r.mature,
                "young_total": r.young_total,
                "mature_total": r.mature_total,
            }
            for r in board.retention
        ],
        "by_deck": [_mastery(m) for m in board.by_deck],
        "by_list": [_mastery(m) for m in board.by_list],
        "weakest": [w.__dict__ for w in board.weakest],
    }


def _mastery(m: stats.Mastery) -> dict:
    return {
        "label": m.label,
        "cards": m.cards,
        "mastered": m.mastered,
        "studied": m.studied,
        "recall": m.recall,
    }
