"""Open an uploaded SQLite file (an Anki collection) as data, never as code.

A SQLite file is a program as much as a database: a "table" may be a view whose recursive query never ends, a
virtual table, or carry generated columns that compute on every read. So the file is opened read-only and
immutable (no journal, no locks, nothing written beside it), with untrusted schema features switched off; a
name is read only after `sqlite_master` shows it is a real table with the columns we expect; and every statement
runs under a work budget (virtual-machine steps and wall-clock time, through a progress handler) so that no
file can hold a worker for long whatever it contains.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

# How often (in SQLite virtual-machine instructions) the progress handler looks at the budget.
_CHECK_EVERY = 1_000
# PRAGMA table_xinfo marks generated columns with hidden = 2 (virtual) or 3 (stored).
_GENERATED = {2, 3}


class UntrustedDatabaseError(ValueError):
    """The file cannot be read safely; the message says why in words a user understands."""


class BudgetExceeded(UntrustedDatabaseError):
    """A statement needed more work than the budget allows."""


@dataclass(frozen=True)
class Budget:
    """Work allowed for all the statements run on one opened file together."""

    steps: int = 50_000_000  # reading 20,000 notes takes well under a million
    seconds: float = 3.0
    max_value_bytes: int = 5 * 1024 * 1024  # the longest string or blob a statement may build


class UntrustedDatabase:
    """A read-only view of an untrusted SQLite file. Only tables checked with `require_table` may be queried
    (callers write their own SELECTs naming those tables), and every query counts against the budget."""

    def __init__(self, connection: sqlite3.Connection, budget: Budget):
        self._connection = connection
        self._budget = budget
        self._steps = 0
        self._deadline = time.monotonic() + budget.seconds
        connection.set_progress_handler(self._over_budget, _CHECK_EVERY)

    def _over_budget(self) -> int:
        self._steps += _CHECK_EVERY
        return int(self._steps > self._budget.steps or time.monotonic() > self._deadline)

    def table_columns(self, name: str) -> set[str] | None:
        """The columns of `name` if it is an ordinary table, else None (missing, a view, a virtual table)."""
        rows = self._run(
            "SELECT type, sql FROM sqlite_master WHERE name = ? COLLATE NOCASE AND type IN ('table', 'view')",
            (name,),
        )
        if len(rows) != 1:
            return None
        kind, sql = rows[0]
        if kind != "table" or not isinstance(sql, str) or sql.lstrip().upper().startswith("CREATE VIRTUAL"):
            return None
        columns = self._run("SELECT name, hidden FROM pragma_table_xinfo(?)", (name,))
        if any(hidden in _GENERATED for _name, hidden in columns):
            return None
        return {str(column).lower() for column, _hidden in columns}

    def require_table(self, name: str, columns: Iterable[str], *, message: str | None = None) -> None:
        """Refuse the file unless `name` is a real table holding `columns`."""
        found = self.table_columns(name)
        if found is None or not {c.lower() for c in columns} <= found:
            raise UntrustedDatabaseError(message or f"The database has no readable {name} table.")

    def fetchall(self, sql: str, params: Sequence = ()) -> list[tuple]:
        return self._run(sql, params)

    def _run(self, sql: str, params: Sequence) -> list[tuple]:
        try:
            return self._connection.execute(sql, params).fetchall()
        except sqlite3.OperationalError as exc:
            if "interrupted" in str(exc):
                raise BudgetExceeded("The database needs too much work to read; it was refused.") from exc
            raise UntrustedDatabaseError("The database cannot be read.") from exc
        except (sqlite3.DatabaseError, sqlite3.DataError, MemoryError, OverflowError) as exc:
            raise UntrustedDatabaseError("The database is damaged or too large to read.") from exc


@contextmanager
def open_untrusted(path: Path, budget: Budget = Budget()) -> Iterator[UntrustedDatabase]:
    """Open the SQLite file at `path` (a private copy; it must not change while open) for guarded reads."""
    uri = f"file:{quote(str(path))}?mode=ro&immutable=1"
    try:
        connection = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=True)
    except sqlite3.Error as exc:
        raise UntrustedDatabaseError("The database cannot be opened.") from exc
    try:
        connection.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, budget.max_value_bytes)
        connection.setlimit(sqlite3.SQLITE_LIMIT_ATTACHED, 0)
        try:
            # Views and triggers in the file may not call functions with side effects.
            connection.execute("PRAGMA trusted_schema = OFF")
            connection.execute("PRAGMA query_only = ON")
        except sqlite3.DatabaseError as exc:
            raise UntrustedDatabaseError("The database cannot be opened.") from exc
        yield UntrustedDatabase(connection, budget)
    finally:
        connection.close()
