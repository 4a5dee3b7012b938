"""What a learner should review now: the counts for the screen and the next card, in one query whose cost
does not grow with the collection. Each part walks the `(user, state, due)` index from its start and stops
early: counts stop at the daily limit (the screen never shows more), the next card is the first entry of
its kind. Today's answers come from the learner's counters (services.answer_counts), not from the log."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection, models
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet

from studyapp import plans
from studyapp.models import (
    BacklogPlan,
    Card,
    CardState,
    Deck,
    Enrollment,
    Item,
    ItemGroup,
    ReleaseHold,
    Section,
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


def shown_now(user, now: dt.datetime, scope: Scope = Scope()) -> ExpressionWrapper:
    """A boolean expression on CardState: the queue (in `scope`) has this card due now, daily limits aside.
    Annotated on the grade's locking query it checks the answered card without a query of its own, and on the
    row as locked: its own columns are read again once a concurrent answer (burying it) commits."""
    learning_q, review_q, new_q = _due_conditions(user, now, scope)
    return ExpressionWrapper(
        _studyable_q(user, now, scope) & (learning_q | review_q | new_q), output_field=BooleanField()
    )


def within_limits(user, card_state: CardState, now: dt.datetime) -> bool:
    """The learner's daily limits leave room for this card (learning cards have none)."""
    if card_state.state not in (NEW, REVIEW):
        return True
    allowance = daily_allowance(user, answered_today(user, now))
    return (allowance.new if card_state.state == NEW else allowance.review) > 0


def would_show(user, card_state: CardState, now: dt.datetime, scope: Scope = Scope()) -> bool:
    """Whether the queue (in `scope`) would show this card now, daily limits included. The server grades only
    such cards: a crafted answer for a card not due, suspended or buried must not schedule it."""
    shown = CardState.objects.filter(pk=card_state.pk, user=user).filter(shown_now(user, now, scope)).exists()
    return shown and within_limits(user, card_state, now)


# Learning cards have no daily limit; past this many the count reads as this many.
LEARNING_COUNT_CAP = 999

# The queue in SQL. It says what `studyable` and `_due_conditions` say (tests/test_queue.py holds both to the
# same behaviour) but is written out by hand: built with the ORM, its seven subqueries took ten times longer to
# compile in Python than the database took to run them. Each subquery walks `cardstate_due_idx` (user, state,
# due) from its start and stops at its LIMIT, so the cost is set by the daily limits, not the collection.
_STATE, _CARD, _ENROLLMENT = CardState._meta.db_table, Card._meta.db_table, Enrollment._meta.db_table
_FROM = f"{_STATE} s JOIN {_CARD} c ON c.id = s.card_id"
_SHOWABLE = (
    "s.user_id = %(user)s AND NOT s.suspended AND (s.buried_until IS NULL OR s.buried_until <= %(today)s)"
    f" AND c.is_active AND c.deck_id IN (SELECT e.deck_id FROM {_ENROLLMENT} e"
    " WHERE e.user_id = %(user)s AND e.active)"
    f" AND (c.item_id IS NULL OR EXISTS (SELECT 1 FROM {Item._meta.db_table} i"
    " WHERE i.id = c.item_id AND i.retired_at IS NULL))"
)
_LEARNING_NOW = "s.state IN (1, 3) AND s.due <= %(now)s"
_LEARNING = "s.state IN (1, 3) AND s.due <= %(ahead)s"
_REVIEW = "s.state = 2 AND s.due < %(day_end)s"
_LEARNING_CHOSEN = "s.state IN (1, 3)"  # custom study of chosen items: their steps need not wait
_REVIEW_CHOSEN = "s.state = 2 AND (s.due < %(day_end)s OR s.last_review < %(day_start)s)"
_HOLD = (
    f"SELECT 1 FROM {ReleaseHold._meta.db_table} h WHERE h.user_id = %(user)s AND h.deck_id = c.deck_id AND "
)
_HELD = (  # held_back() in SQL: held by some source past now, released by none yet
    f"(EXISTS ({_HOLD}h.section_id = c.section_id AND h.available_from > %(now)s)"
    f" AND NOT EXISTS ({_HOLD}h.section_id = c.section_id AND h.available_from <= %(now)s))"
    f" OR (EXISTS ({_HOLD}h.section_id IS NULL AND h.available_from > %(now)s)"
    f" AND NOT EXISTS ({_HOLD}h.section_id IS NULL AND h.available_from <= %(now)s))"
)
_NEW = f"s.state = 0 AND NOT ({_HELD})"
# Every column of the card but its timestamps (deferred: nothing on the review screen reads them).
_CARD_FIELDS = tuple(f.attname for f in Card._meta.concrete_fields if not isinstance(f, models.DateTimeField))
_CARD_BOOLEANS = {f.attname for f in Card._meta.concrete_fields if isinstance(f, models.BooleanField)}
# What Card.context_line reads (deck · list · sub-group), joined in rather than loaded one by one.
_CONTEXT_JOINS = (
    f" JOIN {Deck._meta.db_table} d ON d.id = c.deck_id"
    f" LEFT JOIN {Section._meta.db_table} sec ON sec.id = c.section_id"
    f" LEFT JOIN {Item._meta.db_table} it ON it.id = c.item_id"
    f" LEFT JOIN {ItemGroup._meta.db_table} g ON g.id = it.group_id"
)
_CONTEXT_COLUMNS = "d.title AS deck_title, sec.heading AS section_heading, it.group_id AS item_group_id, g.name AS group_name"


def _scope_sql(scope: Scope, params: dict) -> str:
    sql = ""
    if scope.deck_id is not None:
        sql += " AND c.deck_id = %(deck)s"
        params["deck"] = scope.deck_id
    if scope.section_id is not None:
        sql += " AND c.section_id = %(section)s"
        params["section"] = scope.section_id
    if scope.item_ids:
        names = [f"item{i}" for i in range(len(scope.item_ids))]
        sql += " AND c.item_id IN (" + ", ".join(f"%({name})s" for name in names) + ")"
        params.update(zip(names, scope.item_ids, strict=True))
    return sql


def queue_sql(
    user, now: dt.datetime, scope: Scope, prefer: int | None, allowance: Allowance | None = None
) -> tuple[str, dict]:
    today = user.study_date(now)
    day_start, day_end = user.day_bounds(today)
    allowance = allowance or daily_allowance(user, answered_today(user, now))
    new_left, reviews_left = allowance.new, allowance.review
    adapt = connection.ops.adapt_datetimefield_value
    params = {
        "user": user.pk,
        "today": connection.ops.adapt_datefield_value(today),
        "now": adapt(now),
        "ahead": adapt(now + LEARN_AHEAD),
        "day_start": adapt(day_start),
        "day_end": adapt(day_end),
        "learning_cap": LEARNING_COUNT_CAP,
        "review_cap": reviews_left,
        "new_cap": new_left,
    }
    where = _SHOWABLE + _scope_sql(scope, params)
    review = _REVIEW_CHOSEN if scope.item_ids else _REVIEW
    learning = _LEARNING_CHOSEN if scope.item_ids else _LEARNING

    def first(kind: str, order: str) -> str:
        return f"(SELECT s.id FROM {_FROM} WHERE {where} AND {kind} ORDER BY {order} LIMIT 1)"

    def count(kind: str, cap: str) -> str:
        return (
            f"(SELECT COUNT(*) FROM (SELECT 1 FROM {_FROM} WHERE {where} AND {kind} LIMIT %({cap})s) capped)"
        )

    candidates = []
    if prefer and 0 < prefer < 2**63:  # past a 64-bit id no card can match, and SQLite refuses to compare
        kinds = [learning] + ([review] if reviews_left else []) + ([_NEW] if new_left else [])
        candidates.append(
            f"(SELECT s.id FROM {_FROM} WHERE {where} AND s.id = %(prefer)s AND (({') OR ('.join(kinds)})))"
        )
        params["prefer"] = prefer
    candidates.append(first(_LEARNING_NOW, "s.due, s.id"))
    if reviews_left:
        candidates.append(first(review, "s.due, s.id"))
    if new_left:
        candidates.append(first(_NEW, "c.position, s.id"))
    candidates.append(first(learning, "s.due, s.id"))
    card_columns = ", ".join(f"c.{name} AS card_{name}" for name in _CARD_FIELDS)
    sql = (
        f"SELECT s.*, {card_columns}, {count(learning, 'learning_cap')} AS count_learning,"
        f" {count(review, 'review_cap') if reviews_left else '0'} AS count_review,"
        f" {count(_NEW, 'new_cap') if new_left else '0'} AS count_new"
        f", {_CONTEXT_COLUMNS} FROM {_FROM}{_CONTEXT_JOINS} WHERE s.id = COALESCE({', '.join(candidates)})"
    )
    return sql, params


def build_queue(user, now: dt.datetime, scope: Scope = Scope(), *, prefer: int | None = None) -> Queue:
    """Counts after the daily limits, and the next card: `prefer` when it is due (the card an undo just
    restored, or the card whose answer is being shown), then learning cards already due, then reviews, then new
    cards (in deck order), then learning cards due within the learn-ahead window. One query."""
    allowance = daily_allowance(user, answered_today(user, now))
    sql, params = queue_sql(user, now, scope, prefer, allowance)
    card_state = next(iter(CardState.objects.raw(sql, params)), None)
    if card_state is None:  # no candidate of any kind: every count is zero
        return Queue(counts=Counts(new=0, learning=0, review=0), card_state=None, backlog=allowance.backlog)
    values = [getattr(card_state, f"card_{name}") for name in _CARD_FIELDS]
    values = [bool(v) if name in _CARD_BOOLEANS else v for name, v in zip(_CARD_FIELDS, values, strict=True)]
    card = card_state.card = Card.from_db(connection.alias, _CARD_FIELDS, values)
    card.deck = Deck.from_db(connection.alias, ["id", "title"], [card.deck_id, card_state.deck_title])
    if card.section_id is not None:
        card.section = Section.from_db(
            connection.alias, ["id", "heading"], [card.section_id, card_state.section_heading]
        )
    if card.item_id is not None:
        card.item = Item.from_db(
            connection.alias, ["id", "group_id"], [card.item_id, card_state.item_group_id]
        )
        if card.item.group_id is not None:
            card.item.group = ItemGroup.from_db(
                connection.alias, ["id", "name"], [card.item.group_id, card_state.group_name]
            )
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
    new = list(base.filter(new_q).order_by("card__position", "pk")[: min(counts.new, limit)])
    ready = [s for s in learning if s.due <= now]
    ahead = [s for s in learning if s.due > now]
    return counts, (ready + reviews + new + ahead)[:limit]
