"""How good a batch of generated questions is, measured the way a test-wise student would attack it. PURE.

`measure(kb, questions)` reports:
- the share of item and gloss questions answerable by category alone: a student who knows, for every option,
  which kinds of list it appears in anywhere in the library (a drug, a cause, a drug class, a sub-group of
  such a dimension) but nothing about the asked condition, eliminates the options of the wrong kind; the
  question is answerable when exactly the answer is left (for "Which is NOT …", when exactly the answer is
  the one of another kind);
- the number of wrong options equivalent (studyapp.terms) to an entry that satisfies the question, and of
  NOT-answers equivalent to a listed entry: both must be zero;
- how the answer's position spreads over A–D, and how often the answer is the longest option.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

from quizzes import generation as g
from quizzes.generation.library import group_dimension
from quizzes.generation.questions import GLOSS_CLASS_KINDS, RELATED_KINDS
from quizzes.knowledge import KnowledgeBase
from studyapp import terms

ITEM_AND_GLOSS_KINDS = (g.MEMBER, g.NOT_MEMBER, g.ITEM_TO_GLOSS, g.GLOSS_TO_ITEM, g.GROUP_MEMBER)


class _Categories:
    """What a test-wise student knows: the kinds of list each name appears in, across the library."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.term_kinds: dict[str, set[str]] = {}
        self.term_dimensions: dict[str, set[tuple[str, str]]] = {}
        self.gloss_kinds: dict[str, set[str]] = {}
        for item in kb.items():
            name = g.normalise(item.term)
            self.term_kinds.setdefault(name, set()).add(item.section_kind)
            if item.group.strip():
                dimension = (item.section_kind, group_dimension(item.section_kind, item.group))
                self.term_dimensions.setdefault(name, set()).add(dimension)
            if item.gloss.strip():
                self.gloss_kinds.setdefault(g.normalise(item.gloss), set()).add(item.section_kind)

    def fits(self, question: g.GeneratedQuestion, option: str) -> bool:
        """Whether the student would keep `option` as possibly of the asked kind."""
        name = g.normalise(option)
        if question.kind in (g.MEMBER, g.NOT_MEMBER):
            wanted = {question.section, *RELATED_KINDS.get(question.section or "", ())}
            return bool(self.term_kinds.get(name, set()) & wanted)
        if question.kind == g.GLOSS_TO_ITEM:
            return bool(self.term_kinds.get(name, set()) & GLOSS_CLASS_KINDS)
        if question.kind == g.ITEM_TO_GLOSS:
            return bool(self.gloss_kinds.get(name, set()) & GLOSS_CLASS_KINDS)
        if question.kind == g.GROUP_MEMBER:
            wanted = (question.section or "", group_dimension(question.section or "", question.group or ""))
            return wanted in self.term_dimensions.get(name, set())
        return True


def answerable_by_category(categories: _Categories, question: g.GeneratedQuestion) -> bool:
    fits = [categories.fits(question, option) for option in question.options]
    if question.negated:
        misfits = [n for n, ok in enumerate(fits) if not ok]
        return misfits == [question.answer]
    kept = [n for n, ok in enumerate(fits) if ok]
    return kept == [question.answer]


def equivalent_wrong_options(question: g.GeneratedQuestion) -> list[str]:
    """Wrong options that name an entry satisfying the question in other words (never acceptable); for
    "Which is NOT …", an answer equivalent to a listed entry."""
    if question.kind == g.FAQ:
        return []
    listed = question.correct_terms
    if question.negated:
        answer = question.correct_option
        return [answer] if any(terms.equivalent(answer, t) for t in listed) else []
    return [
        option
        for n, option in enumerate(question.options)
        if n != question.answer and any(terms.equivalent(option, t) for t in listed)
    ]


def _longest(question: g.GeneratedQuestion) -> bool:
    answer = len(question.correct_option)
    return all(answer >= len(o) for n, o in enumerate(question.options) if n != question.answer)


def measure(kb: KnowledgeBase, questions: Sequence[g.GeneratedQuestion]) -> dict:
    categories = _Categories(kb)
    item_and_gloss = [q for q in questions if q.kind in ITEM_AND_GLOSS_KINDS]
    by_category = [q for q in item_and_gloss if answerable_by_category(categories, q)]
    equivalents = [(q.stem, o) for q in questions for o in equivalent_wrong_options(q)]
    positions = Counter(q.answer for q in questions)
    total = len(questions) or 1
    return {
        "questions": len(questions),
        "by_kind": dict(sorted(Counter(q.kind for q in questions).items())),
        "item_and_gloss_questions": len(item_and_gloss),
        "answerable_by_category": len(by_category),
        "answerable_by_category_share": round(len(by_category) / (len(item_and_gloss) or 1), 4),
        "answerable_by_category_examples": [q.stem + " " + " | ".join(q.options) for q in by_category[:5]],
        "wrong_options_equivalent_to_listed": len(equivalents),
        "equivalent_examples": [f"{stem} → {option}" for stem, option in equivalents[:5]],
        "answer_positions": [positions.get(p, 0) for p in range(g.OPTION_COUNT)],
        "answer_position_shares": [round(positions.get(p, 0) / total, 4) for p in range(g.OPTION_COUNT)],
        "correct_is_longest_share": round(sum(_longest(q) for q in questions) / total, 4),
        "invalid_questions": sum(1 for q in questions if g.question_problems(kb, q)),
    }


def generate_and_measure(
    kb: KnowledgeBase, *, deck_slugs: Iterable[str], count: int, seeds: Iterable[int], check_validity=True
) -> dict:
    import random

    deck_slugs = list(deck_slugs)
    questions = [
        q
        for seed in seeds
        for q in g.generate_questions(kb, count=count, rng=random.Random(seed), deck_slugs=deck_slugs)
    ]
    result = measure(kb, questions)
    result["decks"] = deck_slugs
    result["library_decks"] = [deck.slug for deck in kb.decks]
    return result
