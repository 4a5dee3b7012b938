"""The per-request time budget: PostgreSQL stops any statement after DB_STATEMENT_TIMEOUT_MS, and such a
request answers a 503 page that says so instead of a bare 500."""

import pytest
from django.db import OperationalError, connection
from django.test import RequestFactory

from studyapp.middleware import TimeBudgetMiddleware


class QueryCanceled(Exception):
    sqlstate = "57014"


def test_a_query_stopped_at_the_statement_timeout_gets_a_503_page_that_says_so():
    middleware = TimeBudgetMiddleware(lambda request: None)
    try:
        raise OperationalError("canceling statement due to statement timeout") from QueryCanceled()
    except OperationalError as exc:
        response = middleware.process_exception(RequestFactory().get("/"), exc)
    assert response.status_code == 503
    assert "took too long" in response.content.decode()
    assert response["Retry-After"] == "60"


def test_other_database_errors_are_left_alone():
    middleware = TimeBudgetMiddleware(lambda request: None)
    assert middleware.process_exception(RequestFactory().get("/"), OperationalError("disk full")) is None


@pytest.mark.django_db
def test_postgresql_statements_run_under_the_timeout():
    if connection.vendor != "postgresql":
        pytest.skip("the statement timeout is PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "15s"
