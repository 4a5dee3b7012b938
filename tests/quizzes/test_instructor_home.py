"""Instructors land on their classes and what needs attention, not on a learner dashboard."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from quizzes import services
from tests import factories

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 4, 12, 0, tzinfo=dt.UTC)


def test_an_instructor_lands_on_their_classes(client, instructor):
    factories.make_classroom(instructor, name="Neuro block")
    client.force_login(instructor)
    page = client.get(reverse("home"))
    assert "Your classes" in page.text and "Neuro block" in page.text
    assert "No students yet: share the join code" in page.text
    assert "join a class" not in page.text.lower()
    # Their own learner dashboard is one link away.
    assert "Today" in client.get(reverse("home") + "?view=learner").text


def test_the_home_lists_open_assignments_not_attempted_and_releases_not_started(
    client, instructor, student, other_student
):
    deck = factories.make_deck(owner=instructor, title="Spine")
    drugs = factories.make_section(deck, kind="drugs")
    card = factories.make_card(deck, item=factories.make_item(drugs, "Ibuprofen"))
    classroom = factories.make_classroom(instructor, students=(student, other_student))
    assignment = factories.make_assignment(
        classroom=classroom, opens_at=NOW - dt.timedelta(days=1), closes_at=NOW + dt.timedelta(days=2)
    )
    factories.make_finished_attempt(student, assignment, score=0.5, submitted_at=NOW - dt.timedelta(hours=1))
    services.schedule_release(
        classroom=classroom, deck=deck, section=drugs, release_at=NOW - dt.timedelta(days=2)
    )
    factories.make_review(student, card, reviewed_at=NOW - dt.timedelta(days=1))
    client.force_login(instructor)
    with time_machine.travel(NOW):
        page = client.get(reverse("home")).text
    assert "Week 1 quiz: 1 of 2 not attempted, closes Fri 6 Mar." in page
    assert "Drug treatments of Spine: 1 not started (bob)." in page


def test_a_student_still_gets_the_learner_dashboard(student_client):
    page = student_client.get(reverse("home"))
    assert "Today" in page.text and "Your classes" not in page.text
