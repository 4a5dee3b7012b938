"""Editing an imported Anki note on the web: its fields change, and its cards are rendered again through the
note type the deck keeps (AnkiNoteType), exactly as an import would render them. Card keys stay (GUID and
template ordinal), so every learner keeps their progress; a card the edit empties is switched off (its history
stays), and one the edit fills in (an optional reverse, a new cloze number) is added."""

from __future__ import annotations

from django.db import transaction

from studyapp.importers.anki import ParsedNote
from studyapp.importers.anki.package import Note, NoteType, Template
from studyapp.importers.anki.render import card_ords, media_names, occlusion_shapes, render_card
from studyapp.models import AnkiNoteType, DeckMedia, Item
from studyapp.services.anki import media_url
from studyapp.services.cards import SyncResult, sync_cards


class NoteEditRefused(ValueError):
    """The edit cannot be saved; the message says why. Nothing was changed."""


def notetype_of(item: Item) -> AnkiNoteType | None:
    """The stored note type of an Anki item (None for other items, and for decks imported before note types
    were kept: importing the package again stores them)."""
    anki_id = (item.anki_note or {}).get("notetype_id")
    if anki_id is None:
        return None
    return AnkiNoteType.objects.filter(deck_id=item.deck_id, anki_id=anki_id).first()


def _as_notetype(row: AnkiNoteType) -> NoteType:
    return NoteType(
        id=row.anki_id,
        name=row.name,
        is_cloze=row.kind != "standard",
        fields=tuple(row.fields),
        templates=tuple(Template(t["ord"], t["name"], t["front"], t["back"]) for t in row.templates),
        image_occlusion=row.kind == "image_occlusion",
    )


def _card_ords(note: Note, notetype: NoteType) -> list[int]:
    """The cards Anki would generate for the note as it now stands. A card the edit empties is not kept (Anki
    keeps it until Tools → Empty Cards; switching it off here keeps its history, and refilling brings it back)."""
    if notetype.image_occlusion:
        shapes = occlusion_shapes(dict(zip(notetype.fields, note.fields, strict=True)).get("Occlusion", ""))
        return sorted({number - 1 for shape in shapes for number in shape.numbers if number > 0})
    return card_ords(note, notetype)


def edit_anki_note(*, item: Item, fields: dict[str, str]) -> SyncResult:
    """Save the note's new field values and bring its cards in step, in one transaction."""
    with transaction.atomic():
        item = Item.objects.select_for_update().select_related("section").get(pk=item.pk)
        row = notetype_of(item)
        if row is None:
            raise NoteEditRefused(
                "This note's type was not kept; import the package again to edit its fields."
            )
        notetype = _as_notetype(row)
        values = tuple(fields.get(name, "") for name in notetype.fields)
        guid = item.key.removeprefix("anki:")
        note = Note(id=0, guid=guid, notetype_id=notetype.id, fields=values, tags=tuple(item.tags or ()))
        names = set().union(*(media_names(value) for value in values))
        stored = set(
            DeckMedia.objects.filter(deck_id=item.deck_id, name__in=names).values_list("name", flat=True)
        )
        deck = item.deck
        url = lambda name: media_url(deck, name) if name in stored else None  # noqa: E731
        ords = _card_ords(note, notetype)
        deck_name = item.section.heading
        cards = [c for o in ords if (c := render_card(note, notetype, o, url, deck_name)) is not None]
        if not cards:
            raise NoteEditRefused("With these fields the note gives no card (every card's front is empty).")
        parsed = ParsedNote(
            guid=guid,
            note_id=0,
            notetype=row.name,
            kind=row.kind,
            deck=deck_name,
            tags=tuple(item.tags or ()),
            fields=dict(zip(notetype.fields, values, strict=True)),
            cards=cards,
            records={},
            media=names & stored,
            notetype_id=row.anki_id,
        )
        item.term, item.answer, item.text = parsed.term[:500], parsed.answer, parsed.term
        item.note_cards = [
            {"ord": c.ord, "template": c.template, "front": c.front, "back": c.back} for c in cards
        ]
        item.anki_note = {**item.anki_note, "fields": parsed.fields}
        item.save(update_fields=["term", "answer", "text", "note_cards", "anki_note", "updated_at"])
        return sync_cards(deck)
