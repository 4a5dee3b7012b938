"""Multiple-choice questions generated from the knowledge base. PURE: a KnowledgeBase and a random.Random in,
GeneratedQuestion values out; the same seed gives the same questions.

Every question records its criterion (deck, section kind, gloss or group) and the complete set of knowledge-base
entries that satisfy it (`correct_terms`). The answer satisfies it and no distractor does; names are compared
after `normalise`, and a name whose content words are all in another counts as the same thing (`Renal cell
carcinoma` and `Metastatic renal cell carcinoma`). A criterion that cannot make a valid question is skipped.

Entry points: `generate_questions` (a quiz by rules), `generate_question` (one question about a chosen item),
`question_problems` (re-check a stored question against the current knowledge base).
"""

from __future__ import annotations

import functools
import math
import random
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass

from quizzes.knowledge import KnowledgeBase, KnowledgeDeck, KnowledgeItem

OPTION_COUNT = 4

MEMBER = "member"
NOT_MEMBER = "not_member"
ITEM_TO_GLOSS = "item_to_gloss"
GLOSS_TO_ITEM = "gloss_to_item"
GROUP_MEMBER = "group_member"
FAQ = "faq"
QUESTION_KINDS = (MEMBER, NOT_MEMBER, ITEM_TO_GLOSS, GLOSS_TO_ITEM, GROUP_MEMBER, FAQ)
# The one list of question kinds, with the labels instructors pick them by (quiz set form, `generate_quiz`).
QUESTION_KIND_LABELS = {
    MEMBER: "Which is a …",
    NOT_MEMBER: "Which is NOT a …",
    ITEM_TO_GLOSS: "Item → description",
    GLOSS_TO_ITEM: "Description → item",
    GROUP_MEMBER: "Sub-group membership",
    FAQ: "FAQ",
}

# How a list is named in a stem: "Which of these is a cause of …?"
LIST_PHRASES = {
    "types": "a type of {condition}",
    "causes": "a cause of {condition}",
    "symptoms": "a symptom of {condition}",
    "diagnostic_tests": "a diagnostic test for {condition}",
    "non_drug_treatments": "a non-drug treatment for {condition}",
    "drugs": "a drug treatment for {condition}",
    "surgeries": "a surgical option for {condition}",
    "prevention": "a way to prevent {condition}",
    "when_to_see_doctor": "a reason to see a doctor about {condition}",
}

# Lists whose entries a reader could fairly count as belonging to the other: a tumour type is also a cause, a
# surgery is also a non-drug treatment, an open biopsy is surgical. They never supply each other's distractors.
_RELATED_PAIRS = (
    ("causes", "types"),
    ("symptoms", "when_to_see_doctor"),
    ("non_drug_treatments", "prevention"),
    ("non_drug_treatments", "surgeries"),
    ("surgeries", "diagnostic_tests"),
    ("surgeries", "prevention"),
    ("drugs", "prevention"),
)
RELATED_KINDS: dict[str, frozenset[str]] = {
    kind: frozenset({b for a, b in _RELATED_PAIRS if a == kind} | {a for a, b in _RELATED_PAIRS if b == kind})
    for kind in LIST_PHRASES
}

# Only these lists carry glosses that name a class ("NSAID", "TCA"); elsewhere a gloss explains ("in severe cases").
GLOSS_CLASS_KINDS = frozenset({"drugs"})
# Entries of these sections are never options of list questions.
_NOT_LIST_KINDS = frozenset({"faq", "other"})
# "Other" is a leftover bin, not a category: its entries may belong to any sibling group.
_UNCLASSIFIED_GROUPS = frozenset({"other", "misc", "miscellaneous", "general"})
_MAX_CLASS_GLOSS_WORDS = 4

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


# --- The question value -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GeneratedQuestion:
    """One multiple-choice question and the criterion that makes it checkable.

    `correct_terms` is every knowledge-base entry that satisfies the criterion (terms; glosses for
    item_to_gloss; answers for faq). The answer is one of them and no distractor clashes with them, except for
    `not_member` (`negated`): there the answer is the one option outside `correct_terms` and every distractor
    is in it. `item_ids` are the items behind the correct option (what answering it should rate);
    `option_item_ids` the items behind each option.
    """

    kind: str
    stem: str
    options: tuple[str, ...]
    answer: int
    section: str | None
    gloss: str | None
    group: str | None
    correct_terms: tuple[str, ...]
    item_ids: tuple[int, ...]
    deck_slug: str
    explanation: str
    negated: bool = False
    option_item_ids: tuple[tuple[int, ...], ...] = ()

    @property
    def correct_option(self) -> str:
        return self.options[self.answer]

    def to_dict(self) -> dict:
        data = asdict(self)
        data["options"] = list(self.options)
        data["correct_terms"] = list(self.correct_terms)
        data["item_ids"] = list(self.item_ids)
        data["option_item_ids"] = [list(ids) for ids in self.option_item_ids]
        return data

    @classmethod
    def from_dict(cls, data: dict) -> GeneratedQuestion:
        return cls(
            kind=data["kind"],
            stem=data["stem"],
            options=tuple(data["options"]),
            answer=int(data["answer"]),
            section=data.get("section"),
            gloss=data.get("gloss"),
            group=data.get("group"),
            correct_terms=tuple(data.get("correct_terms", ())),
            item_ids=tuple(int(i) for i in data.get("item_ids", ())),
            deck_slug=data.get("deck_slug", ""),
            explanation=data.get("explanation", ""),
            negated=bool(data.get("negated", False)),
            option_item_ids=tuple(tuple(int(i) for i in ids) for ids in data.get("option_item_ids", ())),
        )


# --- Indexes over the knowledge base ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Option:
    text: str
    items: tuple[KnowledgeItem, ...]
    names: tuple[str, ...]  # every name the option stands for, to test clashes


class _Index:
    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.items = [item for item in kb.items() if item.term.strip()]
        self.term_norms = {
            normalise(item.term) for item in self.items if item.section_kind not in _NOT_LIST_KINDS
        }
        self.titles = {deck.slug: deck.title for deck in kb.decks}
        self.headings: dict[tuple[str, str], str] = {}
        for deck in kb.decks:
            for section in deck.sections:
                self.headings.setdefault((deck.slug, section.kind), section.heading)

    def names(self, item: KnowledgeItem) -> tuple[str, ...]:
        """An item's term, plus its gloss when the gloss names another entry (`Epidural steroid injection
        (methylprednisolone)` is also about methylprednisolone)."""
        if item.gloss and normalise(item.gloss) in self.term_norms:
            return (item.term, item.gloss)
        return (item.term,)

    def list_items(self, deck_slug: str, kinds: Iterable[str]) -> list[KnowledgeItem]:
        kinds = set(kinds)
        return [item for item in self.items if item.deck_slug == deck_slug and item.section_kind in kinds]

    def is_class_gloss(self, item: KnowledgeItem) -> bool:
        gloss = normalise(item.gloss)
        return (
            item.section_kind in GLOSS_CLASS_KINDS
            and bool(gloss)
            and len(gloss.split()) <= _MAX_CLASS_GLOSS_WORDS
            and gloss not in self.term_norms
        )

    def condition(self, deck_slug: str) -> str:
        title = self.titles.get(deck_slug, deck_slug)
        if len(title) > 1 and title[0].isupper() and title[1].islower():
            return title[0].lower() + title[1:]
        return title

    def list_name(self, deck_slug: str, kind: str) -> str:
        return f"“{self.headings.get((deck_slug, kind), kind)}” of {self.titles.get(deck_slug, deck_slug)}"


def _clashes_any(names: Sequence[str], others: Iterable[str]) -> bool:
    others = list(others)
    return any(names_clash(name, other) for name in names for other in others)


def _options_from_items(index: _Index, items: Iterable[KnowledgeItem]) -> list[_Option]:
    """One option per distinct normalised term, carrying every item with that term."""
    grouped: dict[str, list[KnowledgeItem]] = {}
    for item in items:
        grouped.setdefault(normalise(item.term), []).append(item)
    options = []
    for group in grouped.values():
        names = tuple(dict.fromkeys(name for item in group for name in index.names(item)))
        options.append(_Option(text=group[0].term, items=tuple(group), names=names))
    return options


# --- Choosing options so that their form does not give the answer away -------------------------------------


def _distance(text: str, target: str) -> float:
    return abs(math.log((len(text) + 1) / (len(target) + 1))) + 0.25 * abs(
        len(text.split()) - len(target.split())
    )


def _pick_similar(
    pool: Sequence[_Option], target: str, n: int, rng: random.Random, avoid: Sequence[_Option]
) -> list[_Option] | None:
    """n options from pool, close to target in length and word count, none clashing with each other or avoid."""
    shuffled = list(pool)
    rng.shuffle(shuffled)
    shuffled.sort(key=lambda option: _distance(option.text, target))  # stable: ties stay in rng order
    window = shuffled[: max(2 * n, 6)]
    rng.shuffle(window)
    chosen: list[_Option] = []
    for option in window + shuffled[len(window) :]:
        if any(_clashes_any(option.names, other.names) for other in [*avoid, *chosen]):
            continue
        chosen.append(option)
        if len(chosen) == n:
            return chosen
    return None


def _is_longest(text: str, others: Sequence[str]) -> bool:
    return all(len(text) >= len(other) for other in others)


def _rebalance_longest(
    correct: _Option,
    distractors: list[_Option],
    pool: Sequence[_Option],
    rng: random.Random,
) -> list[_Option]:
    """When the correct option came out longest, usually swap in a slightly longer distractor instead.

    Without this, an answer that is long for its list is the longest option far more often than a quarter of
    the time, and test-wise learners learn to pick the longest option.
    """
    if not _is_longest(correct.text, [d.text for d in distractors]) or rng.random() < 0.5:
        return distractors
    longer = sorted(
        (
            option
            for option in pool
            if len(option.text) > len(correct.text)
            and len(option.text) <= 2 * len(correct.text) + 10
            and option not in distractors
        ),
        key=lambda option: len(option.text),
    )
    keep = sorted(distractors, key=lambda option: len(option.text))[1:]
    for option in longer:
        if not any(_clashes_any(option.names, other.names) for other in [correct, *keep]):
            return [*keep, option]
    return distractors


def _arrange(correct: _Option, pool: list[_Option], rng: random.Random):
    """Distractors of a form and length like the answer's, then the options in order; None when too few."""
    distractors = _pick_similar(pool, correct.text, OPTION_COUNT - 1, rng, [correct])
    if distractors is None:
        return None
    distractors = _rebalance_longest(correct, distractors, pool, rng)
    return _place(correct, distractors, rng)


def _place(correct: _Option, distractors: Sequence[_Option], rng: random.Random) -> tuple[list[_Option], int]:
    options = list(distractors)
    rng.shuffle(options)
    position = rng.randrange(len(options) + 1)
    options.insert(position, correct)
    return options, position


def _unique_terms(items: Iterable[KnowledgeItem]) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for item in items:
        seen.setdefault(normalise(item.term), item.term)
    return tuple(seen.values())


def _article(phrase: str) -> str:
    word = phrase.split()[0] if phrase.split() else ""
    if word.isupper() and len(word) > 1:
        return "an" if word[0] in "AEFHILMNORSX" else "a"
    return "an" if word[:1].lower() in "aeiou" else "a"


def _join(terms: Sequence[str]) -> str:
    return terms[0] if len(terms) == 1 else ", ".join(terms[:-1]) + " and " + terms[-1]


# --- Builders, one per question kind ------------------------------------------------------------------------


def _list_distractor_pool(
    index: _Index, deck_slug: str, kind: str, blocked: Sequence[str], *, enough: int
) -> list[_Option]:
    """Entries of the same kind of list in other decks (causes of other conditions); only when fewer than
    `enough`, also entries of unrelated lists of the same deck. Nothing that clashes with `blocked`."""
    same_kind = [i for i in index.items if i.deck_slug != deck_slug and i.section_kind == kind]
    if kind in GLOSS_CLASS_KINDS:
        # Another condition's NSAID is no wrong answer to "a drug treatment for X" when X lists NSAIDs.
        listed = [i.gloss for i in index.list_items(deck_slug, [kind]) if i.gloss.strip()]
        same_kind = [
            i for i in same_kind if not any(classes_overlap(i.gloss, g) for g in listed if i.gloss.strip())
        ]
    excluded = {kind, *RELATED_KINDS.get(kind, ()), *_NOT_LIST_KINDS}
    other_lists = [
        i
        for i in index.items
        if i.deck_slug == deck_slug and i.section_kind not in excluded and i.section_kind
    ]
    tier1 = [o for o in _options_from_items(index, same_kind) if not _clashes_any(o.names, blocked)]
    if len(tier1) >= enough:
        return tier1
    tier2 = [o for o in _options_from_items(index, other_lists) if not _clashes_any(o.names, blocked)]
    return tier1 + [o for o in tier2 if not any(_clashes_any(o.names, t.names) for t in tier1)]


def _blocked_names(index: _Index, items: Iterable[KnowledgeItem]) -> list[str]:
    return list(dict.fromkeys(name for item in items for name in index.names(item)))


def _member(
    index: _Index, deck_slug: str, kind: str, anchor: KnowledgeItem, rng: random.Random
) -> GeneratedQuestion | None:
    members = index.list_items(deck_slug, [kind])
    blocked = _blocked_names(index, index.list_items(deck_slug, [kind, *RELATED_KINDS.get(kind, ())]))
    correct = next(
        o for o in _options_from_items(index, members) if normalise(o.text) == normalise(anchor.term)
    )
    pool = _list_distractor_pool(index, deck_slug, kind, blocked, enough=OPTION_COUNT - 1)
    arranged = _arrange(correct, pool, rng)
    if arranged is None:
        return None
    options, position = arranged
    phrase = LIST_PHRASES[kind].format(condition=index.condition(deck_slug))
    return _question(
        kind=MEMBER,
        stem=f"Which of these is {phrase}?",
        options=options,
        answer=position,
        section=kind,
        correct_terms=_unique_terms(members),
        deck_slug=deck_slug,
        explanation=f"{correct.text} is listed under {index.list_name(deck_slug, kind)}; "
        "the other options are not on that list.",
    )


def _not_member(
    index: _Index, deck_slug: str, kind: str, anchor: KnowledgeItem, rng: random.Random
) -> GeneratedQuestion | None:
    members = _options_from_items(index, index.list_items(deck_slug, [kind]))
    anchor_option = next(o for o in members if normalise(o.text) == normalise(anchor.term))
    others = [o for o in members if o is not anchor_option]
    rest = _pick_similar(others, anchor_option.text, OPTION_COUNT - 2, rng, [anchor_option])
    if rest is None:
        return None
    inside = [anchor_option, *rest]
    blocked = _blocked_names(index, index.list_items(deck_slug, [kind, *RELATED_KINDS.get(kind, ())]))
    pool = _list_distractor_pool(index, deck_slug, kind, blocked, enough=2)
    target = sorted(inside, key=lambda o: len(o.text))[len(inside) // 2].text
    found = _pick_similar(pool, target, 1, rng, inside)
    if found is None:
        return None
    correct = found[0]
    # The odd one out should not stand out as the longest either.
    if _is_longest(correct.text, [o.text for o in inside]) and rng.random() >= 0.5:
        shorter = [o for o in pool if len(o.text) < max(len(i.text) for i in inside)]
        found = _pick_similar(shorter, target, 1, rng, inside)
        correct = found[0] if found else correct
    options, position = _place(correct, inside, rng)
    phrase = LIST_PHRASES[kind].format(condition=index.condition(deck_slug))
    source = correct.items[0]
    return _question(
        kind=NOT_MEMBER,
        stem=f"Which of these is NOT {phrase}?",
        options=options,
        answer=position,
        section=kind,
        correct_terms=_unique_terms(index.list_items(deck_slug, [kind])),
        deck_slug=deck_slug,
        negated=True,
        explanation=f"{_join([o.text for o in inside])} are listed under {index.list_name(deck_slug, kind)}; "
        f"{correct.text} is not (it comes from {index.list_name(source.deck_slug, source.section_kind)}).",
    )


def _item_to_gloss(index: _Index, anchor: KnowledgeItem, rng: random.Random) -> GeneratedQuestion | None:
    same_term = [i for i in index.items if normalise(i.term) == normalise(anchor.term) and i.gloss.strip()]
    related = [i for i in index.items if names_clash(i.term, anchor.term) and i.gloss.strip()]
    correct_glosses = _unique_glosses(same_term)
    related_glosses = [i.gloss for i in related]
    glosses: dict[str, _Option] = {}
    for item in index.items:
        if (
            index.is_class_gloss(item)
            and not names_clash(item.gloss, anchor.term)
            and not any(classes_overlap(item.gloss, gloss) for gloss in related_glosses)
        ):
            glosses.setdefault(normalise(item.gloss), _Option(item.gloss, (), (item.gloss,)))
    correct = _Option(anchor.gloss, (anchor,), (anchor.gloss,))
    pool = list(glosses.values())
    arranged = _arrange(correct, pool, rng)
    if arranged is None:
        return None
    options, position = arranged
    return _question(
        kind=ITEM_TO_GLOSS,
        stem=f"{anchor.term} is best described as?",
        options=options,
        answer=position,
        section=anchor.section_kind,
        gloss=anchor.gloss,
        correct_terms=correct_glosses,
        deck_slug=anchor.deck_slug,
        item_ids=(anchor.id,),
        explanation=f"{anchor.term} is listed as {anchor.gloss} under "
        f"{index.list_name(anchor.deck_slug, anchor.section_kind)}.",
    )


def _unique_glosses(items: Iterable[KnowledgeItem]) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for item in items:
        seen.setdefault(normalise(item.gloss), item.gloss)
    return tuple(seen.values())


def gloss_satisfies(item_gloss: str, asked: str) -> bool:
    """An item is a TCA when its gloss is `TCA` or contains it (`opioid analgesic` is an `analgesic`)."""
    gloss, target = normalise(item_gloss), normalise(asked)
    return bool(gloss) and (gloss == target or f" {target} " in f" {gloss} ")


def _gloss_to_item(index: _Index, anchor: KnowledgeItem, rng: random.Random) -> GeneratedQuestion | None:
    satisfying = [i for i in index.items if gloss_satisfies(i.gloss, anchor.gloss)]
    uncertain = [i for i in index.items if i.gloss.strip() and classes_overlap(i.gloss, anchor.gloss)]
    blocked = _blocked_names(index, [*satisfying, *uncertain])
    correct = next(
        o for o in _options_from_items(index, satisfying) if normalise(o.text) == normalise(anchor.term)
    )
    candidates = [
        i
        for i in index.items
        if i.section_kind in GLOSS_CLASS_KINDS
        and i.gloss.strip()
        and not classes_overlap(i.gloss, anchor.gloss)
    ]
    pool = [o for o in _options_from_items(index, candidates) if not _clashes_any(o.names, blocked)]
    arranged = _arrange(correct, pool, rng)
    if arranged is None:
        return None
    options, position = arranged
    also = [t for t in _unique_terms(satisfying) if normalise(t) != normalise(correct.text)]
    explanation = (
        f"{correct.text} is listed as {anchor.gloss} under "
        f"{index.list_name(anchor.deck_slug, anchor.section_kind)}."
    )
    if also:
        explanation += f" Also listed as {anchor.gloss}: {_join(also)}."
    return _question(
        kind=GLOSS_TO_ITEM,
        stem=f"Which of these is {_article(anchor.gloss)} {anchor.gloss}?",
        options=options,
        answer=position,
        section=anchor.section_kind,
        gloss=anchor.gloss,
        correct_terms=_unique_terms(satisfying),
        deck_slug=anchor.deck_slug,
        explanation=explanation,
    )


def _singular_phrase(group: str) -> str | None:
    words = group.split()
    if not words or not words[-1].lower().endswith("s") or words[-1].lower().endswith("ss"):
        return None
    words[-1] = words[-1][:-1]
    phrase = " ".join(words)
    if phrase[0].isupper() and (len(phrase) < 2 or phrase[1].islower()):
        phrase = phrase[0].lower() + phrase[1:]
    return phrase


def _group_member(index: _Index, anchor: KnowledgeItem, rng: random.Random) -> GeneratedQuestion | None:
    group = normalise(anchor.group)
    in_group = [i for i in index.items if i.group and normalise(i.group) == group]
    blocked = _blocked_names(index, in_group)
    correct = next(
        o for o in _options_from_items(index, in_group) if normalise(o.text) == normalise(anchor.term)
    )
    # Sibling groups are categories the list itself says are different; ungrouped entries are unknown, and
    # another deck's groups may be the same category under another name ("By region", "By location").
    siblings = [
        i
        for i in index.items
        if i.deck_slug == anchor.deck_slug
        and i.section_kind == anchor.section_kind
        and i.group
        and normalise(i.group) != group
        and normalise(i.group) not in _UNCLASSIFIED_GROUPS
    ]
    pool = [o for o in _options_from_items(index, siblings) if not _clashes_any(o.names, blocked)]
    arranged = _arrange(correct, pool, rng)
    if arranged is None:
        return None
    options, position = arranged
    phrase = _singular_phrase(anchor.group)
    where = index.list_name(anchor.deck_slug, anchor.section_kind)
    stem = (
        f"Which of these is {_article(phrase)} {phrase}?"
        if phrase
        else f"Which of these is listed under “{anchor.group}” in {where}?"
    )
    return _question(
        kind=GROUP_MEMBER,
        stem=stem,
        options=options,
        answer=position,
        section=anchor.section_kind,
        group=anchor.group,
        correct_terms=_unique_terms(in_group),
        deck_slug=anchor.deck_slug,
        explanation=f"{correct.text} is listed under “{anchor.group}” in {where}.",
    )


def _polarity(answer: str) -> str | None:
    """`yes` or `no` when an answer opens with one: a second "Yes, …" option to a yes/no question would be
    half right."""
    words = normalise(answer).split()
    return words[0] if words and words[0] in ("yes", "no") else None


def _faq(index: _Index, anchor: KnowledgeItem, rng: random.Random) -> GeneratedQuestion | None:
    faqs = [i for i in index.items if i.section_kind == FAQ and i.answer.strip()]
    same_question = [i for i in faqs if normalise(i.term) == normalise(anchor.term)]
    correct_answers = tuple(dict.fromkeys(i.answer for i in same_question))
    correct = _Option(anchor.answer, tuple(same_question), correct_answers)
    near = [i for i in faqs if i.deck_slug == anchor.deck_slug]
    far = [i for i in faqs if i.deck_slug != anchor.deck_slug]
    pool: list[_Option] = []
    seen: set[str] = set()
    polarity = {_polarity(a) for a in correct_answers} - {None}
    for item in [*near, *far]:
        key = normalise(item.answer)
        if key in seen or _clashes_any([item.answer], correct_answers) or _polarity(item.answer) in polarity:
            continue
        seen.add(key)
        pool.append(_Option(item.answer, (item,), (item.answer,)))
    if len([o for o in pool if o.items[0].deck_slug == anchor.deck_slug]) >= 2 * (OPTION_COUNT - 1):
        pool = [o for o in pool if o.items[0].deck_slug == anchor.deck_slug]
    arranged = _arrange(correct, pool, rng)
    if arranged is None:
        return None
    options, position = arranged
    return _question(
        kind=FAQ,
        stem=anchor.term,
        options=options,
        answer=position,
        section=FAQ,
        correct_terms=correct_answers,
        deck_slug=anchor.deck_slug,
        item_ids=tuple(i.id for i in same_question),
        explanation=f"From {index.list_name(anchor.deck_slug, FAQ)}.",
    )


def _question(
    *,
    kind: str,
    stem: str,
    options: list[_Option],
    answer: int,
    section: str | None,
    correct_terms: tuple[str, ...],
    deck_slug: str,
    explanation: str,
    gloss: str | None = None,
    group: str | None = None,
    negated: bool = False,
    item_ids: tuple[int, ...] | None = None,
) -> GeneratedQuestion:
    option_item_ids = tuple(tuple(item.id for item in option.items) for option in options)
    return GeneratedQuestion(
        kind=kind,
        stem=stem,
        options=tuple(option.text for option in options),
        answer=answer,
        section=section,
        gloss=gloss,
        group=group,
        correct_terms=correct_terms,
        item_ids=item_ids if item_ids is not None else option_item_ids[answer],
        deck_slug=deck_slug,
        explanation=explanation,
        negated=negated,
        option_item_ids=option_item_ids,
    )


# --- Entry point --------------------------------------------------------------------------------------------


def _candidates(
    index: _Index, decks: Sequence[KnowledgeDeck], section_kinds: set[str] | None, kinds: set[str]
) -> dict[str, list[tuple]]:
    found: dict[str, list[tuple]] = {kind: [] for kind in QUESTION_KINDS if kind in kinds}
    for deck in decks:
        for item in deck.items():
            if not item.term.strip() or (
                section_kinds is not None and item.section_kind not in section_kinds
            ):
                continue
            if item.section_kind in LIST_PHRASES:
                if MEMBER in found:
                    found[MEMBER].append((MEMBER, item))
                if NOT_MEMBER in found:
                    found[NOT_MEMBER].append((NOT_MEMBER, item))
            if index.is_class_gloss(item):
                if ITEM_TO_GLOSS in found:
                    found[ITEM_TO_GLOSS].append((ITEM_TO_GLOSS, item))
                if GLOSS_TO_ITEM in found:
                    found[GLOSS_TO_ITEM].append((GLOSS_TO_ITEM, item))
            if (
                GROUP_MEMBER in found
                and item.group.strip()
                and normalise(item.group) not in _UNCLASSIFIED_GROUPS
            ):
                found[GROUP_MEMBER].append((GROUP_MEMBER, item))
            if FAQ in found and item.section_kind == FAQ and item.answer.strip():
                found[FAQ].append((FAQ, item))
    return found


def _build(index: _Index, kind: str, item: KnowledgeItem, rng: random.Random) -> GeneratedQuestion | None:
    if kind == MEMBER:
        return _member(index, item.deck_slug, item.section_kind, item, rng)
    if kind == NOT_MEMBER:
        return _not_member(index, item.deck_slug, item.section_kind, item, rng)
    if kind == ITEM_TO_GLOSS:
        return _item_to_gloss(index, item, rng)
    if kind == GLOSS_TO_ITEM:
        return _gloss_to_item(index, item, rng)
    if kind == GROUP_MEMBER:
        return _group_member(index, item, rng)
    return _faq(index, item, rng)


def generate_question(
    kb: KnowledgeBase, *, kind: str, item_id: int, rng: random.Random
) -> GeneratedQuestion | None:
    """One question of `kind` whose answer is about the item `item_id` (for hand-picked questions), or None
    when that item cannot make a valid question of that kind."""
    index = _Index(kb)
    item = next((i for i in index.items if i.id == item_id), None)
    if item is None or kind not in QUESTION_KINDS:
        return None
    deck = kb.deck(item.deck_slug)
    eligible = _candidates(index, [deck] if deck else [], None, {kind}).get(kind, [])
    if not any(candidate.id == item.id for _, candidate in eligible):
        return None
    return _build(index, kind, item, rng)


def generate_questions(
    kb: KnowledgeBase,
    *,
    count: int,
    rng: random.Random,
    deck_slugs: Iterable[str] | None = None,
    section_kinds: Iterable[str] | None = None,
    kinds: Iterable[str] | None = None,
) -> list[GeneratedQuestion]:
    """Up to `count` valid questions about the decks in `deck_slugs` (all when None), drawing distractors from
    the whole knowledge base. Kinds take turns; no item is the answer twice. Fewer come back when the lists
    cannot support more valid questions."""
    index = _Index(kb)
    wanted = set(deck_slugs) if deck_slugs is not None else None
    decks = [deck for deck in kb.decks if wanted is None or deck.slug in wanted]
    by_kind = _candidates(
        index,
        decks,
        set(section_kinds) if section_kinds is not None else None,
        set(kinds) if kinds is not None else set(QUESTION_KINDS),
    )
    for queue in by_kind.values():
        rng.shuffle(queue)
    turn = [kind for kind in QUESTION_KINDS if by_kind.get(kind)]
    rng.shuffle(turn)
    questions: list[GeneratedQuestion] = []
    used_items: set[int] = set()
    seen: set[tuple[str, str]] = set()
    while len(questions) < count and turn:
        for kind in list(turn):
            if len(questions) >= count:
                break
            queue = by_kind[kind]
            while queue:
                _, item = queue.pop()
                if item.id in used_items:
                    continue
                question = _build(index, kind, item, rng)
                if (
                    question is None
                    or (question.stem, question.correct_option) in seen
                    or used_items.intersection(question.item_ids)
                ):
                    continue
                questions.append(question)
                used_items.update(question.item_ids)
                used_items.add(item.id)
                seen.add((question.stem, question.correct_option))
                break
            if not queue:
                turn.remove(kind)
    return questions


# --- Checking a question against the knowledge base ---------------------------------------------------------


def satisfying_entries(kb: KnowledgeBase, question: GeneratedQuestion) -> tuple[str, ...]:
    """Re-derive, from the question's criterion alone, every entry of `kb` that satisfies it."""
    index = _Index(kb)
    if question.kind in (MEMBER, NOT_MEMBER):
        return _unique_terms(index.list_items(question.deck_slug, [question.section or ""]))
    if question.kind == GLOSS_TO_ITEM:
        return _unique_terms(i for i in index.items if gloss_satisfies(i.gloss, question.gloss or ""))
    if question.kind == GROUP_MEMBER:
        group = normalise(question.group or "")
        return _unique_terms(i for i in index.items if i.group and normalise(i.group) == group)
    asked = [i for i in index.items if i.id in question.item_ids]
    if question.kind == ITEM_TO_GLOSS:
        terms = {normalise(i.term) for i in asked}
        return _unique_glosses(i for i in index.items if i.gloss.strip() and normalise(i.term) in terms)
    if question.kind == FAQ:
        stems = {normalise(i.term) for i in asked}
        return tuple(
            dict.fromkeys(
                i.answer for i in index.items if i.section_kind == FAQ and normalise(i.term) in stems
            )
        )
    return ()


def question_problems(kb: KnowledgeBase, question: GeneratedQuestion) -> list[str]:
    """Why the question is not valid against `kb`; an empty list means valid."""
    problems = []
    options = question.options
    if len(options) != OPTION_COUNT or not 0 <= question.answer < len(options):
        return [f"needs {OPTION_COUNT} options and an answer among them"]
    for a in range(len(options)):
        for b in range(a + 1, len(options)):
            if names_clash(options[a], options[b]):
                problems.append(f"options {options[a]!r} and {options[b]!r} name the same thing")
    satisfying = satisfying_entries(kb, question)
    if {normalise(t) for t in satisfying} != {normalise(t) for t in question.correct_terms}:
        problems.append(
            f"correct_terms {question.correct_terms!r} differ from the knowledge base {satisfying!r}"
        )
    if not satisfying:
        problems.append("nothing satisfies the criterion")
    index = _Index(kb)
    # Names an option stands for: its own text, plus glosses naming an entry (the injection of methylprednisolone).
    extra: dict[str, set[str]] = {}
    for item in index.items:
        extra.setdefault(normalise(item.term), set()).update(index.names(item))
    for position, option in enumerate(options):
        names = (
            sorted(extra.get(normalise(option), {option}))
            if question.kind not in (ITEM_TO_GLOSS, FAQ)
            else (option,)
        )
        inside = _clashes_any(names, satisfying)
        if question.negated:
            is_member = any(normalise(option) == normalise(t) for t in satisfying)
            if position == question.answer and inside:
                problems.append(f"the answer {option!r} is on the list")
            if position != question.answer and not is_member:
                problems.append(f"the distractor {option!r} is not on the list")
        else:
            if position == question.answer and not any(normalise(option) == normalise(t) for t in satisfying):
                problems.append(f"the answer {option!r} does not satisfy the criterion")
            if position != question.answer and inside:
                problems.append(f"the distractor {option!r} satisfies the criterion")
    return problems
