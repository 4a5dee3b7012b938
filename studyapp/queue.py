"""What a learner should review now: the counts for the screen and the next card, in one query whose cost
does not grow with the collection. Each part walks the `(user, state, due)` index from its start and stops
early: counts stop at the daily limit (the screen never shows more), the next card is the first entry of
its kind. Today's answers come from the learner's counters (services.answer_counts), not from the log."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet

from studyapp import plans, review_sql
from studyapp.models import (
    BacklogPlan,
    CardState,
    ReleaseHold,
    live_q,
    showable_q,
)

LEARN_AHEAD = dt.timedelta(minutes=20)

NEW = CardState.State.NEW
LEARNING = CardState.State.LEARNING
REVIEW = CardState.State.REVIEW
RELEARNING = CardState.State.RELEARNING


@dataclass(frozen=True)
class Scope:
    deck_id: int | None = None
    section_id: int | None = None
    # "Study just these" (the dashboard's weakest items): their review cards may be reviewed early, once a day.
    item_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class Today:
    new_introduced: int
    reviews_done: int


@dataclass(frozen=True)
class Counts:
    new: int
    learning: int
    review: int

    @property
    def total(self) -> int:
        return self.new + self.learning + self.review


@dataclass(frozen=True)
class Queue:
    counts: Counts
    card_state: CardState | None
    backlog: BacklogPlan | None = None  # the catch-up plan that ordered the reviews


def answered_today(user, now: dt.datetime) -> Today:
    """Flashcard answers since the learner's day began (quiz answers do not use up the daily limits)."""
    new, reviews = user.answered_on(user.study_date(now))
    return Today(new_introduced=new, reviews_done=reviews)


@dataclass(frozen=True)
class Allowance:
    new: int
    review: int
    backlog: BacklogPlan | None = None  # a catch-up plan in progress (plans.py): it set these limits


def daily_allowance(user, today: Today) -> Allowance:
    """What the learner's daily limits still allow today, after what `today` has used: the one place the limits
    are applied (queue, grade check, offline batch, dashboard). A backlog plan caps reviews and pauses new
    cards until its backlog is seen."""
    limits = plans.limits(user)
    return Allowance(
        new=max(0, limits.new_per_day - today.new_introduced),
        review=max(0, limits.reviews_per_day - today.reviews_done),
        backlog=limits.backlog,
    )


def studyable(user, now: dt.datetime, scope: Scope = Scope()) -> QuerySet[CardState]:
    """The learner's cards that may be shown today at all: live (see `CardStateQuerySet.live`), not suspended,
    not buried, not held back."""
    return CardState.objects.filter(user=user).filter(_studyable_q(user, now, scope))


def _studyable_q(user, now: dt.datetime, scope: Scope) -> Q:
    q = live_q() & showable_q(user.study_date(now)) & ~(Q(state=NEW) & held_back(user, now))
    if scope.deck_id is not None:
        q &= Q(card__deck_id=scope.deck_id)
    if scope.section_id is not None:
        q &= Q(card__section_id=scope.section_id)
    if scope.item_ids:
        q &= Q(card__item_id__in=scope.item_ids)
    return q


def held_back(user, now: dt.datetime) -> Q:
    """A condition on CardState: its card's deck or list is not released to this learner yet. A target is held
    while some source holds it past `now` and no source has released it already (the earliest date wins)."""
    holds = ReleaseHold.objects.filter(user=user, deck_id=OuterRef("card__deck_id"))
    on_list = holds.filter(section_id=OuterRef("card__section_id"))
    on_deck = holds.filter(section__isnull=True)
    list_held = Exists(on_list.filter(available_from__gt=now)) & ~Exists(
        on_list.filter(available_from__lte=now)
    )
    deck_held = Exists(on_deck.filter(available_from__gt=now)) & ~Exists(
        on_deck.filter(available_from__lte=now)
    )
    return Q(list_held) | Q(deck_held)


def due_now(user, now: dt.datetime, scope: Scope = Scope()) -> QuerySet[CardState]:
    """Every card that is due now, before the daily limits (the counts on deck pages)."""
    learning_q, review_q, new_q = _due_conditions(user, now, scope)
    return studyable(user, now, scope).filter(learning_q | review_q | new_q)


def _due_conditions(user, now: dt.datetime, scope: Scope = Scope()) -> tuple[Q, Q, Q]:
    day_start, day_end = user.day_bounds(user.study_date(now))
    learning = Q(state__in=(LEARNING, RELEARNING), due__lte=now + LEARN_AHEAD)
    review = Q(state=REVIEW, due__lt=day_end)
    if scope.item_ids:
        review |= Q(state=REVIEW, last_review__lt=day_start)
        # Custom study of chosen items ("forgotten today"): their relearning steps need not wait.
        learning |= Q(state__in=(LEARNING, RELEARNING))
    new = Q(state=NEW)
    return learning, review, new


def within_limits(user, card_state: CardState, now: dt.datetime) -> bool:
    """The learner's daily limits leave room for this card (learning cards have none)."""
    if card_state.state not in (NEW, REVIEW):
        return True
    allowance = daily_allowance(user, answered_today(user, now))
    return (allowance.new if card_state.state == NEW else allowance.review) > 0


# Learning cards have no daily limit; past this many the count reads as this many.
LEARNING_COUNT_CAP = 999


def queue_sql(
    user, now: dt.datetime, scope: Scope, prefer: int | None, allowance: Allowance | None = None
) -> tuple[str, dict]:
    """The statement build_queue runs (review_sql.queue_statement) and its parameters."""
    allowance = allowance or daily_allowance(user, answered_today(user, now))
    params = review_sql.day_params(user, now, LEARN_AHEAD)
    sql = review_sql.queue_statement(
        scope,
        params,
        prefer=prefer,
        new_left=allowance.new,
        reviews_left=allowance.review,
        learning_cap=LEARNING_COUNT_CAP,
    )
    return sql, params


def shown_sql(user, now: dt.datetime, scope: Scope = Scope()) -> tuple[str, dict]:
    """A condition on the learner's card state `s` (and its card `c`): the queue (in `scope`) has this card due
    now, daily limits aside. The grade's locking statement reads it as `is_shown` (review_sql.lock_statement)."""
    params = review_sql.day_params(user, now, LEARN_AHEAD)
    return review_sql.shown_sql(scope, params), params


def build_queue(user, now: dt.datetime, scope: Scope = Scope(), *, prefer: int | None = None) -> Queue:
    """Counts after the daily limits, and the next card: `prefer` when it is due (the card an undo just
    restored, or the card whose answer is being shown), then learning cards already due, then reviews, then new
    cards (in deck order), then learning cards due within the learn-ahead window. One query."""
    allowance = daily_allowance(user, answered_today(user, now))
    sql, params = queue_sql(user, now, scope, prefer, allowance)
    card_state = next(iter(review_sql.card_states(sql, params, context=True)), None)
    if card_state is None:  # no candidate of any kind: every count is zero
        return Queue(counts=Counts(new=0, learning=0, review=0), card_state=None, backlog=allowance.backlog)
    counts = Counts(
        new=card_state.count_new, learning=card_state.count_learning, review=card_state.count_review
    )
    if allowance.backlog and card_state.state == REVIEW and card_state.pk != prefer:
        _learning, review_q, _new = _due_conditions(user, now, scope)
        reviews = studyable(user, now, scope).filter(review_q)
        card_state = _backlog_review(user, reviews, allowance.backlog, now) or card_state
    return Queue(counts=counts, card_state=card_state, backlog=allowance.backlog)


def _backlog_review(user, reviews, plan, now):
    from studyapp.services.reviews import config_for  # the learner's parameters predict recall

    return plans.next_backlog_review(reviews, plan, now, config_for(user, now))


def _backlog_reviews(user, reviews, plan, now, count: int) -> list[CardState]:
    from studyapp.services.reviews import config_for

    ranked = plans.backlog_ranked(reviews, plan, now, config_for(user, now))[:count]
    by_pk = reviews.in_bulk(ranked)
    return [by_pk[pk] for pk in ranked if pk in by_pk]


def due_cards(
    user, now: dt.datetime, scope: Scope = Scope(), *, limit: int = 100
) -> tuple[Counts, list[CardState]]:
    """The cards the review screen would show next, in its order, within the daily limits (at most `limit`)."""
    built = build_queue(user, now, scope)
    counts = built.counts
    learning_q, review_q, new_q = _due_conditions(user, now, scope)
    base = studyable(user, now, scope).select_related("card__deck", "card__section", "card__item__group")
    learning = list(base.filter(learning_q).order_by("due", "pk")[:limit])
    reviews = list(base.filter(review_q).order_by("due", "card__position", "pk")[: min(counts.review, limit)])
    if reviews and built.backlog is not None:  # catching up: the autopilot's order, as on the review page
        reviews = _backlog_reviews(user, base.filter(review_q), built.backlog, now, min(counts.review, limit))
    new = list(base.filter(new_q).order_by("position", "pk")[: min(counts.new, limit)])
    ready = [s for s in learning if s.due <= now]
    ahead = [s for s in learning if s.due > now]
    return counts, (ready + reviews + new + ahead)[:limit]
