"""The learner dashboard's figures over card states (today's counts, mastery, weakest items), in hand-written SQL.

Today's counts stop at what is left of the daily limits, so they cost the same whatever the collection. Mastery
(mean predicted recall) and the weakest items read every live card state of the learner, so their cost grows
with the number of cards: keeping a summary of card states instead would put writes on the answer path. What is
kept small is the cost per card: mastery by deck and by list come from one scan grouped by integers; the weakest
items are ranked on t / S (the forgetting curve falls as it grows, so the order is the same) and the curve is
computed once per item; and no ORM query is compiled (building these with the ORM cost more than running them
on a small collection).
"""

import datetime as dt
from dataclasses import dataclass

from django.db import connection

from studyapp import scheduling
from studyapp.models import Card, CardState, Deck, Enrollment, Item, Section, SectionKind, User
from studyapp.sql_batch import Read, fetch

MATURE_DAYS = 21

_STATE, _CARD, _DECK = CardState._meta.db_table, Card._meta.db_table, Deck._meta.db_table
_ITEM, _SECTION, _ENROLLMENT = Item._meta.db_table, Section._meta.db_table, Enrollment._meta.db_table

# CardStateQuerySet.live, in SQL: an active card, of an item not retired, in a deck the learner still studies.
_LIVE_CARD = (
    "c.is_active"
    f" AND c.deck_id IN (SELECT e.deck_id FROM {_ENROLLMENT} e WHERE e.user_id = %(user)s AND e.active)"
    " AND (c.item_id IS NULL OR i.retired_at IS NULL)"
)
LIVE = f"s.user_id = %(user)s AND {_LIVE_CARD}"
FROM_STATES = f"{_STATE} s JOIN {_CARD} c ON c.id = s.card_id LEFT JOIN {_ITEM} i ON i.id = c.item_id"
_SHOWABLE = "NOT s.suspended AND (s.buried_until IS NULL OR s.buried_until <= %(today)s)"
_STUDIED = "s.last_review IS NOT NULL AND s.stability > 0"


def _days_since(at: dt.datetime) -> str:
    """SQL for the days from a card state's last review to `at` (a parameter name), floored at zero."""
    if connection.vendor == "sqlite":
        return f"MAX(%({at})s - julianday(s.last_review), 0.0)"
    return f"GREATEST((%({at})s - date_part('epoch', s.last_review)) / 86400.0, 0.0)"


def _instant(at: dt.datetime) -> float:
    """`at` as the number _days_since subtracts from: a Julian day on SQLite, seconds since 1970 on PostgreSQL."""
    seconds = at.timestamp()
    return seconds / 86400.0 + 2440587.5 if connection.vendor == "sqlite" else seconds


@dataclass(frozen=True)
class Available:
    """Cards that may be shown today, before the daily limits."""

    due: int
    learning: int
    new: int


@dataclass(frozen=True)
class Mastery:
    key: object
    label: str
    cards: int
    mastered: int
    studied: int
    recall: float | None

    @property
    def share(self) -> float:
        return self.mastered / self.cards if self.cards else 0.0


def available_today(user: User, now: dt.datetime, limits) -> Available:
    """Cards that may be shown today: reviews and new cards counted only up to `limits` (what is left of the
    daily limits, which is all the dashboard shows), so each count walks the (user, state, due) index no
    further than the limit."""
    return fetch(available_today_read(user, now, limits))[0]


def available_today_read(user: User, now: dt.datetime, limits) -> Read:
    today = user.study_date(now)
    params = {
        "user": user.pk,
        "today": connection.ops.adapt_datefield_value(today),
        "end": connection.ops.adapt_datetimefield_value(user.day_bounds(today)[1]),
        "review_cap": limits.review,
        "new_cap": limits.new,
    }
    where = f"{LIVE} AND {_SHOWABLE}"

    def count(kind: str, cap: str = "") -> str:
        limit = f" LIMIT %({cap})s" if cap else ""
        return f"(SELECT COUNT(*) FROM (SELECT 1 FROM {FROM_STATES} WHERE {where} AND {kind}{limit}) counted)"

    sql = (
        f"SELECT {count('s.state = 2 AND s.due < %(end)s', 'review_cap')},"
        f" {count('s.state IN (1, 3) AND s.due < %(end)s')}, {count('s.state = 0', 'new_cap')}"
    )
    # Planning this took longer than running it, and its plan walks the due index whatever the learner.
    return Read(sql, params, lambda rows: Available(*rows[0]), prepare=True)


def mastery(user: User, now: dt.datetime, decay: float) -> tuple[list[Mastery], list[Mastery]]:
    """Mastery by deck and by list, from one scan of the learner's live states grouped by deck and section
    (integers: titles and kinds are joined to the few groups afterwards), added up here."""
    return fetch(mastery_read(user, now, decay))[0]


def mastery_read(user: User, now: dt.datetime, decay: float) -> Read:
    params = {
        "user": user.pk,
        "now": _instant(now),
        "factor": scheduling.curve_factor(decay),
        "exponent": -decay,
        "mature": float(MATURE_DAYS),
    }
    sql = f"""
        SELECT g.deck_id, d.title, COALESCE(cs.kind, its.kind, '{SectionKind.OTHER}'),
            g.cards, g.mastered, g.studied, g.recall_sum
        FROM (
            SELECT c.deck_id, c.section_id AS card_section, i.section_id AS item_section,
                COUNT(*) AS cards,
                COUNT(*) FILTER (WHERE s.stability >= %(mature)s) AS mastered,
                COUNT(*) FILTER (WHERE {_STUDIED}) AS studied,
                SUM(POWER(1.0 + %(factor)s * {_days_since("now")} / s.stability, %(exponent)s))
                    FILTER (WHERE {_STUDIED}) AS recall_sum
            FROM {FROM_STATES}
            WHERE {LIVE}
            GROUP BY c.deck_id, c.section_id, i.section_id
        ) g
        JOIN {_DECK} d ON d.id = g.deck_id
        LEFT JOIN {_SECTION} cs ON cs.id = g.card_section
        LEFT JOIN {_SECTION} its ON its.id = g.item_section
    """
    return Read(sql, params, _mastery_from_rows)


def _mastery_from_rows(rows: list[tuple]) -> tuple[list[Mastery], list[Mastery]]:
    decks: dict[object, list] = {}
    lists: dict[object, list] = {}
    for deck_id, title, kind, cards, mastered, studied, recall_sum in rows:
        for totals, key, label in ((decks, deck_id, title), (lists, kind, None)):
            entry = totals.setdefault(key, [label, 0, 0, 0, 0.0])
            entry[1] += cards
            entry[2] += mastered
            entry[3] += studied
            entry[4] += recall_sum or 0.0

    def figures(key, label, cards, mastered, studied, recall_sum) -> Mastery:
        return Mastery(key, label, cards, mastered, studied, recall_sum / studied if studied else None)

    labels = dict(SectionKind.choices)
    order = {value: i for i, value in enumerate(SectionKind.values)}
    by_deck = sorted((figures(k, *v) for k, v in decks.items()), key=lambda m: m.label.lower())
    by_list = sorted(
        (figures(k, labels.get(k, k), *v[1:]) for k, v in lists.items()),
        key=lambda m: order.get(m.key, len(order)),
    )
    return by_deck, by_list


@dataclass(frozen=True)
class WeakItem:
    item_id: int
    term: str
    gloss: str
    deck: str
    recall: float
    lapses: int


CANDIDATE_CARDS = 100


def weakest_items(user: User, now: dt.datetime, decay: float, limit: int) -> list[WeakItem]:
    """Studied items by lowest predicted recall of any of their cards a day from now, then most lapses.

    Ranking on tomorrow's recall rather than this minute's: a card just answered Again reads 100 % now, but its
    stability is low, so by tomorrow it is among the first to be forgotten."""
    (chosen,) = fetch(weakest_candidates_read(user, now, decay, limit))
    (weakest,) = fetch(weakest_items_read(user, now, decay, limit, chosen))
    return weakest


def _weakest_params(user: User, now: dt.datetime, decay: float, limit: int) -> dict:
    return {
        "user": user.pk,
        "now": _instant(now),
        "tomorrow": _instant(now + dt.timedelta(days=1)),
        "factor": scheduling.curve_factor(decay),
        "exponent": -decay,
        "limit": limit,
        "candidates": CANDIDATE_CARDS,
    }


def weakest_candidates_read(user: User, now: dt.datetime, decay: float, limit: int) -> Read:
    """First the cards with the largest t / S, from the states alone (a bounded sort; cards and items are read
    for those only): if the live ones name `limit` items and the list ends below the ratio of the last of those,
    no other item can rank among them, so only these items need grouping. Its figure: those items' ids, or None
    when every item must be grouped (ties, items with many cards, cards not live)."""
    worst_tomorrow = f"{_days_since('tomorrow')} / s.stability"
    sql = f"""
        SELECT top.ratio, CASE WHEN c.item_id IS NOT NULL AND {_LIVE_CARD} THEN c.item_id END
        FROM (
            SELECT s.card_id, {worst_tomorrow} AS ratio FROM {_STATE} s
            WHERE s.user_id = %(user)s AND {_STUDIED} AND NOT s.suspended
            ORDER BY ratio DESC LIMIT %(candidates)s
        ) top
        JOIN {_CARD} c ON c.id = top.card_id
        LEFT JOIN {_ITEM} i ON i.id = c.item_id
        ORDER BY top.ratio DESC
    """

    def chosen(cards: list[tuple]) -> list[int] | None:
        items: dict[int, float] = {}
        for ratio, item_id in cards:
            if len(items) == limit:
                break
            if item_id is not None:
                items.setdefault(item_id, ratio)
        if len(cards) == CANDIDATE_CARDS and len(items) == limit and cards[-1][0] < min(items.values()):
            threshold = min(items.values())
            return sorted({item_id for ratio, item_id in cards if item_id is not None and ratio >= threshold})
        return None

    return Read(sql, _weakest_params(user, now, decay, limit), chosen)


def weakest_items_read(
    user: User, now: dt.datetime, decay: float, limit: int, chosen: list[int] | None
) -> Read:
    """The weakest items, grouping only the `chosen` items if weakest_candidates_read could choose them."""
    where = f"{LIVE} AND c.item_id IS NOT NULL AND {_STUDIED} AND NOT s.suspended"
    only = "" if chosen is None else f" AND c.item_id IN ({', '.join(str(int(pk)) for pk in chosen)})"
    # The item's lowest recall is that of its card with the largest t / S: the curve is computed once per
    # item, on that largest ratio, which gives exactly the smallest of the cards' values.
    sql = f"""
        SELECT w.item_id, i.term, i.gloss, d.title, POWER(1.0 + %(factor)s * w.worst_now, %(exponent)s),
            w.lapses
        FROM (
            SELECT c.item_id, c.deck_id,
                MAX({_days_since("now")} / s.stability) AS worst_now,
                MAX({_days_since("tomorrow")} / s.stability) AS worst_tomorrow,
                SUM(s.lapses) AS lapses
            FROM {FROM_STATES}
            WHERE {where}{only}
            GROUP BY c.item_id, c.deck_id
        ) w
        JOIN {_ITEM} i ON i.id = w.item_id
        JOIN {_DECK} d ON d.id = w.deck_id
        ORDER BY w.worst_tomorrow DESC, w.lapses DESC, i.term
        LIMIT %(limit)s
    """
    return Read(
        sql,
        _weakest_params(user, now, decay, limit),
        lambda rows: [WeakItem(*row) for row in rows],
    )
