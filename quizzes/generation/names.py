"""When two names are the same thing: the matching rules question generation and question checks share. PURE.

Names are compared after `normalise`; a name whose content words are all in another counts as the same thing
(`Renal cell carcinoma` and `Metastatic renal cell carcinoma`), and drug classes of one family overlap.
"""

from __future__ import annotations

import functools
import re
import unicodedata

# Drug classes overlap: celecoxib (a COX-2 inhibitor) is an NSAID, gabapentin (antineuropathic) is an
# anticonvulsant, amitriptyline (a TCA) treats neuropathic pain. A drug of one class in a family is never a
# distractor for another class of the same family, nor one of its classes a distractor gloss.
OVERLAPPING_CLASSES: tuple[frozenset[str], ...] = (
    frozenset({"nsaid", "cox 2 inhibitor", "analgesic"}),
    frozenset({"antineuropathic", "anticonvulsant", "antiepileptic", "tca", "snri", "antidepressant"}),
    frozenset({"oral steroid", "steroid", "corticosteroid", "glucocorticoid"}),
    frozenset({"opioid", "opioid analgesic", "analgesic"}),
    frozenset({"muscle relaxant", "antispasmodic"}),
    frozenset({"topical anesthetic", "local anesthetic", "anesthetic"}),
)


# --- Normalisation ------------------------------------------------------------------------------------------

_BRACKETED = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")
_NON_WORD = re.compile(r"[\W_]+")


def _stem_token(token: str) -> str:
    if len(token) > 3 and token.endswith("s") and not token.endswith(("ss", "us", "is")):
        return token[:-1]
    return token


@functools.lru_cache(maxsize=65536)
def normalise(text: str) -> str:
    """Casefold, drop accents, parentheticals and punctuation, and a plural s: the form names are compared in."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    stripped = text
    while True:
        shorter = _BRACKETED.sub(" ", stripped)
        if shorter == stripped:
            break
        stripped = shorter
    words = _NON_WORD.sub(" ", stripped).split() or _NON_WORD.sub(" ", text).split()
    # A lone "s" is what is left of a possessive ("nerve’s").
    return " ".join(_stem_token(word) for word in words if word != "s")


def classes_overlap(a: str, b: str) -> bool:
    """True when two glosses name the same class, one contains the other, or they share a family."""
    if names_clash(a, b):
        return True
    na, nb = normalise(a), normalise(b)
    return any(na in family and nb in family for family in OVERLAPPING_CLASSES)


_FILLER_WORDS = frozenset({"a", "an", "the", "of", "and", "or", "in", "on", "at", "to", "for", "with", "by"})


@functools.lru_cache(maxsize=65536)
def _content_words(normalised: str) -> frozenset[str]:
    words = normalised.split()
    return frozenset(w for w in words if w not in _FILLER_WORDS) or frozenset(words)


@functools.lru_cache(maxsize=262144)
def names_clash(a: str, b: str) -> bool:
    """True when two names are the same thing once normalised, or every content word of one is in the other:
    `Renal cell carcinoma` is in `Metastatic renal cell carcinoma`, `MRI of the spine` in `MRI of the lumbar
    spine`, `Loss of bladder control` in `Loss of bladder or bowel control`."""
    na, nb = normalise(a), normalise(b)
    if not na or not nb:
        return na == nb
    wa, wb = _content_words(na), _content_words(nb)
    return na == nb or wa <= wb or wb <= wa


def gloss_satisfies(item_gloss: str, asked: str) -> bool:
    """An item is a TCA when its gloss is `TCA` or contains it (`opioid analgesic` is an `analgesic`)."""
    gloss, target = normalise(item_gloss), normalise(asked)
    return bool(gloss) and (gloss == target or f" {target} " in f" {gloss} ")
