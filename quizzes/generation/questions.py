"""What a generated question is: its kinds, the question value, and the knowledge base indexed for building and
checking questions. PURE."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass

from quizzes.generation.names import names_clash, normalise
from quizzes.knowledge import KnowledgeBase, KnowledgeItem

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
    """The knowledge base as `checks` reads it: every named entry, what each entry's names are, and lists."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.items = [item for item in kb.items() if item.term.strip()]
        self.term_norms = {
            normalise(item.term) for item in self.items if item.section_kind not in _NOT_LIST_KINDS
        }

    def names(self, item: KnowledgeItem) -> tuple[str, ...]:
        """An item's term, plus its gloss when the gloss names another entry (`Epidural steroid injection
        (methylprednisolone)` is also about methylprednisolone)."""
        if item.gloss and normalise(item.gloss) in self.term_norms:
            return (item.term, item.gloss)
        return (item.term,)

    def list_items(self, deck_slug: str, kinds: Iterable[str]) -> list[KnowledgeItem]:
        kinds = set(kinds)
        return [item for item in self.items if item.deck_slug == deck_slug and item.section_kind in kinds]


def _clashes_any(names: Sequence[str], others: Iterable[str]) -> bool:
    others = list(others)
    return any(names_clash(name, other) for name in names for other in others)


def _unique_terms(items: Iterable[KnowledgeItem]) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for item in items:
        seen.setdefault(normalise(item.term), item.term)
    return tuple(seen.values())


def _unique_glosses(items: Iterable[KnowledgeItem]) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for item in items:
        seen.setdefault(normalise(item.gloss), item.gloss)
    return tuple(seen.values())
