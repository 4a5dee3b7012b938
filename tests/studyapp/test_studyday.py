import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from studyapp.steps import parse_steps
from studyapp.studyday import day_bounds, study_date

NY = ZoneInfo("America/New_York")


@pytest.mark.parametrize(
    ("utc_moment", "tz", "hour", "expected"),
    [
        (
            dt.datetime(2025, 3, 10, 7, 59, tzinfo=dt.UTC),
            NY,
            4,
            dt.date(2025, 3, 9),
        ),  # 3:59 AM EDT: still yesterday
        (
            dt.datetime(2025, 3, 10, 8, 0, tzinfo=dt.UTC),
            NY,
            4,
            dt.date(2025, 3, 10),
        ),  # 4:00 AM EDT: a new day
        (dt.datetime(2025, 3, 10, 3, 30, tzinfo=dt.UTC), dt.UTC, 4, dt.date(2025, 3, 9)),
        (dt.datetime(2025, 3, 10, 0, 30, tzinfo=dt.UTC), dt.UTC, 0, dt.date(2025, 3, 10)),
    ],
)
def test_study_date_rolls_over_at_the_learners_hour(utc_moment, tz, hour, expected):
    assert study_date(utc_moment, tz, hour) == expected


def test_day_bounds_follow_daylight_saving():
    start, end = day_bounds(dt.date(2025, 3, 8), NY, 4)  # clocks go forward at 2 AM on the 9th
    assert start == dt.datetime(2025, 3, 8, 9, 0, tzinfo=dt.UTC)  # 4 AM EST
    assert end == dt.datetime(2025, 3, 9, 8, 0, tzinfo=dt.UTC)  # 4 AM EDT
    assert end - start == dt.timedelta(hours=23)


@pytest.mark.parametrize(
    ("text", "expected_seconds"),
    [("1m 10m", [60, 600]), ("30s 1h 1d", [30, 3600, 86400]), ("", []), ("1.5m", [90])],
)
def test_parse_steps(text, expected_seconds):
    assert [s.total_seconds() for s in parse_steps(text)] == expected_seconds


@pytest.mark.parametrize("bad", ["10", "1x", "ten", "0m"])
def test_parse_steps_rejects_bad_steps(bad):
    with pytest.raises(ValueError):
        parse_steps(bad)
