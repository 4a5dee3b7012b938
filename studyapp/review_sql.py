"""The review path's statements, written as SQL by hand: the queue (counts and the next card), the grade's
lock of the answered card with its siblings and its "is this card shown now" check, and the grade's writes.

Why not the ORM: grade + next card runs on every answer, and built with the ORM these statements (subqueries
for enrolment, retired items, release holds, scope) took several times longer to compile in Python than the
database took to run them. The conditions are the ones `queue.studyable` and `queue._due_conditions` state
with the ORM; tests/studyapp/test_queue.py and tests/studyapp/test_review_sql.py hold both to the same
behaviour, and tests/studyapp/test_query_plans.py pins that each statement walks an index range.

Every statement names the learner's card states `s` and their cards `c`, so the fragments below combine."""

from __future__ import annotations

import datetime as dt
import functools
from typing import TYPE_CHECKING

import psycopg
from django.db import connection, models
from django.db.backends.utils import CursorDebugWrapper, CursorWrapper

from studyapp.models import (
    Card,
    CardState,
    Deck,
    Enrollment,
    Item,
    ItemGroup,
    ReleaseHold,
    Section,
    User,
)


class _PreparingCursor(psycopg.Cursor):
    """A psycopg cursor that binds parameters on the server and prepares every statement it runs."""

    def execute(self, query, params=None, *, prepare=None, binary=None):
        return super().execute(query, params, prepare=True, binary=binary)


class _LoggedCursor(CursorDebugWrapper):
    """Logs each statement with its values, as Django's debug cursor does; Django reads them back from a
    client-side cursor, which a server-side one cannot give."""

    def execute(self, sql, params=None):
        with self.debug_sql(self.db.ops.compose_sql(sql, params)):
            return CursorWrapper.execute(self, sql, params)


if TYPE_CHECKING:
    from studyapp.queue import Scope

_STATE, _CARD, _ENROLLMENT = CardState._meta.db_table, Card._meta.db_table, Enrollment._meta.db_table
_FROM = f"{_STATE} s JOIN {_CARD} c ON c.id = s.card_id"

# queue.studyable: live (active card, item not retired, deck still studied), not suspended, not buried.
SHOWABLE = (
    "s.user_id = %(user)s AND NOT s.suspended AND (s.buried_until IS NULL OR s.buried_until <= %(today)s)"
    f" AND c.is_active AND c.deck_id IN (SELECT e.deck_id FROM {_ENROLLMENT} e"
    " WHERE e.user_id = %(user)s AND e.active)"
    f" AND (c.item_id IS NULL OR EXISTS (SELECT 1 FROM {Item._meta.db_table} i"
    " WHERE i.id = c.item_id AND i.retired_at IS NULL))"
)
# queue._due_conditions, one kind each.
LEARNING_NOW = "s.state IN (1, 3) AND s.due <= %(now)s"
LEARNING = "s.state IN (1, 3) AND s.due <= %(ahead)s"
REVIEW = "s.state = 2 AND s.due < %(day_end)s"
LEARNING_CHOSEN = "s.state IN (1, 3)"  # custom study of chosen items: their steps need not wait
REVIEW_CHOSEN = "s.state = 2 AND (s.due < %(day_end)s OR s.last_review < %(day_start)s)"
_HOLD = (
    f"SELECT 1 FROM {ReleaseHold._meta.db_table} h WHERE h.user_id = %(user)s AND h.deck_id = c.deck_id AND "
)
_HELD = (  # queue.held_back: held by some source past now, released by none yet
    f"(EXISTS ({_HOLD}h.section_id = c.section_id AND h.available_from > %(now)s)"
    f" AND NOT EXISTS ({_HOLD}h.section_id = c.section_id AND h.available_from <= %(now)s))"
    f" OR (EXISTS ({_HOLD}h.section_id IS NULL AND h.available_from > %(now)s)"
    f" AND NOT EXISTS ({_HOLD}h.section_id IS NULL AND h.available_from <= %(now)s))"
)
NEW = f"s.state = 0 AND NOT ({_HELD})"

# Every column of the card but its timestamps (deferred: nothing on the review path reads them).
_CARD_FIELDS = tuple(f.attname for f in Card._meta.concrete_fields if not isinstance(f, models.DateTimeField))
_CARD_COLUMNS = ", ".join(f"c.{name} AS card_{name}" for name in _CARD_FIELDS)
_STATE_FIELDS = tuple(f.attname for f in CardState._meta.concrete_fields)
# The learner's state, then its card: the order card_states() reads them in.
_ROW = ", ".join(f"s.{name}" for name in _STATE_FIELDS) + ", " + _CARD_COLUMNS
# What Card.context_line reads (deck · list · sub-group), joined in rather than loaded one by one.
_CONTEXT_JOINS = (
    f" JOIN {Deck._meta.db_table} d ON d.id = c.deck_id"
    f" LEFT JOIN {Section._meta.db_table} sec ON sec.id = c.section_id"
    f" LEFT JOIN {Item._meta.db_table} it ON it.id = c.item_id"
    f" LEFT JOIN {ItemGroup._meta.db_table} g ON g.id = it.group_id"
)
_CONTEXT_COLUMNS = "d.title AS deck_title, sec.heading AS section_heading, it.group_id AS item_group_id, g.name AS group_name"


def _cursor():
    """Django's cursor (logged and counted like any query, errors wrapped the same), except that on PostgreSQL
    it binds parameters on the server and prepares each statement, so PostgreSQL may reuse a plan instead of
    planning again on every answer (it keeps a generic plan once that costs no more than the custom ones).
    Planning the queue statement (seven subqueries) took 20 ms on the development container, running it
    1.5 ms. Django's own cursors bind on the client, which cannot prepare."""
    if connection.vendor != "postgresql":
        return connection.cursor()
    connection.ensure_connection()
    raw = _PreparingCursor(connection.connection)
    return _LoggedCursor(raw, connection) if connection.queries_logged else connection.make_cursor(raw)


def day_params(user, now: dt.datetime, learn_ahead: dt.timedelta) -> dict:
    """The moments the conditions above compare with, in the learner's study day, adapted for the database."""
    today = user.study_date(now)
    day_start, day_end = user.day_bounds(today)
    adapt = connection.ops.adapt_datetimefield_value
    return {
        "user": user.pk,
        "today": connection.ops.adapt_datefield_value(today),
        "now": adapt(now),
        "ahead": adapt(now + learn_ahead),
        "day_start": adapt(day_start),
        "day_end": adapt(day_end),
    }


def scope_sql(scope: Scope, params: dict) -> str:
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


def shown_sql(scope: Scope, params: dict) -> str:
    """queue.shown_now: the queue (in `scope`) has the card due now, daily limits aside."""
    learning, review = (LEARNING_CHOSEN, REVIEW_CHOSEN) if scope.item_ids else (LEARNING, REVIEW)
    return f"{SHOWABLE}{scope_sql(scope, params)} AND (({learning}) OR ({review}) OR ({NEW}))"


def queue_statement(
    scope: Scope, params: dict, *, prefer: int | None, new_left: int, reviews_left: int, learning_cap: int
) -> str:
    """The counts (each stopped at its cap) and the next card, in one statement; fills `params`. Each
    subquery walks `cardstate_due_idx` (user, state, due), or for new cards `cardstate_new_idx` (user, state,
    position), from its start and stops at its LIMIT, so the cost
    is set by the daily limits, not the collection."""
    params.update(learning_cap=learning_cap, review_cap=reviews_left, new_cap=new_left)
    where = SHOWABLE + scope_sql(scope, params)
    review = REVIEW_CHOSEN if scope.item_ids else REVIEW
    learning = LEARNING_CHOSEN if scope.item_ids else LEARNING

    def first(kind: str, order: str) -> str:
        return f"(SELECT s.id FROM {_FROM} WHERE {where} AND {kind} ORDER BY {order} LIMIT 1)"

    def count(kind: str, cap: str, order: str) -> str:
        # The order changes no count; it tells the planner that the index hands the rows over in that order,
        # so that it walks the range and stops at the cap rather than scanning the table.
        return (
            f"(SELECT COUNT(*) FROM (SELECT 1 FROM {_FROM} WHERE {where} AND {kind}"
            f" ORDER BY {order} LIMIT %({cap})s) capped)"
        )

    candidates = []
    if prefer and 0 < prefer < 2**63:  # past a 64-bit id no card can match, and SQLite refuses to compare
        kinds = [learning] + ([review] if reviews_left else []) + ([NEW] if new_left else [])
        candidates.append(
            f"(SELECT s.id FROM {_FROM} WHERE {where} AND s.id = %(prefer)s AND (({') OR ('.join(kinds)})))"
        )
        params["prefer"] = prefer
    candidates.append(first(LEARNING_NOW, "s.due, s.id"))
    if reviews_left:
        candidates.append(first(review, "s.due, s.id"))
    if new_left:
        candidates.append(first(NEW, "s.position, s.id"))
    candidates.append(first(learning, "s.due, s.id"))
    return (
        f"SELECT {_ROW}, {count(learning, 'learning_cap', 's.due')} AS count_learning,"
        f" {count(review, 'review_cap', 's.due, s.id') if reviews_left else '0'} AS count_review,"
        f" {count(NEW, 'new_cap', 's.position, s.id') if new_left else '0'} AS count_new"
        f", {_CONTEXT_COLUMNS} FROM {_FROM}{_CONTEXT_JOINS} WHERE s.id = COALESCE({', '.join(candidates)})"
    )


def lock_statement(*, by: str, shown: str | None) -> str:
    """The learner's card named by `%(target)s` (its state's id when `by` is "pk", its card's id when "card")
    and its siblings, locked, in primary-key order: every writer that touches several cards locks them in that
    order, so two answers to sibling cards wait for each other instead of deadlocking. From the item: the card
    and its item's cards, then the learner's state of each through the (user, card) unique index; never a walk
    over every card state of the learner. `shown` (see shown_sql) comes back as `is_shown`; PostgreSQL
    evaluates it on the row as locked, so a concurrent answer that buried the card is seen once it commits."""
    column = {"pk": "t.id", "card": "t.card_id"}[by]
    card = f"(SELECT t.card_id FROM {_STATE} t WHERE {column} = %(target)s AND t.user_id = %(user)s)"
    lock = " FOR UPDATE OF s" if connection.features.has_select_for_update_of else ""
    return (
        f"SELECT {_ROW}, {f'({shown})' if shown else 'NULL'} AS is_shown FROM {_FROM}"
        f" WHERE s.user_id = %(user)s AND s.card_id IN (SELECT k.id FROM {_CARD} k WHERE k.id = {card}"
        f" OR k.item_id = (SELECT ki.item_id FROM {_CARD} ki WHERE ki.id = {card})) ORDER BY s.id{lock}"
    )


def card_states(sql: str, params: dict, *, context: bool = False) -> list[CardState]:
    """The rows of a statement above as CardStates, each with its card attached and the statement's other
    columns as attributes (with `context`, also the deck, list and sub-group names the card's context line
    reads), without a query per row."""
    with _cursor() as cursor:
        cursor.execute(sql, params)
        extras = [column[0] for column in cursor.description[len(_STATE_FIELDS) + len(_CARD_FIELDS) :]]
        rows = cursor.fetchall()
    state_converters, card_converters = _converters()
    card_states = []
    for row in rows:
        state = _converted(row[: len(_STATE_FIELDS)], state_converters)
        card_values = _converted(
            row[len(_STATE_FIELDS) : len(_STATE_FIELDS) + len(_CARD_FIELDS)], card_converters
        )
        card_state = CardState.from_db(connection.alias, _STATE_FIELDS, state)
        card_state.card = Card.from_db(connection.alias, _CARD_FIELDS, card_values)
        for name, value in zip(extras, row[len(_STATE_FIELDS) + len(_CARD_FIELDS) :], strict=True):
            setattr(card_state, name, value)
        if context:
            _attach_context(card_state.card, card_state)
        card_states.append(card_state)
    return card_states


def _converted(values, converters) -> list:
    values = list(values)
    for position, field, functions in converters:
        for function in functions:
            values[position] = function(values[position], field, connection)
    return values


def _converters() -> tuple[list, list]:
    """What turns each column into the Python value the ORM would give (SQLite's 0/1 booleans and text
    timestamps), as RawQuerySet applies them; built once per database vendor."""
    return _converters_for(connection.vendor)


@functools.cache
def _converters_for(vendor: str) -> tuple[list, list]:
    def for_model(model, names):
        found = []
        for position, name in enumerate(names):
            field = model._meta.get_field(name)  # an attname ("deck_id") finds its field too
            column = field.get_col(model._meta.db_table)
            functions = connection.ops.get_db_converters(column) + field.get_db_converters(connection)
            if functions:
                found.append((position, column, functions))
        return found

    return for_model(CardState, _STATE_FIELDS), for_model(Card, _CARD_FIELDS)


def _attach_context(card: Card, row: CardState) -> None:
    card.deck = Deck.from_db(connection.alias, ["id", "title"], [card.deck_id, row.deck_title])
    if card.section_id is not None:
        card.section = Section.from_db(
            connection.alias, ["id", "heading"], [card.section_id, row.section_heading]
        )
    if card.item_id is not None:
        card.item = Item.from_db(connection.alias, ["id", "group_id"], [card.item_id, row.item_group_id])
        if card.item.group_id is not None:
            card.item.group = ItemGroup.from_db(
                connection.alias, ["id", "name"], [card.item.group_id, row.group_name]
            )


# --- The grade's writes ----------------------------------------------------------------------------------
# The same statements Model.save() and QuerySet.update() would send, but built once per process: the ORM
# compiles each one again on every answer. Values go through each field's own get_db_prep_save, as save()
# does. No signal handlers are connected to these models (the style guide keeps logic out of signals).


@functools.cache
def _update_statement(model: type[models.Model], names: tuple[str, ...]) -> tuple[str, list[models.Field]]:
    fields = [model._meta.get_field(name) for name in names]
    assignments = ", ".join(f"{connection.ops.quote_name(f.column)} = %s" for f in fields)
    return f"UPDATE {model._meta.db_table} SET {assignments} WHERE id = %s", fields


def save_fields(instance: models.Model, names: tuple[str, ...]) -> None:
    """`instance.save(update_fields=names)` for a row the caller has locked."""
    sql, fields = _update_statement(type(instance), names)
    params = [field.get_db_prep_save(getattr(instance, field.attname), connection) for field in fields]
    with _cursor() as cursor:
        cursor.execute(sql, [*params, instance.pk])


@functools.cache
def _insert_statement(model: type[models.Model]) -> tuple[str, list[models.Field]]:
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    returning = " RETURNING id" if connection.features.can_return_columns_from_insert else ""
    sql = f"INSERT INTO {model._meta.db_table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))}){returning}"
    return sql, fields


def insert(instance: models.Model) -> None:
    """`instance.save()` for a new row: every column written, the new id set on `instance`."""
    sql, fields = _insert_statement(type(instance))
    params = [field.get_db_prep_save(field.pre_save(instance, True), connection) for field in fields]
    with _cursor() as cursor:
        cursor.execute(sql, params)
        instance.pk = (
            cursor.fetchone()[0] if connection.features.can_return_columns_from_insert else cursor.lastrowid
        )
    instance._state.adding, instance._state.db = False, connection.alias


def bury(card_state_ids: list[int], until: dt.date) -> None:
    with _cursor() as cursor:
        cursor.execute(
            f"UPDATE {_STATE} SET buried_until = %s WHERE id IN ({', '.join(['%s'] * len(card_state_ids))})",
            [connection.ops.adapt_datefield_value(until), *card_state_ids],
        )


_COUNT_ANSWER = (
    # Every right-hand side reads the row as it was, so answers_day is the stored day throughout.
    # cards_version dates the learner's class dashboard tallies (studyapp.tallies).
    f"UPDATE {User._meta.db_table} SET reviews_since_fit = reviews_since_fit + 1, answers_day = %(day)s,"
    " cards_version = cards_version + 1,"
    " new_answered = CASE WHEN answers_day = %(day)s THEN new_answered + %(new)s ELSE %(new)s END,"
    " reviews_answered = CASE WHEN answers_day = %(day)s THEN reviews_answered + %(review)s ELSE %(review)s END"
    " WHERE id = %(user)s"
)


def count_answer(*, user_id: int, day: dt.date, new: int, review: int) -> None:
    """One more answer on the learner's counters; today's counts start afresh when the stored day is another."""
    with _cursor() as cursor:
        cursor.execute(
            _COUNT_ANSWER,
            {"user": user_id, "day": connection.ops.adapt_datefield_value(day), "new": new, "review": review},
        )
