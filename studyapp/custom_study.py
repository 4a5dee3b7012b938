"""What a learner can study when nothing is due (Anki's custom study): cards due in the next days, and the cards
they forgot today. Each option is a set of items, studied through the queue's item scope. Reads only."""

import datetime as dt
from dataclasses import dataclass

from studyapp import queue
from studyapp.models import CardState, Review

AHEAD_DAYS = 3
MAX_ITEMS = 100


@dataclass(frozen=True)
class CustomStudy:
    ahead_cards: int
    ahead_items: tuple[int, ...]
    forgotten_cards: int
    forgotten_items: tuple[int, ...]


def custom_study(user, now: dt.datetime) -> CustomStudy:
    """Two queries: review cards due within AHEAD_DAYS after today, and today's Again answers."""
    day_start, day_end = user.day_bounds(user.study_date(now))
    ahead = list(
        queue.studyable(user, now)
        .filter(
            state=CardState.State.REVIEW,
            due__gte=day_end,
            due__lt=day_end + dt.timedelta(days=AHEAD_DAYS),
            card__item__isnull=False,
        )
        .order_by("due")
        .values_list("card__item_id", flat=True)
    )
    forgotten = list(
        Review.objects.filter(
            user=user,
            rating=1,
            source=Review.Source.REVIEW,
            reviewed_at__gte=day_start,
            card__item__isnull=False,
        ).values_list("card__item_id", flat=True)
    )
    return CustomStudy(
        ahead_cards=len(ahead),
        ahead_items=tuple(dict.fromkeys(ahead))[:MAX_ITEMS],
        forgotten_cards=len(set(forgotten)),
        forgotten_items=tuple(sorted(set(forgotten)))[:MAX_ITEMS],
    )
