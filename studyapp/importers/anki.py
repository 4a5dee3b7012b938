"""Read plain notes (first field = front, second = back, tags) from an Anki .apkg package.

An .apkg is a zip holding a SQLite collection. Everything about it is untrusted: the zip is size-checked
before extraction, and the database is opened through `sqlite_guard` (read-only, immutable, a work budget) from
a private temporary copy; only a real `notes` table is read, never a view or virtual table of that name. Packages in the newer compressed format (collection.anki21b) are refused with a clear message.
"""

import html
import io
import re
import tempfile
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.html import strip_tags

from studyapp.importers import sqlite_guard

MAX_COLLECTION_BYTES = 50 * 1024 * 1024
MAX_NOTES = 20_000
_COLLECTIONS = ("collection.anki21", "collection.anki2")
_BREAKS = re.compile(r"<br\s*/?>|</div>|</p>", re.IGNORECASE)


class AnkiError(ValueError):
    """The package cannot be read; the message names the problem for the user."""


@dataclass
class AnkiNote:
    front: str
    back: str
    tags: list[str] = field(default_factory=list)


def _plain(field_html: str) -> str:
    text = _BREAKS.sub("\n", field_html)
    text = html.unescape(strip_tags(text))
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


def read_apkg(data: bytes) -> list[AnkiNote]:
    """Notes of an .apkg, in creation order. Raises AnkiError."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, EOFError) as exc:
        raise AnkiError("This is not an Anki package (.apkg files are zip archives).") from exc
    with archive:
        names = set(archive.namelist())
        if "collection.anki21b" in names and not names & set(_COLLECTIONS[:1]):
            raise AnkiError(
                "This package uses Anki's newer compressed format; export it again with "
                "'Support older Anki versions' ticked."
            )
        name = next((n for n in _COLLECTIONS if n in names), None)
        if name is None:
            raise AnkiError("The package holds no Anki collection.")
        info = archive.getinfo(name)
        if info.file_size > MAX_COLLECTION_BYTES:
            raise AnkiError(f"The collection is too large to import ({info.file_size:,} bytes unpacked).")
        try:
            with archive.open(name) as source:
                collection = source.read(MAX_COLLECTION_BYTES + 1)
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as exc:
            # Damaged data (bad CRC, broken deflate stream), an unknown compression or a password.
            raise AnkiError("The package is damaged: its collection cannot be unpacked.") from exc
        if len(collection) > MAX_COLLECTION_BYTES:
            raise AnkiError("The collection is too large to import.")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "collection.sqlite"
        path.write_bytes(collection)
        try:
            with sqlite_guard.open_untrusted(path) as database:
                database.require_table(
                    "notes",
                    ("id", "flds", "tags"),
                    message="The collection inside the package has no readable notes table.",
                )
                rows = database.fetchall("SELECT flds, tags FROM notes ORDER BY id LIMIT ?", (MAX_NOTES + 1,))
        except sqlite_guard.BudgetExceeded as exc:
            raise AnkiError(
                "The collection inside the package needs too much work to read; it was refused."
            ) from exc
        except sqlite_guard.UntrustedDatabaseError as exc:
            raise AnkiError("The collection inside the package has no readable notes table.") from exc
    if len(rows) > MAX_NOTES:
        raise AnkiError(f"The package has more than {MAX_NOTES:,} notes; split it before importing.")
    notes = []
    for fields, tags in rows:
        parts = str(fields).split("\x1f")
        front = _plain(parts[0])
        back = _plain(parts[1]) if len(parts) > 1 else ""
        if front and back:
            notes.append(AnkiNote(front=front, back=back, tags=str(tags or "").split()))
    return notes
