"""What a learner should review now: counts for the screen and the next card, in three queries whatever the
collection size (today's answers, the due counts, the next card)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When

from studyapp import plans
from studyapp.models import BacklogPlan, CardState, ReleaseHold, Review

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
    start, _end = user.day_bounds(user.study_date(now))
    totals = Review.objects.filter(user=user, source=Review.Source.REVIEW, reviewed_at__gte=start).aggregate(
        new=Count("pk", filter=Q(state_before=NEW)),
        review=Count("pk", filter=Q(state_before=REVIEW)),
    )
    return Today(new_introduced=totals["new"], reviews_done=totals["review"])


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
    not buried."""
    qs = CardState.objects.filter(user=user).live().showable(user.study_date(now))
    qs = qs.exclude(Q(state=NEW) & held_back(user, now))
    if scope.deck_id is not None:
        qs = qs.filter(card__deck_id=scope.deck_id)
    if scope.section_id is not None:
        qs = qs.filter(card__section_id=scope.section_id)
    if scope.item_ids:
        qs = qs.filter(card__item_id__in=scope.item_ids)
    return qs


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


def would_show(user, card_state: CardState, now: dt.datetime, scope: Scope = Scope()) -> bool:
    """Whether the queue (in `scope`) would show this card now, daily limits included. The server grades only
    such cards: a crafted answer for a card not due, suspended or buried must not schedule it."""
    learning_q, review_q, new_q = _due_conditions(user, now, scope)
    if not studyable(user, now, scope).filter(learning_q | review_q | new_q, pk=card_state.pk).exists():
        return False
    if card_state.state not in (NEW, REVIEW):
        return True
    allowance = daily_allowance(user, answered_today(user, now))
    return (allowance.new if card_state.state == NEW else allowance.review) > 0


def build_queue(user, now: dt.datetime, scope: Scope = Scope(), *, prefer: int | None = None) -> Queue:
    """Counts after the daily limits, and the next card: learning cards already due, then reviews, then new
    cards (in deck order), then learning cards due within the learn-ahead window. `prefer` puts one card first
    when it is due (the card an undo just restored, or the card whose answer is being shown)."""
    allowance = daily_allowance(user, answered_today(user, now))
    learning_q, review_q, new_q = _due_conditions(user, now, scope)
    base = studyable(user, now, scope)
    raw = base.aggregate(
        learning=Count("pk", filter=learning_q),
        review=Count("pk", filter=review_q),
        new=Count("pk", filter=new_q),
    )
    counts = Counts(
        new=min(raw["new"], allowance.new),
        learning=raw["learning"],
        review=min(raw["review"], allowance.review),
    )
    wanted = learning_q
    if counts.review:
        wanted |= review_q
    if counts.new:
        wanted |= new_q
    if not counts.total:
        return Queue(counts=counts, card_state=None, backlog=allowance.backlog)
    priority = Case(
        When(pk=prefer or 0, then=Value(-1)),
        When(state__in=(LEARNING, RELEARNING), due__lte=now, then=Value(0)),
        When(state=REVIEW, then=Value(1)),
        When(state=NEW, then=Value(2)),
        default=Value(3),
        output_field=IntegerField(),
    )
    card_state = (
        base.filter(wanted)
        .select_related("card__deck", "card__section", "card__item__group")
        .annotate(priority=priority)
        .order_by("priority", "due", "card__position", "pk")
        .first()
    )
    if allowance.backlog and card_state is not None and card_state.priority == 1:
        card_state = _backlog_review(user, base.filter(review_q), allowance.backlog, now) or card_state
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


def cards_for_offline(user, now: dt.datetime, *, limit: int = 500) -> list[CardState]:
    """What the learner may review until the end of tomorrow's study day without a connection: learning cards,
    reviews falling due by then, and new cards within today's remaining and tomorrow's new-card limits."""
    allowance = daily_allowance(user, answered_today(user, now))
    tomorrow = user.study_date(now) + dt.timedelta(days=1)
    _start, horizon = user.day_bounds(tomorrow)
    base = studyable(user, now).select_related("card__deck", "card__section", "card__item__group")
    learning = list(base.filter(state__in=(LEARNING, RELEARNING)).order_by("due", "pk")[:limit])
    review_room = allowance.review + user.reviews_per_day
    reviews = list(
        base.filter(state=REVIEW, due__lt=horizon).order_by("due", "card__position", "pk")[
            : min(review_room, limit)
        ]
    )
    new_room = allowance.new + user.new_cards_per_day
    new = list(base.filter(state=NEW).order_by("card__position", "pk")[: min(new_room, limit)])
    return (learning + reviews + new)[:limit]
