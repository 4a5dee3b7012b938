"""Whether two names mean the same thing. PURE: strings in, booleans and keys out.

Question generation asks it before offering a wrong option (`Neurological examination` must not be a wrong
answer while `Detailed neurological exam` is listed); the importer asks it before retiring an item whose line
was reworded (`MRI` → `Magnetic resonance imaging`).

A name becomes a `TermKey`: its content words after casefolding, dropping parentheticals, expanding medical
abbreviations, mapping British to American spellings and stemming (snowballstemmer), with qualifiers that
do not change what a thing is (`detailed`, `plain`) dropped and anatomical sites set aside. Two names are
*equivalent* when their sites do not contradict each other (`Lumbar X-rays` and `Plain X-rays` are one test,
`Cervical` and `Lumbar foraminal narrowing` are two types) and either their cores are equal once generic heads
(`therapy`, `exercise`) are dropped (`Aquatic therapy` / `Aquatic exercise`), or the words of one are all in
the other (`Renal cell carcinoma` / `Metastatic renal cell carcinoma`). Words closer than a typo apart count as
one (rapidfuzz). *Renamed* is the stricter test the importer uses: equal cores, no containment.

`TermIndex` answers "which of these many names is equivalent to this one" with dictionary look-ups, so a check
against a list of 50,000 items costs about as much as against five.
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata
from collections.abc import Hashable, Iterable, Sequence
from typing import Generic, NamedTuple, TypeVar

import snowballstemmer
from rapidfuzz.fuzz import ratio

# Abbreviations a medical list uses for a thing it also names in full. Written for this project; extend freely
# (lower case key → expansion). An abbreviation and its expansion become the same words.
ABBREVIATIONS: dict[str, str] = {
    "mri": "magnetic resonance imaging",
    "fmri": "functional magnetic resonance imaging",
    "ct": "computed tomography",
    "cat": "computed tomography",
    "pet": "positron emission tomography",
    "spect": "single photon emission computed tomography",
    "emg": "electromyography",
    "ncs": "nerve conduction study",
    "ncv": "nerve conduction velocity",
    "eeg": "electroencephalography",
    "ecg": "electrocardiography",
    "ekg": "electrocardiography",
    "echo": "echocardiography",
    "us": "ultrasound",
    "usg": "ultrasound",
    "xr": "x ray",
    "cxr": "chest x ray",
    "dexa": "dual energy x ray absorptiometry",
    "dxa": "dual energy x ray absorptiometry",
    "cbc": "complete blood count",
    "fbc": "full blood count",
    "esr": "erythrocyte sedimentation rate",
    "crp": "c reactive protein",
    "csf": "cerebrospinal fluid",
    "spep": "serum protein electrophoresis",
    "psa": "prostate specific antigen",
    "cea": "carcinoembryonic antigen",
    "lft": "liver function test",
    "lfts": "liver function test",
    "tsh": "thyroid stimulating hormone",
    "nsaid": "nonsteroidal anti inflammatory drug",
    "nsaids": "nonsteroidal anti inflammatory drug",
    "tca": "tricyclic antidepressant",
    "tcas": "tricyclic antidepressant",
    "snri": "serotonin norepinephrine reuptake inhibitor",
    "ssri": "selective serotonin reuptake inhibitor",
    "ppi": "proton pump inhibitor",
    "ace": "angiotensin converting enzyme",
    "pt": "physical therapy",
    "physio": "physical therapy",
    "physiotherapy": "physical therapy",
    "ot": "occupational therapy",
    "cbt": "cognitive behavioral therapy",
    "tens": "transcutaneous electrical nerve stimulation",
    "fes": "functional electrical stimulation",
    "ems": "electrical muscle stimulation",
    "nmes": "neuromuscular electrical stimulation",
    "acdf": "anterior cervical discectomy and fusion",
    "tlif": "transforaminal lumbar interbody fusion",
    "plif": "posterior lumbar interbody fusion",
    "esi": "epidural steroid injection",
    "rom": "range of motion",
    "bmi": "body mass index",
    "uti": "urinary tract infection",
    "dvt": "deep vein thrombosis",
    "tia": "transient ischemic attack",
    "ms": "multiple sclerosis",
    "ra": "rheumatoid arthritis",
    "oa": "osteoarthritis",
    "exam": "examination",
    "exams": "examination",
    "xray": "x ray",
    "xrays": "x ray",
    "radiograph": "x ray",
    "radiographs": "x ray",
    "radiography": "x ray",
    "sonography": "ultrasound",
    "hx": "history",
    "rx": "treatment",
}

# British spellings → American, applied to whole words before stemming.
_SPELLINGS = (
    (re.compile(r"^(h|an|leuk|septic|isch|hyper|hypo|orth|an)?ae"), r"\1e"),
    (re.compile(r"ae"), "e"),
    (re.compile(r"^oe"), "e"),
    (re.compile(r"oe(?=[sd])"), "e"),
    (re.compile(r"our$"), "or"),
    (re.compile(r"ours$"), "ors"),
    (re.compile(r"is(e|ed|es|ing|ation|ations)$"), r"iz\1"),
    (re.compile(r"tre$"), "ter"),
    (re.compile(r"logue$"), "log"),
)

# Words that describe how thoroughly or how simply a thing is done, not what it is.
QUALIFIERS = frozenset(
    [
        "detailed",
        "plain",
        "simple",
        "basic",
        "full",
        "comprehensive",
        "routine",
        "standard",
        "thorough",
        "focused",
        "careful",
        "brief",
        "general",
        "regular",
        "conventional",
        "formal",
        "initial",
        "repeat",
        "repeated",
        "serial",
        "baseline",
        "bedside",
        "clinical",
        "conservative",
        "guided",
        "gentle",
    ]
)
# Heads that name a broad mode of treatment: `Aquatic therapy` and `Aquatic exercises` are one thing.
GENERIC_HEADS = frozenset(
    [
        "therapy",
        "therapies",
        "therapeutic",
        "treatment",
        "treatments",
        "exercise",
        "exercises",
        "program",
        "programs",
        "programme",
        "programmes",
        "training",
        "technique",
        "techniques",
        "session",
        "sessions",
        "modality",
        "modalities",
        "management",
        "intervention",
        "interventions",
        "method",
        "methods",
        "approach",
        "approaches",
    ]
)
# Anatomical sites. A site narrows a test or a condition without changing its kind; two different sites make
# two different things. `parents` lets `lumbar` sit inside `spine`.
SITES = frozenset(
    [
        "cervical",
        "thoracic",
        "lumbar",
        "sacral",
        "lumbosacral",
        "coccygeal",
        "spine",
        "neck",
        "back",
        "head",
        "brain",
        "skull",
        "chest",
        "abdomen",
        "abdominal",
        "pelvis",
        "pelvic",
        "hip",
        "knee",
        "ankle",
        "foot",
        "feet",
        "hand",
        "hands",
        "wrist",
        "elbow",
        "shoulder",
        "arm",
        "arms",
        "leg",
        "legs",
        "thigh",
        "calf",
        "face",
        "jaw",
        "eye",
        "eyes",
        "ear",
        "ears",
    ]
)
_SITE_SYNONYMS = {
    "spinal": "spine",
    "vertebral": "spine",
    "feet": "foot",
    "hands": "hand",
    "arms": "arm",
    "legs": "leg",
    "eyes": "eye",
    "ears": "ear",
    "abdominal": "abdomen",
    "pelvic": "pelvis",
    "cranial": "skull",
    "cerebral": "brain",
}
_SITE_PARENTS = {
    "cervical": "spine",
    "thoracic": "spine",
    "lumbar": "spine",
    "sacral": "spine",
    "lumbosacral": "spine",
    "coccygeal": "spine",
}
FILLER_WORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "and",
        "or",
        "in",
        "on",
        "at",
        "to",
        "for",
        "with",
        "by",
        "from",
        "via",
        "per",
        "your",
        "their",
        "its",
        "as",
        "is",
        "are",
        "be",
    ]
)

_BRACKETED = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")
_TOKEN = re.compile(r"[^\W_]+")
_STEMMER = snowballstemmer.stemmer("english")
# Words shorter than this must match exactly: `ileum` and `ilium` are different bones.
_FUZZY_MIN_LENGTH = 6
_FUZZY_MIN_RATIO = 85.0


class TermKey(NamedTuple):
    words: frozenset[str]  # content words (qualifiers and sites out, generic heads in)
    core: frozenset[str]  # words without generic heads (the words themselves when nothing else is left)
    sites: frozenset[str]

    @property
    def empty(self) -> bool:
        return not self.words and not self.sites


def _strip_accents(text: str) -> str:
    if text.isascii():
        return text
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if not unicodedata.combining(ch))


@functools.lru_cache(maxsize=131072)
def _canonical_word(word: str) -> str:
    if word.isdigit() or len(word) <= 3:
        return word
    for pattern, replacement in _SPELLINGS:
        word = pattern.sub(replacement, word)
    return _STEMMER.stemWord(word)


# Phrases that name one thing in other words, across articles of the family ("Excess weight" is the "Obesity" of
# another condition's list). Written for this project; extend freely (lower case phrase → the words it means).
PHRASES: dict[str, str] = {
    "excess body weight": "obesity",
    "excess weight": "obesity",
    "being overweight": "obesity",
    "overweight": "obesity",
    "obese": "obesity",
    "high blood pressure": "hypertension",
    "raised blood pressure": "hypertension",
    "lack of physical activity": "inactivity",
    "lack of exercise": "inactivity",
    "physical inactivity": "inactivity",
    "sedentary lifestyle": "inactivity",
    "tobacco smoke": "smoking",
    "tobacco use": "smoking",
    "cigarette smoking": "smoking",
    "stopping smoking": "smoking cessation",
    "stop smoking": "smoking cessation",
    "quit smoking": "smoking cessation",
    "quitting smoking": "smoking cessation",
    "losing weight": "weight loss",
    "lose weight": "weight loss",
    "too much alcohol": "alcohol excess",
    "excess alcohol": "alcohol excess",
    "heavy drinking": "alcohol excess",
    "high salt intake": "salt excess",
    "too much salt": "salt excess",
}
_PHRASE = re.compile(
    r"\b(?:" + "|".join(re.escape(p) for p in sorted(PHRASES, key=len, reverse=True)) + r")\b"
)


def tokens(text: str) -> list[str]:
    """Casefolded word tokens, parentheticals dropped (unless nothing else is left), phrases of `PHRASES` in
    their one wording."""
    text = _PHRASE.sub(lambda match: PHRASES[match.group(0)], _strip_accents(text).casefold())
    if "(" in text or "[" in text:
        stripped = text
        while True:
            shorter = _BRACKETED.sub(" ", stripped)
            if shorter == stripped:
                break
            stripped = shorter
        return _TOKEN.findall(stripped) or _TOKEN.findall(text)
    return _TOKEN.findall(text)


_WORD, _HEAD, _SITE = 0, 1, 2


@functools.lru_cache(maxsize=131072)
def _token_parts(token: str) -> tuple[tuple[int, str], ...]:
    """What one token contributes to a key: (role, canonical word) for each word of its expansion; fillers,
    qualifiers and the `s` left of a possessive (`nerve’s`) contribute nothing."""
    if token == "s":
        return ()
    parts = []
    for part in ABBREVIATIONS.get(token, token).split():
        if part in FILLER_WORDS or part in QUALIFIERS:
            continue
        site = _SITE_SYNONYMS.get(part, part)
        if site in SITES:
            parts.append((_SITE, site))
        else:
            parts.append((_HEAD if part in GENERIC_HEADS else _WORD, _canonical_word(part)))
    return tuple(parts)


def _raw_words(text: str) -> list[str]:
    return [
        part for token in tokens(text) if token != "s" for part in ABBREVIATIONS.get(token, token).split()
    ]


@functools.lru_cache(maxsize=131072)
def term_key(text: str) -> TermKey:
    """The comparable form of a name."""
    words: set[str] = set()
    heads: set[str] = set()
    sites: set[str] = set()
    for token in tokens(text):
        for role, word in _token_parts(token):
            (words if role == _WORD else heads if role == _HEAD else sites).add(word)
    if not words and not heads:
        # The name is only a site (`Neck`, `Lung`): then the site is what it names.
        only = frozenset(sites)
        return TermKey(only, only, frozenset())
    all_words = frozenset(words | heads)
    return TermKey(all_words, frozenset(words) if words else all_words, frozenset(sites))


@functools.lru_cache(maxsize=65536)
def normalise(text: str) -> str:
    """A display-independent form for exact comparisons: casefolded, accents, parentheticals and punctuation
    dropped, abbreviations expanded, words stemmed, in their original order."""
    return " ".join(_canonical_word(w) for w in _raw_words(text) if w not in FILLER_WORDS)


def _leaves(sites: frozenset[str]) -> set[str]:
    parents = {_SITE_PARENTS.get(s) for s in sites}
    return {s for s in sites if s not in parents}


def _related_sites(a: str, b: str) -> bool:
    return a == b or _SITE_PARENTS.get(a) == b or _SITE_PARENTS.get(b) == a


def sites_compatible(a: frozenset[str], b: frozenset[str]) -> bool:
    """False when both names name a site and no site of one is the same as, or inside, a site of the other."""
    if not a or not b:
        return True
    leaves_a, leaves_b = _leaves(a), _leaves(b)
    return any(_related_sites(x, y) for x in leaves_a for y in leaves_b)


@functools.lru_cache(maxsize=262144)
def _skeleton(word: str) -> str:
    """First letter and consonants, doubles collapsed: `haemangioma` and `hemangioma` share `hmngm`."""
    out = [word[:1]]
    for ch in word[1:]:
        if ch not in "aeiouy" and ch != out[-1]:
            out.append(ch)
    return "".join(out)


def words_match(a: str, b: str) -> bool:
    """Equal, or long enough and a typo apart (same consonant skeleton, rapidfuzz ratio ≥ 85)."""
    if a == b:
        return True
    if min(len(a), len(b)) < _FUZZY_MIN_LENGTH:
        return False
    # The skeleton rule keeps TermIndex's look-ups (by skeleton) and this pairwise test in agreement.
    return _skeleton(a) == _skeleton(b) and ratio(a, b) >= _FUZZY_MIN_RATIO


def _align(words: frozenset[str], vocabulary: frozenset[str]) -> frozenset[str]:
    """Each word replaced by the word of `vocabulary` it matches, if any."""
    out = set()
    for word in words:
        if word in vocabulary:
            out.add(word)
            continue
        out.add(next((v for v in vocabulary if words_match(word, v)), word))
    return frozenset(out)


def keys_equivalent(a: TermKey, b: TermKey) -> bool:
    if a.empty or b.empty:
        return a.empty and b.empty
    if not sites_compatible(a.sites, b.sites):
        return False
    vocabulary = a.words
    b_words, b_core = _align(b.words, vocabulary), _align(b.core, vocabulary)
    return a.core == b_core or a.words <= b_words or b_words <= a.words


@functools.lru_cache(maxsize=262144)
def equivalent(a: str, b: str) -> bool:
    """True when a reader who knows the medicine would count the two names as the same thing, or one as
    a case of the other (`MRI of the spine` / `MRI of the lumbar spine`)."""
    return keys_equivalent(term_key(a), term_key(b))


def renamed(old: str, new: str) -> bool:
    """The stricter test for an edited article: the same thing in other words (`MRI` → `Magnetic resonance
    imaging`, `Aquatic therapy` → `Aquatic exercise`), not a narrower or broader one."""
    a, b = term_key(old), term_key(new)
    if a.empty or b.empty or not sites_compatible(a.sites, b.sites) or a.sites != b.sites:
        return False
    return a.core == _align(b.core, a.core)


def rename_bucket(name: str) -> tuple[frozenset[str], frozenset[str]]:
    """What two names must share to be `renamed` (sites, and the consonant skeletons of the core words):
    a key to bucket a long list by before comparing pairs."""
    key = term_key(name)
    return key.sites, frozenset(_skeleton(w) for w in key.core)


T = TypeVar("T", bound=Hashable)


class TermIndex(Generic[T]):
    """Many names, each with a value; `matches(name)` returns the values of every name equivalent to it.

    Look-ups go through dictionaries: names with the same core; names whose words are a subset of the
    query's (every subset of a short query is tried); names whose words include all of the query's (the
    shortest posting list, filtered). Query words are first aligned to the indexed vocabulary, so typos
    match as `equivalent` does.
    """

    _MAX_SUBSET_WORDS = 10

    def __init__(self, entries: Iterable[tuple[str, T]] = ()) -> None:
        self._keys: list[tuple[TermKey, T]] = []
        self._by_core: dict[frozenset[str], list[int]] = {}
        self._by_words: dict[frozenset[str], list[int]] = {}
        self._postings: dict[str, list[int]] = {}
        self._by_skeleton: dict[str, set[str]] = {}
        self._empty: list[int] = []
        self._alignments: dict[str, str] = {}
        for name, value in entries:
            self.add(name, value)

    def __len__(self) -> int:
        return len(self._keys)

    def add(self, name: str, value: T) -> None:
        key = term_key(name)
        n = len(self._keys)
        self._keys.append((key, value))
        if key.empty:
            self._empty.append(n)
            return
        self._by_core.setdefault(key.core, []).append(n)
        self._by_words.setdefault(key.words, []).append(n)
        for word in key.words:
            postings = self._postings.setdefault(word, [])
            if not postings or postings[-1] != n:
                postings.append(n)
                self._by_skeleton.setdefault(_skeleton(word), set()).add(word)
        self._alignments.clear()

    def _aligned(self, word: str) -> str:
        if word in self._postings:
            return word
        aligned = self._alignments.get(word)
        if aligned is None:
            candidates = self._by_skeleton.get(_skeleton(word), ())
            aligned = next((c for c in candidates if words_match(word, c)), word)
            self._alignments[word] = aligned
        return aligned

    def _candidates(self, key: TermKey) -> set[int]:
        words = frozenset(self._aligned(w) for w in key.words)
        known = sorted(w for w in words if w in self._postings)
        if not known:
            return set()
        core = frozenset(self._aligned(w) for w in key.core)
        found: set[int] = set(self._by_core.get(core, ()))
        # Indexed names whose words are all in the query (only indexed words can be in them).
        if len(known) <= self._MAX_SUBSET_WORDS:
            for size in range(1, len(known) + 1):
                for subset in itertools.combinations(known, size):
                    found.update(self._by_words.get(frozenset(subset), ()))
        else:
            found.update(n for w in known for n in self._postings[w] if self._keys[n][0].words <= words)
        # Indexed names that contain every query word.
        if len(known) == len(words):
            shortest = min((self._postings[w] for w in known), key=len)
            found.update(n for n in shortest if words <= self._keys[n][0].words)
        return found

    def matches_key(self, key: TermKey) -> list[T]:
        if key.empty:
            return [self._keys[n][1] for n in self._empty]
        return [
            self._keys[n][1]
            for n in sorted(self._candidates(key))
            if sites_compatible(key.sites, self._keys[n][0].sites)
        ]

    def matches(self, name: str) -> list[T]:
        return self.matches_key(term_key(name))

    def matches_any(self, name: str) -> bool:
        key = term_key(name)
        if key.empty:
            return bool(self._empty)
        return any(sites_compatible(key.sites, self._keys[n][0].sites) for n in self._candidates(key))


def equivalent_to_any(candidates: Sequence[str], names: Iterable[str]) -> set[int]:
    """Positions of the candidates equivalent to at least one of `names`. One pass over `names` with a few
    dictionary look-ups each: a handful of wrong options is checked against a list of 50,000 in one pass."""
    index: TermIndex[int] = TermIndex((name, n) for n, name in enumerate(candidates))
    vocabulary, skeletons = index._postings, index._by_skeleton
    found: set[int] = set()
    for name in names:
        key = term_key(name)
        # Most names share no word with a handful of candidates: skip them without building anything.
        if key.words and not any(w in vocabulary or _skeleton(w) in skeletons for w in key.words):
            continue
        found.update(index.matches_key(key))
        if len(found) == len(candidates):
            break
    return found


# --- Abbreviations written beside their name ----------------------------------------------------------------

_ABBREVIATION_SHAPE = re.compile(r"^[A-Za-z][A-Za-z0-9-]{1,9}$")


def is_abbreviation_of(short: str, name: str) -> bool:
    """True when `short` abbreviates `name` (`TENS`, `PCOS`, `FeNO`, `EMG` for electromyography), as the site
    writes in parentheses after a name: then it is the name's other spelling, not a note about it.

    Its letters, in order, must be found in the name starting at the name's first letter, at least two capitals
    (`NSAID` after `Ibuprofen` is a class, and fails on the letters)."""
    short = short.strip()
    if not _ABBREVIATION_SHAPE.match(short) or sum(1 for c in short if c.isupper()) < 2:
        return False
    letters = [c for c in short.casefold() if c.isalpha()]
    words = [w for w in re.split(r"[^a-z0-9]+", _strip_accents(name).casefold()) if w]
    if not letters or not words or words[0][0] != letters[0]:
        return False
    flat = "".join(words)
    position = 0
    for letter in letters:
        position = flat.find(letter, position)
        if position < 0:
            return False
        position += 1
    if len(words) == 1:
        # One word abbreviates only by its parts (EMG: electro-myo-graphy), and only when it is long: `SABA`
        # fits the letters of "Salbutamol" but is its class.
        return len(letters) <= 3 and len(words[0]) >= 3 * len(letters) + 3
    # Every word's initial is used (a letter may stand for a word part: PCOS, "poly-cystic"), but for one
    # trailing head word in a long name ("Prostate specific antigen test (PSA)").
    initials = [w[0] for w in words if w not in ("of", "and", "the", "with", "in", "to")]
    missing = sum(1 for initial in initials if initial not in letters)
    return missing == 0 or (missing == 1 and len(initials) >= 3 and initials[-1] not in letters)


_QUALIFIED = re.compile(r"\s*(?:;|,|\s[–—-]\s)\s*")


def gloss_class(gloss: str) -> str:
    """The class a drug's gloss names, without what the site adds after it: `anticonvulsant; first choice`,
    `oral corticosteroid, short course` and `SABA – short-acting beta-2 agonist` are an anticonvulsant, an oral
    corticosteroid and a SABA. A gloss that is not `class; more` comes back whole."""
    head = _QUALIFIED.split(gloss.strip(), maxsplit=1)[0].strip()
    return head if head and "(" not in head and len(head.split()) <= 4 else gloss.strip()
