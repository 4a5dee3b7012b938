import logging
import zoneinfo

from django.db import OperationalError
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_cache_control

log = logging.getLogger(__name__)


class LearnerTimezoneMiddleware:
    """Show every time in the signed-in learner's own time zone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            try:
                timezone.activate(zoneinfo.ZoneInfo(user.time_zone))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        else:
            timezone.deactivate()
        return self.get_response(request)


class PrivateResponsesMiddleware:
    """Signed-in pages and downloads (gradebooks hold e-mail addresses) must not be kept by a shared proxy or
    by the browser's disk cache on a shared computer: `Cache-Control: private, no-store`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        response = self.get_response(request)
        # Also after the request changed who is signed in (login, logout): those responses carry a session.
        user = getattr(request, "user", None)
        if signed_in or (user is not None and user.is_authenticated):
            response.headers.pop("Expires", None)
            patch_cache_control(response, private=True, no_store=True)
        return response


# query_canceled: PostgreSQL stopped a statement at the statement timeout (the per-request time budget).
QUERY_CANCELED = "57014"


class TimeBudgetMiddleware:
    """A request whose query ran past the database's statement timeout gets a 503 page that says so; the
    transaction was rolled back, so nothing was half-written."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        cause = exception.__cause__ or exception.__context__
        if isinstance(exception, OperationalError) and getattr(cause, "sqlstate", None) == QUERY_CANCELED:
            log.warning("%s %s stopped at the statement timeout", request.method, request.path)
            response = render(request, "503.html", status=503)
            response["Retry-After"] = "60"
            return response
        return None
