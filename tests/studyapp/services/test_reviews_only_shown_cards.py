"""The server grades only cards the learner's queue would show now: a crafted answer for a card not due,
suspended, buried, in a deck no longer studied or past the daily limits changes nothing."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from studyapp import queue
from studyapp.models import CardState, Enrollment, Review
from studyapp.scheduling import Rating
from studyapp.services import reviews
from tests.studyapp.test_queue import LEARNING, NOW, make_cards, review_state

pytestmark = pytest.mark.django_db


def grade(user, card_state, *, now=NOW, scope=None):
    return reviews.record_review(
        user=user,
        card_state_id=card_state.pk,
        rating=Rating.GOOD,
        shown_version=card_state.version,
        duration_ms=0,
        now=now,
        scope=scope,
    )


def assert_untouched(card_state):
    before = reviews.snapshot(card_state)
    card_state.refresh_from_db()
    assert reviews.snapshot(card_state) == before
    assert not Review.objects.filter(card_id=card_state.card_id).exists()


@pytest.mark.parametrize(
    "fields",
    [
        review_state(NOW + dt.timedelta(days=3)),
        review_state(NOW - dt.timedelta(days=1), suspended=True),
        review_state(NOW - dt.timedelta(days=1), buried_until=dt.date(2026, 3, 3)),
        {
            "state": LEARNING,
            "step": 0,
            "stability": 1.0,
            "difficulty": 5.0,
            "due": NOW + dt.timedelta(minutes=21),
        },
    ],
    ids=["review-not-due", "suspended", "buried", "learning-step-beyond-learn-ahead"],
)
def test_a_card_the_queue_would_not_show_is_not_graded(student, fields):
    (card_state,) = make_cards(student, 1, **fields)
    result = grade(student, card_state)
    assert not result.recorded
    assert "not due" in result.message
    assert_untouched(card_state)


def test_a_learning_step_within_the_twenty_minute_learn_ahead_is_graded(student):
    (card_state,) = make_cards(
        student, 1, state=LEARNING, step=0, stability=1.0, difficulty=5.0, due=NOW + dt.timedelta(minutes=19)
    )
    assert grade(student, card_state).recorded


def test_a_card_of_a_deck_no_longer_studied_is_not_graded(student):
    (card_state,) = make_cards(student, 1, **review_state(NOW - dt.timedelta(days=1)))
    Enrollment.objects.filter(user=student).update(active=False)
    assert not grade(student, card_state).recorded
    assert_untouched(card_state)


def test_new_cards_past_the_daily_limit_are_not_graded(student):
    student.new_cards_per_day = 1
    student.save()
    first, second = make_cards(student, 2)
    assert grade(student, first).recorded
    assert not grade(student, second).recorded
    assert_untouched(second)


def test_reviews_past_the_daily_limit_are_not_graded(student):
    student.reviews_per_day = 1
    student.save()
    first, second = make_cards(student, 2, **review_state(NOW - dt.timedelta(hours=2)))
    assert grade(student, first).recorded
    assert not grade(student, second).recorded


def test_a_review_card_not_due_is_graded_early_only_inside_a_study_these_items_scope(student):
    (card_state,) = make_cards(student, 1, **review_state(NOW + dt.timedelta(days=3)))
    assert not grade(student, card_state).recorded
    chosen = queue.Scope(item_ids=(card_state.card.item_id,))
    assert grade(student, card_state, scope=chosen).recorded


def test_a_crafted_post_for_a_card_not_due_says_so_and_schedules_nothing(student, student_client):
    (card_state,) = make_cards(student, 1, **review_state(NOW + dt.timedelta(days=3)))
    with time_machine.travel(NOW, tick=False):
        response = student_client.post(
            reverse("studyapp:answer"),
            {"card_state": card_state.pk, "version": card_state.version, "rating": 4},
            HTTP_HX_REQUEST="true",
        )
    assert response.status_code == 200
    assert "not due for review now" in response.content.decode()
    assert_untouched(card_state)
    assert CardState.objects.get(pk=card_state.pk).due == NOW + dt.timedelta(days=3)
