"""PURE: why a question an instructor wrote is not a fair multiple-choice question.

Every question needs distinct options (two that name the same thing, in the generator's sense, make two right
answers). A question tied to a list and asked as "Which is a …" / "Which is NOT a …" is also re-checked against the
knowledge base with the generator's own name rules (generation.normalise and names_clash), so a distractor that is
on the list, or an answer that is not, is refused as it would be for a generated question."""

from __future__ import annotations

from collections.abc import Sequence

from quizzes import generation
from quizzes.knowledge import KnowledgeBase

MIN_OPTIONS = 2
MAX_OPTIONS = 6
OWN = "own"  # a question whose criterion only the instructor knows: structural checks only
LIST_KINDS = (generation.MEMBER, generation.NOT_MEMBER)


def bank_question_problems(
    *,
    stem: str,
    options: Sequence[str],
    answer: int,
    kind: str,
    kb: KnowledgeBase | None = None,
    deck_slug: str = "",
    section_kind: str = "",
) -> tuple[list[str], tuple[int, ...]]:
    """(problems, ids of the items behind the correct option). No problems means the question may be saved."""
    problems: list[str] = []
    options = [o.strip() for o in options]
    if not stem.strip():
        problems.append("Write the question.")
    if not MIN_OPTIONS <= len(options) <= MAX_OPTIONS or any(not o for o in options):
        problems.append(f"Give between {MIN_OPTIONS} and {MAX_OPTIONS} options, none of them empty.")
        return problems, ()
    if not 0 <= answer < len(options):
        problems.append("Mark which option is correct.")
        return problems, ()
    for a in range(len(options)):
        for b in range(a + 1, len(options)):
            if generation.names_clash(options[a], options[b]):
                problems.append(f"The options “{options[a]}” and “{options[b]}” name the same thing.")
    if kind not in LIST_KINDS:
        return problems, ()
    if kb is None or not deck_slug or not section_kind:
        problems.append("A “Which is a …” question needs its deck and list, to be checked against them.")
        return problems, ()
    on_list = [
        item for item in kb.items() if item.deck_slug == deck_slug and item.section_kind == section_kind
    ]
    if not on_list:
        problems.append("That deck has no such list.")
        return problems, ()
    terms = list(dict.fromkeys(item.term for item in on_list))

    def on_the_list(option: str) -> bool:
        return any(generation.normalise(option) == generation.normalise(t) for t in terms)

    def clashes_with_list(option: str) -> bool:
        return any(generation.names_clash(option, t) for t in terms)

    for position, option in enumerate(options):
        if kind == generation.MEMBER:
            if position == answer and not on_the_list(option):
                problems.append(f"The answer “{option}” is not on the list.")
            if position != answer and clashes_with_list(option):
                problems.append(f"The distractor “{option}” is on the list, so it is also right.")
        else:
            if position == answer and clashes_with_list(option):
                problems.append(f"The answer “{option}” is on the list.")
            if position != answer and not on_the_list(option):
                problems.append(f"The distractor “{option}” is not on the list, so it is also right.")
    if kind == generation.NOT_MEMBER:
        return problems, ()
    correct = generation.normalise(options[answer])
    return problems, tuple(item.id for item in on_list if generation.normalise(item.term) == correct)
