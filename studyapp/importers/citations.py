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

# Longest first, so "Johns Hopkins Medicine" wins over any shorter name it might contain.
_ALTERNATION = "|".join(re.escape(name) for name in sorted(CITATION_NAMES, key=len, reverse=True))
CITATION_RUN = re.compile(rf"(?:{_ALTERNATION})+")
_TRAILING_RUN = re.compile(rf"\s*(?:{_ALTERNATION})+\s*$")


def strip_trailing_citations(text: str) -> str:
    """Remove a run of citation names glued onto the end of a line."""
    return _TRAILING_RUN.sub("", text).rstrip()
