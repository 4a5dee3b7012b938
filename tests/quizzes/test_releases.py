"""Release by lecture: a class's plan holds a deck or list back until its date, then the cards reach the queue."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from quizzes import services
from quizzes.models import ClassRelease
from studyapp import queue
from studyapp.models import Enrollment, ReleaseHold
from studyapp.services.enrollment import remove_deck_from_studies
from tests import factories

pytestmark = pytest.mark.django_db

MONDAY = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)
NEXT_MONDAY = MONDAY + dt.timedelta(days=7)


@pytest.fixture
def course(instructor):
    """An instructor's deck with two lists (a cause and two drugs), each item with one card."""
    deck = factories.make_deck(owner=instructor, title="Foraminal narrowing")
    causes = factories.make_section(deck, kind="causes", position=0)
    drugs = factories.make_section(deck, kind="drugs", heading="Drug Treatments", position=1)
    for section, terms in ((causes, ["Metastasis"]), (drugs, ["Ibuprofen", "Gabapentin"])):
        for term in terms:
            factories.make_card(deck, item=factories.make_item(section, term))
    return deck, causes, drugs


def _queued_fronts(user, now) -> set[str]:
    return set(queue.studyable(user, now).values_list("card__front", flat=True))  # all new: all due


def test_a_list_released_next_week_enters_the_queue_on_its_date(instructor, student, course):
    deck, _causes, drugs = course
    classroom = factories.make_classroom(instructor, students=(student,))
    services.schedule_release(classroom=classroom, deck=deck, section=drugs, release_at=NEXT_MONDAY)
    assert Enrollment.objects.filter(user=student, deck=deck, active=True).exists()
    assert _queued_fronts(student, MONDAY) == {"Metastasis"}
    assert queue.build_queue(student, MONDAY).counts.new == 1
    assert _queued_fronts(student, NEXT_MONDAY + dt.timedelta(minutes=1)) == {
        "Metastasis",
        "Ibuprofen",
        "Gabapentin",
    }


def test_a_whole_deck_can_be_held_back(instructor, student, course):
    deck, *_ = course
    classroom = factories.make_classroom(instructor, students=(student,))
    services.schedule_release(classroom=classroom, deck=deck, section=None, release_at=NEXT_MONDAY)
    assert _queued_fronts(student, MONDAY) == set()
    assert len(_queued_fronts(student, NEXT_MONDAY)) == 3


def test_cards_already_studied_are_not_taken_away(instructor, student, course):
    deck, *_ = course
    factories.study_deck(student, deck)
    state = student.card_states.get(card__front="Ibuprofen")
    state.state, state.due = 2, MONDAY - dt.timedelta(hours=1)
    state.save()
    classroom = factories.make_classroom(instructor, students=(student,))
    services.schedule_release(classroom=classroom, deck=deck, section=None, release_at=NEXT_MONDAY)
    assert _queued_fronts(student, MONDAY) == {"Ibuprofen"}


def test_the_earliest_release_of_two_classes_wins(instructor, other_instructor, student, course):
    deck, _causes, drugs = course
    early = factories.make_classroom(instructor, name="Early", students=(student,))
    late = factories.make_classroom(instructor, name="Late", students=(student,))
    services.schedule_release(classroom=late, deck=deck, section=drugs, release_at=NEXT_MONDAY)
    services.schedule_release(classroom=early, deck=deck, section=drugs, release_at=MONDAY)
    assert "Ibuprofen" in _queued_fronts(student, MONDAY + dt.timedelta(hours=1))


def test_a_student_who_joins_later_is_enrolled_and_held_like_the_others(instructor, other_student, course):
    deck, _causes, drugs = course
    classroom = factories.make_classroom(instructor)
    services.schedule_release(classroom=classroom, deck=deck, section=drugs, release_at=NEXT_MONDAY)
    services.join_class(student=other_student, code=classroom.join_code)
    assert Enrollment.objects.filter(user=other_student, deck=deck, active=True).exists()
    assert _queued_fronts(other_student, MONDAY) == {"Metastasis"}


def test_a_student_who_left_the_deck_is_not_enrolled_again(instructor, student, course):
    deck, causes, drugs = course
    classroom = factories.make_classroom(instructor, students=(student,))
    services.schedule_release(classroom=classroom, deck=deck, section=causes, release_at=MONDAY)
    remove_deck_from_studies(user=student, deck=deck)
    services.schedule_release(classroom=classroom, deck=deck, section=drugs, release_at=NEXT_MONDAY)
    assert not Enrollment.objects.get(user=student, deck=deck).active


def test_removing_a_student_or_the_release_lifts_the_hold(instructor, student, other_student, course):
    deck, _causes, drugs = course
    classroom = factories.make_classroom(instructor, students=(student, other_student))
    release = services.schedule_release(classroom=classroom, deck=deck, section=drugs, release_at=NEXT_MONDAY)
    services.remove_student(classroom=classroom, student_id=student.pk, now=MONDAY)
    assert "Ibuprofen" in _queued_fronts(student, MONDAY)
    assert "Ibuprofen" not in _queued_fronts(other_student, MONDAY)
    services.delete_release(release=release)
    assert "Ibuprofen" in _queued_fronts(other_student, MONDAY)
    assert not ReleaseHold.objects.exists()


def test_moving_a_release_moves_every_members_date(instructor, student, course):
    deck, _causes, drugs = course
    classroom = factories.make_classroom(instructor, students=(student,))
    services.schedule_release(classroom=classroom, deck=deck, section=drugs, release_at=NEXT_MONDAY)
    services.schedule_release(classroom=classroom, deck=deck, section=drugs, release_at=MONDAY)
    assert ClassRelease.objects.count() == 1
    assert "Ibuprofen" in _queued_fronts(student, MONDAY + dt.timedelta(minutes=1))


def test_instructor_plans_a_release_from_the_class_page(client, instructor, student, course):
    _deck, _causes, drugs = course
    classroom = factories.make_classroom(instructor, students=(student,))
    client.force_login(instructor)
    page = client.get(reverse("quizzes:class-releases", args=[classroom.pk]))
    assert f'value="section:{drugs.pk}"' in page.text
    response = client.post(
        reverse("quizzes:class-releases", args=[classroom.pk]),
        {"target": f"section:{drugs.pk}", "release_at": "2026-03-09T08:00"},
        follow=True,
    )
    assert "Drug treatments of Foraminal narrowing reaches Neuro block on Mon 9 Mar 2026" in response.text
    release = ClassRelease.objects.get()
    assert release.section == drugs
    assert ReleaseHold.objects.get(user=student).available_from == release.release_at


def test_students_read_new_this_week_on_the_study_page(client, instructor, student, course):
    deck, _causes, drugs = course
    classroom = factories.make_classroom(instructor, students=(student,))
    services.schedule_release(classroom=classroom, deck=deck, section=drugs, release_at=NEXT_MONDAY)
    client.force_login(student)
    with time_machine.travel(MONDAY):
        assert "New this week" not in client.get(reverse("studyapp:review")).text
    with time_machine.travel(NEXT_MONDAY + dt.timedelta(days=1)):
        page = client.get(reverse("studyapp:review")).text
    assert "New this week: " in page and "Drug treatments of Foraminal narrowing" in page
    with time_machine.travel(NEXT_MONDAY + dt.timedelta(days=8)):
        assert "New this week" not in client.get(reverse("studyapp:review")).text


def test_the_class_dashboard_names_who_has_not_started_this_weeks_release(
    client, instructor, student, other_student, course
):
    deck, _causes, drugs = course
    classroom = factories.make_classroom(instructor, students=(student, other_student))
    services.schedule_release(classroom=classroom, deck=deck, section=drugs, release_at=MONDAY)
    card = drugs.cards.first()
    factories.make_review(student, card, reviewed_at=MONDAY + dt.timedelta(hours=2))
    client.force_login(instructor)
    with time_machine.travel(MONDAY + dt.timedelta(days=1)):
        page = client.get(reverse("quizzes:class-dashboard", args=[classroom.pk])).text
    assert "Drug treatments of Foraminal narrowing" in page
    assert "not started by bob" in page
