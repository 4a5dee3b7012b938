"""Authentication, rate limits and error responses shared by every router of the API."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, Throttled, ValidationError as NinjaValidationError
from ninja.security import HttpBearer, SessionAuth
from ninja.throttling import SimpleRateThrottle

from studyapp.services import tokens


class TokenAuth(HttpBearer):
    """`Authorization: Bearer sa_…`: a personal access token made under Study settings → API tokens."""

    def authenticate(self, request: HttpRequest, token: str):
        found = tokens.authenticate(token)
        if found is None:
            return None
        request.api_token = found
        request.user = found.user
        return found.user


class TokenRateThrottle(SimpleRateThrottle):
    """Requests per token (or per signed-in session), counted in Django's cache like the join-code limit."""

    scope = "api"

    def __init__(self):
        super().__init__(rate=settings.API_RATE_LIMIT)

    def allow_request(self, request: HttpRequest) -> bool:
        # Read at each request, so a changed setting (or a test's override) applies without a restart.
        self.rate = settings.API_RATE_LIMIT
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)

    def get_cache_key(self, request: HttpRequest) -> str | None:
        token = getattr(request, "api_token", None)
        if token is not None:
            ident = f"token-{token.pk}"
        elif request.user.is_authenticated:
            ident = f"session-{request.user.pk}"
        else:
            return None
        return self.cache_format % {"scope": self.scope, "ident": ident}


def _field_label(loc) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "payload")]
    return ".".join(parts) or "request"


def build_api() -> NinjaAPI:
    api = NinjaAPI(
        title="studyapp API",
        version="1",
        description=(
            "Decks, lists and items; due cards and answers; undo; study settings; dashboard figures; quiz "
            "attempts. Authenticate with a personal access token (`Authorization: Bearer sa_…`, made under "
            "Study settings → API tokens) or, from the app's own pages, the session cookie plus the CSRF header."
        ),
        urls_namespace="api",
        auth=[TokenAuth(), SessionAuth()],
        throttle=[TokenRateThrottle()],
    )

    @api.exception_handler(NinjaValidationError)
    def invalid_request(request, exc: NinjaValidationError):
        problems = [f"{_field_label(e.get('loc', ()))}: {e.get('msg', 'invalid')}" for e in exc.errors]
        return api.create_response(
            request, {"detail": "Invalid request. " + "; ".join(problems), "errors": exc.errors}, status=422
        )

    @api.exception_handler(DjangoValidationError)
    def invalid_value(request, exc: DjangoValidationError):
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"request": exc.messages}
        problems = [f"{field}: {' '.join(msgs)}" for field, msgs in errors.items()]
        return api.create_response(
            request, {"detail": "Invalid request. " + "; ".join(problems), "errors": errors}, status=422
        )

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, exc):
        return api.create_response(
            request,
            {"detail": "Authentication required: send a valid API token (Bearer) or sign in."},
            status=401,
        )

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return api.create_response(request, {"detail": "Not found."}, status=404)

    @api.exception_handler(PermissionDenied)
    def forbidden(request, exc):
        return api.create_response(request, {"detail": str(exc) or "Forbidden."}, status=403)

    @api.exception_handler(Throttled)
    def throttled(request, exc):
        return api.create_response(
            request, {"detail": f"Too many requests: the limit is {settings.API_RATE_LIMIT}."}, status=429
        )

    return api
