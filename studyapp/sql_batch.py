"""Hand-written read statements sent to the database together.

On PostgreSQL every statement is a round trip to the server. `fetch` sends a batch of independent reads in one
round trip (psycopg's pipeline mode), binding parameters on the server, and prepares the statements marked so
(`Read.prepare`): the one counting today's cards (three capped subqueries) took 5-10 ms to plan and under 1 ms
to run, so it is planned once per connection, as `review_sql._cursor` does on the answer path. On SQLite, where a
statement costs no round trip, the statements simply run one after another.

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
    # Prepare on PostgreSQL: for statements that cost more to plan than to run and whose plan walks the same
    # index ranges for every learner. The connection plans prepared statements once (plan_cache_mode=
    # force_generic_plan, for the review path), for a learner of average size: a statement that scans a
    # learner's cards is better planned for each call (at 10,000 cards a hash join, at 300 an index walk).
    prepare: bool = False


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
