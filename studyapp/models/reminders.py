"""Reminders: a learner's choices, push subscriptions and what was sent (once per period)."""

import datetime as dt

from django.conf import settings
from django.db import models


class ReminderSettings(models.Model):
    """What a learner wants to be reminded of, and how. Nothing is sent until a channel is switched on."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="reminder_settings"
    )
    daily = models.BooleanField(
        default=True, help_text="A reminder at the time below, on days cards are due."
    )
    daily_time = models.TimeField(default=dt.time(18, 0), help_text="In your time zone (see Study settings).")
    weekly = models.BooleanField(default=True, help_text="A summary of your week, on Sundays at that time.")
    assignments = models.BooleanField(
        default=True, help_text="A day before an assignment you have not done closes."
    )
    by_email = models.BooleanField(default=False, help_text="By e-mail, to your account's address.")
    by_push = models.BooleanField(default=False, help_text="As notifications on devices you allow.")

    def __str__(self) -> str:
        return f"reminders of {self.user}"


class PushSubscription(models.Model):
    """A browser's web-push endpoint for the learner (one per device that allowed notifications)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_subscriptions"
    )
    endpoint = models.URLField(max_length=1000, unique=True)
    p256dh = models.CharField(max_length=200)
    auth = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)


class ReminderSent(models.Model):
    """One reminder per learner, kind and period (a day, a week, an assignment). The row is written before the
    message goes out: a second worker (or a second tick) fails on the unique constraint and sends nothing."""

    class Kind(models.TextChoices):
        DAILY = "daily", "Daily"
        WEEKLY = "weekly", "Weekly summary"
        ASSIGNMENT = "assignment", "Assignment closing"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    key = models.CharField(max_length=60, help_text="The period: a date, an ISO week, an assignment id.")
    sent_at = models.DateTimeField()
    channels = models.CharField(max_length=40, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "key"], name="one_reminder_per_period")
        ]


class ReminderTick(models.Model):
    """A scheduled run of the reminder task. Unique per slot, so only one chain of runs is ever queued."""

    slot = models.DateTimeField(unique=True)
