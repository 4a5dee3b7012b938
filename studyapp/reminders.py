"""What a reminder says and when it is due (reads only; sending is services/reminders.py).

Times are compared on the learner's wall clock, so "18:00" stays 18:00 across daylight-saving changes, and a
time skipped by a spring-forward change is reminded just after the jump."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Avg, Count, Q
from django.db.models.functions import TruncDate

from studyapp import queue
from studyapp.models import ReminderSent, ReminderSettings, Review

# A reminder due at 18:00 still goes out if the worker only gets to it by 20:59; later, the day is skipped.
WINDOW = dt.timedelta(hours=3)
DEFAULT_SECONDS_PER_CARD = 10
WEEKLY_DAY = 6  # Sunday


@dataclass(frozen=True)
class Reminder:
    kind: str
    key: str  # the period it covers: once per learner, kind and key
    subject: str
    body: str
    path: str  # where the notification leads, e.g. /study/


# Other apps add reminders (the quiz app: assignments about to close) without the core importing them.
Source = Callable[[object, dt.datetime], list[Reminder]]
_sources: dict[str, Source] = {}


def register_source(key: str, source: Source) -> None:
    _sources[key] = source


def in_window(local_now: dt.datetime, at: dt.time) -> bool:
    wall = local_now.replace(tzinfo=None)
    since = wall - dt.datetime.combine(wall.date(), at)
    return dt.timedelta(0) <= since < WINDOW


def minutes_for(user, cards: int) -> int:
    """About how long `cards` answers take this learner (their average over recent answers)."""
    recent = Review.objects.filter(user=user, source=Review.Source.REVIEW).order_by("-reviewed_at")[:200]
    average_ms = Review.objects.filter(pk__in=recent.values("pk")).aggregate(avg=Avg("duration_ms"))["avg"]
    seconds = (average_ms or 0) / 1000 or DEFAULT_SECONDS_PER_CARD
    return max(1, round(cards * seconds / 60))


def daily(user, settings: ReminderSettings, now: dt.datetime) -> Reminder | None:
    local = now.astimezone(user.tzinfo)
    if not settings.daily or not in_window(local, settings.daily_time):
        return None
    due = queue.build_queue(user, now).counts.total
    if not due:
        return None
    minutes = minutes_for(user, due)
    text = f"{due} due, about {minutes} minute{'s' if minutes != 1 else ''}"
    return Reminder(
        ReminderSent.Kind.DAILY, local.date().isoformat(), f"studyapp: {text}", f"{text}.", "/study/"
    )


def weekly(user, settings: ReminderSettings, now: dt.datetime) -> Reminder | None:
    local = now.astimezone(user.tzinfo)
    if not settings.weekly or local.weekday() != WEEKLY_DAY or not in_window(local, settings.daily_time):
        return None
    week = Review.objects.filter(
        user=user, source=Review.Source.REVIEW, reviewed_at__gt=now - dt.timedelta(days=7)
    ).aggregate(reviews=Count("pk"), passed=Count("pk", filter=~Q(rating=1)))
    days = (
        Review.objects.filter(
            user=user, source=Review.Source.REVIEW, reviewed_at__gt=now - dt.timedelta(days=7)
        )
        .annotate(day=TruncDate("reviewed_at", tzinfo=user.tzinfo))
        .values("day")
        .distinct()
        .count()
    )
    due = queue.build_queue(user, now).counts.total
    year, number, _ = local.isocalendar()
    lines = [f"This week: {week['reviews']} reviews on {days} day{'s' if days != 1 else ''}."]
    if week["reviews"]:
        lines.append(f"You remembered {round(100 * week['passed'] / week['reviews'])}% of them.")
    lines.append(f"{due} cards are due now." if due else "Nothing is due right now.")
    return Reminder(
        ReminderSent.Kind.WEEKLY, f"{year}-W{number:02d}", "studyapp: your week", " ".join(lines), "/"
    )


def due_reminders(user, settings: ReminderSettings, now: dt.datetime) -> list[Reminder]:
    found = [r for r in (daily(user, settings, now), weekly(user, settings, now)) if r is not None]
    if settings.assignments:
        for _key, source in sorted(_sources.items()):
            found.extend(source(user, now))
    return found
