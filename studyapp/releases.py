"""Reads about scheduled releases for a learner: what came out lately and what comes next."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Min

from studyapp.models import ReleaseHold

RECENT = dt.timedelta(days=7)


@dataclass(frozen=True)
class Release:
    label: str
    deck_id: int
    section_id: int | None
    available_from: dt.datetime
    section_kind: str | None = None


def _effective(user) -> list[Release]:
    """One row per deck or list: its earliest release date over every source (the one the queue honours)."""
    rows = (
        ReleaseHold.objects.filter(user=user, deck__enrollments__user=user, deck__enrollments__active=True)
        .values("deck_id", "section_id", "section__kind")
        .annotate(available_from=Min("available_from"), label=Min("label"))
        .order_by("available_from", "label")
    )
    return [
        Release(
            label=r["label"],
            deck_id=r["deck_id"],
            section_id=r["section_id"],
            available_from=r["available_from"],
            section_kind=r["section__kind"],
        )
        for r in rows
    ]


def new_this_week(user, now: dt.datetime) -> list[Release]:
    """Decks and lists released to the learner within the last seven days, newest first."""
    return sorted(
        (r for r in _effective(user) if now - RECENT <= r.available_from <= now),
        key=lambda r: r.available_from,
        reverse=True,
    )


def coming_up(user, now: dt.datetime, *, limit: int = 3) -> list[Release]:
    return [r for r in _effective(user) if r.available_from > now][:limit]
