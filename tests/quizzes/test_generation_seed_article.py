"""The generator on the seed article's own text, read at test time."""

import random
from collections import Counter

import pytest

from quizzes.generation import MEMBER, NOT_MEMBER, QUESTION_KINDS, generate_questions, question_problems
from quizzes.knowledge import KnowledgeBase
from tests.quiz_fixtures import stenosis_deck
from tests.quizzes.seed_article import seed_article_kb


@pytest.fixture
def article_kb(seed_article_text) -> KnowledgeBase:
    return seed_article_kb(seed_article_text)


def test_reader_finds_the_seed_lists(article_kb):
    counts = Counter(item.section_kind for item in article_kb.items())
    assert counts == {
        "anatomy": 13,
        "types": 20,
        "causes": 19,
        "symptoms": 20,
        "diagnostic_tests": 20,
        "non_drug_treatments": 30,
        "drugs": 20,
        "surgeries": 10,
        "prevention": 10,
        "when_to_see_doctor": 5,
        "faq": 15,
    }
    assert all(item.answer for item in article_kb.items() if item.section_kind == "faq")


@pytest.mark.parametrize("with_second_deck", [False, True], ids=["seed alone", "with stenosis deck"])
def test_two_hundred_quizzes_on_the_seed_article_are_valid_and_unbiased(article_kb, with_second_deck):
    kb = KnowledgeBase(decks=(*article_kb.decks, stenosis_deck())) if with_second_deck else article_kb
    questions = [q for seed in range(200) for q in generate_questions(kb, count=20, rng=random.Random(seed))]

    assert len(questions) == 4000
    assert [q.stem for q in questions if question_problems(kb, q)] == []
    # Alone, the deck has no other condition's lists to draw same-kind wrong options from: no list questions.
    expected = set(QUESTION_KINDS) if with_second_deck else set(QUESTION_KINDS) - {MEMBER, NOT_MEMBER}
    assert set(Counter(q.kind for q in questions)) == expected
    positions = Counter(q.answer for q in questions)
    assert all(0.22 <= positions[p] / len(questions) <= 0.28 for p in range(4)), positions
    longest = sum(
        all(len(q.correct_option) >= len(o) for i, o in enumerate(q.options) if i != q.answer)
        for q in questions
    )
    assert longest / len(questions) <= 0.34
    for q in questions:
        heading = next(s.heading for s in kb.deck(q.deck_slug).sections if s.kind == q.section)
        assert f"“{heading}”" in q.explanation
