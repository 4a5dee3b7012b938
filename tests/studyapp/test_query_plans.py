"""The review path's queries walk index ranges: pinned with EXPLAIN so that a change which turns one into a
scan of every card state (or every review) fails here, not on a student with 40,000 cards."""

import datetime as dt
import re

import pytest
from django.db import connection

from studyapp import queue
from studyapp.models import CardState
from tests import factories
from tests.studyapp.test_queue import make_cards, review_state

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 2, 15, 0, tzinfo=dt.UTC)


def plan(sql: str, params) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Test tables are small enough for a sequential scan to win on cost; what matters is whether an
            # index *can* serve the query, so take the sequential scan off the menu.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN " + sql, params)
            return "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        return "\n".join(row[-1] for row in cursor.fetchall())


def assert_card_states_read_through_indexes(text: str) -> None:
    if connection.vendor == "postgresql":
        assert "Seq Scan on studyapp_cardstate" not in text, text
        assert "cardstate_due_idx" in text, text
        return
    accesses = [
        line for line in text.splitlines() if re.match(r"(SCAN|SEARCH) (s|studyapp_cardstate)\b", line)
    ]
    assert accesses, text
    for line in accesses:
        assert line.startswith("SEARCH") and any(
            index in line for index in ("cardstate_due_idx", "cardstate_new_idx", "PRIMARY KEY")
        ), f"{line}\n\n{text}"


@pytest.fixture
def learner(student):
    make_cards(student, 6, **review_state(NOW - dt.timedelta(days=1)))
    make_cards(student, 4)
    make_cards(student, 3, state=CardState.State.LEARNING, due=NOW + dt.timedelta(minutes=5))
    make_cards(factories.make_user(), 5)
    return student


@pytest.mark.parametrize(
    "scope, prefer",
    [(queue.Scope(), None), (queue.Scope(), 1), (queue.Scope(item_ids=(1, 2)), None)],
    ids=["everything", "a preferred card", "chosen items"],
)
def test_every_part_of_the_queue_query_walks_the_due_index(learner, scope, prefer):
    sql, params = queue.queue_sql(learner, NOW, scope, prefer)
    assert_card_states_read_through_indexes(plan(sql, params))


def test_reviews_come_out_of_the_due_index_in_order_without_sorting(learner):
    """The next review is the first entry of the index range: no sort of every due card to find it."""
    if connection.vendor == "postgresql":
        pytest.skip(
            "PostgreSQL may add an incremental sort on the id tie-break; the scan itself is pinned above"
        )
    sql, params = queue.queue_sql(learner, NOW, queue.Scope(), None)
    candidates = re.findall(r"\((SELECT s\.id FROM .*? LIMIT 1)\)", sql.split("COALESCE(", 1)[1])
    (review_first,) = [candidate for candidate in candidates if "s.state = 2" in candidate]
    text = plan(review_first, params)
    assert "cardstate_due_idx" in text and "TEMP B-TREE" not in text, text


def test_the_next_new_card_is_the_first_of_its_index_range_without_sorting_every_new_card(learner):
    """New cards come in deck order: read from (user, state, position), never by sorting all of a learner's
    new cards (an imported deck brings tens of thousands)."""
    sql, params = queue.queue_sql(learner, NOW, queue.Scope(), None)
    candidates = re.findall(r"\((SELECT s\.id FROM .*? LIMIT 1)\)", sql.split("COALESCE(", 1)[1])
    (new_first,) = [candidate for candidate in candidates if "s.state = 0" in candidate]
    text = plan(new_first, params)
    assert "cardstate_new_idx" in text, text
    if connection.vendor == "postgresql":
        assert "Sort" not in text, text
    else:
        assert "TEMP B-TREE" not in text, text


def test_grading_finds_the_siblings_from_the_item_not_from_every_card_state(learner):
    from django.test.utils import CaptureQueriesContext

    from studyapp.services import reviews

    card_state = CardState.objects.filter(user=learner, state=CardState.State.REVIEW).first()
    with CaptureQueriesContext(connection) as captured:
        result = reviews.record_review(
            user=learner, card_state_id=card_state.pk, rating=3, shown_version=0, duration_ms=0, now=NOW
        )
    assert result.recorded
    (lock,) = [q["sql"] for q in captured if "AS is_shown" in q["sql"]]
    text = plan(lock, None)
    if connection.vendor == "postgresql":
        assert "Seq Scan on studyapp_cardstate" not in text and "Seq Scan on studyapp_card " not in text, text
        return
    lines = text.splitlines()
    assert not [line for line in lines if line.startswith("SCAN")], text
    # The learner's states are read by (user, card): the card and its item's cards, never all of them.
    (reads,) = [line for line in lines if line.startswith("SEARCH s ")]
    assert "(user_id=? AND card_id=?)" in reads or "(card_id=? AND user_id=?)" in reads, text
    # The answered card's state itself (which names the item) by its primary key.
    targets = [line for line in lines if line.startswith("SEARCH t ")]
    assert targets and all("PRIMARY KEY" in line for line in targets), text


def _prepared(sql: str, params: dict) -> tuple[str, list]:
    """Run the statement as the review path does (prepared on the server), then the name PostgreSQL keeps it
    under and its parameters in $1, $2... order (each name numbered where it first appears)."""
    from studyapp import review_sql

    with review_sql._cursor() as cursor:
        cursor.execute(sql, params)
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM pg_prepared_statements WHERE statement = %s", [_numbered(sql)])
        (name,) = cursor.fetchone()
    names = list(dict.fromkeys(re.findall(r"%\((\w+)\)s", sql)))
    return name, [params[n] for n in names]


def _numbered(sql: str) -> str:
    names = list(dict.fromkeys(re.findall(r"%\((\w+)\)s", sql)))
    return re.sub(r"%\((\w+)\)s", lambda m: f"${names.index(m.group(1)) + 1}", sql)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plan cache")
def test_postgresql_plans_the_queue_once_and_that_plan_walks_the_due_index(learner):
    """Planning the queue statement cost several times running it: each connection plans it once, for any
    learner and moment, and that one plan must still read card states through the (user, state, due) index."""
    for minutes in range(7):
        queue.build_queue(learner, NOW + dt.timedelta(minutes=minutes))
    sql, params = queue.queue_sql(learner, NOW, queue.Scope(), None)
    name, values = _prepared(sql, params)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE name = %s", [name]
        )
        generic, custom = cursor.fetchone()
        assert (generic >= 8, custom) == (True, 0)
        cursor.execute("SET LOCAL enable_seqscan = off")  # tiny test tables; see plan()
        cursor.execute(f"EXPLAIN EXECUTE {name}({', '.join(['%s'] * len(values))})", values)
        text = "\n".join(row[0] for row in cursor.fetchall())
    assert "$1" in text, text  # the generic plan: the learner is a parameter, not a constant
    assert_card_states_read_through_indexes(text)


def test_the_dashboard_finds_reviews_added_since_its_summary_in_the_id_range(student):
    """Not by walking the learner's reviews in time order (PostgreSQL does for an ungrouped MIN(reviewed_at)):
    at 200,000 reviews that took 320 ms on every dashboard load."""
    from django.test.utils import CaptureQueriesContext

    from studyapp import stats

    card = make_cards(student, 1, **review_state(NOW - dt.timedelta(days=1)))[0].card
    for minutes in range(1, 600):
        factories.make_review(student, card, reviewed_at=NOW - dt.timedelta(minutes=minutes))
    stats.review_days(student, NOW)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE studyapp_review")
    with CaptureQueriesContext(connection) as captured:
        stats.review_days(student, NOW + dt.timedelta(minutes=1))
    (mark,) = [q["sql"] for q in captured if "studyapp_reviewsummary" in q["sql"]]
    text = plan(mark, None)
    # Neither the (user, reviewed_at) index nor the one on reviewed_at alone.
    assert not re.search(r"review_user_time_idx|review_reviewed_at", text), text


def test_the_dashboards_count_of_todays_cards_walks_the_due_index(learner):
    """Prepared on PostgreSQL and planned once per connection, so its plan must suit every learner."""
    from studyapp import card_figures
    from studyapp.queue import Allowance

    read = card_figures.available_today_read(learner, NOW, Allowance(new=20, review=200, backlog=None))
    assert read.prepare
    assert_card_states_read_through_indexes(plan(read.sql, read.params))
