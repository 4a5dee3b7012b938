import json
import random
from collections import Counter

import pytest

from quizzes.generation import (
    FAQ,
    GLOSS_TO_ITEM,
    GROUP_MEMBER,
    ITEM_TO_GLOSS,
    MEMBER,
    NOT_MEMBER,
    QUESTION_KINDS,
    GeneratedQuestion,
    generate_question,
    generate_questions,
    names_clash,
    normalise,
    question_problems,
)
from quizzes.knowledge import KnowledgeBase, KnowledgeItem, build_deck
from tests import quiz_fixtures
from tests.quiz_fixtures import SEED_SLUG, STENOSIS_SLUG, seed_kb, two_deck_kb

SEEDS = range(200)
TWO_DECKS = two_deck_kb()
ONE_DECK = seed_kb()


def _item_id(kb: KnowledgeBase, term: str, *, deck: str = SEED_SLUG, kind: str | None = None) -> int:
    return next(
        item.id
        for item in kb.items()
        if item.term == term and item.deck_slug == deck and (kind is None or item.section_kind == kind)
    )


def _questions_about(kb, term, kind, *, deck=SEED_SLUG, section=None, seeds=range(60)):
    item_id = _item_id(kb, term, deck=deck, kind=section)
    questions = [generate_question(kb, kind=kind, item_id=item_id, rng=random.Random(s)) for s in seeds]
    assert all(q is not None for q in questions)
    return questions


def _distractors(questions) -> set[str]:
    return {o for q in questions for i, o in enumerate(q.options) if i != q.answer}


# --- Normalisation ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Radiating pain along the nerve’s path (e.g., sciatica)", "radiating pain along the nerve path"),
        ("COX-2 inhibitor", "cox 2 inhibitor"),
        ("Giant cell tumors", "giant cell tumor"),
        ("Eosinophilic granuloma (Langerhans cell histiocytosis)", "eosinophilic granuloma"),
        ("Tingling or “pins and needles”", "tingling or pin and needle"),
        ("Serum protein electrophoresis", "serum protein electrophoresis"),
        ("  MULTIPLE   Myeloma ", "multiple myeloma"),
        ("Café-au-lait spots", "cafe au lait spot"),
    ],
)
def test_normalise_casefolds_and_drops_punctuation_parentheticals_and_plurals(text, expected):
    assert normalise(text) == expected


@pytest.mark.parametrize(
    ("a", "b", "clash"),
    [
        ("Renal cell carcinoma", "Metastatic renal cell carcinoma", True),
        ("Multiple myeloma", "multiple myeloma", True),
        ("Giant cell tumor", "Giant cell tumor of bone", True),
        ("Lung", "Metastatic lung carcinoma", True),
        ("Pain relief when leaning forward", "Pain relief when leaning forward or sitting", True),
        ("MRI of the spine", "MRI of the lumbar spine", True),
        ("Loss of bladder control", "Loss of bladder or bowel control", True),
        # A flexion-extension film is a plain X-ray taken in two positions; painful joints are pain.
        ("Plain X-rays", "Flexion-extension X-rays", True),
        ("Plain X-rays", "MRI of the lumbar spine", False),
        ("Lymphoma", "Plasmacytoma", False),
        ("Sarcoma", "Osteosarcoma", False),
        ("Pain", "Painful joints", True),
        ("Pain", "Numbness", False),
    ],
)
def test_names_clash_when_equal_or_all_content_words_of_one_are_in_the_other(a, b, clash):
    assert names_clash(a, b) is clash
    assert names_clash(b, a) is clash


# --- The traps ----------------------------------------------------------------------------------------------

SEED_CAUSES = tuple(quiz_fixtures.SEED_LISTS["causes"][1][""])
STENOSIS_CAUSES_NOT_IN_SEED = {
    "Degenerative disc disease",
    "Facet joint arthritis",
    "Spondylolisthesis",
    "Ligamentum flavum hypertrophy",
    "Osteophyte formation",
    "Paget disease of bone",
    "Achondroplasia",
    "Previous spinal surgery",
}


def test_cause_question_lists_every_cause_and_draws_distractors_from_other_conditions_causes():
    questions = _questions_about(TWO_DECKS, "Chordoma", MEMBER, section="causes")

    assert {q.correct_terms for q in questions} == {SEED_CAUSES}
    assert {q.options[q.answer] for q in questions} == {"Chordoma"}
    # Multiple myeloma is a cause of both conditions, so it never poses as a wrong answer.
    assert _distractors(questions) <= STENOSIS_CAUSES_NOT_IN_SEED
    assert len(_distractors(questions)) >= 6


def test_tumour_types_never_pose_as_non_causes():
    """Sarcoma is listed as a type, not a cause; a reader would still call it a cause, so it is never a
    distractor (nor the odd one out) of a cause question, even with only one deck."""
    item_ids = [_item_id(TWO_DECKS, term, kind="causes") for term in SEED_CAUSES]
    questions = [
        generate_question(TWO_DECKS, kind=kind, item_id=item_id, rng=random.Random(seed))
        for kind in (MEMBER, NOT_MEMBER)
        for item_id in item_ids
        for seed in range(5)
    ]
    assert all(questions)
    types = {item.term for item in TWO_DECKS.items() if item.section_kind == "types"}
    offered = {o for q in questions if q for o in q.options}
    assert offered & (types - set(SEED_CAUSES)) == set()
    assert not any(names_clash(o, t) for o in offered - set(SEED_CAUSES) for t in types)


def test_symptom_contained_in_a_listed_symptom_is_never_a_distractor():
    questions = _questions_about(TWO_DECKS, "Weak grip strength", MEMBER, section="symptoms")
    distractors = _distractors(questions)
    symptoms_or_alarms = [
        item.term
        for item in TWO_DECKS.items()
        if item.deck_slug == SEED_SLUG and item.section_kind in ("symptoms", "when_to_see_doctor")
    ]
    # "Leg numbness" is within "Progressive weakness or numbness in arms or legs", a reason to see a doctor.
    assert distractors == {
        "Neurogenic claudication",
        "Low back pain",
        "Leg heaviness when standing",
        "Cramping in the calves",
    }
    assert not any(names_clash(d, s) for d in distractors for s in symptoms_or_alarms)


def test_not_member_has_three_list_entries_and_one_outsider():
    questions = _questions_about(TWO_DECKS, "Plasmacytoma", NOT_MEMBER, section="causes")
    causes = {normalise(t) for t in SEED_CAUSES}
    for q in questions:
        inside = [o for i, o in enumerate(q.options) if i != q.answer]
        assert q.negated is True
        assert q.correct_terms == SEED_CAUSES
        assert all(normalise(o) in causes for o in inside)
        assert not any(names_clash(q.options[q.answer], t) for t in SEED_CAUSES)
        assert q.options[q.answer] in STENOSIS_CAUSES_NOT_IN_SEED
        assert "Plasmacytoma" in inside


def test_not_member_never_offers_two_entries_that_contain_each_other():
    questions = [
        generate_question(
            TWO_DECKS, kind=NOT_MEMBER, item_id=_item_id(TWO_DECKS, term, kind="causes"), rng=random.Random(s)
        )
        for term in ("Giant cell tumor of bone", "Metastatic lung carcinoma", "Lymphoma")
        for s in range(40)
    ]
    for q in questions:
        assert q is not None
        assert not any(names_clash(a, b) for i, a in enumerate(q.options) for b in q.options[i + 1 :]), (
            q.options
        )


def test_which_is_an_nsaid_counts_every_nsaid_in_every_deck_and_never_offers_a_cox2_inhibitor():
    questions = _questions_about(TWO_DECKS, "Naproxen", GLOSS_TO_ITEM)

    assert {q.correct_terms for q in questions} == {("Ibuprofen", "Naproxen", "Diclofenac", "Meloxicam")}
    assert {q.stem for q in questions} == {"Which of these is an NSAID?"}
    assert {q.gloss for q in questions} == {"NSAID"}
    distractors = _distractors(questions)
    assert distractors & {"Ibuprofen", "Naproxen", "Diclofenac", "Meloxicam", "Celecoxib"} == set()
    assert "Acetaminophen" not in distractors  # no class given: it might be one


def test_which_is_an_oral_steroid_never_offers_the_methylprednisolone_injection():
    questions = _questions_about(TWO_DECKS, "Dexamethasone", GLOSS_TO_ITEM)

    assert {q.correct_terms for q in questions} == {("Dexamethasone", "Methylprednisolone", "Prednisone")}
    distractors = _distractors(questions)
    assert distractors & {"Epidural steroid injection", "Methylprednisolone", "Prednisone"} == set()


def test_which_is_an_opioid_includes_the_opioid_analgesic():
    questions = _questions_about(TWO_DECKS, "Morphine", GLOSS_TO_ITEM, deck=STENOSIS_SLUG)
    assert {q.correct_terms for q in questions} == {("Tramadol", "Morphine")}
    assert "Tramadol" not in _distractors(questions)


@pytest.mark.parametrize(
    ("term", "deck", "correct", "never"),
    [
        (
            "Methylprednisolone",
            SEED_SLUG,
            "oral steroid",
            {"methylprednisolone", "steroid", "corticosteroid"},
        ),
        ("Gabapentin", SEED_SLUG, "antineuropathic", {"anticonvulsant", "TCA", "SNRI"}),
        ("Tramadol", SEED_SLUG, "opioid analgesic", {"opioid", "NSAID"}),
        ("Celecoxib", SEED_SLUG, "COX-2 inhibitor", {"NSAID"}),
        ("Lidocaine patch", SEED_SLUG, "topical anesthetic", {"local anesthetic"}),
        ("Ibuprofen", STENOSIS_SLUG, "NSAID", {"COX-2 inhibitor"}),
    ],
)
def test_item_to_gloss_never_offers_a_gloss_that_is_also_true(term, deck, correct, never):
    questions = _questions_about(TWO_DECKS, term, ITEM_TO_GLOSS, deck=deck)
    assert {q.options[q.answer] for q in questions} == {correct}
    assert {q.stem for q in questions} == {f"What best describes {term}?"}
    assert _distractors(questions) & never == set()
    for q in questions:
        assert len({normalise(o) for o in q.options}) == 4


def test_a_name_in_two_decks_with_one_gloss_has_one_correct_gloss():
    (question,) = _questions_about(TWO_DECKS, "Ibuprofen", ITEM_TO_GLOSS, seeds=[3])
    assert question.correct_terms == ("NSAID",)


def test_a_gloss_naming_another_drug_is_not_asked_as_a_class():
    injection = _item_id(TWO_DECKS, "Epidural steroid injection")
    for kind in (ITEM_TO_GLOSS, GLOSS_TO_ITEM):
        assert generate_question(TWO_DECKS, kind=kind, item_id=injection, rng=random.Random(0)) is None
    offered = {
        o
        for s in SEEDS
        for q in generate_questions(TWO_DECKS, count=20, rng=random.Random(s))
        for o in q.options
        if q.kind == ITEM_TO_GLOSS
    }
    assert "methylprednisolone" not in offered


def test_group_question_draws_from_sibling_groups_but_not_the_other_bin():
    questions = _questions_about(ONE_DECK, "Chordoma", GROUP_MEMBER, section="types")
    assert {q.stem for q in questions} == {"Which of these is a primary malignant tumor?"}
    assert {q.correct_terms for q in questions} == {("Sarcoma", "Chordoma")}
    assert {q.group for q in questions} == {"Primary malignant tumors"}
    distractors = _distractors(questions)
    assert distractors & {"Sarcoma", "Hemangioma", "Eosinophilic granuloma"} == set()
    assert distractors <= {
        item.term for item in ONE_DECK.items() if item.section_kind == "types" and item.group != "Other"
    }


def test_multiple_myeloma_is_a_cause_and_a_type():
    member = _questions_about(TWO_DECKS, "Multiple myeloma", MEMBER, section="causes", seeds=[0])[0]
    group = _questions_about(ONE_DECK, "Multiple myeloma", GROUP_MEMBER, section="types", seeds=[0])[0]
    assert member.correct_option == "Multiple myeloma" and member.section == "causes"
    assert group.correct_option == "Multiple myeloma" and group.correct_terms == (
        "Lymphoma",
        "Plasmacytoma",
        "Multiple myeloma",
    )
    assert (
        group.stem
        == "Which of these is listed under “Hematologic” in “Types” of Neoplastic foraminal narrowing?"
    )


def test_faq_question_asks_the_question_and_offers_other_answers():
    questions = _questions_about(ONE_DECK, "Why is a biopsy taken?", FAQ)
    assert {q.stem for q in questions} == {"Why is a biopsy taken?"}
    assert {q.correct_terms for q in questions} == {
        ("To name the tumour type, which decides the treatment.",)
    }
    answers = {a for _, a in quiz_fixtures.SEED_FAQ}
    assert _distractors(questions) <= answers - {"To name the tumour type, which decides the treatment."}


def _tiny_kb(sections) -> KnowledgeBase:
    ids = iter(range(1, 100))
    return KnowledgeBase(
        decks=(
            build_deck(
                "tiny",
                "Tiny condition",
                [
                    (kind, kind.title(), [KnowledgeItem(id=next(ids), term=t) for t in terms])
                    for kind, terms in sections
                ],
            ),
        )
    )


def test_a_list_without_valid_distractors_makes_no_question():
    kb = _tiny_kb(
        [
            ("causes", ["Lymphoma", "Multiple myeloma"]),
            ("types", ["Lymphoma", "Multiple myeloma", "Plasmacytoma"]),
        ]
    )
    assert generate_question(kb, kind=MEMBER, item_id=1, rng=random.Random(0)) is None
    assert generate_questions(kb, count=10, rng=random.Random(0), section_kinds=["causes"]) == []


def test_not_member_needs_three_distinct_entries():
    kb = _tiny_kb(
        [("causes", ["Lymphoma", "Primary lymphoma"]), ("drugs", ["Ibuprofen", "Naproxen", "Tramadol"])]
    )
    assert generate_question(kb, kind=NOT_MEMBER, item_id=1, rng=random.Random(0)) is None


def test_filters_restrict_decks_sections_and_kinds():
    questions = generate_questions(
        TWO_DECKS,
        count=30,
        rng=random.Random(5),
        deck_slugs=[STENOSIS_SLUG],
        section_kinds=["drugs"],
        kinds=[MEMBER],
    )
    assert len(questions) == 8
    assert {(q.kind, q.deck_slug, q.section) for q in questions} == {(MEMBER, STENOSIS_SLUG, "drugs")}


def test_no_item_is_the_answer_twice_in_one_quiz():
    questions = generate_questions(TWO_DECKS, count=60, rng=random.Random(9))
    answers = [ids for q in questions for ids in q.item_ids]
    assert len(questions) == 60
    assert len(answers) == len(set(answers))


def test_question_problems_catches_a_distractor_that_is_on_the_list():
    question = _questions_about(TWO_DECKS, "Chordoma", MEMBER, section="causes", seeds=[0])[0]
    wrong = 1 if question.answer == 0 else 0
    options = list(question.options)
    options[wrong] = "Metastatic melanoma"
    broken = GeneratedQuestion.from_dict({**question.to_dict(), "options": options})
    assert question_problems(TWO_DECKS, question) == []
    assert question_problems(TWO_DECKS, broken) == [
        "the distractor 'Metastatic melanoma' satisfies the criterion"
    ]


def test_question_round_trips_through_json():
    for q in generate_questions(TWO_DECKS, count=12, rng=random.Random(2)):
        assert GeneratedQuestion.from_dict(json.loads(json.dumps(q.to_dict()))) == q


# --- Properties over many seeds -----------------------------------------------------------------------------


@pytest.fixture(scope="module", params=["seed deck", "seed and stenosis decks"])
def generated(request):
    kb = ONE_DECK if request.param == "seed deck" else TWO_DECKS
    return kb, [q for seed in SEEDS for q in generate_questions(kb, count=20, rng=random.Random(seed))]


def test_every_generated_question_is_valid(generated):
    kb, questions = generated
    assert len(questions) == 20 * len(SEEDS)
    problems = {q.stem: question_problems(kb, q) for q in questions if question_problems(kb, q)}
    assert problems == {}


def test_every_kind_that_can_be_homogeneous_is_generated_about_equally(generated):
    kb, questions = generated
    counts = Counter(q.kind for q in questions)
    if len(kb.decks) == 1:
        # Alone, a deck has no other condition's drugs or causes to offer as wrong answers of the same kind.
        assert set(counts) == set(QUESTION_KINDS) - {MEMBER, NOT_MEMBER}
    else:
        assert set(counts) == set(QUESTION_KINDS)
    share = 1 / len(counts)
    assert all(share - 0.03 <= n / len(questions) <= share + 0.03 for n in counts.values()), counts


def test_a_single_deck_makes_no_list_question_whose_options_mix_kinds():
    item_ids = [i.id for i in ONE_DECK.items() if i.section_kind in ("causes", "drugs", "symptoms")]
    for item_id in item_ids:
        for kind in (MEMBER, NOT_MEMBER):
            assert generate_question(ONE_DECK, kind=kind, item_id=item_id, rng=random.Random(1)) is None


def test_answer_position_is_spread_evenly(generated):
    _, questions = generated
    counts = Counter(q.answer for q in questions)
    assert all(0.22 <= counts[p] / len(questions) <= 0.28 for p in range(4)), counts


def test_correct_option_is_the_longest_at_most_a_third_of_the_time(generated):
    _, questions = generated

    def longest(q):
        return all(len(q.correct_option) >= len(o) for i, o in enumerate(q.options) if i != q.answer)

    rate = sum(longest(q) for q in questions) / len(questions)
    assert rate <= 0.34
    assert rate >= 0.15  # and not so rarely that "never the longest" becomes the tell


def test_explanations_name_the_list_and_the_deck(generated):
    kb, questions = generated
    for q in questions:
        deck = kb.deck(q.deck_slug)
        heading = next(s.heading for s in deck.sections if s.kind == q.section)
        assert deck.title in q.explanation
        assert f"“{heading}”" in q.explanation
        if q.group:
            assert f"“{q.group}”" in q.explanation


def test_the_same_seed_gives_the_same_questions_and_another_seed_others():
    first = generate_questions(TWO_DECKS, count=20, rng=random.Random(42))
    again = generate_questions(two_deck_kb(), count=20, rng=random.Random(42))
    other = generate_questions(TWO_DECKS, count=20, rng=random.Random(43))
    assert first == again
    assert first != other


def test_fixture_lists_are_the_seed_articles_lists(seed_article_text):
    text = seed_article_text.casefold()
    for _, (heading, groups) in quiz_fixtures.SEED_LISTS.items():
        assert heading.casefold() in text
        for group, entries in groups.items():
            assert group.casefold() in text
            for entry in entries:
                assert entry.casefold() in text, entry


def test_yes_no_question_never_offers_a_second_answer_with_the_same_yes_or_no():
    questions = _questions_about(TWO_DECKS, "Can long compression harm the nerve for good?", FAQ)
    assert {q.correct_option for q in questions} == {"Yes, untreated compression can injure it permanently."}
    assert "Usually yes, because leaning forward opens the canal." in _distractors(questions)
    assert not any(normalise(d).startswith("yes") for d in _distractors(questions))


def test_a_term_with_two_glosses_in_two_decks_never_offers_the_other_gloss():
    ids = iter(range(1, 100))

    def drugs(slug, entries):
        items = [KnowledgeItem(id=next(ids), term=t, gloss=g) for t, g in entries]
        return build_deck(slug, slug.title(), [("drugs", "Drug Treatments", items)])

    kb = KnowledgeBase(
        decks=(
            drugs("a", [("Ibuprofen", "NSAID"), ("Amitriptyline", "TCA"), ("Baclofen", "muscle relaxant")]),
            drugs("b", [("Ibuprofen", "pain reliever"), ("Morphine", "opioid"), ("Calcitonin", "hormone")]),
        )
    )
    questions = [
        generate_question(kb, kind=ITEM_TO_GLOSS, item_id=1, rng=random.Random(s)) for s in range(30)
    ]
    assert {q.correct_terms for q in questions} == {("NSAID", "pain reliever")}
    assert _distractors(questions) == {"TCA", "muscle relaxant", "opioid", "hormone"}
    assert all(question_problems(kb, q) == [] for q in questions)


def test_options_are_of_similar_length(generated):
    _, questions = generated
    ratios = sorted(
        len(q.correct_option) / (sum(len(o) for o in q.options) - len(q.correct_option)) * 3
        for q in questions
    )
    median = ratios[len(ratios) // 2]
    assert 0.85 <= median <= 1.15


def test_another_conditions_drug_of_a_listed_class_is_never_a_wrong_answer():
    item_ids = [i.id for i in TWO_DECKS.items() if i.deck_slug == SEED_SLUG and i.section_kind == "drugs"]
    questions = [
        generate_question(TWO_DECKS, kind=kind, item_id=item_id, rng=random.Random(seed))
        for kind in (MEMBER, NOT_MEMBER)
        for item_id in item_ids
        for seed in range(5)
    ]
    offered = {o for q in questions if q for o in q.options}
    # Meloxicam is an NSAID, Prednisone an oral steroid, Morphine an opioid like tramadol, and so on.
    assert (
        offered & {"Meloxicam", "Prednisone", "Morphine", "Lidocaine", "Venlafaxine", "Tizanidine"} == set()
    )
    assert "Calcitonin" in offered


def test_question_problems_catches_an_odd_one_out_that_is_on_the_list():
    question = _questions_about(TWO_DECKS, "Chordoma", NOT_MEMBER, section="causes", seeds=[0])[0]
    options = list(question.options)
    spare = next(t for t in SEED_CAUSES if t not in options and not any(names_clash(t, o) for o in options))
    options[question.answer] = spare
    broken = GeneratedQuestion.from_dict({**question.to_dict(), "options": options})
    assert question_problems(TWO_DECKS, question) == []
    assert question_problems(TWO_DECKS, broken) == [f"the answer {spare!r} is on the list"]


def test_question_problems_catches_an_incomplete_satisfying_set():
    question = _questions_about(TWO_DECKS, "Naproxen", GLOSS_TO_ITEM, seeds=[0])[0]
    broken = GeneratedQuestion.from_dict({**question.to_dict(), "correct_terms": ["Naproxen", "Ibuprofen"]})
    assert question_problems(TWO_DECKS, broken) == [
        "correct_terms ('Naproxen', 'Ibuprofen') differ from the knowledge base "
        "('Ibuprofen', 'Naproxen', 'Diclofenac', 'Meloxicam')"
    ]
