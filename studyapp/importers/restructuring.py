"""Where the article parser guessed: lines it split, re-read or set aside. PURE.

The import preview lists these per line, so "No problems found" is said only when every line was read as
written (an item per line, `Term (gloss)` at most).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from studyapp.importers.article import ParsedArticle

_NUMBERING = re.compile(r"^\s*(?:\d{1,3}[.)]|[-•*·])\s+")


@dataclass(frozen=True)
class Restructuring:
    line: int  # 0 when the parser kept no line number (notes)
    text: str
    message: str
    section: str


def _as_written(term: str, gloss: str) -> set[str]:
    term = " ".join(term.split())
    return {term, f"{term} ({gloss})"} if gloss else {term}


def restructurings(parsed: ParsedArticle) -> list[Restructuring]:
    """Every line the parser did not take as one item as written, in article order."""
    found: list[Restructuring] = []
    for section in parsed.sections:
        by_line: dict[int, list] = {}
        for item in section.items:
            by_line.setdefault(item.line, []).append(item)
        for line, items in by_line.items():
            text = " ".join((items[0].text or items[0].term).split())
            bare = _NUMBERING.sub("", text)
            group = items[0].group
            if len(items) > 1:
                where = f" of the “{group}” group" if group else ""
                terms = ", ".join(f"“{i.term}”" for i in items)
                message = f"split into {len(items)} items{where}: {terms}"
            elif bare in _as_written(items[0].term, items[0].gloss):
                continue
            elif group and bare.lower().startswith(group.lower()):
                message = f"became the item “{items[0].term}” of the “{group}” group"
            elif items[0].gloss:
                message = f"read as the item “{items[0].term}” with the note “{items[0].gloss}”"
            else:
                message = f"read as the item “{items[0].term}”"
            found.append(Restructuring(line, text, message, section.heading))
        for note in section.notes:
            if note.rstrip().endswith(":"):
                continue  # a lead-in ("You may notice:") is what every list opens with
            found.append(Restructuring(0, note, "kept as a note of the list, not an item", section.heading))
    return sorted(found, key=lambda r: (r.line == 0, r.line))
