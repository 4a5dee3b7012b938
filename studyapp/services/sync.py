"""Answers that carry an id chosen by the client (the offline queue, API retries). Grading itself is
`reviews.record_review`; this module only makes each client id count once and checks that the card is still
the one the learner saw."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from studyapp import scheduling
from studyapp.models import Card, CardState, ClientAnswer
from studyapp.services import reviews

# An offline answer may be dated back this far; older queues are answered "now".
MAX_OFFLINE_AGE = dt.timedelta(days=7)
MAX_ANSWER_MS = 60_000


def card_revision(card: Card) -> str:
    """A short digest of what the learner reads: an answer given to an older wording is refused."""
    return hashlib.sha256(f"{card.front}\x00{card.back}".encode()).hexdigest()[:16]


@dataclass(frozen=True)
class SyncResult:
    client_id: str
    outcome: str  # "applied" or "skipped"
    message: str
    replayed: bool  # this id had arrived before: nothing changed now
    review_id: int | None = None


def answer_once(
    *,
    user,
    client_id: str,
    card_state_id: int,
    rating: int,
    shown_version: int,
    now: dt.datetime,
    answered_at: dt.datetime | None = None,
    duration_ms: int = 0,
    card_rev: str | None = None,
    config: scheduling.Config | None = None,
) -> SyncResult:
    """Apply one answer unless this client id was seen before. Raises CardState.DoesNotExist for a card that
    is not the learner's (the API answers 404, as the web form does)."""
    when = _answer_time(answered_at, now)
    with transaction.atomic():
        try:
            # The unique (user, client_id) row is claimed first: a second request with the same id waits on it
            # (PostgreSQL) or on the write lock (SQLite), then finds it and replays the first outcome.
            with transaction.atomic():
                marker = ClientAnswer.objects.create(
                    user=user,
                    client_id=client_id,
                    outcome=ClientAnswer.Outcome.SKIPPED,
                    received_at=now,
                )
        except IntegrityError:
            return _replay(user, client_id)
        card_state = CardState.objects.select_related("card").get(pk=card_state_id, user=user)
        marker.card_state = card_state
        if card_rev is not None and card_rev != card_revision(card_state.card):
            marker.message = "The card was edited after you saw it; it was not graded."
        elif card_state.last_review is not None and when < card_state.last_review:
            marker.message = "The card was answered later elsewhere; this answer was not graded."
        else:
            result = reviews.record_review(
                user=user,
                card_state_id=card_state_id,
                rating=rating,
                shown_version=shown_version,
                duration_ms=min(max(duration_ms, 0), MAX_ANSWER_MS),
                now=when,
                config=config,
            )
            if result.recorded:
                marker.outcome = ClientAnswer.Outcome.APPLIED
                marker.review = result.review
                marker.message = result.message[:200]
            elif result is reviews.STALE:
                marker.message = "The card changed after you saw it (answered elsewhere); not graded."
            else:
                marker.message = result.message[:200]
        marker.save()
    return SyncResult(
        client_id=client_id,
        outcome=marker.outcome,
        message=marker.message,
        replayed=False,
        review_id=marker.review_id,
    )


def _replay(user, client_id: str) -> SyncResult:
    first = ClientAnswer.objects.get(user=user, client_id=client_id)
    return SyncResult(
        client_id=client_id,
        outcome=first.outcome,
        message=first.message or "Already received.",
        replayed=True,
        review_id=first.review_id,
    )


def _answer_time(answered_at: dt.datetime | None, now: dt.datetime) -> dt.datetime:
    """When the learner answered: the client's clock, but never in the future nor older than a week."""
    if answered_at is None:
        return now
    if answered_at.tzinfo is None:
        answered_at = answered_at.replace(tzinfo=dt.UTC)
    return min(max(answered_at, now - MAX_OFFLINE_AGE), now)
