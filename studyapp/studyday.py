"""The learner's day: it starts at their rollover hour (4 AM by default, as in Anki) in their own time zone.

Pure functions; every "today" in the app goes through here so reviews at 1 AM count for the previous day.
"""

import datetime as dt
from zoneinfo import ZoneInfo


def study_date(moment: dt.datetime, tz: ZoneInfo, rollover_hour: int) -> dt.date:
    """The learner's calendar day that `moment` (aware) belongs to."""
    local = moment.astimezone(tz)
    return (local - dt.timedelta(hours=rollover_hour)).date()


def day_start(day: dt.date, tz: ZoneInfo, rollover_hour: int) -> dt.datetime:
    """The aware instant (UTC) at which the learner's `day` begins."""
    local = dt.datetime.combine(day, dt.time(hour=rollover_hour), tzinfo=tz)
    return local.astimezone(dt.UTC)


def day_bounds(day: dt.date, tz: ZoneInfo, rollover_hour: int) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of the learner's `day` as UTC instants (a DST day may last 23 or 25 hours)."""
    return day_start(day, tz, rollover_hour), day_start(day + dt.timedelta(days=1), tz, rollover_hour)
