"""Downloads of Anki packages: one deck, or a learner's whole collection with their progress."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from studyapp.access import get_deck_for_user
from studyapp.models import Deck, Enrollment
from studyapp.services.anki_export import export_apkg


def _download(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/octet-stream")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_GET
@login_required
def deck_export(request: HttpRequest, deck_id: int) -> HttpResponse:
    """The deck's cards; the learner's own scheduling and history come along when they study it."""
    deck = get_deck_for_user(request.user, deck_id)
    studying = Enrollment.objects.filter(user=request.user, deck=deck, active=True).exists()
    result = export_apkg(decks=[deck], user=request.user if studying else None)
    return _download(result.data, f"{deck.slug}.apkg")


@require_GET
@login_required
def collection_export(request: HttpRequest) -> HttpResponse:
    """Every deck the learner studies, with their scheduling and review history, as one package."""
    decks = list(
        Deck.objects.visible_to(request.user)
        .filter(enrollments__user=request.user, enrollments__active=True)
        .order_by("title")
    )
    result = export_apkg(decks=decks, user=request.user)
    return _download(result.data, f"{request.user.username}-collection.apkg")
