"""Uploaded SQLite files are read as data: only real tables with the expected columns, a bounded amount of
work, nothing written."""

import hashlib
import sqlite3
import zipfile

import pytest

from studyapp.importers import sqlite_guard
from studyapp.importers.anki import AnkiError, read_anki

ENDLESS = "WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r)"


def make_sqlite(path, *statements):
    connection = sqlite3.connect(path)
    for statement in statements:
        connection.execute(statement)
    connection.commit()
    connection.close()
    return path


def apkg_of(path):
    package = path.with_suffix(".apkg")
    with zipfile.ZipFile(package, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("collection.anki2", path.read_bytes())
    return package


def test_package_whose_notes_is_an_endless_recursive_view_is_refused(tmp_path):
    path = make_sqlite(
        tmp_path / "c.sqlite",
        f"CREATE VIEW notes AS {ENDLESS} SELECT i AS id, 'front' || char(31) || 'back' AS flds, '' AS tags FROM r",
    )
    work = tmp_path / "work"
    work.mkdir()
    with pytest.raises(AnkiError, match="contains SQL views"):
        read_anki(apkg_of(path), work)


@pytest.mark.parametrize(
    "create",
    [
        f"CREATE VIEW notes AS {ENDLESS} SELECT i AS id, 'x' AS flds, '' AS tags FROM r",
        "CREATE TABLE notes (id INTEGER PRIMARY KEY, flds TEXT AS (hex(zeroblob(100000000))) VIRTUAL, tags TEXT)",
        "CREATE VIRTUAL TABLE notes USING fts4(id, flds, tags)",
        "CREATE TABLE notes (id INTEGER PRIMARY KEY, tags TEXT)",
        "CREATE TABLE other (id INTEGER PRIMARY KEY, flds TEXT, tags TEXT)",
    ],
    ids=["view", "generated-column", "virtual-table", "missing-column", "no-table"],
)
def test_only_a_real_table_with_the_expected_columns_is_accepted(tmp_path, create):
    path = make_sqlite(tmp_path / "c.sqlite", create)
    with sqlite_guard.open_untrusted(path) as database, pytest.raises(sqlite_guard.UntrustedDatabaseError):
        database.require_table("notes", ("id", "flds", "tags"))


def test_a_real_table_is_read(tmp_path):
    path = make_sqlite(
        tmp_path / "c.sqlite",
        "CREATE TABLE Notes (id INTEGER PRIMARY KEY, FLDS TEXT, tags TEXT, extra BLOB)",
        "INSERT INTO notes VALUES (1, 'a', 't', NULL)",
    )
    with sqlite_guard.open_untrusted(path) as database:
        database.require_table("notes", ("id", "flds", "tags"))
        assert database.fetchall("SELECT flds, tags FROM notes") == [("a", "t")]


def test_a_statement_over_the_work_budget_is_stopped(tmp_path):
    path = make_sqlite(tmp_path / "c.sqlite", "CREATE TABLE t (x)")
    with (
        sqlite_guard.open_untrusted(path, sqlite_guard.Budget(steps=100_000)) as database,
        pytest.raises(sqlite_guard.BudgetExceeded),
    ):
        database.fetchall(f"{ENDLESS} SELECT count(*) FROM r")


def test_a_value_over_the_length_limit_is_refused(tmp_path):
    path = make_sqlite(tmp_path / "c.sqlite", "CREATE TABLE t (x)")
    with (
        sqlite_guard.open_untrusted(path, sqlite_guard.Budget(max_value_bytes=1000)) as database,
        pytest.raises(sqlite_guard.UntrustedDatabaseError),
    ):
        database.fetchall("SELECT hex(zeroblob(10000))")


def test_the_file_is_never_written(tmp_path):
    path = make_sqlite(
        tmp_path / "c.sqlite", "CREATE TABLE notes (id INTEGER PRIMARY KEY, flds TEXT, tags TEXT)"
    )
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    with sqlite_guard.open_untrusted(path) as database:
        with pytest.raises(sqlite_guard.UntrustedDatabaseError):
            database.fetchall("INSERT INTO notes VALUES (1, 'a', '')")
        with pytest.raises(sqlite_guard.UntrustedDatabaseError):
            database.fetchall("ATTACH DATABASE ':memory:' AS other")
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.sqlite"]


def test_garbage_is_refused_cleanly(tmp_path):
    path = tmp_path / "c.sqlite"
    path.write_bytes(b"SQLite format 3\x00" + b"\xff" * 200)
    with sqlite_guard.open_untrusted(path) as database, pytest.raises(sqlite_guard.UntrustedDatabaseError):
        database.require_table("notes", ("id",))
