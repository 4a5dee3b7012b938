"""An instructor sets an exam for a class: every member, and whoever joins later, studies toward it."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from quizzes import services
from quizzes.models import ClassExam
from studyapp.models import CardState, Enrollment, ExamPlan
from studyapp.services import reviews
from tests import factories

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def setting(instructor, student):
    deck = factories.make_deck(owner=instructor, title="Foraminal narrowing")
    drugs = factories.make_section(deck, kind="drugs", heading="Drug Treatments")
    factories.make_card(deck, section=drugs)
    classroom = factories.make_classroom(instructor, students=(student,))
    return classroom, deck, drugs


@time_machine.travel(NOW, tick=False)
def test_an_exam_set_for_the_class_becomes_every_members_plan(client, instructor, student, setting):
    classroom, deck, drugs = setting
    client.force_login(instructor)
    response = client.post(
        reverse("quizzes:class-exams", args=[classroom.pk]),
        {"target": f"section:{drugs.pk}", "exam_date": "2025-03-28", "exam_target": "0.9"},
    )
    assert response.status_code == 302
    plan = ExamPlan.objects.get(user=student)
    assert (plan.deck, plan.section, plan.exam_date, plan.target) == (deck, drugs, dt.date(2025, 3, 28), 0.9)
    assert plan.label == classroom.name
    assert Enrollment.objects.filter(user=student, deck=deck, active=True).exists()
    # the student's answer buttons and dashboard see it; the student cannot remove it
    config = reviews.config_for(student, NOW)
    assert config.plans.exams_for(deck.pk, drugs.pk, NOW)[0].days_to_exam == 25
    client.force_login(student)
    assert "Exam on Drug Treatments" in client.get(reverse("home")).content.decode()
    assert client.post(reverse("studyapp:exam-plan-delete", args=[plan.pk])).status_code == 404


@time_machine.travel(NOW, tick=False)
def test_a_student_joining_later_gets_the_exam_and_leaving_drops_it(classroom_exam, other_student):
    classroom, exam = classroom_exam
    services.join_class(student=other_student, code=classroom.join_code)
    assert ExamPlan.objects.filter(user=other_student, source=exam.source).exists()
    services.remove_student(classroom=classroom, student_id=other_student.pk, now=NOW)
    assert not ExamPlan.objects.filter(user=other_student).exists()


@time_machine.travel(NOW, tick=False)
def test_removing_the_exam_removes_the_members_plans(client, instructor, classroom_exam):
    classroom, exam = classroom_exam
    client.force_login(instructor)
    client.post(reverse("quizzes:class-exam-delete", args=[classroom.pk, exam.pk]))
    assert not ClassExam.objects.exists() and not ExamPlan.objects.exists()


def test_removing_the_exam_puts_the_members_cards_back_on_their_own_schedule(
    client, instructor, student, setting
):
    classroom, deck, drugs = setting
    factories.enroll(student, deck)
    state = factories.make_card_state(student, deck.cards.get())
    state.state, state.stability, state.difficulty, state.reps = CardState.State.REVIEW, 46.3, 5.0, 3
    state.last_review, state.due = NOW, NOW + dt.timedelta(days=46)
    state.save()
    with time_machine.travel(NOW, tick=False):
        exam = services.set_class_exam(
            classroom=classroom, deck=deck, section=drugs, exam_date=dt.date(2025, 4, 2), target=0.95, now=NOW
        )
    state.refresh_from_db()
    assert state.due.date() == dt.date(2025, 3, 21)  # brought forward for the exam
    with time_machine.travel(NOW + dt.timedelta(days=2), tick=False):
        client.force_login(instructor)
        client.post(reverse("quizzes:class-exam-delete", args=[classroom.pk, exam.pk]))
    state.refresh_from_db()
    assert state.due.date() > dt.date(2025, 4, 2)  # its own interval again: about 46 days after its review


@time_machine.travel(NOW, tick=False)
def test_a_past_exam_date_is_a_form_error(client, instructor, setting):
    classroom, deck, _drugs = setting
    client.force_login(instructor)
    response = client.post(
        reverse("quizzes:class-exams", args=[classroom.pk]),
        {"target": f"deck:{deck.pk}", "exam_date": "2025-03-01", "exam_target": "0.95"},
    )
    assert response.status_code == 200 and "Choose a day after today." in response.content.decode()


def test_another_instructors_class_is_404(client, setting):
    classroom, _deck, _drugs = setting
    client.force_login(factories.make_instructor())
    assert client.get(reverse("quizzes:class-exams", args=[classroom.pk])).status_code == 404


@pytest.fixture
def classroom_exam(setting):
    classroom, deck, _drugs = setting
    exam = services.set_class_exam(
        classroom=classroom, deck=deck, section=None, exam_date=dt.date(2025, 3, 20), target=0.95, now=NOW
    )
    return classroom, exam
