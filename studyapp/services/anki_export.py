"""Export decks as an Anki package (.apkg) that Anki opens, optionally with one learner's scheduling and
review history, so nobody is locked in.

genanki writes the notes: an Anki note goes back in its own note type (its id, fields and templates, kept by
the deck as AnkiNoteType) with exactly the cards it has here, in its Anki deck. Notes of decks imported before
note types were kept, and Image Occlusion notes, go as before: a forward + reverse note a "Basic (and reversed
card)" note, a cloze note a cloze type with its fields, a plain Front/Back note a Basic note; anything else (and
every other item) a Basic note, or a note of our "studyapp" type whose templates each show one of its cards. Cards
without an item (whole-list recall, gloss → items) become Basic notes of their own. GUIDs are stable (an Anki
note keeps its own), so importing the export again updates notes in place on both sides. genanki does not write
scheduling, so the learner's card states and review log are then written into the package's collection.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import json
import re
import sqlite3
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

import genanki

from studyapp.models import AnkiNoteType, Card, CardState, Deck, DeckMedia, Item, Review, User

# genanki's collection is created on this day; review cards' due days count from it (Anki shifts them to the
# importing collection's own creation day).
GENANKI_CREATED = 1411124400
MAX_GENERIC_CARDS = 12

_BASIC = genanki.Model(
    1760000001,
    "Basic (studyapp)",
    fields=[{"name": "Front"}, {"name": "Back"}],
    templates=[{"name": "Card 1", "qfmt": "{{Front}}", "afmt": "{{FrontSide}}<hr id=answer>{{Back}}"}],
)
_REVERSED = genanki.Model(
    1760000002,
    "Basic (and reversed card) (studyapp)",
    fields=[{"name": "Front"}, {"name": "Back"}],
    templates=[
        {"name": "Card 1", "qfmt": "{{Front}}", "afmt": "{{FrontSide}}<hr id=answer>{{Back}}"},
        {"name": "Card 2", "qfmt": "{{Back}}", "afmt": "{{FrontSide}}<hr id=answer>{{Front}}"},
    ],
)
_CLOZE = genanki.Model(
    1760000003,
    "Cloze (studyapp)",
    fields=[{"name": "Text"}, {"name": "Back Extra"}],
    templates=[{"name": "Cloze", "qfmt": "{{cloze:Text}}", "afmt": "{{cloze:Text}}<br>{{Back Extra}}"}],
    model_type=genanki.Model.CLOZE,
)
_GENERIC = genanki.Model(
    1760000004,
    "studyapp cards",
    fields=[{"name": f"{side} {n}"} for n in range(1, MAX_GENERIC_CARDS + 1) for side in ("Front", "Back")],
    templates=[
        {
            "name": f"Card {n}",
            "qfmt": f"{{{{#Front {n}}}}}{{{{Front {n}}}}}{{{{/Front {n}}}}}",
            "afmt": f"{{{{FrontSide}}}}<hr id=answer>{{{{Back {n}}}}}",
        }
        for n in range(1, MAX_GENERIC_CARDS + 1)
    ],
)

_MEDIA_SRC = re.compile(r'(src=")/decks/\d+/media/([^"]+)(")')


@dataclass
class ExportResult:
    data: bytes
    notes: int
    cards: int
    media: int
    reviews: int


def _anki_html(card: Card) -> tuple[str, str]:
    if card.is_html:
        return _media_names(card.front), _media_names(card.back)
    as_html = lambda text: html.escape(text).replace("\n", "<br>")  # noqa: E731
    return as_html(card.front), as_html(card.back)


def _media_names(fragment: str) -> str:
    """Our media URLs back to the file names Anki uses (the files travel in the package under those names)."""
    return _MEDIA_SRC.sub(lambda m: m.group(1) + html.escape(_media_name(m.group(2))) + m.group(3), fragment)


def _media_name(encoded: str) -> str:
    name = unquote(encoded)
    # Cards rendered before media links were encoded once hold doubly encoded names (heart%2520diagram.png).
    return unquote(name) if _ENCODED.search(name) else name


_ENCODED = re.compile(r"%[0-9A-Fa-f]{2}")


def _guid(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:20]


_CLOZE_IN = re.compile(r"\{\{c\d+(?:\s*,\s*\d+)*::")


def _cloze_model(notetype: str, field_names: tuple[str, ...], cloze_field: str) -> genanki.Model:
    """A cloze note type with the note's own fields (AnKing's Extra, Lecture Notes…), so nothing is lost: the
    cloze field on the front, every other field on the back when it is filled."""
    if field_names == ("Text", "Back Extra"):
        return _CLOZE
    rest = "".join(
        f"{{{{#{name}}}}}<br>{{{{{name}}}}}{{{{/{name}}}}}" for name in field_names if name != cloze_field
    )
    model_id = int(hashlib.sha256("\x1f".join((notetype, *field_names)).encode()).hexdigest()[:8], 16)
    return genanki.Model(
        model_id,
        f"{notetype} (studyapp)",
        fields=[{"name": name} for name in field_names],
        templates=[
            {
                "name": "Cloze",
                "qfmt": f"{{{{cloze:{cloze_field}}}}}",
                "afmt": f"{{{{cloze:{cloze_field}}}}}{rest}",
            }
        ],
        model_type=genanki.Model.CLOZE,
    )


@dataclass
class _Exporting:
    """What one export looks up once: the decks' kept note types, and the genanki models made of them."""

    notetypes: dict[tuple[int, int], AnkiNoteType]
    models: dict[int, genanki.Model]


def _original_model(row: AnkiNoteType, models: dict[int, genanki.Model]) -> genanki.Model:
    """The note type as the deck's Anki had it: its id (Anki maps the notes to its own copy when it has one),
    name, fields, templates and style sheet."""
    if row.pk not in models:
        models[row.pk] = genanki.Model(
            row.anki_id,
            row.name,
            fields=[{"name": name} for name in row.fields],
            templates=[{"name": t["name"], "qfmt": t["front"], "afmt": t["back"]} for t in row.templates],
            model_type=genanki.Model.CLOZE if row.kind == "cloze" else genanki.Model.FRONT_BACK,
            css=row.css,
        )
    return models[row.pk]


def _note_of_own_type(item: Item, cards: list[Card], guid: str, tags: list[str], exporting: _Exporting):
    """The note in its own note type, with exactly the cards it has here; None when the deck did not keep
    that note type (imported before note types were kept) or it is drawn by Anki's script (Image Occlusion)."""
    note = item.anki_note or {}
    row = exporting.notetypes.get((item.deck_id, note.get("notetype_id")))
    if row is None or row.kind == "image_occlusion" or not row.templates:
        return None
    fields = note.get("fields") or {}
    values = [fields.get(name, "") for name in row.fields]
    ords = {card.pk: int(card.key.rsplit(":", 1)[1]) for card in cards}
    anki_note = genanki.Note(
        model=_original_model(row, exporting.models), fields=values, tags=tags, guid=guid
    )
    anki_note.cards = [genanki.Card(ordinal) for ordinal in sorted(set(ords.values()))]
    return anki_note, ords


def _notes_for_item(
    deck: Deck, item: Item, cards: list[Card], exporting: _Exporting | None = None
) -> list[tuple[genanki.Note, dict[int, int]]]:
    """The notes of one item, each with {our card id: Anki template ordinal}."""
    note = item.anki_note or {}
    fields = note.get("fields") or {}
    guid = item.key.removeprefix("anki:") if item.key.startswith("anki:") else _guid(deck.slug, item.key)
    tags = [re.sub(r"\s+", "_", t) for t in item.tags or []]
    if exporting is not None and (own := _note_of_own_type(item, cards, guid, tags, exporting)) is not None:
        return [own]
    # The field holding the deletions: "Text" in stock and AnKing types, another name in some custom ones.
    candidates = sorted(fields, key=lambda name: name != "Text")
    cloze_field = next(
        (n for n in candidates if _CLOZE_IN.search(fields[n])), "Text" if "Text" in fields else None
    )
    if note.get("kind") == "cloze" and cloze_field:
        ords = {card.pk: int(card.key.rsplit(":", 1)[1]) for card in cards}
        model = _cloze_model(note.get("notetype") or "Cloze", tuple(fields), cloze_field)
        return [(genanki.Note(model=model, fields=list(fields.values()), tags=tags, guid=guid), ords)]
    ords_of = {card.pk: card.key.rsplit(":", 1)[1] for card in cards} if note else {}
    # Only a plain Front/Back note travels as a Basic note; a note with more filled fields (a mnemonic, an
    # image) travels as the cards it gave, so what its templates showed is not lost.
    extra = {name for name, value in fields.items() if value.strip()} - {"Front", "Back", "Add Reverse"}
    if (
        note.get("kind") == "standard"
        and {"Front", "Back"} <= set(fields)
        and not extra
        and sorted(ords_of.values()) in (["0"], ["0", "1"])
    ):
        model = _REVERSED if len(cards) == 2 else _BASIC
        values = [fields["Front"], fields["Back"]]
        return [
            (
                genanki.Note(model=model, fields=values, tags=tags, guid=guid),
                {c.pk: int(ords_of[c.pk]) for c in cards},
            )
        ]
    if len(cards) == 1:
        front, back = _anki_html(cards[0])
        return [(genanki.Note(model=_BASIC, fields=[front, back], tags=tags, guid=guid), {cards[0].pk: 0})]
    notes = []
    for start in range(0, len(cards), MAX_GENERIC_CARDS):
        chunk = cards[start : start + MAX_GENERIC_CARDS]
        values = ["" for _ in range(2 * MAX_GENERIC_CARDS)]
        ords = {}
        for ordinal, card in enumerate(chunk):
            values[2 * ordinal], values[2 * ordinal + 1] = _anki_html(card)
            ords[card.pk] = ordinal
        chunk_guid = guid if start == 0 else f"{guid}:{start}"
        notes.append((genanki.Note(model=_GENERIC, fields=values, tags=tags, guid=chunk_guid), ords))
    return notes


def _deck_id(*parts: str) -> int:
    return int(hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:8], 16)


def _home_deck(
    deck: Deck, item: Item, whole: genanki.Deck, subdecks: dict, package_decks: list
) -> genanki.Deck:
    """Where an item's notes go in Anki: for a deck imported from Anki, the Anki deck its notes came from (the
    section's heading is that deck's full name, `Med::Cardio::Drugs`), so the hierarchy survives the round trip;
    otherwise the deck itself."""
    if deck.source != Deck.Source.ANKI or item.section is None or not item.section.heading.strip():
        return whole
    if item.section_id not in subdecks:
        subdecks[item.section_id] = genanki.Deck(
            _deck_id(deck.slug, item.section.heading), item.section.heading
        )
        package_decks.append(subdecks[item.section_id])
    return subdecks[item.section_id]


def export_apkg(*, decks: list[Deck], user: User | None = None) -> ExportResult:
    """The decks' active cards as one package (each deck an Anki deck of its title); with `user`, that learner's
    scheduling and review history of those cards come along."""
    package_decks, media_rows, card_of = [], [], {}
    note_count = 0
    exporting = _Exporting(
        notetypes={(n.deck_id, n.anki_id): n for n in AnkiNoteType.objects.filter(deck__in=decks)}, models={}
    )
    for deck in decks:
        anki_deck = genanki.Deck(_deck_id(deck.slug), deck.title)
        package_decks.append(anki_deck)
        subdecks: dict[int, genanki.Deck] = {}
        cards = list(Card.objects.filter(deck=deck, is_active=True).order_by("position", "pk"))
        items = {
            i.pk: i
            for i in Item.objects.filter(
                deck=deck, pk__in={c.item_id for c in cards if c.item_id}
            ).select_related("section")
        }
        by_item: dict[int, list[Card]] = {}
        loose = []
        for card in cards:
            (by_item.setdefault(card.item_id, []) if card.item_id in items else loose).append(card)
        for item_id, item_cards in by_item.items():
            home = _home_deck(deck, items[item_id], anki_deck, subdecks, package_decks)
            for note, ords in _notes_for_item(deck, items[item_id], item_cards, exporting):
                home.add_note(note)
                card_of.update({card_id: (note.guid, ordinal) for card_id, ordinal in ords.items()})
                note_count += 1
        for card in loose:
            front, back = _anki_html(card)
            note = genanki.Note(model=_BASIC, fields=[front, back], guid=_guid(deck.slug, card.key))
            anki_deck.add_note(note)
            card_of[card.pk] = (note.guid, 0)
            note_count += 1
        if subdecks and not anki_deck.notes:
            package_decks.remove(anki_deck)  # every note went to its own Anki deck: no empty parent
        media_rows += list(DeckMedia.objects.filter(deck=deck))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        media_paths = _media_files(media_rows, folder / "media")
        package = genanki.Package(package_decks, media_files=media_paths)
        path = folder / "export.apkg"
        package.write_to_file(str(path), timestamp=time.time())
        reviews = _complete_collection(path, folder, user, card_of, [deck.pk for deck in decks])
        data = path.read_bytes()
    return ExportResult(
        data=data, notes=note_count, cards=len(card_of), media=len(media_paths), reviews=reviews
    )


def _media_files(rows: list[DeckMedia], folder: Path) -> list[str]:
    folder.mkdir()
    paths = []
    for row in rows:
        target = folder / row.name
        if target.exists():
            continue  # two decks with a file of the same name: the first one travels
        try:
            with row.file.open("rb") as source:
                target.write_bytes(source.read())
        except OSError:
            continue
        paths.append(str(target))
    return paths


_KIND = {
    CardState.State.NEW: 0,
    CardState.State.LEARNING: 0,
    CardState.State.REVIEW: 1,
    CardState.State.RELEARNING: 2,
}


def _complete_collection(
    path: Path, folder: Path, user: User | None, card_of: dict[int, tuple[str, int]], deck_ids: list[int]
) -> int:
    """Finish genanki's collection: add the cards its cloze detection misses (overlapping `{{c1,2::…}}` and
    nested deletions), then, for a learner, write their card states and reviews (genanki leaves cards new).
    Returns the number of reviews written."""
    database = folder / "collection.anki2"
    with zipfile.ZipFile(path) as archive:
        database.write_bytes(archive.read("collection.anki2"))
        others = {name: archive.read(name) for name in archive.namelist() if name != "collection.anki2"}
    connection = sqlite3.connect(database)
    ids = _add_missing_cards(connection, set(card_of.values()))
    count = _write_scheduling(connection, user, card_of, ids, deck_ids) if user is not None else 0
    connection.commit()
    connection.close()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(database, "collection.anki2")
        for name, data in others.items():
            archive.writestr(name, data)
    return count


def _add_missing_cards(connection, wanted: set[tuple[str, int]]) -> dict[tuple[str, int], int]:
    rows = connection.execute(
        "SELECT cards.id, notes.guid, cards.ord, cards.nid, cards.did FROM cards JOIN notes ON notes.id = cards.nid"
    ).fetchall()
    ids = {(guid, ordinal): card_id for card_id, guid, ordinal, _nid, _did in rows}
    note_of = {guid: (nid, did) for _id, guid, _ord, nid, did in rows}
    next_id = max((card_id for card_id, *_ in rows), default=int(time.time() * 1000)) + 1
    for guid, ordinal in sorted(wanted - set(ids)):
        if guid not in note_of:
            continue
        nid, did = note_of[guid]
        connection.execute(
            "INSERT INTO cards (id, nid, did, ord, mod, usn, type, queue, due, ivl, factor, reps, lapses, left, "
            "odue, odid, flags, data) VALUES (?, ?, ?, ?, ?, -1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, '')",
            (next_id, nid, did, ordinal, int(time.time())),
        )
        ids[(guid, ordinal)] = next_id
        next_id += 1
    return ids


def _write_scheduling(connection, user: User, card_of: dict[int, tuple[str, int]], ids, deck_ids) -> int:
    # Filtered by deck, not by a list of card ids: a big collection has more cards than SQLite takes parameters.
    states = [
        state
        for state in CardState.objects.filter(user=user, card__deck_id__in=deck_ids).select_related("card")
        if state.card_id in card_of
    ]
    created = dt.datetime.fromtimestamp(GENANKI_CREATED, dt.UTC)
    today = user.study_date()
    for state in states:
        anki_id = ids.get(card_of[state.card_id])
        if anki_id is None:
            continue
        connection.execute(
            "UPDATE cards SET type = ?, queue = ?, due = ?, ivl = ?, factor = ?, reps = ?, lapses = ?, left = ?, "
            "flags = ?, data = ? WHERE id = ?",
            (*_card_values(state, created, today, user.desired_retention), anki_id),
        )
    reviews = Review.objects.filter(user=user, card__deck_id__in=deck_ids).order_by("reviewed_at", "pk")
    used: set[int] = set()
    count = 0
    for review in reviews:
        anki_id = ids.get(card_of.get(review.card_id))
        if anki_id is None:
            continue
        stamp = int(review.reviewed_at.timestamp() * 1000)
        while stamp in used:  # revlog ids are unique milliseconds
            stamp += 1
        used.add(stamp)
        interval = (
            round(review.scheduled_days)
            if review.scheduled_days >= 1
            else -round(review.scheduled_days * 86400)
        )
        connection.execute(
            "INSERT INTO revlog (id, cid, usn, ease, ivl, lastIvl, factor, time, type) VALUES (?, ?, -1, ?, ?, ?, ?, ?, ?)",
            (
                stamp,
                anki_id,
                review.rating,
                interval,
                round(review.last_interval_days),
                2500,
                min(review.duration_ms, 60_000),
                _KIND.get(review.state_before, 1),
            ),
        )
        count += 1
    return count


def _card_values(state: CardState, created: dt.datetime, today: dt.date, retention: float) -> tuple:
    queue_of = {0: 0, 1: 1, 2: 2, 3: 1}
    kind = int(state.state)
    due = 0
    interval = 0
    if kind == CardState.State.REVIEW and state.due:
        due = (state.due.date() - created.date()).days
        if state.last_review:
            interval = max(1, round((state.due - state.last_review).total_seconds() / 86400))
    elif kind in (CardState.State.LEARNING, CardState.State.RELEARNING) and state.due:
        due = int(state.due.timestamp())
    else:
        due = state.card.position
    queue = queue_of[kind]
    if state.suspended:
        queue = -1
    elif state.buried_until and state.buried_until > today:
        queue = -3
    data = {}
    if state.stability and state.difficulty:
        data = {"s": round(state.stability, 4), "d": round(state.difficulty, 4), "dr": retention}
        if state.last_review:
            data["lrt"] = int(state.last_review.timestamp())
    return (kind, queue, due, interval, 2500 if kind else 0, state.reps, state.lapses, 1 if kind in (1, 3) else 0,
            int(state.flag), json.dumps(data) if data else "")  # fmt: skip
