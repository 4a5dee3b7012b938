"""Re-check a question against the knowledge base, from its criterion alone. PURE.

A question is valid when it has four distinct options, its recorded `correct_terms` are exactly the entries
that satisfy its criterion, its answer satisfies it and no distractor does (or the reverse, for "Which is
NOT …"). The tests hold every generated question to this; it does not share the generator's choices.
"""

from __future__ import annotations

from quizzes.generation.names import gloss_satisfies, names_clash, normalise
from quizzes.generation.questions import (
    FAQ,
    GLOSS_TO_ITEM,
    GROUP_MEMBER,
    ITEM_TO_GLOSS,
    MEMBER,
    NOT_MEMBER,
    OPTION_COUNT,
    GeneratedQuestion,
    _clashes_any,
    _Index,
    _unique_glosses,
    _unique_terms,
)
from quizzes.knowledge import KnowledgeBase
from studyapp.terms import gloss_class


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
        names = {normalise(i.term) for i in asked}
        glosses = _unique_glosses(i for i in index.items if i.gloss.strip() and normalise(i.term) in names)
        return tuple(dict.fromkeys(gloss_class(g) for g in glosses))
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
