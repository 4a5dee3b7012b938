"""The cards a learner keeps in the browser for offline review, chosen by the review queue's own rules.

Today's part is exactly what the review page would show, in its order (`queue.due_cards`): learning cards, the
reviews within today's allowance (in the backlog autopilot's order, capped, while catching up), new cards
(paused while catching up). Then what the learner may reach before the package expires: learning cards falling
due later, and tomorrow's reviews and new cards within the limits the plans leave (`plans.limits`). The browser
walks the cards in this order and counts against the allowances sent with them, so offline shows the same cards
in the same order as online.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from studyapp import plans, queue
from studyapp.models import CardState, User

# At most this many cards are kept on a device.
MAX_CARDS = 500


@dataclass(frozen=True)
class OfflineBatch:
    cards: list[CardState]
    today: queue.Allowance  # what today's limits leave, after the plans
    per_day: plans.Limits  # tomorrow's limits, after the plans
    today_ends: dt.datetime
    valid_until: dt.datetime  # the end of tomorrow's study day


def offline_batch(user: User, now: dt.datetime, *, limit: int = MAX_CARDS) -> OfflineBatch:
    today = user.study_date(now)
    _start, today_ends = user.day_bounds(today)
    _start, valid_until = user.day_bounds(today + dt.timedelta(days=1))
    allowance = queue.daily_allowance(user, queue.answered_today(user, now))
    per_day = plans.limits(user)
    _counts, cards = queue.due_cards(user, now, limit=limit)
    kept = {state.pk for state in cards}
    base = (
        queue.studyable(user, now)
        .exclude(pk__in=kept)
        .select_related("card__deck", "card__section", "card__item__group")
    )
    later_learning = base.filter(state__in=(queue.LEARNING, queue.RELEARNING)).order_by("due", "pk")
    cards += later_learning[: limit - len(cards)]
    cards += _tomorrows_reviews(user, now, base, valid_until, per_day, limit - len(cards))
    if per_day.new_per_day and len(cards) < limit:
        new = base.filter(state=queue.NEW).order_by("position", "pk")
        cards += new[: min(per_day.new_per_day, limit - len(cards))]
    return OfflineBatch(cards, allowance, per_day, today_ends, valid_until)


def _tomorrows_reviews(user, now, base, valid_until, per_day: plans.Limits, room: int) -> list[CardState]:
    """Reviews due by the end of tomorrow that today's allowance leaves over, within tomorrow's limit: in due
    order, or while catching up in the autopilot's order (the backlog left over from today comes first)."""
    room = min(room, per_day.reviews_per_day)
    if room <= 0:
        return []
    reviews = base.filter(state=queue.REVIEW, due__lt=valid_until)
    if per_day.backlog is None:
        return list(reviews.order_by("due", "card__position", "pk")[:room])
    from studyapp.services.reviews import config_for  # the learner's parameters predict recall

    ranked = plans.backlog_ranked(reviews, per_day.backlog, now, config_for(user, now))[:room]
    by_pk = reviews.in_bulk(ranked)
    return [by_pk[pk] for pk in ranked if pk in by_pk]
