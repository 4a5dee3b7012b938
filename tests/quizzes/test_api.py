"""Quiz attempts through the JSON API: the learner's assignments, start, answer, submit, result; strangers 404."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from quizzes.models import Attempt
from studyapp.services import tokens
from tests import factories

API = "/api/v1/quizzes"


@pytest.fixture
def auth(student):
    return {"HTTP_AUTHORIZATION": f"Bearer {tokens.create_token(user=student, name='t')[1]}"}


@pytest.fixture
def assignment(student, instructor):
    return factories.make_assignment(instructor, students=(student,))


def _put(client, url, data, auth):
    return client.put(url, data=json.dumps(data), content_type="application/json", **auth)


def test_assignments_lists_those_of_the_learners_classes(client, auth, assignment, other_student):
    factories.make_assignment(factories.make_instructor(), students=(other_student,))
    body = client.get(f"{API}/assignments", **auth).json()
    assert [(a["id"], a["title"], a["attempts_used"], a["is_open"]) for a in body] == [
        (assignment.pk, "Week 1 quiz", 0, True)
    ]


def test_a_learner_takes_an_attempt_end_to_end(client, auth, assignment, student):
    started = client.post(f"{API}/assignments/{assignment.pk}/attempts", **auth).json()
    assert started["status"] == "in_progress" and len(started["questions"]) == 2
    assert started["questions"][0]["correct"] is None  # nothing revealed while open
    attempt_id = started["id"]
    for question in started["questions"]:
        right = next(o["index"] for o in question["options"] if o["text"].startswith("Right"))
        answered = _put(
            client, f"{API}/attempts/{attempt_id}/answers/{question['position']}", {"chosen": right}, auth
        )
        assert answered.status_code == 200
    result = client.post(f"{API}/attempts/{attempt_id}/submit", **auth).json()
    assert result["status"] == "submitted" and result["score"] == 1.0
    assert [q["is_correct"] for q in result["questions"]] == [True, True]
    listed = client.get(f"{API}/attempts", **auth).json()
    assert [(a["id"], a["score"]) for a in listed] == [(attempt_id, 1.0)]
    assert client.get(f"{API}/assignments", **auth).json()[0]["attempts_used"] == 1


def test_submitting_twice_submits_once(client, auth, assignment):
    attempt_id = client.post(f"{API}/assignments/{assignment.pk}/attempts", **auth).json()["id"]
    first = client.post(f"{API}/attempts/{attempt_id}/submit", **auth).json()
    second = client.post(f"{API}/attempts/{attempt_id}/submit", **auth).json()
    assert first["submitted_at"] == second["submitted_at"]


def test_a_closed_assignment_cannot_be_started(client, auth, student, instructor):
    closed = factories.make_assignment(
        instructor,
        students=(student,),
        opens_at=timezone.now() - dt.timedelta(days=3),
        closes_at=timezone.now() - dt.timedelta(days=1),
    )
    response = client.post(f"{API}/assignments/{closed.pk}/attempts", **auth)
    assert response.status_code == 409 and response.json() == {"detail": "This assignment has closed."}
    assert not Attempt.objects.exists()


def test_bad_answers_are_clear_json_errors(client, auth, assignment):
    attempt_id = client.post(f"{API}/assignments/{assignment.pk}/attempts", **auth).json()["id"]
    missing = _put(client, f"{API}/attempts/{attempt_id}/answers/9", {"chosen": 0}, auth)
    assert missing.status_code == 404 and missing.json()["detail"] == "This attempt has no question 9."
    not_an_option = _put(client, f"{API}/attempts/{attempt_id}/answers/1", {"chosen": 7}, auth)
    assert (
        not_an_option.status_code == 422
        and not_an_option.json()["detail"] == "That is not one of the options."
    )
    not_a_number = _put(client, f"{API}/attempts/{attempt_id}/answers/1", {"chosen": "B"}, auth)
    assert not_a_number.status_code == 422 and "chosen" in not_a_number.json()["detail"]
    client.post(f"{API}/attempts/{attempt_id}/submit", **auth)
    late = _put(client, f"{API}/attempts/{attempt_id}/answers/1", {"chosen": 0}, auth)
    assert late.status_code == 409 and late.json()["detail"] == "This attempt is already closed."


def test_strangers_get_404_for_attempts_and_assignments(client, auth, other_student, instructor):
    theirs = factories.make_attempt(other_student)
    other_assignment = factories.make_assignment(instructor, students=(other_student,))
    assert client.get(f"{API}/attempts/{theirs.pk}", **auth).status_code == 404
    assert client.post(f"{API}/attempts/{theirs.pk}/submit", **auth).status_code == 404
    assert _put(client, f"{API}/attempts/{theirs.pk}/answers/1", {"chosen": 0}, auth).status_code == 404
    assert client.post(f"{API}/assignments/{other_assignment.pk}/attempts", **auth).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == Attempt.Status.IN_PROGRESS


def test_the_instructor_of_the_class_cannot_answer_for_the_student(client, instructor, student):
    attempt = factories.make_attempt(student, factories.make_assignment(instructor, students=(student,)))
    auth = {"HTTP_AUTHORIZATION": f"Bearer {tokens.create_token(user=instructor, name='t')[1]}"}
    assert client.get(f"{API}/attempts/{attempt.pk}", **auth).status_code == 404
