"""Ownership helpers: every view fetches its object through one of these, so strangers get a 404."""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from studyapp.models import AnkiExport, AnkiImport, Deck


def get_deck_for_user(user, deck_id: int) -> Deck:
    """A deck the user may study (library, their own, or their instructors'), else 404."""
    return get_object_or_404(Deck.objects.visible_to(user), pk=deck_id)


def get_deck_for_editor(user, deck_id: int) -> Deck:
    """A deck the user may change (its owner, or an admin), else 404."""
    return get_object_or_404(Deck.objects.editable_by(user), pk=deck_id)


def get_anki_import_for_user(user, import_id: int) -> AnkiImport:
    """One of the user's own Anki imports, else 404."""
    return get_object_or_404(AnkiImport, pk=import_id, owner=user)


def get_anki_export_for_user(user, export_id: int) -> AnkiExport:
    """One of the user's own Anki exports, else 404."""
    return get_object_or_404(AnkiExport, pk=export_id, owner=user)


def instructor_required(view):
    """For instructor-only views; use after @login_required."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not (request.user.is_instructor or request.user.is_superuser):
            raise PermissionDenied("Only instructors can do this.")
        return view(request, *args, **kwargs)

    return wrapper
