"""The instructor's question bank: checked like generated questions, versioned once answered, mixed into sets."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from quizzes import checking, gradebook, services
from quizzes.knowledge import KnowledgeBase, KnowledgeDeck, KnowledgeItem, KnowledgeSection
from quizzes.models import Question, QuizSet
from tests import factories

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)

KB = KnowledgeBase(
    decks=(
        KnowledgeDeck(
            slug="spine",
            title="Spine",
            sections=(
                KnowledgeSection(
                    kind="drugs",
                    heading="Drug Treatments",
                    deck_slug="spine",
                    items=(
                        KnowledgeItem(
                            id=1, term="Ibuprofen", gloss="NSAID", section_kind="drugs", deck_slug="spine"
                        ),
                        KnowledgeItem(id=2, term="Gabapentin", section_kind="drugs", deck_slug="spine"),
                    ),
                ),
            ),
        ),
    )
)


def _check(options, answer=0, kind="member"):
    return checking.bank_question_problems(
        stem="Which is a drug treatment?",
        options=options,
        answer=answer,
        kind=kind,
        kb=KB,
        deck_slug="spine",
        section_kind="drugs",
    )


@pytest.mark.parametrize(
    ("options", "answer", "kind", "problem"),
    [
        (["Ibuprofen", "Walking", "Surgery"], 0, "member", None),
        (["Ibuprofen", "Gabapentin", "Surgery"], 0, "member", "The distractor “Gabapentin” is on the list"),
        (["Walking", "Ibuprofen", "Surgery"], 0, "member", "The answer “Walking” is not on the list"),
        (["Ibuprofen", "ibuprofen (NSAID)", "Surgery"], 0, "member", "name the same thing"),
        (["Walking", "Ibuprofen", "Gabapentin"], 0, "not_member", None),
        (["Walking", "Ibuprofen", "Surgery"], 0, "not_member", "The distractor “Surgery” is not on the list"),
        (["Only one"], 0, "own", "between 2 and 6 options"),
        (["Aspirin", "aspirins", "Rest"], 2, "own", "name the same thing"),
        (["Aspirin", "Rest"], 1, "own", None),
    ],
)
def test_bank_questions_are_checked_like_generated_ones(options, answer, kind, problem):
    problems, _ = _check(options, answer, kind)
    if problem is None:
        assert problems == []
    else:
        assert any(problem in p for p in problems), problems


def test_a_list_question_rates_the_item_behind_its_answer():
    _, item_ids = _check(["Gabapentin", "Walking", "Surgery"])
    assert item_ids == (2,)


@pytest.fixture
def bank_question(instructor):
    return services.save_bank_question(
        owner=instructor,
        stem="First-line drug for mild pain?",
        options=["Paracetamol", "Morphine", "Ketamine"],
        answer=0,
        explanation="Start low on the analgesic ladder.",
        tags=["Week 1", " pain "],
    )


@pytest.mark.django_db
def test_saving_a_question_normalises_its_tags(bank_question):
    assert bank_question.tags == ["pain", "week 1"]
    assert bank_question.kind == checking.OWN


@pytest.mark.django_db
def test_an_invalid_question_is_refused_with_its_reason(instructor):
    with pytest.raises(ValidationError, match="name the same thing"):
        services.save_bank_question(owner=instructor, stem="?", options=["MRI", "MRI"], answer=0)
    assert not Question.objects.exists()


@pytest.mark.django_db
def test_students_cannot_keep_a_bank(student):
    with pytest.raises(Exception, match="Only instructors"):
        services.save_bank_question(owner=student, stem="?", options=["A", "B"], answer=0)


@pytest.mark.django_db
def test_editing_an_answered_question_makes_a_new_version(instructor, student, bank_question):
    quiz_set = factories.make_quiz_set(instructor, questions=[bank_question])
    assignment = factories.make_assignment(instructor, quiz_set=quiz_set, students=(student,))
    factories.make_attempt(student, assignment)
    edited = services.save_bank_question(
        owner=instructor,
        question=bank_question,
        stem="First-line drug for mild pain in adults?",
        options=["Paracetamol", "Morphine", "Ketamine"],
        answer=0,
    )
    bank_question.refresh_from_db()
    assert edited.pk != bank_question.pk and bank_question.retired_at is not None
    assert bank_question.stem == "First-line drug for mild pain?"  # the attempt's copy is frozen
    assert list(quiz_set.questions.all()) == [edited]
    assert list(Question.objects.in_bank_of(instructor)) == [edited]


@pytest.mark.django_db
def test_an_unanswered_question_is_edited_in_place(instructor, bank_question):
    edited = services.save_bank_question(
        owner=instructor, question=bank_question, stem="Changed?", options=["A", "B"], answer=1
    )
    assert edited.pk == bank_question.pk and edited.correct_option == "B"


@pytest.mark.django_db
def test_a_rules_set_mixes_bank_questions_with_generated_ones(
    instructor, student, fake_generator, bank_question
):
    other = services.save_bank_question(
        owner=instructor, stem="Not tagged for this set?", options=["A", "B"], answer=0, tags=["week 9"]
    )
    deck = factories.make_deck(owner=instructor)
    quiz_set = services.save_quiz_set(
        owner=instructor,
        title="Week 1",
        mode=QuizSet.Mode.RULES,
        decks=[deck],
        questions_per_attempt=3,
        bank_per_attempt=1,
        bank_tags=["week 1"],
    )
    assignment = factories.make_assignment(instructor, quiz_set=quiz_set, students=(student,))
    attempt = services.start_attempt(user=student, assignment=assignment, now=dt.datetime.now(dt.UTC))
    questions = [a.question for a in attempt.answers.select_related("question")]
    assert len(questions) == 4
    assert bank_question in questions and other not in questions


@pytest.mark.django_db
def test_item_analysis_covers_bank_questions(instructor, student, other_student, bank_question):
    quiz_set = factories.make_quiz_set(instructor, questions=[bank_question])
    assignment = factories.make_assignment(instructor, quiz_set=quiz_set, students=(student, other_student))
    for learner, chosen in ((student, 0), (other_student, 1)):
        attempt = factories.make_attempt(learner, assignment)
        services.save_answer(attempt=attempt, position=1, chosen=chosen, now=dt.datetime.now(dt.UTC))
        services.submit_attempt(attempt=attempt, now=dt.datetime.now(dt.UTC))
    [row] = gradebook.item_analysis(assignment)
    assert row.question == bank_question
    assert [o["count"] for o in row.options()] == [1, 1, 0]
    assert row.options()[2]["unused"]


@pytest.mark.django_db
def test_instructor_writes_a_question_and_adds_it_to_a_hand_picked_set(client, instructor):
    client.force_login(instructor)
    response = client.post(
        reverse("quizzes:bank-question-create"),
        {
            "stem": "Which nerve root is most often compressed?",
            "option_1": "L5",
            "option_2": "C1",
            "option_3": "",
            "option_4": "T12",
            "correct": "1",
            "kind": "own",
            "tags": "week 2",
        },
        follow=True,
    )
    assert "Question saved to your bank." in response.text
    question = Question.objects.get()
    assert question.options == ["L5", "C1", "T12"]
    quiz_set = factories.make_quiz_set(instructor)
    page = client.get(reverse("quizzes:quiz-set-edit", args=[quiz_set.pk]))
    assert "Which nerve root is most often compressed?" in page.text
    client.post(reverse("quizzes:quiz-set-add-bank", args=[quiz_set.pk]), {"question": [question.pk]})
    assert question in quiz_set.questions.all()


@pytest.mark.django_db
def test_an_invalid_question_comes_back_with_the_reason(client, instructor):
    client.force_login(instructor)
    response = client.post(
        reverse("quizzes:bank-question-create"),
        {"stem": "Which?", "option_1": "MRI scan", "option_2": "MRI scans", "correct": "1", "kind": "own"},
    )
    assert response.status_code == 200 and "name the same thing" in response.text
    assert not Question.objects.exists()


@pytest.mark.django_db
def test_someone_elses_bank_question_cannot_be_added(client, instructor, other_instructor):
    theirs = services.save_bank_question(owner=other_instructor, stem="?", options=["A", "B"], answer=0)
    quiz_set = factories.make_quiz_set(instructor)
    client.force_login(instructor)
    client.post(reverse("quizzes:quiz-set-add-bank", args=[quiz_set.pk]), {"question": [theirs.pk]})
    assert theirs not in quiz_set.questions.all()
