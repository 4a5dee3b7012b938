"""How every page answers htmx: one URL, one template, the named partial for htmx requests."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers


def render_page(
    request: HttpRequest, template: str, partial: str, context: dict, status: int = 200
) -> HttpResponse:
    """The whole page, or only the partial `partial` of `template` for an htmx request.

    A history restore (the browser's back button after htmx swapped the page) needs the whole page again.
    `Vary: HX-Request` keeps caches from serving the fragment for a plain request or the reverse.
    """
    if request.htmx and not request.htmx.history_restore_request:
        template = f"{template}#{partial}"
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ("HX-Request",))
    return response
