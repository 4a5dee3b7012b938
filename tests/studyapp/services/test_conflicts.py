"""A transaction PostgreSQL aborts on a deadlock or serialization failure is run again once, transparently."""

import pytest
from django.db import OperationalError

from studyapp.services.conflicts import retry_on_conflict


class FakeDriverError(Exception):
    def __init__(self, sqlstate):
        super().__init__(sqlstate)
        self.sqlstate = sqlstate


def failing(times: int, sqlstate: str):
    calls = []

    @retry_on_conflict
    def write():
        calls.append(1)
        if len(calls) <= times:
            raise OperationalError("aborted") from FakeDriverError(sqlstate)
        return "written"

    return write, calls


@pytest.mark.parametrize("sqlstate", ["40P01", "40001"])
def test_a_deadlock_or_serialization_failure_is_retried_once(sqlstate):
    write, calls = failing(1, sqlstate)
    assert write() == "written"
    assert len(calls) == 2


def test_a_second_failure_is_raised():
    write, calls = failing(2, "40P01")
    with pytest.raises(OperationalError):
        write()
    assert len(calls) == 2


def test_other_errors_are_not_retried():
    write, calls = failing(1, "57014")  # statement timeout: running it again would only wait again
    with pytest.raises(OperationalError):
        write()
    assert len(calls) == 1
