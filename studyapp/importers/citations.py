"""Source names the article template glues onto line ends ("... pain Cleveland ClinicWebMD").

One list for every importer; add a name here and every item, gloss, note and answer loses it."""

import re

CITATION_NAMES: tuple[str, ...] = (
    "Cleveland Clinic",
    "WebMD",
    "Wikipedia",
    "Verywell Health",
    "PubMed",
    "UMMS",
    "ScienceDirect",
    "NBA",
    "Mayo Clinic",
    "NHS",
    "NIH",
    "NCBI",
    "MedlinePlus",
    "Medscape",
    "Healthline",
    "StatPearls",
    "AAOS",
    "Radiopaedia",
    "Johns Hopkins Medicine",
    "Spine-health",
    "CDC",
    "WHO",
    "OrthoInfo",
    "Merck Manual",
    "American Migraine Foundation",
    "Physiopedia",
)

# Longest first, so "Johns Hopkins Medicine" wins over any shorter name it might contain. The site glues names
# with or without their inner spaces (`Mayo ClinicNIH`, `MayoClinicNIH`).
_ALTERNATION = "|".join(
    r"\s?".join(re.escape(word) for word in name.split())
    for name in sorted(CITATION_NAMES, key=len, reverse=True)
)
_NAME = re.compile(rf"(?:{_ALTERNATION})")
CITATION_RUN = re.compile(rf"(?:{_ALTERNATION})+")
_TRAILING_RUN = re.compile(rf"\s*(?P<run>(?:{_ALTERNATION})+)\s*$")
# A name after one of these words is part of the sentence ("as advised by the WHO"), not residue.
_FUNCTION_WORDS = frozenset(
    [
        "the",
        "a",
        "an",
        "by",
        "from",
        "of",
        "per",
        "to",
        "at",
        "with",
        "and",
        "or",
        "via",
        "see",
        "for",
        "in",
        "on",
        "ask",
        "call",
        "contact",
    ]
)
# Residue inside a line: a run right after the end of a sentence (or at the start of the line), followed by the
# end of the line or glued to the next sentence ("... early. Cleveland ClinicWebMDIs pain always present?"). A
# run of two or more glued names is residue even when a space follows it.
RESIDUE = re.compile(
    rf"(?:(?<=^)|(?<=[.!?:;)\]”\"’]))\s*(?P<run>(?:{_ALTERNATION})+)"
    rf"(?:\s*$|(?=[A-Z“\"‘(])|(?<=[a-zA-Z])(?=\s+[A-Z]))"
)


def _names_in(run: str) -> int:
    return len(_NAME.findall(run))


def strip_trailing_citations(text: str) -> str:
    """Remove a run of citation names glued onto the end of a line (not a name the sentence itself ends with,
    as in "as advised by the WHO")."""
    match = _TRAILING_RUN.search(text)
    if not match:
        return text.rstrip()
    before = text[: match.start()].rstrip()
    last_word = before.split()[-1].casefold() if before.split() else ""
    if last_word in _FUNCTION_WORDS and _names_in(match["run"]) == 1 and text[match.start()].isspace():
        return text.rstrip()
    return before


def split_at_citations(text: str) -> list[str]:
    """The pieces of prose between residue runs: the boundaries the FAQ's run-together pairs are cut at."""
    pieces, start = [], 0
    for match in RESIDUE.finditer(text):
        followed_by_space = match.end() < len(text) and text[match.end()].isspace()
        if followed_by_space and _names_in(match["run"]) < 2:
            continue  # "... rises. NHS Direct can help": one name before a word is the sentence's own
        pieces.append(text[start : match.start()])
        start = match.end()
    pieces.append(text[start:])
    return [piece for piece in pieces if piece.strip()]


def strip_citations(text: str) -> str:
    """Prose without its residue runs, wherever they are (intro paragraphs, notes, answers)."""
    return strip_trailing_citations(" ".join(piece.strip() for piece in split_at_citations(text)))
