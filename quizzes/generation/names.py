"""When two names are the same thing: the matching rules question generation and question checks share. PURE.

Two names are the same thing when studyapp.terms says they are equivalent (abbreviations, qualifiers, sites,
stems, close spellings; a name whose content words are all in another: `Renal cell carcinoma` and `Metastatic
renal cell carcinoma`); drug classes of one family overlap. `normalise` is the exact-match form.
"""

from __future__ import annotations

import functools
import re

from studyapp import terms

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


@functools.lru_cache(maxsize=131072)
def _stem_token(token: str) -> str:
    if len(token) > 3 and token.endswith("s") and not token.endswith(("ss", "us", "is")):
        return token[:-1]
    return token


@functools.lru_cache(maxsize=131072)
def normalise(text: str) -> str:
    """Casefold, drop accents, parentheticals and punctuation, and a plural s: the form names are compared in."""
    # A lone "s" is what is left of a possessive ("nerve’s").
    return " ".join(_stem_token(word) for word in terms.tokens(text) if word != "s")


@functools.lru_cache(maxsize=65536)
def _families(gloss: str) -> frozenset[int]:
    """The families a gloss's class belongs to: any of its members named in it, as whole words (`oral
    corticosteroid, short course` and `inhaled corticosteroid` are corticosteroids, `topical NSAID` an NSAID)."""
    words = f" {normalise(terms.gloss_class(gloss))} "
    return frozenset(
        n
        for n, family in enumerate(OVERLAPPING_CLASSES)
        if any(f" {normalise(member)} " in words for member in family)
    )


def classes_overlap(a: str, b: str) -> bool:
    """True when two glosses name the same class, one contains the other, or they share a family."""
    if names_clash(a, b):
        return True
    return bool(_families(a) & _families(b))


# The last word of a drug class: a receptor verb-noun, a class suffix or an acronym. "short-term pain relief" and
# "experimental" describe a drug without classing it, and are no option among classes.
_CLASS_WORD = re.compile(
    r"(?:inhibitor|agonist|antagonist|blocker|diuretic|steroid|relaxant|biologic|analgesic|ide|dione|urea|insulin"
    r"|inhaler|ase|ic|ant|tan|statin|mab|opioid|hormone|vaccine|antibody|supplement|agent|drug|medicine"
    r"|azepine|phonate|nitrate|analogue|analog|glycoside|derivative|modulator|stabili[sz]er|sensiti[sz]er"
    r"|secretagogue|dilator|laxative|sedative|emollient|retinoid)s?$"
)


def looks_like_class(gloss: str) -> bool:
    """Whether a drug's gloss names a class (`SGLT2 inhibitor`, `NSAID`, `antineuropathic`, `anti-inflammatory`)."""
    head = re.sub(r"\s*\([^)]*\)", "", terms.gloss_class(gloss)).strip()
    words = head.split()
    if not words:
        return False
    last = words[-1]
    if re.fullmatch(r"[A-Z][A-Za-z0-9/-]*[A-Z0-9]s?", last) and sum(c.isupper() for c in last) >= 2:
        return True
    return bool(_CLASS_WORD.search(last.lower())) or words[0].lower().startswith("anti")


def names_clash(a: str, b: str) -> bool:
    """True when two names are the same thing in other words, or one is a case of the other (see
    studyapp.terms.equivalent): `Renal cell carcinoma` / `Metastatic renal cell carcinoma`, `MRI` /
    `Magnetic resonance imaging`, `Aquatic therapy` / `Aquatic exercise`."""
    return terms.equivalent(a, b)


def gloss_satisfies(item_gloss: str, asked: str) -> bool:
    """An item is a TCA when its gloss is `TCA` or contains it (`opioid analgesic` is an `analgesic`)."""
    gloss, target = normalise(item_gloss), normalise(asked)
    return bool(gloss) and (gloss == target or f" {target} " in f" {gloss} ")
