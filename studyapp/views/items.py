"""Correcting one item of a deck on the web (its editors only: the owner, or an admin)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from studyapp.access import get_deck_for_editor
from studyapp.forms import AnkiNoteForm, ItemCorrectionForm
from studyapp.models import Item
from studyapp.services.anki_notes import NoteEditRefused, edit_anki_note, notetype_of
from studyapp.services.items import ItemConflict, correct_item, restore_item, retire_item


@login_required
@require_http_methods(["GET", "POST"])
def item_edit(request: HttpRequest, deck_id: int, item_id: int) -> HttpResponse:
    deck = get_deck_for_editor(request.user, deck_id)
    item = get_object_or_404(Item.objects.select_related("section", "group"), pk=item_id, deck=deck)
    action_error = None
    if request.method == "POST" and ("retire" in request.POST or "restore" in request.POST):
        form = ItemCorrectionForm(item=item)
        try:
            if "retire" in request.POST:
                retire_item(item=item)
                messages.success(request, f"Retired {item.term!r}: its cards are switched off.")
            else:
                restore_item(item=item)
                messages.success(request, f"Restored {item.term!r} and its cards.")
        except ItemConflict as exc:
            action_error = str(exc)
        else:
            return redirect("studyapp:deck", deck_id=deck.pk)
    elif item.anki_note and (notetype := notetype_of(item)) is not None:
        form = AnkiNoteForm(request.POST or None, item=item, field_names=notetype.fields)
        if form.is_valid():
            try:
                edit_anki_note(item=item, fields=form.note_fields())
            except NoteEditRefused as exc:
                form.add_error(None, str(exc))
            else:
                item.refresh_from_db(fields=["term"])
                messages.success(
                    request, f"Saved {item.term!r}; its cards are rendered again from its fields."
                )
                return redirect("studyapp:deck", deck_id=deck.pk)
    elif item.anki_note:
        # An Anki note imported before decks kept their note types: its cards cannot be rendered again, and a
        # corrected term would not reach them, so only retire/restore is offered until the package is re-imported.
        form = None
    else:
        form = ItemCorrectionForm(request.POST or None, item=item)
        if form.is_valid():
            data = form.cleaned_data
            try:
                correct_item(
                    item=item,
                    term=data["term"],
                    gloss=data["gloss"],
                    answer=data["answer"],
                    group=data.get("group"),
                )
            except ItemConflict as exc:
                form.add_error("term", str(exc))
            else:
                messages.success(request, f"Saved {data['term']!r}; its cards now show the correction.")
                return redirect("studyapp:deck", deck_id=deck.pk)
    context = {"deck": deck, "item": item, "form": form, "action_error": action_error, "nav": "decks"}
    return render(request, "studyapp/item_edit.html", context)
