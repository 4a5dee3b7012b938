"""Plain flashcards from CSV/TSV: front, back, optional tags. Pure; the service saves what this returns."""

import csv
import io
from dataclasses import dataclass, field

from studyapp.importers.decoding import decode_upload
from studyapp.importers.problems import ImportRejected, Problem

_HEADER_WORDS = {"front", "back", "tags", "tag", "question", "answer", "term", "definition", "prompt"}
_DELIMITERS = ",\t;|"


@dataclass
class CsvCard:
    front: str
    back: str
    tags: list[str] = field(default_factory=list)
    line: int = 0


@dataclass
class ParsedCsv:
    cards: list[CsvCard]
    errors: list[Problem]
    delimiter: str
    has_header: bool

    @property
    def delimiter_name(self) -> str:
        return {",": "comma", "\t": "tab", ";": "semicolon", "|": "vertical bar"}.get(
            self.delimiter, self.delimiter
        )


def _sniff_delimiter(sample: str) -> str:
    try:
        return csv.Sniffer().sniff(sample, delimiters=_DELIMITERS).delimiter
    except csv.Error:
        first = sample.splitlines()[0] if sample else ""
        return max(_DELIMITERS, key=first.count) if any(d in first for d in _DELIMITERS) else ","


def read_csv(raw: bytes | str) -> ParsedCsv:
    """Phase one of a flashcard import: decode (bytes), parse, and reject the whole file if any row is bad
    (each problem with its line) or no row gives a card."""
    text = decode_upload(raw) if isinstance(raw, bytes) else raw
    if not text.strip():
        raise ImportRejected("The file is empty.")
    parsed = parse_csv(text)
    if parsed.errors:
        raise ImportRejected(
            f"{len(parsed.errors)} row(s) could not be read; nothing was imported.", parsed.errors
        )
    if not parsed.cards:
        raise ImportRejected("The file has no cards (each row needs a front and a back).")
    return parsed


def parse_csv(text: str) -> ParsedCsv:
    """Sniff the delimiter, skip a header row if there is one, and report bad rows with their line numbers."""
    delimiter = _sniff_delimiter(text[:4096])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    cards: list[CsvCard] = []
    errors: list[Problem] = []
    has_header = False
    seen: set[str] = set()
    try:
        line = reader.line_num + 1
        for index, row in enumerate(reader):
            cells = [cell.strip() for cell in row]
            if index == 0 and cells and {c.lower() for c in cells if c} <= _HEADER_WORDS and cells[0]:
                has_header = True
                line = reader.line_num + 1
                continue
            if not any(cells):
                line = reader.line_num + 1
                continue
            if len(cells) < 2 or not cells[0] or not cells[1]:
                errors.append(Problem(line, "A row needs a front and a back."))
            elif len(cells) > 3:
                errors.append(Problem(line, f"Expected front, back and tags; found {len(cells)} columns."))
            elif cells[0].casefold() in seen:
                errors.append(Problem(line, f"The front {cells[0]!r} appears twice."))
            else:
                seen.add(cells[0].casefold())
                tags = cells[2].replace(",", " ").split() if len(cells) == 3 else []
                cards.append(CsvCard(front=cells[0], back=cells[1], tags=tags, line=line))
            line = reader.line_num + 1
    except csv.Error as exc:
        errors.append(Problem(reader.line_num, f"Unreadable CSV: {exc}."))
    return ParsedCsv(cards=cards, errors=errors, delimiter=delimiter, has_header=has_header)
