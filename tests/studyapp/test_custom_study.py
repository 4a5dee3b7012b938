"""When nothing is due the study page offers custom study instead of a dead end."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from studyapp import queue
from studyapp.custom_study import custom_study
from studyapp.models import CardState
from tests import factories
from tests.studyapp.test_queue import NOW, make_cards, review_state

pytestmark = pytest.mark.django_db


def test_study_ahead_offers_reviews_due_in_the_next_three_days_and_the_queue_takes_them(student):
    soon = make_cards(student, 2, **review_state(NOW + dt.timedelta(days=2)))
    make_cards(student, 1, kind="causes", **review_state(NOW + dt.timedelta(days=9)))
    options = custom_study(student, NOW)
    assert options.ahead_cards == 2
    assert set(options.ahead_items) == {s.card.item_id for s in soon}
    assert queue.build_queue(student, NOW).card_state is None
    scoped = queue.build_queue(student, NOW, queue.Scope(item_ids=options.ahead_items))
    assert scoped.counts.review == 2


def test_forgotten_today_offers_the_cards_answered_again_and_they_need_not_wait(student):
    [state] = make_cards(
        student, 1, state=CardState.State.RELEARNING, due=NOW + dt.timedelta(hours=1), stability=1.0
    )
    factories.make_review(student, state.card, reviewed_at=NOW - dt.timedelta(minutes=5), rating=1)
    options = custom_study(student, NOW)
    assert options.forgotten_items == (state.card.item_id,)
    scoped = queue.build_queue(student, NOW, queue.Scope(item_ids=options.forgotten_items))
    assert scoped.card_state == state


def test_the_study_page_shows_custom_study_when_nothing_is_due(student_client, student):
    make_cards(student, 1, **review_state(NOW + dt.timedelta(days=1)))
    with time_machine.travel(NOW):
        page = student_client.get(reverse("studyapp:review")).text
    assert "Nothing is due right now" in page
    assert "Study ahead: 1 card due in the next 3 days" in page
    assert reverse("quizzes:practice") + "?deck=" in page
