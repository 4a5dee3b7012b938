"""Hand-written read statements sent to the database together.

On PostgreSQL every statement is a round trip to the server, and the dashboard's statements over card states took
longer to plan than to run on a small collection (the one counting today's cards, three capped subqueries, 5-10 ms
to plan and under 1 ms to run). `fetch` sends a batch of independent reads in one round trip (psycopg's pipeline
mode) and prepares each statement, so PostgreSQL plans it once per connection and may then reuse a generic plan
(see `review_sql._cursor`, which does the same on the answer path). On SQLite, where a statement costs no round
trip, the statements simply run one after another.

A batch is logged as one query whose text holds every statement (`connection.queries`, the query counts pinned
in tests): one round trip on PostgreSQL, one call here on both databases.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass

import psycopg
from django.db import connection


@dataclass(frozen=True)
class Read:
    """One SELECT with named parameters, and what turns its rows into the figure it is for."""

    sql: str
    params: dict
    parse: Callable[[list[tuple]], object] = list
    # Statements whose text changes from call to call (literal id lists) are not worth preparing.
    prepare: bool = True


def fetch(*reads: Read) -> list:
    """The figure of each read, in order; all sent in one round trip on PostgreSQL."""
    started = time.monotonic()
    results = _fetch_pipelined(reads) if connection.vendor == "postgresql" else _fetch_one_by_one(reads)
    if connection.queries_logged:
        connection.queries_log.append(
            {
                "sql": ";\n".join(_logged(read) for read in reads),
                "time": f"{time.monotonic() - started:.3f}",
            }
        )
    return [read.parse(rows) for read, rows in zip(reads, results, strict=True)]


def _logged(read: Read) -> str:
    """The statement with its values on PostgreSQL (as Django logs it); on SQLite the statement and its values."""
    if connection.vendor == "postgresql":
        return connection.ops.compose_sql(read.sql, read.params)
    return f"{read.sql} -- {read.params!r}"


def _fetch_one_by_one(reads) -> list[list[tuple]]:
    connection.ensure_connection()
    connection.validate_no_broken_transaction()
    results = []
    with connection.wrap_database_errors:
        # The backend's own cursor (it turns %(name)s into the database's style) without Django's logging,
        # which `fetch` does once for the batch.
        cursor = connection.create_cursor()
        try:
            for read in reads:
                cursor.execute(read.sql, read.params)
                results.append(cursor.fetchall())
        finally:
            cursor.close()
    return results


def _fetch_pipelined(reads) -> list[list[tuple]]:
    connection.ensure_connection()
    connection.validate_no_broken_transaction()
    raw = connection.connection
    with connection.wrap_database_errors:
        # psycopg's plain cursor binds parameters on the server, which preparing needs (Django's client-side
        # cursors cannot prepare). Each read gets its own cursor: they hold their results until fetched.
        cursors = [psycopg.Cursor(raw) for _ in reads]
        try:
            with raw.pipeline():
                for cursor, read in zip(cursors, reads, strict=True):
                    cursor.execute(read.sql, read.params, prepare=read.prepare)
            return [cursor.fetchall() for cursor in cursors]
        finally:
            for cursor in cursors:
                cursor.close()
