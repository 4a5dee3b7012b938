"""Questions over a library made of the template's family (tests/data/articles/family), the other test articles
and the bundled deck: never a second right answer, every option of the answer's kind. Each test names the
defect it pins."""

import json
import random

import pytest

from quizzes import generation as g
from quizzes.generation.names import classes_overlap
from quizzes.knowledge import KnowledgeBase, knowledge_deck_from_parsed
from studyapp import terms
from studyapp.importers.article import ParsedArticle, read_article
from tests.paths import ARTICLES, BUNDLED_DECKS, FAMILY

SEEDS = range(12)


def _library() -> KnowledgeBase:
    bundled = json.loads((BUNDLED_DECKS / "neoplastic-foraminal-narrowing.json").read_text(encoding="utf-8"))
    parsed = [ParsedArticle.from_dict(bundled)]
    parsed += [read_article(path.read_bytes()) for path in sorted(FAMILY.glob("*.txt"))]
    parsed += [read_article(path.read_bytes()) for path in sorted(ARTICLES.glob("*.txt"))]
    return KnowledgeBase(
        decks=tuple(knowledge_deck_from_parsed(p, first_id=100_000 * (n + 1)) for n, p in enumerate(parsed))
    )


LIBRARY = _library()
FAMILY_SLUGS = [d.slug for d in LIBRARY.decks if (FAMILY / f"{d.slug}.txt").exists()] + [
    "high-blood-pressure-hypertension"
]


@pytest.fixture(scope="module")
def questions():
    found = []
    for slug in FAMILY_SLUGS:
        for seed in SEEDS:
            found += g.generate_questions(LIBRARY, count=30, rng=random.Random(seed), deck_slugs=[slug])
    return found


def _items_by_term():
    return {g.normalise(i.term): i for i in LIBRARY.items()}


def test_the_family_library_is_asked_about_every_family_deck(questions):
    assert {q.deck_slug for q in questions} == set(FAMILY_SLUGS)
    assert len(FAMILY_SLUGS) == 7
    # Sub-group questions need sibling groups of one dimension (`By Trigger` and `By Severity` are two); the
    # family's decks have none, and a question that cannot be homogeneous is not made.
    assert {q.kind for q in questions} == set(g.QUESTION_KINDS) - {g.GROUP_MEMBER}


def test_every_question_over_the_family_is_valid(questions):
    problems = [(q.stem, q.options, p) for q in questions for p in g.question_problems(LIBRARY, q)]
    assert problems == []


def test_a_drug_of_an_overlapping_class_is_never_a_wrong_option(questions):
    # Was: "Which of these is an oral corticosteroid?" offered Dexamethasone (oral steroid) as a wrong answer.
    items = _items_by_term()
    clashes = [
        (q.stem, option)
        for q in questions
        if q.kind == g.GLOSS_TO_ITEM
        for n, option in enumerate(q.options)
        if n != q.answer
        and items[g.normalise(option)].gloss
        and classes_overlap(items[g.normalise(option)].gloss, q.gloss)
    ]
    assert clashes == []
    steroids = [
        (q.stem, option)
        for q in questions
        if q.kind == g.GLOSS_TO_ITEM and "steroid" in q.gloss
        for n, option in enumerate(q.options)
        if n != q.answer and "steroid" in items[g.normalise(option)].gloss
    ]
    assert steroids == []
    assert any(q.kind == g.GLOSS_TO_ITEM and q.gloss == "oral corticosteroid" for q in questions)


def test_gloss_questions_ask_and_offer_classes_only(questions):
    # Was: "Which of these is an oral corticosteroid, short course?", and "short-term pain relief", "experimental"
    # or "anticonvulsant; first choice" offered among drug classes.
    gloss_questions = [q for q in questions if q.kind in (g.GLOSS_TO_ITEM, g.ITEM_TO_GLOSS)]
    texts = [q.stem for q in gloss_questions] + [
        o for q in gloss_questions if q.kind == g.ITEM_TO_GLOSS for o in q.options
    ]
    assert not [t for t in texts if ";" in t or ", short course" in t or " – " in t]
    offered = {o for q in gloss_questions if q.kind == g.ITEM_TO_GLOSS for o in q.options}
    assert not offered & {"short-term pain relief", "experimental", "for calcific tendinitis"}
    assert "anticonvulsant" in offered


def test_a_wrong_option_is_never_a_listed_entry_in_other_words(questions):
    # Was: "Which of these is NOT a cause of asthma?" answered by "Excess weight" (asthma lists Obesity), and
    # "Some medicines" offered as a wrong cause of asthma (asthma lists beta-blockers and NSAIDs).
    bad = []
    for q in questions:
        if q.kind not in (g.MEMBER, g.NOT_MEMBER):
            continue
        wrong = [q.correct_option] if q.negated else [o for n, o in enumerate(q.options) if n != q.answer]
        bad += [(q.stem, o) for o in wrong if any(terms.equivalent(o, t) for t in q.correct_terms)]
        bad += [(q.stem, o) for o in wrong if o in ("Some medicines", "Excess weight")]
    assert bad == []


@pytest.mark.parametrize(
    ("a", "b"), [("Excess weight", "Obesity"), ("Lack of physical activity", "Physical inactivity")]
)
def test_phrases_in_other_words_are_one_thing(a, b):
    assert terms.equivalent(a, b)


def test_term_options_are_written_alike(questions):
    # Was: "multiple myeloma" (a group member, in lower case) beside "Mild intermittent": the odd one out by form.
    term_kinds = (g.MEMBER, g.NOT_MEMBER, g.GROUP_MEMBER, g.GLOSS_TO_ITEM)
    lower = [(q.stem, o) for q in questions if q.kind in term_kinds for o in q.options if o[:1].islower()]
    assert lower == []


def test_stems_name_a_title_case_condition_in_sentence_case(questions):
    # Was: "Which of these is a cause of type 2 Diabetes?"
    stems = {q.stem for q in questions if q.kind in (g.MEMBER, g.NOT_MEMBER)}
    assert "Which of these is a symptom of type 2 diabetes?" in stems
    assert not [s for s in stems if "Diabetes" in s or "High Blood" in s or "Trigeminal Neuralgia" in s]


def test_type_options_do_not_say_which_condition_they_come_from(questions):
    # Was: "Which of these is a type of asthma? … Chronic migraine | Intercritical gout", ruled out by their names,
    # and "Which of these is a type of asthma? Allergic asthma" answered by its own.
    from quizzes.generation.library import condition_words

    words = {d.slug: condition_words(d.title) for d in LIBRARY.decks}
    decks_of: dict[str, set[str]] = {}
    for item in LIBRARY.items():
        decks_of.setdefault(g.normalise(item.term), set()).add(item.deck_slug)

    def named(option, slugs):
        return any(words[s] & set(g.normalise(option).split()) for s in slugs)

    types = [q for q in questions if q.kind in (g.MEMBER, g.NOT_MEMBER) and q.section == "types"]
    assert len(types) >= 20
    giveaways = [
        (q.stem, option)
        for q in types
        for option in q.options
        if named(option, decks_of[g.normalise(option)])
    ]
    assert giveaways == []


@pytest.mark.parametrize(
    ("gloss", "is_class"),
    [
        ("SGLT2 inhibitor", True),
        ("NSAID", True),
        ("antineuropathic", True),
        ("anticonvulsant; first choice", True),
        ("long-acting insulin (basal)", True),
        ("bisphosphonate", True),
        ("benzodiazepine", True),
        ("vitamin D analogue", True),
        ("short-term pain relief", False),
        ("experimental", False),
        ("first-line", False),
        ("for calcific tendinitis", False),
    ],
)
def test_looks_like_class(gloss, is_class):
    from quizzes.generation.names import looks_like_class

    assert looks_like_class(gloss) is is_class
