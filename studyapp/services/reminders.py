"""Sending reminders: claim the period in the database, then send by each channel the learner switched on."""

from __future__ import annotations

import datetime as dt
import json
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse

from studyapp import reminders
from studyapp.models import PushSubscription, ReminderSent, ReminderSettings

log = logging.getLogger(__name__)
UNSUBSCRIBE_SALT = "studyapp.reminders.unsubscribe"


@dataclass
class Outcome:
    sent: list[tuple[str, str, str]] = field(default_factory=list)  # (username, kind, key)
    already: int = 0
    failed: int = 0


def unsubscribe_token(user) -> str:
    return signing.dumps({"u": user.pk}, salt=UNSUBSCRIBE_SALT)


def user_for_unsubscribe(token: str):
    """The learner a link was made for, or None for a forged or damaged link (it never expires)."""
    from studyapp.models import User

    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return User.objects.filter(pk=data.get("u")).first()


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def send_due_reminders(*, now: dt.datetime) -> Outcome:
    """Every reminder due at `now`, each at most once per learner and period, whichever worker gets there."""
    outcome = Outcome()
    chosen = ReminderSettings.objects.filter(Q(by_email=True) | Q(by_push=True), user__is_active=True)
    for choice in chosen.select_related("user"):
        user = choice.user
        for reminder in reminders.due_reminders(user, choice, now):
            claim = _claim(user, reminder, now)
            if claim is None:
                outcome.already += 1
                continue
            channels = _deliver(user, choice, reminder)
            if channels:
                ReminderSent.objects.filter(pk=claim.pk).update(channels=",".join(channels))
                outcome.sent.append((user.username, reminder.kind, reminder.key))
            else:
                # Nothing got through (mail server down, no device): free the period so a later run retries.
                claim.delete()
                outcome.failed += 1
    return outcome


def _claim(user, reminder: reminders.Reminder, now: dt.datetime) -> ReminderSent | None:
    try:
        with transaction.atomic():
            return ReminderSent.objects.create(user=user, kind=reminder.kind, key=reminder.key, sent_at=now)
    except IntegrityError:
        return None


def _deliver(user, choice: ReminderSettings, reminder: reminders.Reminder) -> list[str]:
    channels = []
    if choice.by_email and user.email and _email(user, reminder):
        channels.append("email")
    if choice.by_push and _push(user, reminder):
        channels.append("push")
    return channels


def _email(user, reminder: reminders.Reminder) -> bool:
    unsubscribe = absolute(reverse("reminders-unsubscribe", kwargs={"token": unsubscribe_token(user)}))
    body = (
        f"{reminder.body}\n\n{absolute(reminder.path)}\n\n"
        f"You get this because you asked for reminders by e-mail.\n"
        f"Stop them (no need to log in): {unsubscribe}\n"
    )
    message = EmailMessage(
        reminder.subject, body, to=[user.email], headers={"List-Unsubscribe": f"<{unsubscribe}>"}
    )
    try:
        message.send()
    except Exception:  # a mail server problem must not stop the other learners' reminders
        log.exception("reminder e-mail to user %s failed", user.pk)
        return False
    return True


def push_configured() -> bool:
    return bool(settings.VAPID_PRIVATE_KEY and settings.VAPID_PUBLIC_KEY)


def _push(user, reminder: reminders.Reminder) -> bool:
    if not push_configured():
        return False
    from pywebpush import WebPushException, webpush

    payload = json.dumps({"title": reminder.subject, "body": reminder.body, "url": reminder.path})
    delivered = False
    for subscription in PushSubscription.objects.filter(user=user):
        try:
            webpush(
                subscription_info={
                    "endpoint": subscription.endpoint,
                    "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth},
                },
                data=payload,
                vapid_private_key=settings.VAPID_PRIVATE_KEY,
                vapid_claims={"sub": settings.VAPID_SUBJECT},
                ttl=12 * 3600,
                timeout=10,
            )
            delivered = True
        except WebPushException as error:
            status = getattr(error.response, "status_code", None)
            if status in (404, 410):  # the browser dropped this subscription: forget it
                subscription.delete()
            else:
                log.warning("web push to user %s failed: %s", user.pk, error)
    return delivered


def save_push_subscription(*, user, endpoint: str, p256dh: str, auth: str) -> PushSubscription:
    subscription, _created = PushSubscription.objects.update_or_create(
        endpoint=endpoint, defaults={"user": user, "p256dh": p256dh, "auth": auth}
    )
    return subscription
