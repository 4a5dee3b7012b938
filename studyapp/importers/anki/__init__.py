"""Anki packages: read (`read_anki`: file -> notes rendered through their note types, with a report of what
will be kept) and the pieces it is made of (package, render, protobuf). PURE: no models."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from studyapp.importers.anki.package import AnkiError, AnkiPackage, CardRecord, read_package
from studyapp.importers.anki.render import (
    MediaUrl,
    RenderedCard,
    card_ords,
    media_names,
    note_fields,
    plain_text,
    render_card,
    render_cloze,
)

__all__ = ["AnkiError", "ParsedAnki", "ParsedNote", "read_anki", "render_notes"]


@dataclass
class ParsedNote:
    guid: str
    note_id: int
    notetype: str
    kind: str  # "standard", "cloze" or "image_occlusion"
    deck: str
    tags: tuple[str, ...]
    fields: dict[str, str]
    cards: list[RenderedCard]
    records: dict[int, CardRecord]  # Anki's own cards of this note, by template ordinal
    media: set[str]
    notetype_id: int = 0

    @property
    def term(self) -> str:
        """The note as one line for the deck page and search: its first field, with cloze deletions shown
        as their answers; an image occlusion note by its header."""
        first = next(iter(self.fields.values()), "")
        if self.kind == "image_occlusion":
            first = self.fields.get("Header", "") or "Image occlusion"
        elif self.kind == "cloze":
            first = render_cloze(first, 0, answer=True)
        return plain_text(first) or plain_text(self.cards[0].front if self.cards else "") or self.guid

    @property
    def answer(self) -> str:
        rest = [plain_text(value) for value in list(self.fields.values())[1:]]
        return "\n".join(text for text in rest if text)


@dataclass
class Skipped:
    note: str  # what the learner recognises: the first field, shortened
    notetype: str
    reason: str


@dataclass
class NotetypeCounts:
    name: str
    notes: int = 0
    cards: int = 0
    media: int = 0
    reviews: int = 0
    skipped: int = 0


@dataclass
class ParsedAnki:
    package: AnkiPackage
    notes: list[ParsedNote]
    skipped: list[Skipped] = field(default_factory=list)
    by_notetype: list[NotetypeCounts] = field(default_factory=list)

    @property
    def card_count(self) -> int:
        return sum(len(note.cards) for note in self.notes)

    @property
    def media_count(self) -> int:
        return len(set().union(*(n.media for n in self.notes)) & set(self.package.media)) if self.notes else 0

    @property
    def review_count(self) -> int:
        return sum(row.reviews for row in self.by_notetype)


def home_deck(record: CardRecord) -> int:
    """The deck a card lives in: a filtered (cram) deck only borrows it, keeping its home in `odid`."""
    return record.original_deck_id or record.deck_id


def read_anki(path: Path, workdir: Path, media_url: MediaUrl | None = None) -> ParsedAnki:
    """Read and render every note of the package at `path`. Raises AnkiError (nothing usable). Notes that
    give no card are listed in `skipped` with their reason; nothing is dropped silently."""
    package = read_package(path, workdir)
    return render_notes(package, media_url)


def render_notes(package: AnkiPackage, media_url: MediaUrl | None = None) -> ParsedAnki:
    if media_url is None:  # reading only (preview, report): no URL to point at yet, so media are left out
        media_url = lambda name: None  # noqa: E731
    cards_by_note: dict[int, dict[int, CardRecord]] = {}
    for card in package.cards:
        cards_by_note.setdefault(card.note_id, {})[card.ord] = card
    reviews_by_card = Counter(entry.card_id for entry in package.reviews if entry.is_answer)
    counts: dict[str, NotetypeCounts] = {}
    parsed, skipped, seen = [], [], set()
    for note in package.notes:
        notetype = package.notetypes.get(note.notetype_id)
        type_name = notetype.name if notetype else f"Unknown note type {note.notetype_id}"
        row = counts.setdefault(type_name, NotetypeCounts(type_name))
        label = plain_text(note.fields[0] if note.fields else "")[:80] or f"note {note.id}"
        if notetype is None:
            skipped.append(Skipped(label, type_name, "its note type is missing from the package"))
            row.skipped += 1
            continue
        if not note.guid or note.guid in seen:
            skipped.append(Skipped(label, type_name, "another note of the package has the same GUID"))
            row.skipped += 1
            continue
        records = cards_by_note.get(note.id, {})
        ords = sorted(records) or card_ords(note, notetype)
        deck = package.decks.get(home_deck(records[min(records)]) if records else 0, "Default")
        cards = [c for o in ords if (c := render_card(note, notetype, o, media_url, deck)) is not None]
        if not cards:
            reason = (
                "it has no cloze deletion ({{c1::…}})"
                if notetype.is_cloze
                else "every card's front is empty (its fields are empty)"
            )
            skipped.append(Skipped(label, type_name, reason))
            row.skipped += 1
            continue
        seen.add(note.guid)
        empty = len(set(records) - {card.ord for card in cards})
        if empty:  # Anki keeps cards an edit emptied until Tools → Empty Cards; their history stays there
            skipped.append(
                Skipped(
                    label, type_name, f"{empty} of its cards {'is' if empty == 1 else 'are'} empty in Anki"
                )
            )
        fields = note_fields(note, notetype)
        names = set().union(*(media_names(value) for value in fields.values())) & set(package.media)
        parsed.append(
            ParsedNote(
                guid=note.guid,
                note_id=note.id,
                notetype=type_name,
                kind="image_occlusion"
                if notetype.image_occlusion
                else ("cloze" if notetype.is_cloze else "standard"),
                deck=deck,
                tags=note.tags,
                fields=fields,
                cards=cards,
                records={c.ord: records[c.ord] for c in cards if c.ord in records},
                media=names,
                notetype_id=notetype.id,
            )
        )
        row.notes += 1
        row.cards += len(cards)
        row.media += len(names)
        row.reviews += sum(reviews_by_card[records[c.ord].id] for c in cards if c.ord in records)
    parsed.sort(key=_new_card_position)
    return ParsedAnki(package=package, notes=parsed, skipped=skipped, by_notetype=list(counts.values()))


def _new_card_position(note: ParsedNote) -> tuple[int, int]:
    """Anki introduces new cards in the order of their position (a new card's due; `odue` while a cram deck
    borrows it), which a deck's author or the learner may have changed; notes follow it, then their ids.
    Notes with no new card keep their place at the start, in id order."""
    positions = [
        record.original_due if record.original_deck_id else record.due
        for record in note.records.values()
        if record.type == 0
    ]
    return (min(positions) if positions else -1, note.note_id)
