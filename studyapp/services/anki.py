"""Save a read Anki package as a deck: notes as items matched on Anki's GUID (a re-import updates them in place,
so learners keep their progress), each rendered card as a card, media through Django's storage, and, for a
learner bringing their own collection, the scheduling and review history (services.anki_history)."""

from __future__ import annotations

import hashlib
import mimetypes
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from studyapp.importers.anki import ParsedAnki, ParsedNote, render_notes
from studyapp.importers.anki.package import AnkiError, read_member
from studyapp.importers.article import ParsedSection
from studyapp.models import AnkiNoteType, Deck, DeckMedia, Item, SectionKind, User
from studyapp.services.cards import sync_cards
from studyapp.services.imports import ImportRejected, _check_scope, _save_sections

Progress = Callable[[int, str], None]

ITEM_KEY_PREFIX = "anki:"


def item_key(guid: str) -> str:
    return f"{ITEM_KEY_PREFIX}{guid}"


@dataclass
class AnkiImportResult:
    deck: Deck
    created: bool
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    cards: int = 0
    media_saved: int = 0
    media_skipped: list[str] = field(default_factory=list)
    reviews: int = 0
    states: int = 0
    parameters_fitted: bool = False

    def summary(self) -> str:
        verb = "Created" if self.created else "Updated"
        text = (
            f"{verb} {self.deck.title!r}: {self.added} notes added, {self.updated} changed, "
            f"{self.unchanged} unchanged; {self.cards} cards, {self.media_saved} media files"
        )
        if self.reviews or self.states:
            text += f"; {self.reviews} reviews and the scheduling of {self.states} cards"
        return text + "."


def media_limits() -> tuple[int, int, int]:
    return (
        settings.ANKI_MEDIA_MAX_FILE_BYTES,
        settings.ANKI_MEDIA_MAX_PACKAGE_BYTES,
        settings.ANKI_MEDIA_MAX_OWNER_BYTES,
    )


def media_url(deck: Deck, name: str) -> str:
    # reverse() percent-encodes the name once (spaces, accents, "?", "#", "%"); quoting it first as well made
    # links like heart%2520diagram.png, which Anki could not resolve once exported.
    return reverse("studyapp:deck-media", kwargs={"deck_id": deck.pk, "name": name})


def check_media(parsed: ParsedAnki, owner: User | None) -> tuple[list[str], list[str]]:
    """Which referenced media files will be kept, and those that will not (with why). Refuses the package when
    the media it keeps would overrun the per-package or per-owner limit."""
    per_file, per_package, per_owner = media_limits()
    wanted = sorted(set().union(*(note.media for note in parsed.notes)) if parsed.notes else set())
    keep, skipped, total = [], [], 0
    for name in wanted:
        media = parsed.package.media[name]
        if media.size > per_file:
            skipped.append(f"{name}: {media.size:,} bytes, over the {per_file:,}-byte limit per file")
            continue
        keep.append(name)
        total += media.size
    if total > per_package:
        raise ImportRejected(
            f"The package's media come to {total:,} bytes; the limit per package is {per_package:,} bytes. "
            "Split the deck or leave out large files."
        )
    if owner is not None:
        used = DeckMedia.objects.filter(deck__owner=owner).aggregate(total=Sum("size"))["total"] or 0
        if used + total > per_owner:
            raise ImportRejected(
                f"Your decks already hold {used:,} bytes of media; this package's {total:,} would pass the "
                f"{per_owner:,}-byte limit per account."
            )
    return keep, skipped


def save_anki(
    *,
    parsed: ParsedAnki,
    package_path: Path,
    owner: User | None,
    scope: str,
    title: str,
    with_scheduling: bool = False,
    progress: Progress | None = None,
) -> AnkiImportResult:
    """Save a read package. Media files are stored first (removed again if the import fails); the deck, its
    items and cards, and any history are then written in one transaction."""
    progress = progress or (lambda percent, stage: None)
    _check_scope(owner, scope)
    if not parsed.notes:
        raise ImportRejected("The package has no notes that give a card: nothing to import.")
    keep, skipped = check_media(parsed, owner)
    stored: list[str] = []
    try:
        with zipfile.ZipFile(package_path) as archive:
            files = _store_media(parsed, archive, keep, stored, progress)
        progress(60, "Saving notes and cards")
        with transaction.atomic():
            deck, created = _deck_for_notes(parsed, owner=owner, scope=scope, title=title)
            saved_media = _save_media_rows(deck, files)
            rendered = render_notes(
                parsed.package, lambda name: media_url(deck, name) if name in saved_media else None
            )
            _save_notetypes(deck, rendered)
            result = _save_notes(deck, rendered.notes, created)
            result.media_saved = len(saved_media)
            result.media_skipped = skipped
            sync_cards(deck)
            result.cards = deck.cards.filter(is_active=True).count()
            if with_scheduling and owner is not None:
                from studyapp.services import anki_history

                progress(80, "Bringing in scheduling and review history")
                anki_history.import_history(user=owner, deck=deck, parsed=rendered, result=result)
    except Exception:
        for path in stored:
            default_storage.delete(path)
        raise
    if with_scheduling and owner is not None and result.reviews:
        from studyapp.services import fitting

        result.parameters_fitted = fitting.fit_learner_parameters(user=owner) is not None
    progress(100, "Done")
    return result


@dataclass(frozen=True)
class _StoredFile:
    name: str
    path: str
    size: int
    sha256: str
    content_type: str


def _store_media(parsed, archive, keep, stored, progress) -> list[_StoredFile]:
    per_file = media_limits()[0]
    files = []
    for index, name in enumerate(keep):
        media = parsed.package.media[name]
        try:
            data = read_member(archive, media, per_file)
        except AnkiError as exc:
            raise ImportRejected(str(exc)) from exc
        digest = hashlib.sha256(data).hexdigest()
        extension = Path(name).suffix.lower()[:10]
        path = f"deck-media/{digest[:2]}/{digest}{extension}"
        if not default_storage.exists(path):  # content-addressed: the same bytes are stored once
            path = default_storage.save(path, ContentFile(data))
            stored.append(path)
        content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        files.append(_StoredFile(name, path, len(data), digest, content_type))
        if index % 20 == 0:
            progress(10 + int(50 * index / max(len(keep), 1)), f"Storing media ({index + 1} of {len(keep)})")
    return files


def _save_media_rows(deck: Deck, files: list[_StoredFile]) -> set[str]:
    existing = {m.name: m for m in DeckMedia.objects.filter(deck=deck)}
    new, changed, old_paths = [], [], []
    for f in files:
        row = existing.get(f.name)
        if row is None:
            new.append(
                DeckMedia(
                    deck=deck,
                    name=f.name,
                    file=f.path,
                    size=f.size,
                    sha256=f.sha256,
                    content_type=f.content_type,
                )
            )
        else:
            old_paths.append(row.file.name)
            row.file, row.size, row.sha256, row.content_type = f.path, f.size, f.sha256, f.content_type
            changed.append(row)
    DeckMedia.objects.bulk_create(new)
    DeckMedia.objects.bulk_update(changed, ["file", "size", "sha256", "content_type"])
    # A replaced file is removed once the new rows are committed (never while they could roll back).
    still_used = set(DeckMedia.objects.filter(file__in=old_paths).values_list("file", flat=True))
    for path in set(old_paths) - still_used:
        transaction.on_commit(lambda path=path: default_storage.delete(path))
    return set(existing) | {f.name for f in files}


def _deck_for_notes(parsed: ParsedAnki, *, owner, scope, title) -> tuple[Deck, bool]:
    """The owner's deck that already holds most of these notes (matched on GUID), else a new deck."""
    keys = [item_key(note.guid) for note in parsed.notes]
    candidates = Item.objects.filter(
        key__in=keys[:5000], deck__owner=owner, deck__scope=scope, deck__source="anki"
    ).values_list("deck_id", flat=True)
    counts: dict[int, int] = {}
    for deck_id in candidates:
        counts[deck_id] = counts.get(deck_id, 0) + 1
    if counts:
        deck = Deck.objects.select_for_update().get(pk=max(counts, key=counts.get))
        return deck, False
    title = (title or "Anki deck").strip()[:200]
    base = slugify(title)[:190] or "anki-deck"
    taken = set(Deck.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    deck = Deck.objects.create(title=title, slug=slug, source=Deck.Source.ANKI, scope=scope, owner=owner)
    return deck, True


def _save_notetypes(deck: Deck, parsed: ParsedAnki) -> None:
    """The note types the notes use, as the package has them now (templates edited in Anki follow)."""
    used = {note.notetype_id: note.kind for note in parsed.notes}
    existing = {n.anki_id: n for n in AnkiNoteType.objects.filter(deck=deck, anki_id__in=used)}
    new, changed = [], []
    for anki_id, kind in used.items():
        notetype = parsed.package.notetypes[anki_id]
        values = {
            "name": notetype.name[:200],
            "kind": kind,
            "fields": list(notetype.fields),
            "templates": [
                {"ord": t.ord, "name": t.name, "front": t.front, "back": t.back} for t in notetype.templates
            ],
            "css": notetype.css,
        }
        row = existing.get(anki_id)
        if row is None:
            new.append(AnkiNoteType(deck=deck, anki_id=anki_id, **values))
        elif any(getattr(row, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(row, name, value)
            changed.append(row)
    AnkiNoteType.objects.bulk_create(new)
    AnkiNoteType.objects.bulk_update(changed, ["name", "kind", "fields", "templates", "css"])


_ITEM_FIELDS = [
    "section",
    "position",
    "term",
    "answer",
    "text",
    "tags",
    "note_cards",
    "anki_note",
    "retired_at",
    "updated_at",
]


def _save_notes(deck: Deck, notes: list[ParsedNote], created: bool) -> AnkiImportResult:
    """Items keyed on the note's GUID: new notes added, changed ones updated in place (their cards keep their
    keys, so every learner keeps their progress). Notes missing from this package are left alone: a package
    may hold part of a deck, and Anki's own importer never deletes either."""
    # Anki's default gathers new cards deck by deck in the deck tree's order, then by position within each.
    # A section's heading holds 200 characters: a longer Anki deck path is cut here, once, so a re-import finds
    # the same section instead of adding another.
    heading = {note.deck: note.deck[:200] for note in notes}
    deck_names = sorted(set(heading.values()), key=lambda name: [p.lower() for p in name.split("::")])
    sections = dict(
        zip(
            deck_names,
            _save_sections(
                deck, [ParsedSection(kind=SectionKind.OTHER, heading=name) for name in deck_names]
            ),
            strict=True,
        )
    )
    existing = {item.key: item for item in Item.objects.filter(deck=deck, key__startswith=ITEM_KEY_PREFIX)}
    result = AnkiImportResult(deck=deck, created=created)
    new, changed, moved = [], [], []
    now = timezone.now()
    for position, note in enumerate(notes):
        key = item_key(note.guid)
        values = {
            "section": sections[heading[note.deck]],
            "position": position,
            "term": note.term[:500],
            "answer": note.answer,
            "text": note.term,
            "tags": list(note.tags),
            "note_cards": [
                {"ord": c.ord, "template": c.template, "front": c.front, "back": c.back} for c in note.cards
            ],
            "anki_note": {
                "notetype": note.notetype,
                "notetype_id": note.notetype_id,
                "kind": note.kind,
                "fields": note.fields,
            },
            "retired_at": None,
        }
        item = existing.get(key)
        if item is None:
            new.append(Item(deck=deck, key=key, **values))
        elif any(getattr(item, name) != value for name, value in values.items() if name != "position"):
            for name, value in values.items():
                setattr(item, name, value)
            item.updated_at = now
            changed.append(item)
        else:
            # Unchanged, though it may have moved (new cards reordered in Anki): the move is kept quietly.
            if item.position != position:
                item.position = position
                moved.append(item)
            result.unchanged += 1
    Item.objects.bulk_create(new, batch_size=500)
    Item.objects.bulk_update(changed, _ITEM_FIELDS, batch_size=500)
    Item.objects.bulk_update(moved, ["position"], batch_size=500)
    result.added, result.updated = len(new), len(changed)
    return result
