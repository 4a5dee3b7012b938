"""The knowledge base indexed for the generator: pools of options built once per call, so each question costs
about the same whatever the list sizes. PURE."""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence

from quizzes.generation.names import classes_overlap, looks_like_class, normalise
from quizzes.generation.questions import (
    _MAX_CLASS_GLOSS_WORDS,
    FAQ,
    GLOSS_CLASS_KINDS,
    RELATED_KINDS,
    _Option,
)
from quizzes.knowledge import KnowledgeBase, KnowledgeItem
from studyapp import terms
from studyapp.cardgen import condition_phrase

# A distractor pool is drawn from at most this many entries: enough for options of every length, and the cost of
# a question stays flat when another deck holds a list of 50,000 entries.
POOL_SAMPLE = 2000
# Lists whose entries often carry their condition's name (`Chronic migraine`, `Secondary hypertension`): as an
# option in a question about another condition such a name gives itself away, and so does an answer that names
# the asked condition among options that do not.
NAMED_BY_CONDITION_KINDS = frozenset({"types"})
# Sub-group dimensions: groups under a "By …" heading classify along their own axis ("By Region" is not "By Tumor
# Origin"), and the sub-sections of Anatomy (boundaries, blood supply, functions) are different kinds of thing.
_OWN_DIMENSION_KINDS = frozenset({"anatomy"})


# Words of a name that says only what kind of thing it is: "Some medicines", "Other infections", "Certain
# conditions" could be any entry of another condition's list, so they are never a wrong option.
_CATCH_ALL_WORDS = frozenset(
    [
        "some",
        "certain",
        "other",
        "various",
        "several",
        "many",
        "medicine",
        "medication",
        "drug",
        "condition",
        "disease",
        "disorder",
        "factor",
        "cause",
        "infection",
        "problem",
        "illness",
        "treatment",
        "test",
    ]
)


def is_catch_all(term: str) -> bool:
    words = normalise(term).split()
    return bool(words) and all(word in _CATCH_ALL_WORDS for word in words)


# Words of a title too general to say which condition a name belongs to.
_GENERAL_TITLE_WORDS = frozenset({"syndrome", "disease", "disorder", "pain", "type", "chronic", "acute"})


def condition_words(title: str) -> frozenset[str]:
    """The words that name a condition (`gout`; `foraminal`, `narrowing`): an option holding one says which
    condition it comes from."""
    return frozenset(w for w in normalise(title).split() if len(w) > 3 and w not in _GENERAL_TITLE_WORDS)


def group_dimension(section_kind: str, group: str) -> str:
    """The axis a sub-group classifies along; options of a sub-group question share it."""
    name = normalise(group)
    if section_kind in _OWN_DIMENSION_KINDS or name.startswith("by "):
        return name
    return ""


def _sample(items: Sequence, limit: int, seed: str) -> list:
    """At most `limit` of `items`, the same ones every time for the same `seed` string."""
    if len(items) <= limit:
        return list(items)
    return random.Random(seed).sample(list(items), limit)


class _Library:
    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.items = [item for item in kb.items() if item.term.strip()]
        self.titles = {deck.slug: deck.title for deck in kb.decks}
        self.headings: dict[tuple[str, str], str] = {}
        self.by_list: dict[tuple[str, str], list[KnowledgeItem]] = {}
        self.by_kind: dict[str, list[KnowledgeItem]] = {}
        self.faqs: list[KnowledgeItem] = []
        for deck in kb.decks:
            for section in deck.sections:
                self.headings.setdefault((deck.slug, section.kind), section.heading)
        for item in self.items:
            self.by_list.setdefault((item.deck_slug, item.section_kind), []).append(item)
            self.by_kind.setdefault(item.section_kind, []).append(item)
            if item.section_kind == FAQ and item.answer.strip():
                self.faqs.append(item)
        self._cache: dict[tuple, object] = {}

    def _cached(self, key: tuple, build):
        if key not in self._cache:
            self._cache[key] = build()
        return self._cache[key]

    # -- names --

    def drug_term_norms(self) -> set[str]:
        return self._cached(
            ("drug-terms",),
            lambda: {normalise(i.term) for kind in GLOSS_CLASS_KINDS for i in self.by_kind.get(kind, ())},
        )

    def names(self, item: KnowledgeItem) -> tuple[str, ...]:
        """An item's term, plus its gloss when the gloss names a drug entry (`Epidural steroid injection
        (methylprednisolone)` is also about methylprednisolone)."""
        if (
            item.gloss
            and item.section_kind in GLOSS_CLASS_KINDS
            and normalise(item.gloss) in self.drug_term_norms()
        ):
            return (item.term, item.gloss)
        return (item.term,)

    def list_entries(self, deck_slug: str, kind: str) -> dict[str, list[KnowledgeItem]]:
        """The list's items by normalised term (a term listed twice is one option)."""

        def build():
            grouped: dict[str, list[KnowledgeItem]] = {}
            for item in self.by_list.get((deck_slug, kind), ()):
                grouped.setdefault(normalise(item.term), []).append(item)
            return grouped

        return self._cached(("list-entries", deck_slug, kind), build)

    def list_option(self, deck_slug: str, kind: str, term: str) -> _Option:
        return self.option(self.list_entries(deck_slug, kind)[normalise(term)])

    def list_terms(self, deck_slug: str, kind: str) -> tuple[str, ...]:
        return self._cached(
            ("list-terms", deck_slug, kind),
            lambda: tuple(group[0].term for group in self.list_entries(deck_slug, kind).values()),
        )

    def option(self, group: Sequence[KnowledgeItem]) -> _Option:
        names = tuple(dict.fromkeys(name for item in group for name in self.names(item)))
        return _Option(text=group[0].term, items=tuple(group), names=names)

    def options_from_items(self, items: Iterable[KnowledgeItem]) -> list[_Option]:
        grouped: dict[str, list[KnowledgeItem]] = {}
        for item in items:
            grouped.setdefault(normalise(item.term), []).append(item)
        return [self.option(group) for group in grouped.values()]

    # -- glosses --

    def is_class_gloss(self, item: KnowledgeItem) -> bool:
        gloss = normalise(item.gloss)
        return (
            item.section_kind in GLOSS_CLASS_KINDS
            and bool(gloss)
            and len(normalise(terms.gloss_class(item.gloss)).split()) <= _MAX_CLASS_GLOSS_WORDS
            and gloss not in self.drug_term_norms()
            and looks_like_class(item.gloss)
        )

    def items_by_gloss(self) -> dict[str, list[KnowledgeItem]]:
        def build():
            found: dict[str, list[KnowledgeItem]] = {}
            for item in self.items:
                if item.gloss.strip():
                    found.setdefault(normalise(item.gloss), []).append(item)
            return found

        return self._cached(("by-gloss",), build)

    def class_glosses(self) -> dict[str, str]:
        """Every class gloss of the library, normalised → as written (first seen)."""

        def build():
            found: dict[str, str] = {}
            for kind in GLOSS_CLASS_KINDS:
                for item in self.by_kind.get(kind, ()):
                    if self.is_class_gloss(item):
                        # `anticonvulsant; first choice` is offered as the class it names.
                        name = terms.gloss_class(item.gloss)
                        found.setdefault(normalise(name), name)
            return found

        return self._cached(("class-glosses",), build)

    def glossed_terms(self) -> terms.TermIndex:
        def build():
            index: terms.TermIndex = terms.TermIndex()
            for items in self.items_by_gloss().values():
                for item in items:
                    index.add(item.term, item)
            return index

        return self._cached(("glossed-terms",), build)

    def listed_classes(self, deck_slug: str) -> list[str]:
        return self._cached(
            ("listed-classes", deck_slug),
            lambda: list(
                dict.fromkeys(
                    i.gloss
                    for kind in GLOSS_CLASS_KINDS
                    for i in self.by_list.get((deck_slug, kind), ())
                    if i.gloss.strip()
                )
            ),
        )

    # -- groups --

    def items_by_group(self) -> dict[str, list[KnowledgeItem]]:
        def build():
            found: dict[str, list[KnowledgeItem]] = {}
            for item in self.items:
                if item.group.strip():
                    found.setdefault(normalise(item.group), []).append(item)
            return found

        return self._cached(("by-group",), build)

    def names_its_condition(self, item: KnowledgeItem) -> bool:
        words = self._cached(
            ("condition-words", item.deck_slug),
            lambda: condition_words(self.titles.get(item.deck_slug, item.deck_slug)),
        )
        return bool(words & set(normalise(item.term).split()))

    # -- words for stems and explanations --

    def condition(self, deck_slug: str) -> str:
        """The condition inside a stem: `Type 2 Diabetes` → "Which of these is a cause of type 2 diabetes?"."""
        return condition_phrase(self.titles.get(deck_slug, deck_slug))

    def list_name(self, deck_slug: str, kind: str) -> str:
        return f"“{self.headings.get((deck_slug, kind), kind)}” of {self.titles.get(deck_slug, deck_slug)}"

    # -- distractor pools, each built once per call --

    def list_pool(self, deck_slug: str, kind: str) -> list[_Option]:
        """Wrong options for "a <kind> of <condition>": entries of the same kind of list in other decks, none
        equivalent to an entry of this list or of a list a reader could fairly count it under (a tumour type is
        also a cause). Drugs of a class this deck lists are out too: another condition's NSAID is no wrong
        answer where NSAIDs are listed."""

        def build():
            others = [
                i for i in self.by_kind.get(kind, ()) if i.deck_slug != deck_slug and not is_catch_all(i.term)
            ]
            if kind in NAMED_BY_CONDITION_KINDS:
                # "Intercritical gout" is no type of asthma, and says so by its own name.
                others = [i for i in others if not self.names_its_condition(i)]
            if kind in GLOSS_CLASS_KINDS:
                listed = self.listed_classes(deck_slug)
                others = [
                    i
                    for i in others
                    if not any(classes_overlap(i.gloss, g) for g in listed if i.gloss.strip())
                ]
            options = self.options_from_items(_sample(others, POOL_SAMPLE, f"list:{deck_slug}:{kind}"))
            # One pass over the asked lists: every option equivalent to a listed entry is out.
            names = [(n, name) for n, o in enumerate(options) for name in o.names]
            listed = (
                name
                for listed_kind in (kind, *RELATED_KINDS.get(kind, ()))
                for item in self.by_list.get((deck_slug, listed_kind), ())
                for name in self.names(item)
            )
            hit = terms.equivalent_to_any([name for _, name in names], listed)
            out = {names[n][0] for n in hit}
            return [o for n, o in enumerate(options) if n not in out]

        return self._cached(("list-pool", deck_slug, kind), build)
