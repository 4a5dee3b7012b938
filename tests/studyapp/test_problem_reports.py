"""Report a problem: learners report cards and quiz questions; the deck's editors see and answer the reports."""

import datetime as dt

import pytest
from django.urls import reverse

from quizzes import services as quiz_services
from studyapp.models import CardState, Item, ProblemReport
from studyapp.services import problem_reports
from tests import factories

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def deck(instructor):
    deck = factories.make_deck(title="Carpal tunnel syndrome", owner=instructor)
    section = factories.make_section(deck, kind="drugs", heading="Medications")
    factories.make_item(section, "Ibuprofen", gloss="NSAID")
    return deck


@pytest.fixture
def card_state(deck, student):
    item = Item.objects.get(deck=deck, term="Ibuprofen")
    card = factories.make_card(deck, item=item, front="Ibuprofen: drug class?", back="NSAID")
    return factories.make_card_state(student, card)


def test_reporting_a_card_puts_it_aside_for_the_reporter(client, student, card_state):
    client.force_login(student)
    response = client.post(
        reverse("studyapp:report-card", args=[card_state.pk]), {"reason": "typo", "comment": "Spelling"}
    )
    assert response.status_code == 302
    report = ProblemReport.objects.get()
    assert (report.reason, report.comment, report.prompt, report.shown_answer) == (
        "typo",
        "Spelling",
        "Ibuprofen: drug class?",
        "NSAID",
    )
    card_state.refresh_from_db()
    assert card_state.suspended is True


def test_a_report_without_a_reason_is_refused_and_saves_nothing(client, student, card_state):
    client.force_login(student)
    client.post(reverse("studyapp:report-card", args=[card_state.pk]), {"reason": "bogus"})
    assert not ProblemReport.objects.exists()


def test_another_learners_card_cannot_be_reported(client, other_student, card_state):
    client.force_login(other_student)
    response = client.post(reverse("studyapp:report-card", args=[card_state.pk]), {"reason": "typo"})
    assert response.status_code == 404


def test_the_deck_owner_sees_open_reports_with_counts_and_learners_do_not(
    client, instructor, student, other_student, deck, card_state
):
    other_state = factories.make_card_state(other_student, card_state.card)
    problem_reports.report_card(
        user=student, card_state=card_state, reason="wrong_answer", comment="<b>x</b>"
    )
    problem_reports.report_card(user=other_student, card_state=other_state, reason="wrong_answer")
    client.force_login(instructor)
    page = client.get(reverse("studyapp:deck", args=[deck.pk])).content.decode()
    assert "2 reports" in page
    assert "The marked answer is wrong ×2" in page
    assert "&lt;b&gt;x&lt;/b&gt;" in page  # the comment is escaped
    client.force_login(student)
    assert "Open reports" not in client.get(reverse("studyapp:deck", args=[deck.pk])).content.decode()


@pytest.mark.parametrize(
    ("action", "status", "retired", "suspended"),
    [
        ("fixed", "fixed", False, False),
        ("retired", "retired", True, True),
        ("dismissed", "dismissed", False, True),
    ],
)
def test_the_editor_fixes_retires_or_dismisses(
    client, instructor, deck, student, card_state, action, status, retired, suspended
):
    report = problem_reports.report_card(user=student, card_state=card_state, reason="ambiguous")
    client.force_login(instructor)
    response = client.post(
        reverse("studyapp:reports-resolve", args=[deck.pk]), {"reports": str(report.pk), "action": action}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == status and report.resolved_by == instructor
    assert (Item.objects.get(pk=report.item_id).retired_at is not None) is retired
    assert CardState.objects.get(pk=card_state.pk).suspended is suspended
    page = client.get(reverse("studyapp:deck", args=[deck.pk])).content.decode()
    assert "No open reports." in page


def test_a_stranger_cannot_resolve_reports(client, other_instructor, deck, student, card_state):
    report = problem_reports.report_card(user=student, card_state=card_state, reason="ambiguous")
    client.force_login(other_instructor)
    response = client.post(
        reverse("studyapp:reports-resolve", args=[deck.pk]),
        {"reports": str(report.pk), "action": "dismissed"},
    )
    assert response.status_code == 404
    report.refresh_from_db()
    assert report.status == "open"


def _question_quiz(instructor, student, deck):
    item = Item.objects.get(deck=deck, term="Ibuprofen")
    question = factories.make_question(
        stem="Ibuprofen is best described as?",
        options=("NSAID", "TCA", "SNRI", "opioid"),
        deck=deck,
        item_ids=(item.pk,),
        kind="item_to_gloss",
    )
    quiz_set = factories.make_quiz_set(instructor, questions=(question,))
    return factories.make_assignment(instructor, quiz_set=quiz_set, students=(student,)), question


def test_reporting_a_question_reaches_the_deck_page_and_item_analysis(client, instructor, student, deck):
    assignment, question = _question_quiz(instructor, student, deck)
    attempt = factories.make_attempt(student, assignment)
    client.force_login(student)
    response = client.post(
        reverse("quizzes:attempt-report", args=[attempt.pk]),
        {"position": 1, "reason": "ambiguous", "comment": "Two fit"},
    )
    assert response.status_code == 302
    report = ProblemReport.objects.get()
    assert (report.question_id, report.prompt, report.shown_answer) == (question.pk, question.stem, "NSAID")
    quiz_services.save_answer(attempt=attempt, position=1, chosen=0, now=attempt.started_at)
    quiz_services.submit_attempt(attempt=attempt, now=attempt.started_at)

    client.force_login(instructor)
    deck_page = client.get(reverse("studyapp:deck", args=[deck.pk])).content.decode()
    assert "1 report</strong> on a question" in deck_page and "Two fit" in deck_page
    analysis = client.get(reverse("quizzes:item-analysis", args=[assignment.pk])).content.decode()
    assert "1 open report" in analysis


def test_a_learner_does_not_get_a_reported_question_again(student):
    from tests.quizzes.test_services_with_generator import DRUGS, OTHER_DRUGS, OTHER_LISTS, _fill

    _fill(factories.make_deck(title="Lumbar spinal stenosis"), OTHER_LISTS, OTHER_DRUGS)
    mine = factories.make_deck(title="Mine", owner=student)
    _fill(mine, {}, DRUGS)
    first = quiz_services.start_practice(user=student, decks=[mine], count=3, mode="tutor", now=T0, seed=4)
    reported = first.answers.select_related("question").first().question
    problem_reports.report_question(
        user=student,
        deck=mine,
        question_id=reported.pk,
        stem=reported.stem,
        answer=reported.correct_option,
        item_ids=reported.item_ids,
        reason="typo",
    )
    again = quiz_services.start_practice(user=student, decks=[mine], count=3, mode="tutor", now=T0, seed=4)
    asked = {(a.question.stem, a.question.correct_option) for a in again.answers.select_related("question")}
    assert (reported.stem, reported.correct_option) not in asked
