"""Holding a deck or list back from learners until a date (see models.ReleaseHold). Callers own a `source` key
and replace or clear only their own holds."""

import datetime as dt
from collections.abc import Iterable

from django.db import transaction

from studyapp.models import Deck, ReleaseHold, Section


@transaction.atomic
def hold_until(
    *,
    user_ids: Iterable[int],
    deck: Deck,
    section: Section | None,
    available_from: dt.datetime,
    source: str,
    label: str,
) -> int:
    """Sets (or moves) the release date of this deck or list for these learners. Returns the rows written."""
    user_ids = list(user_ids)
    existing = ReleaseHold.objects.filter(user_id__in=user_ids, deck=deck, section=section, source=source)
    existing.update(available_from=available_from, label=label[:300])
    have = set(existing.values_list("user_id", flat=True))
    ReleaseHold.objects.bulk_create(
        ReleaseHold(
            user_id=user_id,
            deck=deck,
            section=section,
            available_from=available_from,
            source=source,
            label=label[:300],
        )
        for user_id in user_ids
        if user_id not in have
    )
    return len(user_ids)


def clear_holds(
    *,
    source: str,
    user_ids: Iterable[int] | None = None,
    deck: Deck | None = None,
    section: Section | None = None,
    whole_deck: bool = False,
) -> int:
    """Drops this source's holds: all of them, or those of some learners and/or of one deck or list."""
    holds = ReleaseHold.objects.filter(source=source)
    if user_ids is not None:
        holds = holds.filter(user_id__in=list(user_ids))
    if deck is not None:
        holds = holds.filter(deck=deck)
        if section is not None:
            holds = holds.filter(section=section)
        elif whole_deck:
            holds = holds.filter(section__isnull=True)
    deleted, _ = holds.delete()
    return deleted
