"""The learner's answer counters: kept by record_review and undo in the same transaction, so the daily limits
and the refit trigger never count the review log."""

import datetime as dt

import pytest

from studyapp.models import CardState, User
from studyapp.scheduling import Rating
from studyapp.services import reviews
from studyapp.services.fitting import REFIT_AFTER_REVIEWS
from tests.studyapp.test_queue import make_cards, review_state

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 2, 15, 0, tzinfo=dt.UTC)  # 16:00 in Berlin, study day 2 March


def grade(user, card_state, rating=Rating.GOOD, now=NOW):
    card_state.refresh_from_db()
    return reviews.record_review(
        user=user,
        card_state_id=card_state.pk,
        rating=rating,
        shown_version=card_state.version,
        duration_ms=0,
        now=now,
    )


def stored(user) -> tuple:
    row = User.objects.get(pk=user.pk)
    return row.reviews_since_fit, row.answers_day, row.new_answered, row.reviews_answered


@pytest.fixture
def learner(student):
    student.time_zone = "Europe/Berlin"
    student.save()
    return student


def test_answers_count_towards_today_by_the_state_they_were_given_in(learner):
    new = make_cards(learner, 2)
    due = make_cards(learner, 1, **review_state(NOW - dt.timedelta(days=1)))
    grade(learner, new[0])
    grade(learner, new[1])
    grade(learner, due[0])
    grade(learner, new[0])  # a learning card now: counts for the refit only
    assert stored(learner) == (4, dt.date(2026, 3, 2), 2, 1)
    assert learner.answered_on(dt.date(2026, 3, 2)) == (2, 1)  # the request's user object follows too


def test_a_new_study_day_starts_its_counts_afresh_at_the_rollover_hour(learner):
    new = make_cards(learner, 2)
    grade(learner, new[0], now=NOW)
    # 04:30 in Berlin the next morning: past the 04:00 rollover
    grade(learner, new[1], now=dt.datetime(2026, 3, 3, 3, 30, tzinfo=dt.UTC))
    assert stored(learner) == (2, dt.date(2026, 3, 3), 1, 0)
    assert learner.answered_on(dt.date(2026, 3, 2)) == (0, 0)  # another day: nothing counted for it


def test_undo_gives_back_the_answer_to_todays_limit_and_to_the_refit_count(learner):
    (card,) = make_cards(learner, 1)
    grade(learner, card)
    reviews.undo_last_review(user=learner, now=NOW + dt.timedelta(minutes=1))
    assert stored(learner) == (0, dt.date(2026, 3, 2), 0, 0)
    assert CardState.objects.get(pk=card.pk).state == CardState.State.NEW


def test_undo_the_next_day_takes_the_answer_off_the_day_it_was_given(learner):
    (card,) = make_cards(learner, 1)
    grade(learner, card, now=NOW - dt.timedelta(days=1))
    reviews.undo_last_review(user=learner, now=NOW)
    assert stored(learner) == (0, dt.date(2026, 3, 1), 0, 0)


def test_quiz_answers_count_neither_for_the_limits_nor_for_the_refit(learner):
    states = make_cards(learner, 1, **review_state(NOW - dt.timedelta(days=1)))
    reviews.record_item_outcome(user=learner, item_ids=[states[0].card.item_id], correct=True, now=NOW)
    assert stored(learner) == (0, None, 0, 0)


def test_the_refit_is_queued_by_the_answer_that_reaches_the_interval(
    learner, django_capture_on_commit_callbacks
):
    User.objects.filter(pk=learner.pk).update(reviews_since_fit=REFIT_AFTER_REVIEWS - 1)
    learner.refresh_from_db()
    (card,) = make_cards(learner, 1)
    with django_capture_on_commit_callbacks() as queued:
        grade(learner, card)
    assert len(queued) == 1  # the fit task (too little history: it will keep the defaults)
    with django_capture_on_commit_callbacks() as queued:
        grade(learner, card)
    assert queued == []
