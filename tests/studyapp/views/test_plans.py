"""The plans page under study settings: exam dates with a preview before committing, catching up, the
workload simulator."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from studyapp.models import BacklogPlan, CardState, ExamPlan
from tests import factories

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.UTC)
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def deck(student):
    deck = factories.make_deck(title="Foraminal narrowing")
    section = factories.make_section(deck, kind="drugs", heading="Drug Treatments")
    factories.enroll(student, deck)
    for i in range(12):
        card = factories.make_card(deck, section=section, position=i)
        factories.make_card_state(student, card)
    return deck


def _exam(deck, **extra):
    return {"material": f"deck-{deck.pk}", "exam_date": "2025-03-20", "target": "0.95", **extra}


@time_machine.travel(NOW, tick=False)
def test_the_plans_page_offers_the_learners_decks_and_lists(student_client, deck):
    html = student_client.get(reverse("studyapp:plans")).content.decode()
    assert "Foraminal narrowing (whole deck)" in html and "Foraminal narrowing — Drug Treatments" in html
    assert 'id="backlog-panel"' in html and reverse("studyapp:simulator") in html


@time_machine.travel(NOW, tick=False)
def test_an_exam_is_previewed_with_its_predicted_load_before_it_is_saved(student_client, deck):
    html = student_client.post(reverse("studyapp:exam-plan"), _exam(deck), **HTMX).content.decode()
    assert "<html" not in html and 'id="exam-panel"' in html
    assert "Predicted load until Thu 20 Mar" in html and 'id="preview-table"' in html
    assert "12 cards" in html and "New cards: 1 a day to introduce all 12 by Mon 17 Mar" in html
    assert "Save this exam plan" in html
    assert not ExamPlan.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_a_pace_over_the_new_card_limit_is_warned_about(student, student_client, deck):
    student.new_cards_per_day = 2
    student.save()
    html = student_client.post(
        reverse("studyapp:exam-plan"), _exam(deck, exam_date="2025-03-05")
    ).content.decode()
    assert 'id="pace-warning"' in html and "needs 12 a day, over your limit of 2" in html


@time_machine.travel(NOW, tick=False)
def test_committing_saves_the_exam_plan(student, student_client, deck):
    response = student_client.post(reverse("studyapp:exam-plan"), _exam(deck, commit="1"))
    assert response.status_code == 302
    plan = ExamPlan.objects.get(user=student)
    assert (plan.deck, plan.section, plan.exam_date, plan.target) == (deck, None, dt.date(2025, 3, 20), 0.95)
    assert "Thu 20 Mar 2025" in student_client.get(reverse("studyapp:plans")).content.decode()


@time_machine.travel(NOW, tick=False)
def test_committing_from_htmx_redirects_the_page(student_client, deck):
    response = student_client.post(reverse("studyapp:exam-plan"), _exam(deck, commit="1"), **HTMX)
    assert response["HX-Redirect"] == reverse("studyapp:plans")


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"exam_date": "2025-03-03"}, "Choose a day after today."),
        ({"exam_date": "2030-01-01"}, "Choose a day within two years."),
        ({"target": "1.5"}, "less than or equal to 0.99"),
    ],
)
def test_odd_exam_input_is_a_form_error(student_client, deck, change, error):
    response = student_client.post(reverse("studyapp:exam-plan"), _exam(deck, commit="1", **change))
    assert response.status_code == 200 and error in response.content.decode()
    assert not ExamPlan.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_another_learners_deck_cannot_be_planned(student_client, other_student):
    theirs = factories.make_deck(owner=other_student)
    response = student_client.post(reverse("studyapp:exam-plan"), _exam(theirs, commit="1"))
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert not ExamPlan.objects.exists()


def test_another_learners_exam_plan_cannot_be_removed(student_client, other_student):
    plan = ExamPlan.objects.create(
        user=other_student, deck=factories.make_deck(), exam_date=dt.date(2030, 1, 1)
    )
    assert student_client.post(reverse("studyapp:exam-plan-delete", args=[plan.pk])).status_code == 404
    assert ExamPlan.objects.filter(pk=plan.pk).exists()


def test_removing_an_own_exam_plan(student, student_client):
    plan = ExamPlan.objects.create(user=student, deck=factories.make_deck(), exam_date=dt.date(2030, 1, 1))
    assert student_client.post(reverse("studyapp:exam-plan-delete", args=[plan.pk])).status_code == 302
    assert not ExamPlan.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_starting_and_stopping_a_catch_up(student, student_client, deck):
    CardState.objects.filter(user=student).update(
        state=CardState.State.REVIEW, stability=5.0, difficulty=5.0, last_review=NOW - dt.timedelta(days=20),
        due=NOW - dt.timedelta(days=10),
    )  # fmt: skip
    assert "12 reviews overdue" in student_client.get(reverse("studyapp:plans")).content.decode()
    assert student_client.post(reverse("studyapp:backlog-plan"), {"days": "4"}).status_code == 302
    assert BacklogPlan.objects.get(user=student).daily_cap == 3
    assert (
        "Catching up at most <strong>3</strong>"
        in student_client.get(reverse("studyapp:plans")).content.decode()
    )
    student_client.post(reverse("studyapp:backlog-stop"))
    assert BacklogPlan.objects.get(user=student).finished_at is not None


def test_a_catch_up_needs_a_cap_or_a_number_of_days(student_client):
    html = student_client.post(reverse("studyapp:backlog-plan"), {}).content.decode()
    assert "Give either a daily cap or a number of days." in html and not BacklogPlan.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_the_simulator_shows_minutes_and_recall_for_three_retentions(student_client, deck):
    html = student_client.get(reverse("studyapp:simulator"), **HTMX).content.decode()
    assert "<html" not in html and 'id="simulator"' in html
    for retention in ("0.85", "0.90", "0.95"):
        assert f">{retention}</th>" in html
    assert html.count("<polyline") == 3
    assert "<html" in student_client.get(reverse("studyapp:simulator")).content.decode()


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(reverse("studyapp:plans"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
