"""Read an Anki package (.apkg / .colpkg) from disk into plain values. PURE apart from the files it reads.

A package is a zip: a SQLite collection (`collection.anki21b`, zstd-compressed, in current Anki;
`collection.anki21` or `collection.anki2` in older ones; new packages also carry a dummy `collection.anki2`
that tells old Anki versions to update), a media list (JSON in old packages, zstd-compressed protobuf in new
ones) and the media files under numbered names. Everything in it is untrusted: sizes are checked from the zip's
directory and again while unpacking, the collection is unpacked to a private file and opened through
`sqlite_guard` (read-only, real tables only, a work budget), and text must be valid UTF-8.
"""

from __future__ import annotations

import json
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import zstandard

from studyapp.importers import sqlite_guard
from studyapp.importers.anki import protobuf

# A package bigger than this is refused before anything is unpacked (uploads are limited to the same).
MAX_PACKAGE_BYTES = 200 * 1024 * 1024
MAX_COLLECTION_BYTES = 512 * 1024 * 1024
# Everything the package's directory says it holds, unpacked: more is a zip bomb or not worth our disk.
MAX_UNPACKED_BYTES = 1024 * 1024 * 1024
# Real collections compress 5-50x; a member that claims far more than this is refused as a zip bomb.
MAX_RATIO = 400
MAX_MEDIA_FILES = 50_000
MAX_NOTES = 200_000
MAX_REVIEWS = 2_000_000
MAX_MEDIA_NAME = 255

_COLLECTIONS = ("collection.anki21b", "collection.anki21", "collection.anki2")
FORMAT_OF = {"collection.anki21b": "anki21b", "collection.anki21": "anki21", "collection.anki2": "anki2"}
_CHUNK = 1024 * 1024


class AnkiError(ValueError):
    """The package cannot be read; the message names the problem for the user. Nothing was imported."""


@dataclass(frozen=True)
class Template:
    ord: int
    name: str
    front: str
    back: str


@dataclass(frozen=True)
class NoteType:
    id: int
    name: str
    is_cloze: bool
    fields: tuple[str, ...]
    templates: tuple[Template, ...]
    image_occlusion: bool = False
    css: str = ""  # the note type's style sheet: not used to draw cards here, kept for the way back to Anki


@dataclass(frozen=True)
class Note:
    id: int
    guid: str
    notetype_id: int
    fields: tuple[str, ...]
    tags: tuple[str, ...]


@dataclass(frozen=True)
class CardRecord:
    """A card as Anki stored it: identity (note, template ordinal) and its scheduling."""

    id: int
    note_id: int
    deck_id: int
    ord: int
    type: int  # 0 new, 1 learning, 2 review, 3 relearning
    queue: int  # -3 buried by hand, -2 buried as a sibling, -1 suspended, 0 new, 1/3 learning, 2 review, 4 preview
    due: int  # new: position; learning: epoch seconds; review: days since the collection was created
    interval: int  # days (review cards)
    factor: int
    reps: int
    lapses: int
    flags: int
    original_due: int = 0
    original_deck_id: int = 0
    stability: float | None = None
    difficulty: float | None = None
    last_review: int | None = None  # epoch seconds, when the card's data records it

    @property
    def flag(self) -> int:
        return self.flags & 7


@dataclass(frozen=True)
class ReviewEntry:
    id: int  # epoch milliseconds of the answer
    card_id: int
    ease: int  # 1-4; 0 for a manual reschedule
    interval: int  # >0 days, <0 seconds
    last_interval: int
    factor: int
    time_ms: int
    kind: int  # 0 learn, 1 review, 2 relearn, 3 filtered, 4 manual, 5 rescheduled

    @property
    def is_answer(self) -> bool:
        """A real answer, as Anki's FSRS counts them: manual and FSRS reschedules (kinds 4, 5) carry no rating,
        and a cram answer in a filtered deck without rescheduling (kind 3, factor 0) changed nothing. A kind-3
        entry with a factor is an early review that did reschedule (older schedulers), so it counts."""
        if not 1 <= self.ease <= 4 or self.kind in (4, 5):
            return False
        return self.kind != 3 or self.factor != 0


@dataclass(frozen=True)
class MediaFile:
    name: str
    member: str  # the zip member holding it
    size: int  # as the zip's directory declares it (unpacked size; compressed again in new packages)
    zstd: bool


@dataclass
class AnkiPackage:
    format: str
    created: int  # the collection's creation, epoch seconds: review cards' due days count from its day
    notetypes: dict[int, NoteType]
    notes: list[Note]
    cards: list[CardRecord]
    reviews: list[ReviewEntry]
    decks: dict[int, str]
    media: dict[str, MediaFile]
    fsrs: bool = False
    problems: list[str] = field(default_factory=list)


def read_package(path: Path, workdir: Path) -> AnkiPackage:
    """Read the package at `path`, unpacking its collection into `workdir` (a private temporary folder the
    caller removes). Raises AnkiError with a message for the user."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise AnkiError("The package cannot be read.") from exc
    if size == 0:
        raise AnkiError("The file is empty.")
    if size > MAX_PACKAGE_BYTES:
        raise AnkiError(f"The package is {size:,} bytes; the limit is {MAX_PACKAGE_BYTES:,} bytes (200 MB).")
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, ValueError, EOFError, OSError) as exc:
        raise AnkiError("This is not an Anki package (.apkg and .colpkg files are zip archives).") from exc
    with archive:
        members = {info.filename: info for info in archive.infolist()}
        _check_sizes(members.values())
        name = next((n for n in _COLLECTIONS if n in members), None)
        if name is None:
            raise AnkiError("The package holds no Anki collection (collection.anki21b, .anki21 or .anki2).")
        database = workdir / "collection.sqlite"
        _unpack(archive, members[name], database, zstd=name.endswith("b"))
        media = _media_list(archive, members)
    package = _read_collection(database, FORMAT_OF[name])
    package.media = media
    return package


def _check_sizes(infos) -> None:
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > MAX_UNPACKED_BYTES or total > MAX_UNPACKED_BYTES:
            raise AnkiError(
                f"The package declares {total:,} bytes once unpacked (more than {MAX_UNPACKED_BYTES:,}); "
                "it was refused."
            )
        if info.file_size > 10 * _CHUNK and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise AnkiError(
                f"{info.filename!r} would unpack {info.file_size:,} bytes from {info.compress_size:,}: "
                "the package looks like a zip bomb and was refused."
            )
        if info.flag_bits & 0x1:
            raise AnkiError("The package is encrypted; export it again from Anki without a password.")


def _unpack(archive: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path, *, zstd: bool) -> None:
    """Stream one member to `target`, never writing more than MAX_COLLECTION_BYTES whatever the zip claims."""
    try:
        with archive.open(info) as source, target.open("wb") as out:
            stream = zstandard.ZstdDecompressor().stream_reader(source) if zstd else source
            written = 0
            while chunk := stream.read(_CHUNK):
                written += len(chunk)
                if written > MAX_COLLECTION_BYTES:
                    raise AnkiError(
                        f"The collection unpacks to more than {MAX_COLLECTION_BYTES:,} bytes; it was refused."
                    )
                out.write(chunk)
    except AnkiError:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as exc:
        raise AnkiError("The package is damaged: its collection cannot be unpacked.") from exc
    except zstandard.ZstdError as exc:
        raise AnkiError("The package is damaged: its compressed collection cannot be unpacked.") from exc


def read_member(archive: zipfile.ZipFile, media: MediaFile, limit: int) -> bytes:
    """One media file's bytes (decompressed), refusing more than `limit`. Raises AnkiError."""
    try:
        with archive.open(media.member) as source:
            stream = zstandard.ZstdDecompressor().stream_reader(source) if media.zstd else source
            data = stream.read(limit + 1)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, KeyError) as exc:
        raise AnkiError(f"The media file {media.name!r} is damaged in the package.") from exc
    except zstandard.ZstdError as exc:
        raise AnkiError(f"The media file {media.name!r} is damaged in the package.") from exc
    if len(data) > limit:
        raise AnkiError(f"The media file {media.name!r} is over {limit:,} bytes.")
    return data


def _media_list(archive: zipfile.ZipFile, members: dict[str, zipfile.ZipInfo]) -> dict[str, MediaFile]:
    info = members.get("media")
    if info is None:
        return {}
    if info.file_size > 64 * _CHUNK:
        raise AnkiError("The package's media list is too large.")
    try:
        raw = archive.read(info)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as exc:
        raise AnkiError("The package is damaged: its media list cannot be unpacked.") from exc
    if raw[:4] == b"\x28\xb5\x2f\xfd":  # zstd frame: the protobuf list of new packages
        entries = _protobuf_media(raw)
        zstd = True
    else:
        entries = _json_media(raw)
        zstd = False
    if len(entries) > MAX_MEDIA_FILES:
        raise AnkiError(f"The package has more than {MAX_MEDIA_FILES:,} media files.")
    media = {}
    for member, name, size in entries:
        if not _safe_media_name(name) or member not in members:
            continue
        # New packages compress each file again; their list states the real size (checked when unpacked).
        declared = size if zstd and size is not None else members[member].file_size
        media[name] = MediaFile(name=name, member=member, size=declared, zstd=zstd)
    return media


def _protobuf_media(raw: bytes) -> list[tuple[str, str, int | None]]:
    try:
        data = zstandard.ZstdDecompressor().decompressobj().decompress(raw)
    except zstandard.ZstdError as exc:
        raise AnkiError("The package is damaged: its media list cannot be unpacked.") from exc
    entries = []
    try:
        listed = [entry for number, _wire, entry in protobuf.fields(data) if number == 1]
        for index, entry in enumerate(listed):
            name = protobuf.text(protobuf.first(entry, 1))
            size = protobuf.first(entry, 2)
            legacy = protobuf.first(entry, 255)
            member = str(legacy if isinstance(legacy, int) else index)
            entries.append((member, name, size if isinstance(size, int) else None))
    except protobuf.ProtobufError as exc:
        raise AnkiError("The package's media list is damaged.") from exc
    return entries


def _json_media(raw: bytes) -> list[tuple[str, str, int | None]]:
    try:
        mapping = json.loads(raw.decode("utf-8")) if raw.strip() else {}
    except (UnicodeDecodeError, ValueError) as exc:
        raise AnkiError("The package's media list is damaged.") from exc
    if not isinstance(mapping, dict):
        raise AnkiError("The package's media list is damaged.")
    return [(str(member), name, None) for member, name in mapping.items() if isinstance(name, str)]


def _safe_media_name(name: str) -> bool:
    return (
        0 < len(name) <= MAX_MEDIA_NAME
        and "/" not in name
        and "\\" not in name
        and name not in {".", ".."}
        and not any(ord(ch) < 32 for ch in name)
    )


# --- The collection ----------------------------------------------------------------------------------------

_BUDGET = sqlite_guard.Budget(steps=2_000_000_000, seconds=120.0, max_value_bytes=64 * 1024 * 1024)


def _read_collection(database: Path, format_name: str) -> AnkiPackage:
    try:
        with sqlite_guard.open_untrusted(database, _BUDGET) as db:
            _refuse_code(db)
            db.require_table("col", ["crt"], message="The collection has no readable col table.")
            db.require_table(
                "notes",
                ["id", "guid", "mid", "flds", "tags"],
                message="The collection has no readable notes table.",
            )
            db.require_table(
                "cards",
                [
                    "id",
                    "nid",
                    "did",
                    "ord",
                    "type",
                    "queue",
                    "due",
                    "ivl",
                    "factor",
                    "reps",
                    "lapses",
                    "flags",
                ],
                message="The collection has no readable cards table.",
            )
            created_rows = db.fetchall("SELECT crt FROM col LIMIT 1")
            created = created_rows[0][0] if created_rows else 0
            if db.table_columns("notetypes") is not None:
                notetypes = _notetypes_v18(db)
                decks = _decks_v18(db)
            else:
                notetypes, decks = _notetypes_legacy(db)
            notes = _notes(db)
            cards = _cards(db)
            reviews = _reviews(db) if db.table_columns("revlog") is not None else []
            fsrs = _fsrs_enabled(db)
    except sqlite_guard.UntrustedDatabaseError as exc:
        raise AnkiError(f"The collection inside the package cannot be read: {exc}") from exc
    return AnkiPackage(
        format=format_name,
        created=int(created or 0),
        notetypes=notetypes,
        notes=notes,
        cards=cards,
        reviews=reviews,
        decks=decks,
        media={},
        fsrs=fsrs,
    )


def _refuse_code(db) -> None:
    """Views and triggers have no place in a collection Anki wrote; refuse rather than reason about them."""
    kinds = {kind for (kind,) in db.fetchall("SELECT DISTINCT type FROM sqlite_master")}
    if "view" in kinds or "trigger" in kinds:
        found = " and ".join(sorted(f"{k}s" for k in kinds & {"view", "trigger"}))
        raise AnkiError(f"The collection contains SQL {found}, which Anki never writes; it was refused.")


def _decode(value, what: str) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return str(value)
    try:
        return bytes(value).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise AnkiError(f"{what} holds text that is not valid UTF-8: the package is damaged.") from exc


def _notes(db) -> list[Note]:
    rows = db.fetchall(
        "SELECT id, CAST(guid AS BLOB), mid, CAST(flds AS BLOB), CAST(tags AS BLOB) FROM notes "
        "ORDER BY id LIMIT ?",
        (MAX_NOTES + 1,),
    )
    if len(rows) > MAX_NOTES:
        raise AnkiError(f"The package has more than {MAX_NOTES:,} notes; split it before importing.")
    notes = []
    for note_id, guid, mid, flds, tags in rows:
        what = f"Note {note_id}"
        notes.append(
            Note(
                id=int(note_id),
                guid=_decode(guid, what)[:100],
                notetype_id=int(mid or 0),
                fields=tuple(_decode(flds, what).split("\x1f")),
                tags=tuple(_decode(tags, what).split()),
            )
        )
    return notes


def _card_memory(data) -> tuple[float | None, float | None, int | None]:
    if not data:
        return None, None, None
    try:
        parsed = json.loads(data)
    except (ValueError, TypeError):
        return None, None, None
    if not isinstance(parsed, dict):
        return None, None, None
    stability, difficulty, last = parsed.get("s"), parsed.get("d"), parsed.get("lrt")
    ok = isinstance(stability, int | float) and isinstance(difficulty, int | float) and stability > 0
    return (
        float(stability) if ok else None,
        float(difficulty) if ok else None,
        int(last) if isinstance(last, int) else None,
    )


def _cards(db) -> list[CardRecord]:
    columns = db.table_columns("cards") or set()
    data = "CAST(data AS BLOB)" if "data" in columns else "''"
    odue = "odue" if "odue" in columns else "0"
    odid = "odid" if "odid" in columns else "0"
    rows = db.fetchall(
        f"SELECT id, nid, did, ord, type, queue, due, ivl, factor, reps, lapses, flags, {odue}, {odid}, {data} "
        "FROM cards ORDER BY nid, ord LIMIT ?",
        (MAX_NOTES * 20,),
    )
    cards = []
    for row in rows:
        values = [int(v or 0) if not isinstance(v, bytes) else v for v in row[:14]]
        raw = row[14]
        text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else (raw or "")
        stability, difficulty, last = _card_memory(text)
        cards.append(
            CardRecord(
                *values[:12],
                original_due=values[12],
                original_deck_id=values[13],
                stability=stability,
                difficulty=difficulty,
                last_review=last,
            )
        )
    return cards


def _reviews(db) -> list[ReviewEntry]:
    rows = db.fetchall(
        "SELECT id, cid, ease, ivl, lastIvl, factor, time, type FROM revlog ORDER BY id LIMIT ?",
        (MAX_REVIEWS + 1,),
    )
    if len(rows) > MAX_REVIEWS:
        raise AnkiError(f"The review history has more than {MAX_REVIEWS:,} entries.")
    return [ReviewEntry(*(int(v or 0) for v in row)) for row in rows]


def _fsrs_enabled(db) -> bool:
    if db.table_columns("config") is not None:
        rows = db.fetchall("SELECT CAST(val AS BLOB) FROM config WHERE KEY = 'fsrs'")
        return bool(rows) and bytes(rows[0][0] or b"").strip() == b"true"
    rows = db.fetchall("SELECT CAST(conf AS BLOB) FROM col LIMIT 1")
    try:
        conf = json.loads(_decode(rows[0][0], "The collection's settings")) if rows else {}
    except ValueError:
        return False
    return isinstance(conf, dict) and conf.get("fsrs") is True


# Note types: schema 18 keeps them in tables with protobuf configs; older collections as JSON in col.models.
_KIND_CLOZE = 1
_STOCK_IMAGE_OCCLUSION = 6


def _notetypes_v18(db) -> dict[int, NoteType]:
    fields: dict[int, list[tuple[int, str]]] = {}
    for ntid, ordinal, name in db.fetchall("SELECT ntid, ord, CAST(name AS BLOB) FROM fields"):
        fields.setdefault(int(ntid), []).append((int(ordinal), _decode(name, "A field name")))
    templates: dict[int, list[Template]] = {}
    for ntid, ordinal, name, config in db.fetchall(
        "SELECT ntid, ord, CAST(name AS BLOB), config FROM templates"
    ):
        try:
            front = protobuf.text(protobuf.first(bytes(config or b""), 1, b""))
            back = protobuf.text(protobuf.first(bytes(config or b""), 2, b""))
        except protobuf.ProtobufError as exc:
            raise AnkiError("A card template in the collection is damaged.") from exc
        templates.setdefault(int(ntid), []).append(
            Template(int(ordinal), _decode(name, "A template name"), front, back)
        )
    notetypes = {}
    for ntid, name, config in db.fetchall("SELECT id, CAST(name AS BLOB), config FROM notetypes"):
        try:
            config = bytes(config or b"")
            kind = protobuf.first(config, 1, 0)
            stock = protobuf.first(config, 9, 0)
            css = protobuf.text(protobuf.first(config, 3, b""))
        except protobuf.ProtobufError as exc:
            raise AnkiError("A note type in the collection is damaged.") from exc
        notetypes[int(ntid)] = NoteType(
            id=int(ntid),
            name=_decode(name, "A note type name"),
            is_cloze=kind == _KIND_CLOZE,
            fields=tuple(n for _o, n in sorted(fields.get(int(ntid), []))),
            templates=tuple(sorted(templates.get(int(ntid), []), key=lambda t: t.ord)),
            image_occlusion=stock == _STOCK_IMAGE_OCCLUSION,
            css=css,
        )
    return notetypes


def _decks_v18(db) -> dict[int, str]:
    return {
        int(did): _decode(name, "A deck name").replace("\x1f", "::")
        for did, name in db.fetchall("SELECT id, CAST(name AS BLOB) FROM decks")
    }


def _notetypes_legacy(db) -> tuple[dict[int, NoteType], dict[int, str]]:
    db.require_table("col", ["models", "decks"], message="The collection has no note types.")
    rows = db.fetchall("SELECT CAST(models AS BLOB), CAST(decks AS BLOB) FROM col LIMIT 1")
    if not rows:
        raise AnkiError("The collection has no note types.")
    try:
        models = json.loads(_decode(rows[0][0], "The note types")) or {}
        decks = json.loads(_decode(rows[0][1], "The deck list")) or {}
    except ValueError as exc:
        raise AnkiError("The collection's note types are damaged.") from exc
    if not isinstance(models, dict) or not isinstance(decks, dict):
        raise AnkiError("The collection's note types are damaged.")
    notetypes = {}
    for key, model in models.items():
        if not isinstance(model, dict):
            continue
        try:
            ntid = int(model.get("id", key))
            field_list = sorted(model.get("flds") or [], key=lambda f: int(f.get("ord", 0)))
            template_list = sorted(model.get("tmpls") or [], key=lambda t: int(t.get("ord", 0)))
            notetypes[ntid] = NoteType(
                id=ntid,
                name=str(model.get("name") or f"Note type {ntid}"),
                is_cloze=model.get("type") == _KIND_CLOZE,
                fields=tuple(str(f.get("name", "")) for f in field_list),
                templates=tuple(
                    Template(
                        int(t.get("ord", n)),
                        str(t.get("name") or f"Card {n + 1}"),
                        str(t.get("qfmt") or ""),
                        str(t.get("afmt") or ""),
                    )
                    for n, t in enumerate(template_list)
                ),
                image_occlusion=model.get("originalStockKind") == _STOCK_IMAGE_OCCLUSION,
                css=str(model.get("css") or ""),
            )
        except (TypeError, ValueError, AttributeError) as exc:
            raise AnkiError("The collection's note types are damaged.") from exc
    deck_names = {}
    for key, deck in decks.items():
        if isinstance(deck, dict):
            try:
                deck_names[int(deck.get("id", key))] = str(deck.get("name") or "Default")
            except (TypeError, ValueError):
                continue
    return notetypes, deck_names


def copy_package(source, target: Path, limit: int = MAX_PACKAGE_BYTES) -> int:
    """Stream an uploaded file (anything with .chunks() or .read()) to `target`; refuses more than `limit`."""
    written = 0
    with target.open("wb") as out:
        chunks = source.chunks() if hasattr(source, "chunks") else iter(lambda: source.read(_CHUNK), b"")
        for chunk in chunks:
            written += len(chunk)
            if written > limit:
                raise AnkiError(f"The package is over the limit of {limit:,} bytes (200 MB).")
            out.write(chunk)
    return written
