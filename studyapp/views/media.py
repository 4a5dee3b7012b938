"""Deck media (images and sounds of imported Anki decks), served only to people who may see the deck."""

from urllib.parse import unquote

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_GET

from studyapp.access import get_deck_for_user
from studyapp.models import DeckMedia


@require_GET
@login_required
def deck_media(request: HttpRequest, deck_id: int, name: str) -> FileResponse:
    deck = get_deck_for_user(request.user, deck_id)
    # Cards rendered before media links were encoded once still hold doubly encoded names.
    found = {m.name: m for m in DeckMedia.objects.filter(deck=deck, name__in={name, unquote(name)})}
    media = found.get(name) or found.get(unquote(name))
    if media is None:
        raise Http404("No such file in this deck.")
    try:
        handle = media.file.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404("The file is missing from storage.") from exc
    inline = media.content_type.split("/")[0] in {"image", "audio", "video"}
    response = FileResponse(
        handle,
        content_type=media.content_type if inline else "application/octet-stream",
        as_attachment=not inline,
        filename=media.name,
    )
    # Served inline but never as a page of ours: no sniffing into HTML, and a sandbox if opened directly.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response
