"""Ids carried in query strings and form fields reach only the user's own objects, whichever persona sends them."""

import pytest
from django.urls import reverse

from quizzes.models import Attempt, QuizSet
from studyapp.models import Deck
from tests import factories

pytestmark = pytest.mark.django_db


def test_a_quiz_set_cannot_draw_on_another_instructors_private_deck(client, instructor, other_instructor):
    theirs = factories.make_deck(owner=other_instructor, scope=Deck.Scope.PERSONAL)
    mine = factories.make_quiz_set(instructor)
    client.force_login(instructor)
    data = {"title": "T", "mode": "rules", "decks": [theirs.pk], "questions_per_attempt": "5"}

    created = client.post(reverse("quizzes:quiz-set-create"), data)
    edited = client.post(reverse("quizzes:quiz-set-edit", kwargs={"quiz_set_id": mine.pk}), data)

    for response in (created, edited):
        assert response.status_code == 200
        assert "Select a valid choice" in response.content.decode()
    assert list(QuizSet.objects.filter(owner=instructor)) == [mine]
    assert not mine.decks.exists()


def test_practice_cannot_draw_on_another_students_personal_deck(student_client, other_student):
    theirs = factories.make_deck(owner=other_student, scope=Deck.Scope.PERSONAL)

    response = student_client.post(
        reverse("quizzes:practice"), {"decks": [theirs.pk], "count": "5", "mode": "tutor"}
    )

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Attempt.objects.exists()


def test_studying_a_list_of_another_students_personal_deck_is_404(student_client, other_student):
    theirs = factories.make_deck(owner=other_student, scope=Deck.Scope.PERSONAL)
    section = factories.make_section(theirs)

    assert student_client.get(reverse("studyapp:review") + f"?section={section.pk}").status_code == 404
    assert student_client.get(reverse("studyapp:review") + f"?deck={theirs.pk}").status_code == 404


def test_an_instructor_cannot_read_another_instructors_student_attempt(client, student, other_instructor):
    attempt = factories.make_attempt(student)  # in a class of a third instructor
    client.force_login(other_instructor)

    assert client.get(reverse("quizzes:attempt-result", kwargs={"attempt_id": attempt.pk})).status_code == 404


def test_removing_a_question_of_another_quiz_set_leaves_it_there(client, instructor, other_instructor):
    mine = factories.make_quiz_set(instructor)
    theirs = factories.make_quiz_set(other_instructor)
    question = theirs.questions.first()
    client.force_login(instructor)

    client.post(
        reverse(
            "quizzes:quiz-set-remove-question", kwargs={"quiz_set_id": mine.pk, "question_id": question.pk}
        )
    )

    assert theirs.questions.filter(pk=question.pk).exists()
