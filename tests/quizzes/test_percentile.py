"""Percentile among classmates on shared quiz questions, weighted by question difficulty."""

import datetime as dt

import pytest
from django.urls import reverse

from quizzes import percentile
from quizzes.models import Attempt, AttemptAnswer
from tests import factories

NOW = dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC)


def _answers(pattern: str, start: int = 0) -> dict[int, bool]:
    return {start + i: c == "1" for i, c in enumerate(pattern)}


def test_a_hard_question_answered_right_counts_more_than_an_easy_one():
    # Everyone gets 2 of 3 right. Learner 1 got Q1, which only they got (hard); the others got Q2, which most got
    # (easy): learner 1 ranks above all three, who tie.
    answers = {
        1: {0: True, 1: True, 2: False},
        2: {0: True, 1: False, 2: True},
        3: {0: True, 1: False, 2: True},
        4: {0: True, 1: False, 2: True},
    }
    assert percentile.percentile(1, answers, min_shared=3) == (100, 3)
    assert percentile.percentile(2, answers, min_shared=3) == (33, 3)  # below 1, ties with 3 and 4


def test_classmates_with_too_few_shared_questions_are_not_compared():
    answers = {1: _answers("1111111111"), 2: _answers("0000000000"), 3: _answers("00000", start=50)}
    assert percentile.percentile(1, answers) == (100, 1)
    assert percentile.percentile(3, answers) == (None, 0)


@pytest.mark.django_db
def test_the_dashboard_shows_the_percentile_per_class(client, instructor, student, other_student):
    questions = [
        factories.make_question(stem=f"Q{n}?", options=(f"R{n}", f"W{n}a", f"W{n}b")) for n in range(10)
    ]
    quiz_set = factories.make_quiz_set(instructor, questions=questions)
    assignment = factories.make_assignment(instructor, quiz_set=quiz_set, students=(student, other_student))
    for learner, right in ((student, 8), (other_student, 5)):
        attempt = Attempt.objects.create(
            user=learner,
            assignment=assignment,
            started_at=NOW,
            status=Attempt.Status.SUBMITTED,
            score=right / 10,
        )
        AttemptAnswer.objects.bulk_create(
            AttemptAnswer(
                attempt=attempt,
                question=q,
                position=n + 1,
                option_order=[0, 1, 2],
                chosen=0 if n < right else 1,
                is_correct=n < right,
            )
            for n, q in enumerate(questions)
        )
    client.force_login(student)
    page = client.get(reverse("home")).text
    assert "Neuro block" in page and "ahead of 100 % of 1 classmate who answered the same questions" in page
    client.force_login(other_student)
    assert "ahead of 0 % of 1 classmate" in client.get(reverse("home")).text
