"""What makes studyapp installable: the web app manifest and the service worker script."""

from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import FileResponse, Http404, HttpRequest, JsonResponse
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.http import require_GET

SERVICE_WORKER = "studyapp/sw.js"


@require_GET
def manifest(request: HttpRequest) -> JsonResponse:
    icon = "studyapp/icons/icon-{}.png"
    data = {
        "name": "studyapp",
        "short_name": "studyapp",
        "description": "Spaced repetition and quizzes for medical lists; reviews work offline.",
        "id": "/",
        "start_url": reverse("studyapp:review"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#1f5f8b",
        "icons": [
            {"src": static(icon.format(192)), "sizes": "192x192", "type": "image/png"},
            {"src": static(icon.format(512)), "sizes": "512x512", "type": "image/png", "purpose": "any"},
            {"src": static("studyapp/icons/icon.svg"), "sizes": "any", "type": "image/svg+xml"},
        ],
    }
    response = JsonResponse(data, content_type="application/manifest+json")
    response["Cache-Control"] = "public, max-age=3600"
    return response


@require_GET
def service_worker(request: HttpRequest) -> FileResponse:
    """Our service worker, read from our static files but served at the site root: a worker only controls
    pages under the path it is served from, and the study page is not under /static/."""
    path = finders.find(SERVICE_WORKER)
    if path is None and staticfiles_storage.exists(SERVICE_WORKER):
        path = staticfiles_storage.path(SERVICE_WORKER)
    if path is None:
        raise Http404("service worker missing")
    response = FileResponse(open(path, "rb"), content_type="text/javascript")  # noqa: SIM115 (closed by Django)
    # Browsers re-check the worker on navigation; never let a cache keep an old one.
    response["Cache-Control"] = "no-cache"
    return response
