"""Personal access tokens for the JSON API: made, named, used and revoked by their learner."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.utils import timezone

from studyapp.models import ApiToken

TOKEN_PREFIX = "sa_"
# Refreshing "last used" on every request would turn each API read into a write; once a minute is plenty.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


def digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def create_token(*, user, name: str) -> tuple[ApiToken, str]:
    """The new token row and the token itself, which is never stored and cannot be shown again."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name.strip()[:100], digest=digest(raw), prefix=raw[:10])
    return token, raw


def revoke_token(*, user, token_id: int, now: dt.datetime | None = None) -> ApiToken:
    """Raises ApiToken.DoesNotExist for another learner's token."""
    token = ApiToken.objects.get(pk=token_id, user=user)
    if token.revoked_at is None:
        token.revoked_at = now or timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def authenticate(raw: str, *, now: dt.datetime | None = None) -> ApiToken | None:
    """The active token matching `raw` (with its user), or None."""
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 100:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=digest(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = now or timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
