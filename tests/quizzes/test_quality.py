"""Issue 12's targets, measured over many seeds: on the bundled deck alone and on a library of five decks
written with near-synonyms across decks (tests/data/articles)."""

import json
import random

import pytest

from quizzes import generation as g
from quizzes.knowledge import KnowledgeBase, knowledge_deck_from_parsed
from quizzes.quality import _Categories, answerable_by_category, generate_and_measure
from studyapp import terms
from studyapp.importers.article import ParsedArticle, parse_article
from tests.paths import ARTICLES, BUNDLED_DECKS

SEEDS = range(40)


def _bundled():
    data = json.loads((BUNDLED_DECKS / "neoplastic-foraminal-narrowing.json").read_text(encoding="utf-8"))
    return knowledge_deck_from_parsed(ParsedArticle.from_dict(data), first_id=1)


def _articles():
    return [
        knowledge_deck_from_parsed(parse_article(path.read_text(encoding="utf-8")), first_id=100_000 * n)
        for n, path in enumerate(sorted(ARTICLES.glob("*.txt")), start=1)
    ]


BUNDLED_ALONE = KnowledgeBase(decks=(_bundled(),))
LIBRARY = KnowledgeBase(decks=(_bundled(), *_articles()))


@pytest.fixture(scope="module", params=["bundled deck alone", "library of five decks"])
def measured(request):
    kb = BUNDLED_ALONE if request.param == "bundled deck alone" else LIBRARY
    return generate_and_measure(kb, deck_slugs=[d.slug for d in kb.decks], count=20, seeds=SEEDS)


def test_the_library_really_holds_near_synonyms_across_decks():
    terms_by_deck = {d.slug: [i.term for i in d.items()] for d in LIBRARY.decks}
    pairs = [
        ("Neurological exam", "Neurological examination"),
        ("Ultrasound therapy", "Therapeutic ultrasound"),
        ("Aquatic therapy", "Aquatic exercise"),
        ("Lumbar X-rays", "Plain X-rays"),
        ("Physical therapy", "Physiotherapy"),
        ("MRI of the lumbar spine", "Magnetic resonance imaging"),
    ]
    everything = {t for found in terms_by_deck.values() for t in found}
    for a, b in pairs:
        assert a in everything and b in everything, (a, b)
        assert terms.equivalent(a, b)


def test_at_most_a_tenth_of_item_and_gloss_questions_are_answerable_by_category(measured):
    assert measured["item_and_gloss_questions"] >= 500
    assert measured["answerable_by_category_share"] <= 0.10, measured["answerable_by_category_examples"]


def test_no_wrong_option_is_equivalent_to_a_listed_item(measured):
    assert measured["wrong_options_equivalent_to_listed"] == 0, measured["equivalent_examples"]
    assert measured["invalid_questions"] == 0


def test_the_correct_option_is_the_longest_at_most_a_third_of_the_time(measured):
    assert measured["correct_is_longest_share"] <= 1 / 3


def test_answer_positions_are_even(measured):
    assert all(0.2 <= share <= 0.3 for share in measured["answer_position_shares"]), measured


def test_the_library_asks_list_questions_and_the_lone_deck_does_not(measured):
    kinds = set(measured["by_kind"])
    if len(measured["library_decks"]) == 1:
        assert g.MEMBER not in kinds and g.NOT_MEMBER not in kinds
    else:
        assert {g.MEMBER, g.NOT_MEMBER} <= kinds


def test_a_mixed_kind_question_is_caught_as_answerable_by_category():
    """The measure is not trivially zero: the issue's example, a drug among tumours, is answerable."""
    categories = _Categories(BUNDLED_ALONE)
    mixed = g.GeneratedQuestion(
        kind=g.MEMBER,
        stem="Which of these is a drug treatment for neoplastic foraminal narrowing?",
        options=("Hemangioma", "Diclofenac", "Meningioma", "Schwannoma"),
        answer=1,
        section="drugs",
        gloss=None,
        group=None,
        correct_terms=("Diclofenac",),
        item_ids=(),
        deck_slug="neoplastic-foraminal-narrowing",
        explanation="",
    )
    assert answerable_by_category(categories, mixed)
    odd_one_out = g.GeneratedQuestion.from_dict(
        {**mixed.to_dict(), "options": ["Ibuprofen", "Naproxen", "Meningioma", "Diclofenac"], "answer": 2}
        | {"negated": True, "kind": g.NOT_MEMBER}
    )
    assert answerable_by_category(categories, odd_one_out)


def test_every_wrong_option_of_a_list_question_is_the_same_kind_as_the_answer():
    kinds_of = {}
    for item in LIBRARY.items():
        kinds_of.setdefault(g.normalise(item.term), set()).add(item.section_kind)
    for seed in range(15):
        for q in g.generate_questions(
            LIBRARY, count=20, rng=random.Random(seed), kinds=[g.MEMBER, g.NOT_MEMBER]
        ):
            for option in q.options:
                assert q.section in kinds_of[g.normalise(option)], (q.stem, option)
