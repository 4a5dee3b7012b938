"""The dashboard's "Study next": lists ranked by predicted recall, quiz mistakes and what is coming."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from quizzes import services, study_next
from studyapp.stats import Mastery
from tests import factories

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC)


def test_lists_rank_by_low_recall_then_mistakes_and_deadlines(student, instructor, fake_generator):
    by_list = [
        Mastery("causes", "Causes", 10, 2, 10, 0.95),  # recalled well: not suggested for recall
        Mastery("drugs", "Drug treatments", 10, 0, 10, 0.6),
        Mastery("symptoms", "Symptoms", 10, 1, 10, 0.8),
    ]
    deck = factories.make_deck(owner=student)
    attempt = services.start_practice(user=student, decks=[deck], count=3, mode="tutor", now=NOW, seed=1)
    for position in (1, 2, 3):
        services.save_answer(attempt=attempt, position=position, chosen=1, now=NOW)  # all wrong, all "causes"
    quiz_set = factories.make_quiz_set(instructor, section_kinds=["symptoms"])
    factories.make_assignment(
        instructor,
        quiz_set=quiz_set,
        students=(student,),
        opens_at=NOW - dt.timedelta(days=1),
        closes_at=NOW + dt.timedelta(days=2),
    )
    ranked = study_next.study_next(student, NOW, by_list)
    assert [s.kind for s in ranked] == ["symptoms", "drugs", "causes"]
    assert ranked[0].reasons == ["predicted recall 80 %", "Week 1 quiz closes Wed 4 Mar"]
    assert ranked[2].reasons == ["3 quiz mistakes in 30 days"]


def test_the_dashboard_shows_study_next_with_practice_links(student_client, student, fake_generator):
    deck = factories.make_deck(owner=student)
    attempt = services.start_practice(user=student, decks=[deck], count=2, mode="tutor", now=NOW, seed=1)
    services.save_answer(attempt=attempt, position=1, chosen=1, now=NOW)
    with time_machine.travel(NOW + dt.timedelta(hours=1)):
        page = student_client.get(reverse("home")).text
    assert "Study next" in page
    assert f"{reverse('quizzes:practice')}?list=causes" in page and "1 quiz mistake in 30 days" in page
