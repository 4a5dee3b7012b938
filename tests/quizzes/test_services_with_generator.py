"""The quiz services with the real generator over decks stored in the database."""

import datetime as dt

import pytest

from quizzes import services
from quizzes.models import Question
from tests import factories

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)

LISTS = {
    "causes": [
        "Metastatic breast cancer",
        "Multiple myeloma",
        "Lymphoma",
        "Schwannoma",
        "Chordoma",
        "Sarcoma",
    ],
    "symptoms": ["Radiating arm pain", "Numbness", "Weakness", "Night pain", "Tingling", "Reflex loss"],
    "diagnostic_tests": ["MRI", "CT scan", "Bone scan", "Biopsy", "Electromyography", "X-ray"],
}
DRUGS = [
    ("Ibuprofen", "NSAID"),
    ("Gabapentin", "antineuropathic"),
    ("Dexamethasone", "oral steroid"),
    ("Morphine", "opioid"),
    ("Amitriptyline", "TCA"),
    ("Baclofen", "muscle relaxant"),
]


# Another condition in the library: its lists supply wrong options of the same kind (causes among causes).
OTHER_LISTS = {
    "causes": ["Disc herniation", "Facet joint arthritis", "Spondylolisthesis", "Osteophytes", "Obesity"],
    "symptoms": ["Leg cramps", "Neurogenic claudication", "Low back ache", "Calf heaviness", "Stiffness"],
    "diagnostic_tests": ["Flexion views", "Treadmill test", "Ankle-brachial index", "Myelogram", "DEXA"],
}
OTHER_DRUGS = [("Calcitonin", "hormone"), ("Zolpidem", "hypnotic"), ("Ondansetron", "antiemetic")]


def _fill(deck, lists, drugs):
    for position, (kind, terms) in enumerate(lists.items()):
        section = factories.make_section(deck, kind=kind, position=position)
        for n, term in enumerate(terms):
            factories.make_item(section, term, position=n)
    section = factories.make_section(deck, kind="drugs", position=9)
    for n, (term, gloss) in enumerate(drugs):
        factories.make_item(section, term, gloss=gloss, position=n)


@pytest.fixture
def deck(db):
    _fill(factories.make_deck(title="Lumbar spinal stenosis"), OTHER_LISTS, OTHER_DRUGS)
    deck = factories.make_deck(title="Neoplastic foraminal narrowing")
    for position, (kind, terms) in enumerate(LISTS.items()):
        section = factories.make_section(deck, kind=kind, position=position)
        for n, term in enumerate(terms):
            factories.make_item(section, term, position=n)
    drugs = factories.make_section(deck, kind="drugs", position=9)
    for n, (term, gloss) in enumerate(DRUGS):
        factories.make_item(drugs, term, gloss=gloss, position=n)
    return deck


def test_practice_stores_valid_questions_from_the_generator(student, deck):
    attempt = services.start_practice(user=student, decks=[deck], count=8, mode="tutor", now=T0, seed=3)
    questions = [a.question for a in attempt.answers.select_related("question")]
    assert attempt.question_count == len(questions) == 8
    for q in questions:
        assert q.deck == deck
        assert len(q.options) == 4
        assert q.explanation
        assert q.item_ids
        if q.kind != "not_member":
            assert q.options[q.answer] in q.correct_terms


def test_practice_asks_only_about_the_lists_picked(student, deck):
    attempt = services.start_practice(
        user=student, decks=[deck], count=4, mode="exam", now=T0, section_kinds=["drugs"], seed=8
    )
    assert {a.question.section for a in attempt.answers.select_related("question")} == {"drugs"}


def test_a_rules_assignment_gives_each_student_their_own_draw(instructor, student, other_student, deck):
    quiz_set = services.save_quiz_set(
        owner=instructor, title="Rules", mode="rules", decks=[deck], questions_per_attempt=5
    )
    assignment = factories.make_assignment(
        instructor,
        quiz_set=quiz_set,
        students=(student, other_student),
        opens_at=T0,
        closes_at=T0 + dt.timedelta(1),
    )
    mine = services.start_attempt(user=student, assignment=assignment, now=T0)
    theirs = services.start_attempt(user=other_student, assignment=assignment, now=T0)
    stems = lambda a: sorted(x.question.stem for x in a.answers.select_related("question"))  # noqa: E731
    assert mine.question_count == theirs.question_count == 5
    assert stems(mine) != stems(theirs)
    assert Question.objects.count() == 10


def _reviewing(student, deck):
    """The learner studies the deck and every card is in review, last seen ten days ago."""
    from studyapp.models import CardState
    from studyapp.services.cards import sync_cards

    sync_cards(deck)
    factories.study_deck(student, deck)
    CardState.objects.filter(user=student).update(
        state=CardState.State.REVIEW,
        stability=10.0,
        difficulty=5.0,
        last_review=T0 - dt.timedelta(days=10),
        due=T0,
    )


@pytest.mark.parametrize("correct", [True, False])
def test_a_tutor_answer_rates_the_items_flashcards_good_or_again(student, deck, correct):
    from studyapp.models import CardState, Review

    _reviewing(student, deck)
    attempt = services.start_practice(
        user=student, decks=[deck], count=8, mode="tutor", now=T0, seed=3, section_kinds=["drugs"]
    )
    answer = next(a for a in attempt.answers.select_related("question") if a.question.kind != "not_member")
    question = answer.question
    chosen = question.answer if correct else (question.answer + 1) % len(question.options)
    services.save_answer(attempt=attempt, position=answer.position, chosen=chosen, now=T0)

    rated = Review.objects.filter(user=student, source=Review.Source.QUIZ)
    cards = CardState.objects.filter(user=student, card__item_id__in=question.item_ids, card__is_active=True)
    assert rated.count() == cards.count() > 0
    assert set(rated.values_list("rating", flat=True)) == {3 if correct else 1}
    expected_state = CardState.State.REVIEW if correct else CardState.State.RELEARNING
    assert set(cards.values_list("state", flat=True)) == {expected_state}


def test_a_not_member_answer_leaves_the_flashcards_alone(student, deck):
    from studyapp.models import Review

    _reviewing(student, deck)
    attempt = services.start_practice(user=student, decks=[deck], count=12, mode="tutor", now=T0, seed=5)
    odd_one_out = [a for a in attempt.answers.select_related("question") if a.question.kind == "not_member"]
    assert odd_one_out, "seed 5 should draw a not-member question"
    services.save_answer(attempt=attempt, position=odd_one_out[0].position, chosen=0, now=T0)
    assert not Review.objects.filter(user=student).exists()


def test_a_single_deck_quiz_says_when_its_lists_are_too_thin(student, db):
    lonely = factories.make_deck(title="Lonely", owner=student)
    _fill(lonely, {"causes": LISTS["causes"]}, DRUGS[:5])
    attempt = services.start_practice(user=student, decks=[lonely], count=10, mode="tutor", now=T0, seed=1)
    # No other deck: cause questions would need wrong causes; only drug-class questions are sound, one a drug.
    assert attempt.question_count == 5
    assert {a.question.kind for a in attempt.answers.select_related("question")} <= {
        "item_to_gloss",
        "gloss_to_item",
    }
    message = services.shortfall_message(asked=10, made=5)
    assert message.startswith("Only 5 of the 10 questions")


def test_a_rules_quiz_set_page_shows_a_sample_draw_without_saving_it(client, instructor, deck):
    from django.urls import reverse

    quiz_set = services.save_quiz_set(
        owner=instructor, title="Rules", mode="rules", decks=[deck], section_kinds=["drugs"]
    )
    client.force_login(instructor)
    response = client.get(reverse("quizzes:quiz-set-edit", args=[quiz_set.pk]))
    assert "A sample draw" in response.text
    assert response.text.count("answer: ") == 3
    assert not Question.objects.exists()


def test_the_practice_page_says_when_fewer_questions_could_be_made(client, student):
    from django.urls import reverse

    lonely = factories.make_deck(title="Lonely", owner=student)
    _fill(lonely, {"causes": LISTS["causes"]}, DRUGS[:5])
    client.force_login(student)
    response = client.post(
        reverse("quizzes:practice"),
        {"decks": [lonely.pk], "count": 10, "mode": "tutor"},
        follow=True,
    )
    assert "Only 5 of the 10 questions asked for" in response.content.decode()
