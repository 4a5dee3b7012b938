"""The offline batch comes from the review queue's rules: the same cards, order and limits as online, backlog
autopilot and exam plans included."""

import datetime as dt

import pytest
import time_machine

from studyapp import offline, plans, queue
from studyapp.models import CardState
from studyapp.services import reviews
from tests import factories

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.UTC)  # a Monday; learners' days start at 04:00 UTC
NEW, LEARNING, REVIEW = CardState.State.NEW, CardState.State.LEARNING, CardState.State.REVIEW
OFFLINE_URL = "/api/v1/study/offline"


def _deck(user, n: int):
    deck = factories.make_deck(title="Foraminal narrowing")
    section = factories.make_section(deck, kind="drugs", heading="Drug Treatments")
    factories.enroll(user, deck)
    cards = [factories.make_card(deck, section=section, position=i, front=f"Drug {i}") for i in range(n)]
    return deck, [factories.make_card_state(user, card) for card in cards]


def _review(state, *, stability, last_review, due):
    state.state, state.stability, state.difficulty = REVIEW, stability, 5.0
    state.last_review, state.due, state.reps = last_review, due, 3
    state.save()


def _after_a_break(student, *, reviews: int = 30, new: int = 5):
    """Cards due 1..14 days ago with recall spread from lost to safe, two due tomorrow, and some new cards."""
    deck, states = _deck(student, reviews + 2 + new)
    for i, state in enumerate(states[:reviews]):
        due = NOW - dt.timedelta(days=1 + i % 14)
        _review(state, stability=1.0 + i * 3, last_review=NOW - dt.timedelta(days=20 + i % 5), due=due)
    for state in states[reviews : reviews + 2]:
        _review(
            state, stability=30.0, last_review=NOW - dt.timedelta(days=29), due=NOW + dt.timedelta(days=1)
        )
    return deck, states


def _ids(states):
    return [s.pk for s in states]


@time_machine.travel(NOW, tick=False)
def test_todays_offline_cards_are_the_review_pages_cards_in_its_order(student):
    _deck, states = _after_a_break(student, reviews=6)
    learning = states[-1]
    learning.state, learning.step, learning.due = LEARNING, 1, NOW + dt.timedelta(minutes=5)
    learning.save()
    _counts, online = queue.due_cards(student, NOW)
    batch = offline.offline_batch(student, NOW)
    assert _ids(batch.cards[: len(online)]) == _ids(online)
    assert batch.cards[0].pk == queue.build_queue(student, NOW).card_state.pk
    # after today's cards: the two reviews falling due tomorrow
    tomorrow = [s for s in batch.cards[len(online) :] if s.state == REVIEW]
    assert _ids(tomorrow) == _ids(states[6:8])


@time_machine.travel(NOW, tick=False)
def test_while_catching_up_offline_follows_the_autopilot_order_within_the_cap_and_holds_no_new_cards(
    student, student_client
):
    _after_a_break(student)
    plans.start_backlog_plan(user=student, now=NOW, cap=10)
    _counts, online = queue.due_cards(student, NOW)
    online_reviews = [s for s in online if s.state == REVIEW]
    assert len(online_reviews) == 10

    body = student_client.get(OFFLINE_URL).json()
    assert (body["reviews_left_today"], body["reviews_per_day"]) == (10, 10)
    assert (body["new_left_today"], body["new_per_day"]) == (0, 0)
    kept = [c for c in body["cards"] if c["state"] == "Review"]
    # today: the ten the review page shows, lowest predicted recall first; tomorrow: the next ten of the backlog
    assert [c["card_state_id"] for c in kept[:10]] == _ids(online_reviews)
    assert len(kept) == 20
    assert not [c for c in body["cards"] if c["state"] == "New"]
    assert kept[0]["card_state_id"] == queue.build_queue(student, NOW).card_state.pk


@time_machine.travel(NOW, tick=False)
def test_without_a_plan_tomorrows_offline_cards_use_the_days_limits(student):
    student.reviews_per_day, student.new_cards_per_day = 4, 2
    student.save()
    _after_a_break(student, reviews=8)
    batch = offline.offline_batch(student, NOW)
    kinds = [s.state for s in batch.cards]
    # four reviews today, four more tomorrow (the rest of the backlog waits); two new today, two tomorrow
    assert kinds == [REVIEW] * 4 + [NEW] * 2 + [REVIEW] * 4 + [NEW] * 2
    assert (batch.today.review, batch.today.new, batch.per_day.reviews_per_day) == (4, 2, 4)


@time_machine.travel(NOW, tick=False)
def test_a_card_brought_forward_for_an_exam_is_kept_offline_with_the_exams_intervals(student, student_client):
    deck, (state, *_) = _deck(student, 1)
    # due in 40 days, past an exam in 30 that it would reach below the target: the exam brings it to today
    _review(state, stability=40.0, last_review=NOW - dt.timedelta(days=25), due=NOW + dt.timedelta(days=40))
    assert [s.pk for s in offline.offline_batch(student, NOW).cards] == []
    plans.set_exam_plan(
        user=student, deck=deck, section=None, exam_date=dt.date(2025, 4, 2), target=0.95, now=NOW
    )
    state.refresh_from_db()
    assert state.due == NOW
    body = student_client.get(OFFLINE_URL).json()
    (card,) = body["cards"]
    online = reviews.preview_for(state, NOW, reviews.config_for(student, NOW))
    assert {o["rating"]: (o["interval"], dt.datetime.fromisoformat(o["due"])) for o in card["outcomes"]} == {
        r: (o.label, o.memory.due) for r, o in online.items()
    }
