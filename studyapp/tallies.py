"""Learners' card figures per deck (cards and mastered per list, overdue) for readers that show many learners
at once (the class dashboard), read from DeckTally rows and recounted only for the learners whose cards changed.

A row is current while its stamp matches what it was counted from and `now` is inside its window:
- the learner's User.cards_version: answers and undo bump it in the UPDATE that already counts them (no query
  added to the answer path); other writers of card states call answer_counts.cards_changed;
- the deck's fingerprint: its cards, their activity, retired items and lists, which decide what counts (so
  imports and edits of a deck need not tell every learner);
- the window: overdue depends on the time alone, so a row keeps the due times of the next HORIZON and is
  recounted after it.
Counting every learner's states directly, or a fingerprint over them, costs a scan of the class's card states
(600,000 rows for 300 students with 2,000 cards), which is what this avoids.
"""

import bisect
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Max, Q, Sum
from django.db.models.functions import Coalesce

from studyapp.models import Card, CardState, Deck, DeckTally, Enrollment, User, card_list_kind
from studyapp.stats import MATURE_DAYS

HORIZON = dt.timedelta(days=1)
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def _micros(moment: dt.datetime) -> int:
    """Microseconds since the epoch: exact, so "due before now" compares as the database does."""
    delta = moment - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


@dataclass
class LearnerCards:
    """One learner's figures summed over the decks asked for."""

    cards: int = 0
    overdue: int = 0
    by_kind: dict[str, list[int]] = field(default_factory=dict)  # kind -> [cards, mastered]
    decks: set[int] = field(default_factory=set)  # of those asked for, the ones the learner studies
    # Left for later by `recount_limit`: the figures are those counted at `as_of` (the oldest of the learner's
    # tallies not current), or none at all yet (`uncounted`).
    as_of: dt.datetime | None = None
    uncounted: bool = False

    @property
    def current(self) -> bool:
        return self.as_of is None and not self.uncounted


def learner_cards(
    *,
    learners: Iterable[User],
    decks,
    now: dt.datetime,
    recount_limit: int | None = None,
    valid_for: dt.timedelta = dt.timedelta(0),
) -> dict[int, LearnerCards]:
    """Figures of each learner over `decks` (a Deck queryset), counting only live states (active cards of
    items not retired, in decks the learner still studies), as a direct count would give them. A fixed number
    of queries: three when every tally is current, three more when some are not (one grouped recount for all
    of them, their next due times, the upsert).

    `recount_limit`: recount at most this many learners (those with no figures at all first); the others keep
    the figures of their last count, marked with its time (`as_of`), or none (`uncounted`), for a reader that
    must answer quickly and leaves the rest to a background task. `valid_for`: count also the tallies
    that would go out of date within that time (for that task, so readers find them current)."""
    versions = {u.pk: u.cards_version for u in learners}
    learner_ids = list(versions)
    result = {user_id: LearnerCards() for user_id in learner_ids}
    pairs = list(
        Enrollment.objects.filter(user_id__in=learner_ids, active=True, deck__in=decks)
        .values_list("user_id", "deck_id")
        .order_by()
    )
    if not pairs:
        return result
    stamps = _stamps(pairs, versions)
    stored = {
        (t.user_id, t.deck_id): t
        for t in DeckTally.objects.filter(user_id__in=learner_ids, deck_id__in={d for _, d in pairs})
    }
    stale = [
        pair
        for pair in pairs
        if (tally := stored.get(pair)) is None
        or tally.stamp != stamps[pair]
        or not tally.counted_at <= now < tally.valid_until - valid_for
    ]
    if recount_limit is not None:
        stale = _within_limit(stale, stored, result, recount_limit)
    if stale:
        stored.update(_recount(stale, stamps, now))
    now_us = _micros(now)
    for pair in pairs:
        tally, figures = stored.get(pair), result[pair[0]]
        figures.decks.add(pair[1])
        if tally is None:
            continue
        figures.overdue += tally.overdue
        if figures.as_of is None:  # else overdue as counted: cards fallen due since may have been answered
            figures.overdue += bisect.bisect_left(tally.due_soon, now_us)
        for kind, (cards, mastered) in tally.by_kind.items():
            figures.cards += cards
            total = figures.by_kind.setdefault(kind, [0, 0])
            total[0] += cards
            total[1] += mastered
    return result


def _within_limit(
    stale: list[tuple[int, int]],
    stored: dict[tuple[int, int], DeckTally],
    result: dict[int, LearnerCards],
    limit: int,
) -> list[tuple[int, int]]:
    """The stale tallies of the `limit` learners to recount now: those with no figures yet first, then the
    longest out of date. Marks the others' figures as of their last count (or as uncounted)."""
    oldest: dict[int, float] = {}
    for pair in stale:
        counted = stored[pair].counted_at.timestamp() if pair in stored else float("-inf")
        oldest[pair[0]] = min(oldest.get(pair[0], counted), counted)
    chosen = set(sorted(oldest, key=oldest.__getitem__)[:limit])
    for pair in stale:
        if pair[0] in chosen:
            continue
        figures, tally = result[pair[0]], stored.get(pair)
        if tally is None:
            figures.uncounted = True
        else:
            figures.as_of = min(figures.as_of or tally.counted_at, tally.counted_at)
    return [pair for pair in stale if pair[0] in chosen]


def _stamps(pairs: list[tuple[int, int]], versions: dict[int, int]) -> dict[tuple[int, int], str]:
    """What each (learner, deck) tally must have been counted from: one grouped query over the decks' cards."""
    decks = {
        row["deck_id"]: ".".join(
            str(row[k]) for k in ("cards", "top", "active", "retired", "sections", "item_sections")
        )
        for row in Card.objects.filter(deck_id__in={d for _, d in pairs})
        .values("deck_id")
        .annotate(
            cards=Count("id"),
            top=Coalesce(Max("id"), 0),
            active=Count("id", filter=Q(is_active=True)),
            retired=Count("id", filter=Q(item__retired_at__isnull=False)),
            sections=Coalesce(Sum("section_id"), 0),
            item_sections=Coalesce(Sum("item__section_id"), 0),
        )
        .order_by()
    }
    return {(u, d): f"{versions[u]}/{decks.get(d, '0')}" for u, d in pairs}


def _recount(
    stale: list[tuple[int, int]], stamps: dict[tuple[int, int], str], now: dt.datetime
) -> dict[tuple[int, int], DeckTally]:
    """Count the stale tallies afresh (all of them in one grouped query, their next due times in another)
    and store them."""
    wanted = set(stale)
    user_ids = {u for u, _ in stale}
    tallies = {
        pair: DeckTally(
            user_id=pair[0],
            deck_id=pair[1],
            stamp=stamps[pair],
            counted_at=now,
            valid_until=now + HORIZON,
            by_kind={},
            overdue=0,
            due_soon=[],
        )
        for pair in stale
    }
    # From the learner (their (user, card) index range), not the deck: SQLite would otherwise walk the deck's
    # cards and fetch each learner's state at random. Rows of decks not asked for are ignored below.
    states = CardState.objects.filter(user_id__in=user_ids).live()
    counted = Q(suspended=False) & ~Q(state=CardState.State.NEW)
    for row in (
        states.annotate(kind=card_list_kind())
        .values("user_id", "card__deck_id", "kind")
        .annotate(
            cards=Count("id"),
            mastered=Count("id", filter=Q(stability__gte=MATURE_DAYS)),
            overdue=Count("id", filter=counted & Q(due__lt=now)),
        )
        .order_by()
    ):
        tally = tallies.get((row["user_id"], row["card__deck_id"]))
        if tally is not None:
            tally.by_kind[row["kind"]] = [row["cards"], row["mastered"]]
            tally.overdue += row["overdue"]
    for user_id, deck_id, due in (
        states.filter(counted, due__gte=now, due__lt=now + HORIZON)
        .values_list("user_id", "card__deck_id", "due")
        .order_by()
    ):
        if (user_id, deck_id) in wanted:
            tallies[user_id, deck_id].due_soon.append(_micros(due))
    for tally in tallies.values():
        tally.due_soon.sort()
    DeckTally.objects.bulk_create(
        tallies.values(),
        update_conflicts=True,
        unique_fields=["user", "deck"],
        update_fields=["stamp", "counted_at", "valid_until", "by_kind", "overdue", "due_soon"],
    )
    return tallies


REFRESH_AHEAD = dt.timedelta(hours=1)
REFRESH_BATCH = 200  # learners per grouped recount: 400,000 card states at 2,000 cards each


def refresh_expiring(*, now: dt.datetime, ahead: dt.timedelta = REFRESH_AHEAD) -> int:
    """Recount, off the request path, the tallies that go out of date within `ahead` (their window ends) and
    any other stale ones of the same learners, so a reader run by the periodic worker task finds them current
    and the first look of a day costs what any other does. Returns how many learners were looked at."""
    expiring = DeckTally.objects.filter(valid_until__lt=now + ahead)
    user_ids = sorted(set(expiring.values_list("user_id", flat=True)))
    for start in range(0, len(user_ids), REFRESH_BATCH):
        batch = user_ids[start : start + REFRESH_BATCH]
        learner_cards(
            learners=User.objects.filter(pk__in=batch).only("id", "cards_version"),
            decks=Deck.objects.filter(pk__in=expiring.filter(user_id__in=batch).values("deck_id")),
            now=now,
            valid_for=ahead,
        )
    return len(user_ids)
