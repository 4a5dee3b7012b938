"""Which lines are section headings, and which kind of section each one names. PURE."""

from __future__ import annotations

import re
import unicodedata

# Section kind -> headings that mean it, compared after `normalise_heading`. Extend freely.
HEADING_SYNONYMS: dict[str, tuple[str, ...]] = {
    "anatomy": ("anatomy", "relevant anatomy", "structure"),
    "types": ("types", "classification", "subtypes", "kinds", "forms"),
    "causes": (
        "causes",
        "causes and risk factors",
        "etiology",
        "aetiology",
        "risk factors and causes",
        "triggers",
        "common triggers",
    ),
    "symptoms": (
        "symptoms",
        "signs and symptoms",
        "clinical features",
        "symptoms and signs",
        "warning signs",
    ),
    "diagnostic_tests": (
        "diagnostic tests",
        "diagnosis",
        "tests",
        "diagnostic tests and procedures",
        "investigations",
        "tests and diagnosis",
    ),
    "non_drug_treatments": (
        "non pharmacological treatments",
        "non pharmacological treatment",
        "non drug treatments",
        "non drug treatment",
        "non pharmacologic treatments",
        "lifestyle and home remedies",
        "home remedies",
        "self care",
        "conservative treatments",
        "conservative treatment",
        "lifestyle changes",
        "lifestyle modifications",
        "lifestyle measures",
        "self help",
        "home treatment",
        "non drug therapies",
        "non surgical treatments",
    ),
    "drugs": (
        "drug treatments",
        "drug treatment",
        "drugs",
        "medications",
        "medication",
        "medicines",
        "pharmacological treatments",
        "drug therapy",
        "medical treatment",
        "medical treatments",
    ),
    "surgeries": (
        "surgical options",
        "surgery",
        "surgeries",
        "surgical treatments",
        "surgical treatment",
        "surgical procedures",
        "operations",
    ),
    "prevention": ("prevention strategies", "prevention", "preventive measures", "prevention tips"),
    "when_to_see_doctor": (
        "when to see a doctor",
        "when to see your doctor",
        "when to seek medical help",
        "when to seek medical attention",
        "when to call a doctor",
        "when to see a healthcare provider",
    ),
    "faq": ("frequently asked questions", "faq", "faqs", "common questions"),
    # Known headings without a kind of their own: their lists are kept, under `other`.
    "other": (
        "complications",
        "prognosis",
        "outlook",
        "outlook and prognosis",
        "risk factors",
        "pathophysiology",
        "epidemiology",
        "treatment",
        "treatments",
        "treatment options",
        "management",
        "recovery",
        "rehabilitation",
        "living with",
        "differential diagnosis",
        "home care",
    ),
}

_HEADING_KIND = {synonym: kind for kind, synonyms in HEADING_SYNONYMS.items() for synonym in synonyms}

# Only these sections carry sub-headings ("By Region", "Blood Supply"); elsewhere a short line is an item.
KINDS_WITH_SUBHEADINGS = {"anatomy", "types"}


def normalise_heading(line: str) -> str:
    text = unicodedata.normalize("NFKC", line).strip().lower()
    text = re.sub(r"^\d{1,3}[.)]?\s+", "", text)
    text = re.sub(r"[^\w\s]", " ", text)
    return " ".join(text.split())


def _known_heading(name: str) -> str | None:
    if name in _HEADING_KIND:
        return _HEADING_KIND[name]
    head = re.split(r"\s+(?:of|for|in)\s+", name, maxsplit=1)[0]
    if head != name and head in _HEADING_KIND:
        return _HEADING_KIND[head]
    return None


def heading_kind(line: str) -> str | None:
    """The section kind a heading line names, or None. `Types of Migraine` and `2. Causes:` both match, and so
    does a heading made of known ones (`Triggers and Causes`, `Symptoms & Warning Signs`): its first kind that
    is not `other` wins."""
    if len(line) > 80:
        return None
    found = _known_heading(normalise_heading(line))
    if found:
        return found
    parts = re.split(r"\s+(?:and|&)\s+|\s*[,/]\s*", re.sub(r"^\s*\d{1,3}[.)]?\s+", "", line).rstrip(":"))
    if len(parts) < 2:
        return None
    kinds = [_known_heading(normalise_heading(part)) for part in parts]
    if not all(kinds):
        return None
    return next((kind for kind in kinds if kind != "other"), "other")
