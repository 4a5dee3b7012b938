"""Question generation, PURE (no database): the generator, the name-matching rules it shares with the checks,
and the checks that re-derive a question's right answers from its criterion.

    questions.py  the question kinds, the GeneratedQuestion value, the knowledge base indexed by name
    generator.py  generate_questions / generate_question: a KnowledgeBase and a random.Random in, questions out
    library.py    the knowledge base indexed for the generator (option pools built once per call)
    names.py      normalise, names_clash, classes_overlap, gloss_satisfies
    checks.py     question_problems / satisfying_entries: is a question valid against a knowledge base?

Callers import from `quizzes.generation`; the names below are its public API.
"""

from quizzes.generation.checks import question_problems, satisfying_entries
from quizzes.generation.generator import generate_question, generate_questions
from quizzes.generation.names import classes_overlap, gloss_satisfies, names_clash, normalise
from quizzes.generation.questions import (
    FAQ,
    GLOSS_TO_ITEM,
    GROUP_MEMBER,
    ITEM_TO_GLOSS,
    MEMBER,
    NOT_MEMBER,
    OPTION_COUNT,
    QUESTION_KIND_LABELS,
    QUESTION_KINDS,
    GeneratedQuestion,
)

__all__ = [
    "FAQ",
    "GLOSS_TO_ITEM",
    "GROUP_MEMBER",
    "ITEM_TO_GLOSS",
    "MEMBER",
    "NOT_MEMBER",
    "OPTION_COUNT",
    "QUESTION_KINDS",
    "QUESTION_KIND_LABELS",
    "GeneratedQuestion",
    "classes_overlap",
    "generate_question",
    "generate_questions",
    "gloss_satisfies",
    "names_clash",
    "normalise",
    "question_problems",
    "satisfying_entries",
]
