"""One list line read as an entry: term and gloss (`Ibuprofen (NSAID)`, `Term – gloss`, `Label: text`), a
sub-group's members (`Primary benign tumors: schwannoma, neurofibroma`), and the stable key of an item. PURE."""

from __future__ import annotations

import re
import unicodedata

NUMBERING = re.compile(r"^\s*(?:\d{1,3}[.)]|[-•*·])\s+")
_SENTENCE_BREAK = re.compile(r"[.!?][”\"’)]?\s+[A-Z“\"]")
LABEL = re.compile(r"^(?P<label>[^:()]{1,60}):\s+(?P<rest>.+)$")
_GROUP_LABEL = re.compile(r"^(?P<label>[^:]{1,60}):\s+(?P<rest>.+)$")
# A label ending in one of these names a type of the condition ("Insulin-resistant form: central obesity, ...").
_TYPE_NOUNS = frozenset({"form", "type", "variant", "subtype", "phenotype", "variety"})


def normalise_term(term: str) -> str:
    """The part of an item's key that survives cosmetic edits (case, punctuation, spacing)."""
    text = unicodedata.normalize("NFKC", term).casefold()
    text = re.sub(r"[^\w\s]", " ", text)
    return " ".join(text.split())


def item_key(kind: str, term: str) -> str:
    return f"{kind}:{normalise_term(term)}"[:255]


def split_term_gloss(text: str) -> tuple[str, str]:
    """`Ibuprofen (NSAID)`, `Term – gloss`, `Term — gloss` and `Label: text` give (term, gloss)."""
    text = text.strip()
    label = LABEL.match(text)
    if label and len(label["label"].split()) <= 6:
        return label["label"].strip(), label["rest"].strip()
    dash = _dash_outside_parentheses(text)
    if dash:
        return dash
    body = text.rstrip(".").rstrip()
    if body.endswith(")"):
        depth = 0
        for index in range(len(body) - 1, -1, -1):
            if body[index] == ")":
                depth += 1
            elif body[index] == "(":
                depth -= 1
                if depth == 0:
                    term, gloss = body[:index].strip(), body[index + 1 : -1].strip()
                    if term and gloss and not _several_glossed_parts(term):
                        return term, gloss
                    break
    return body, ""


def _dash_outside_parentheses(text: str) -> tuple[str, str] | None:
    """`Term – gloss` split at the first spaced dash that is not inside parentheses: in `Blue lips (cyanosis – an
    emergency)` the dash belongs to the gloss."""
    depth = 0
    for index, char in enumerate(text):
        if char == "(":
            depth += 1
        elif char == ")":
            depth = max(0, depth - 1)
        elif (
            depth == 0
            and char in "–—-"
            and text[index - 1 : index] == " "
            and text[index + 1 : index + 2] == " "
        ):
            term, gloss = text[:index].strip(), text[index + 1 :].strip()
            if term and gloss:
                return term, gloss
    return None


# `Flat feet (pes planus) or high arches (pes cavus)`: each part has its own gloss, so the last one is not the
# whole line's.
_GLOSSED_PART = re.compile(r"\([^()]*\)\s*(?:,|\bor\b|\band\b|/)")


def _several_glossed_parts(term: str) -> bool:
    return bool(_GLOSSED_PART.search(term))


def _split_outside_parentheses(text: str, separator: str = ",") -> list[str]:
    parts, depth, current = [], 0, []
    for char in text:
        if char == "(":
            depth += 1
        elif char == ")":
            depth = max(0, depth - 1)
        if char == separator and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return [p.strip() for p in parts if p.strip()]


def as_group_list(text: str) -> tuple[str, list[str]] | None:
    """`Primary benign tumors: schwannoma, neurofibroma` is a group of members, not a `Label: text` item."""
    label = _GROUP_LABEL.match(text)
    if not label or text.endswith(".") or len(label["label"].split()) > 6:
        return None
    members = _split_outside_parentheses(label["rest"])
    if len(members) < 2 or any(len(re.sub(r"\([^)]*\)", "", m).split()) > 5 for m in members):
        return None
    return label["label"].strip(), members


def sentence_count(text: str) -> int:
    return len(_SENTENCE_BREAK.findall(text)) + 1


def names_a_type(label: str, title: str) -> bool:
    """`Allergic asthma` (in Asthma) and `Insulin-resistant form` name a type: after them come its features or
    triggers, not a sub-group of types. `Primary benign tumors` names a group of types."""
    words = normalise_term(label).split()
    if not words:
        return False
    if words[-1] in _TYPE_NOUNS:
        return True
    condition = {word.rstrip("s") for word in normalise_term(title).split()}
    return words[-1].rstrip("s") in condition
