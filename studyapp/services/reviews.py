"""Answering cards: the only writes to CardState scheduling and the append-only review log."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from studyapp import planning, plans, queue, review_sql, scheduling, tasks
from studyapp.models import CardState, Review
from studyapp.services import answer_counts, fitting
from studyapp.services.conflicts import retry_on_conflict
from studyapp.steps import parse_steps

# The CardState fields an undo puts back.
SNAPSHOT_FIELDS = (
    "state",
    "step",
    "stability",
    "difficulty",
    "due",
    "last_review",
    "reps",
    "lapses",
    "suspended",
    "buried_until",
    "flag",
    "is_leech",
    "version",
)
_DATETIMES = {"due", "last_review"}
# What an answer changes on the (locked) CardState row.
_SCHEDULE_FIELDS = (
    "state",
    "step",
    "stability",
    "difficulty",
    "due",
    "last_review",
    "reps",
    "lapses",
    "suspended",
    "is_leech",
    "version",
)


def config_for(user, now: dt.datetime | None = None) -> scheduling.Config:
    """The learner's scheduler: their settings, their latest fitted parameters when they have some, and their
    exam dates (planning.answer applies them)."""
    return scheduling.Config(
        plans=plans.calendar_for(user, now or timezone.now()),
        parameters=fitting.latest_parameters(user) or tuple(scheduling.DEFAULT_PARAMETERS),
        desired_retention=user.desired_retention,
        learning_steps=tuple(_steps(user.learning_steps)),
        relearning_steps=tuple(_steps(user.relearning_steps)),
        maximum_interval=user.maximum_interval_days,
    )


def _steps(text: str) -> list[dt.timedelta]:
    try:
        return parse_steps(text)
    except ValueError:  # the settings form validates; a bad stored value must not break reviews
        return []


def memory_of(card_state: CardState) -> scheduling.Memory:
    return scheduling.Memory(
        state=card_state.state,
        step=card_state.step,
        stability=card_state.stability,
        difficulty=card_state.difficulty,
        due=card_state.due,
        last_review=card_state.last_review,
    )


def fuzz_seed(card_state: CardState) -> str:
    return f"{card_state.card_id}:{card_state.reps}"


def preview_for(card_state: CardState, now: dt.datetime, config: scheduling.Config):
    return {rating: _outcome(card_state, rating, now, config) for rating in scheduling.Rating}


def _outcome(
    card_state: CardState, rating, now: dt.datetime, config: scheduling.Config
) -> scheduling.Outcome:
    """The one place an answer is scheduled: planning.answer applies the card's exam dates to FSRS's interval."""
    calendar = config.plans or planning.Calendar()
    exams = calendar.exams_for(card_state.card.deck_id, card_state.card.section_id, now)
    balance = calendar.balancer(now, config.maximum_interval)
    return planning.answer(
        memory_of(card_state), rating, now, config, fuzz_seed(card_state), exams=exams, balance=balance
    )


def snapshot(card_state: CardState) -> dict:
    data = {}
    for name in SNAPSHOT_FIELDS:
        value = getattr(card_state, name)
        if isinstance(value, dt.datetime | dt.date):
            value = value.isoformat()
        data[name] = value
    return data


def restore(card_state: CardState, data: dict) -> None:
    for name in SNAPSHOT_FIELDS:
        value = data[name]
        if value is not None and name in _DATETIMES:
            value = dt.datetime.fromisoformat(value)
        elif value is not None and name == "buried_until":
            value = dt.date.fromisoformat(value)
        setattr(card_state, name, value)


@dataclass(frozen=True)
class ReviewResult:
    recorded: bool
    message: str = ""
    review: Review | None = None
    became_leech: bool = False


STALE = ReviewResult(
    recorded=False, message="That card was already answered (another click or tab); here is the next one."
)
NOT_SHOWN = ReviewResult(
    recorded=False, message="That card is not due for review now, so the answer was not recorded."
)


@retry_on_conflict
def record_review(
    *,
    user,
    card_state_id: int,
    rating: int,
    shown_version: int,
    duration_ms: int,
    now: dt.datetime,
    config: scheduling.Config | None = None,
    source: str = Review.Source.REVIEW,
    scope: queue.Scope | None = None,
) -> ReviewResult:
    """Schedule the card by `rating` and append the review, once: a grade naming a version the card has left
    (double-click, retry, second tab) changes nothing, and so does a grade for a card the learner's queue (in
    `scope`) would not show now: not due, suspended, buried, past the daily limits. Raises
    CardState.DoesNotExist for another's card."""
    config = config or config_for(user, now)
    scope = scope or queue.Scope()
    with transaction.atomic():
        flashcard = source == Review.Source.REVIEW
        shown = queue.shown_sql(user, now, scope) if flashcard else None
        card_state, siblings = _lock_with_siblings(user, shown=shown, pk=card_state_id)
        if card_state.version != shown_version:
            return STALE
        if flashcard and not (card_state.is_shown and queue.within_limits(user, card_state, now)):
            return NOT_SHOWN
        buried = _bury_siblings(user, siblings, now) if source == Review.Source.REVIEW else []
        review, became_leech = _apply(
            user, card_state, scheduling.Rating(rating), now, config, duration_ms, source, buried
        )
        if source == Review.Source.REVIEW:
            answer_counts.count_answer(user=user, state_before=review.state_before, now=now)
            tasks.maybe_fit_parameters(user)  # queued on commit, off the request path
    message = ""
    if became_leech:
        message = "This card has become a leech (forgotten many times)"
        message += ": it is suspended; rewrite or unsuspend it later." if card_state.suspended else "."
    return ReviewResult(recorded=True, message=message, review=review, became_leech=became_leech)


def _lock_with_siblings(
    user, *, shown: tuple[str, dict] | None = None, pk: int | None = None, card_id: int | None = None
) -> tuple[CardState, list[CardState]]:
    """Lock the learner's card named by `pk` or `card_id` and its siblings (the other cards of its item) in one
    statement (review_sql.lock_statement). `shown`, a condition with its parameters (queue.shown_sql), comes
    back as each row's `is_shown`. Raises CardState.DoesNotExist."""
    field, value = ("pk", pk) if pk is not None else ("card_id", card_id)
    if not 0 < value < 2**63:  # no row has such an id, and SQLite refuses to compare with one past 64 bits
        raise CardState.DoesNotExist
    condition, params = shown if shown is not None else (None, {"user": user.pk})
    sql = review_sql.lock_statement(by="pk" if field == "pk" else "card", shown=condition)
    locked = review_sql.card_states(sql, {**params, "target": value})
    chosen = next((card_state for card_state in locked if getattr(card_state, field) == value), None)
    if chosen is None:
        raise CardState.DoesNotExist
    return chosen, [card_state for card_state in locked if card_state is not chosen]


def _apply(user, card_state, rating, now, config, duration_ms, source, buried=()) -> tuple[Review, bool]:
    before = snapshot(card_state)
    if buried:
        before["buried_siblings"] = list(buried)
    outcome = _outcome(card_state, rating, now, config)
    after = outcome.memory
    state_before = card_state.state
    last_interval_days = 0.0
    if state_before == CardState.State.REVIEW and card_state.due and card_state.last_review:
        last_interval_days = round((card_state.due - card_state.last_review).total_seconds() / 86400, 4)
    if state_before == CardState.State.REVIEW and rating == scheduling.Rating.AGAIN:
        card_state.lapses += 1
    card_state.state = after.state
    card_state.step = after.step
    card_state.stability = after.stability
    card_state.difficulty = after.difficulty
    card_state.due = after.due
    card_state.last_review = after.last_review
    card_state.reps += 1
    card_state.version += 1
    became_leech = False
    if not card_state.is_leech and card_state.lapses >= user.leech_threshold:
        card_state.is_leech = became_leech = True
        if user.leech_suspends:
            card_state.suspended = True
    review_sql.save_fields(card_state, _SCHEDULE_FIELDS)
    review = Review(
        user_id=card_state.user_id,
        card_id=card_state.card_id,
        rating=int(rating),
        reviewed_at=now,
        duration_ms=max(0, duration_ms),
        source=source,
        state_before=state_before,
        state_after=after.state,
        stability_after=after.stability,
        difficulty_after=after.difficulty,
        elapsed_days=outcome.elapsed_days,
        scheduled_days=outcome.scheduled_days,
        last_interval_days=last_interval_days,
        snapshot_before=before,
    )
    review_sql.insert(review)
    return review, became_leech


def _bury_siblings(user, siblings: list[CardState], now: dt.datetime) -> list[list]:
    """As Anki does: once one card of an item is answered, its siblings (already locked) wait for tomorrow.
    Returns what they were, for the review's snapshot, so undo unburies them."""
    tomorrow = user.study_date(now) + dt.timedelta(days=1)
    previous = [
        [sibling.pk, sibling.buried_until.isoformat() if sibling.buried_until else None]
        for sibling in siblings
        if sibling.buried_until is None or sibling.buried_until < tomorrow
    ]
    if previous:
        review_sql.bury([pk for pk, _ in previous], tomorrow)
    return previous


@dataclass(frozen=True)
class UndoResult:
    card_state: CardState | None
    message: str


NOTHING_TO_UNDO = UndoResult(card_state=None, message="Nothing to undo.")


@retry_on_conflict
def undo_last_review(*, user, now: dt.datetime) -> UndoResult:
    """Put the card of the learner's last flashcard answer back exactly as it was, and delete that answer.
    Only the very last answer of any kind (undoing an older one would overwrite what came after it), and only
    while the card is still as that answer left it; otherwise nothing changes and the message says why."""
    with transaction.atomic():
        latest = _latest_review(user)
        if latest is None or latest.source != Review.Source.REVIEW:
            return NOTHING_TO_UNDO
        card_state, _siblings = _lock_with_siblings(user, card_id=latest.card_id)
        # Lock first, then read again: an answer committed while we waited for the lock is now the latest.
        review = _latest_review(user)
        if review is None or review.pk != latest.pk:
            return UndoResult(
                card_state=None,
                message="Another answer was recorded meanwhile (another click or tab); nothing was undone.",
            )
        if card_state.version != review.snapshot_before.get("version", -2) + 1:
            return UndoResult(
                card_state=None,
                message="That card changed after the answer (flagged, buried or suspended); nothing was undone.",
            )
        # The version goes back too: the card is again exactly what a form of that version showed, and the
        # answer before can be undone next (its check above then holds).
        restore(card_state, review.snapshot_before)
        card_state.save()
        for pk, until in review.snapshot_before.get("buried_siblings", []):
            CardState.objects.filter(pk=pk, user=user).update(
                buried_until=dt.date.fromisoformat(until) if until else None
            )
        answer_counts.uncount_answer(user=user, review=review)
        review.delete()
    return UndoResult(card_state=card_state, message="Undone: the card is back as it was.")


def _latest_review(user) -> Review | None:
    return Review.objects.filter(user=user).order_by("-reviewed_at", "-pk").first()


def suspend(*, user, card_state_id: int) -> CardState:
    card_state = _change(user, card_state_id, suspended=True)
    answer_counts.cards_changed(user_ids=[user.pk])  # suspended cards leave the class dashboard's tallies
    return card_state


def unsuspend(*, user, card_state_id: int) -> CardState:
    card_state = _change(user, card_state_id, suspended=False)
    answer_counts.cards_changed(user_ids=[user.pk])
    return card_state


def bury(*, user, card_state_id: int, now: dt.datetime) -> CardState:
    """Hidden until the learner's next study day begins."""
    return _change(user, card_state_id, buried_until=user.study_date(now) + dt.timedelta(days=1))


def flag(*, user, card_state_id: int, flag: int) -> CardState:
    return _change(user, card_state_id, flag=CardState.Flag(flag))


def _change(user, card_state_id: int, **fields) -> CardState:
    with transaction.atomic():
        card_state = CardState.objects.select_for_update().get(pk=card_state_id, user=user)
        for name, value in fields.items():
            setattr(card_state, name, value)
        card_state.version += 1
        card_state.save(update_fields=[*fields, "version"])
    return card_state


def record_item_outcome(*, user, item_ids: Iterable[int], correct: bool, now: dt.datetime) -> list[Review]:
    """A quiz answer is a retrieval too: Good for a right answer, Again for a wrong one, on every card of those
    items the learner is already studying. New cards are left for the review screen, where they are introduced
    with the learning steps and the daily new-card limit; suspended cards stay untouched."""
    rating = scheduling.Rating.GOOD if correct else scheduling.Rating.AGAIN
    config = config_for(user, now)
    reviews = []
    with transaction.atomic():
        states = (
            CardState.objects.select_for_update(of=("self",))
            .select_related("card")
            .filter(user=user, card__item_id__in=list(item_ids), card__is_active=True, suspended=False)
            .exclude(state=CardState.State.NEW)
            .order_by("pk")
        )
        for card_state in states:
            review, _leech = _apply(user, card_state, rating, now, config, 0, Review.Source.QUIZ)
            reviews.append(review)
        if reviews:
            answer_counts.cards_changed(user_ids=[user.pk])
    return reviews
