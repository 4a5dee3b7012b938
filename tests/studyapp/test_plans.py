"""Exam and backlog plans end to end: the queue, the answer buttons, the due forecast and the dashboard honour
them."""

import dataclasses
import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from studyapp import plans, queue, stats
from studyapp.models import BacklogPlan, CardState, ExamPlan
from studyapp.scheduling import Rating
from studyapp.services import reviews
from tests import factories

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.UTC)  # a Monday; learners' days start at 04:00 UTC
REVIEW = CardState.State.REVIEW


def _deck_with_cards(user, n: int, *, heading="Drug Treatments"):
    deck = factories.make_deck(title="Foraminal narrowing")
    section = factories.make_section(deck, kind="drugs", heading=heading)
    factories.enroll(user, deck)
    states = []
    for i in range(n):
        card = factories.make_card(deck, section=section, position=i, front=f"Drug {i}")
        states.append(factories.make_card_state(user, card))
    return deck, section, states


def _in_review(state, *, stability: float, last_review: dt.datetime, due: dt.datetime) -> CardState:
    state.state, state.stability, state.difficulty = REVIEW, stability, 5.0
    state.last_review, state.due, state.reps = last_review, due, 3
    state.save()
    return state


# --- Exam plans ---------------------------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_an_exam_brings_forward_a_card_that_would_reach_it_below_the_target(student):
    deck, _section, (state, *_) = _deck_with_cards(student, 1)
    # reviewed today, stability 46 days, next due in 46 days: after an exam in 30 days
    _in_review(state, stability=46.3, last_review=NOW, due=NOW + dt.timedelta(days=46))
    plans.set_exam_plan(
        user=student, deck=deck, section=None, exam_date=dt.date(2025, 4, 2), target=0.95, now=NOW
    )
    state.refresh_from_db()
    # the last day its predicted recall is still 0.95, as planning.last_review_offset pins
    assert state.due.date() == dt.date(2025, 3, 21)
    forecast = dict(stats.forecast(student, NOW))
    assert forecast[dt.date(2025, 3, 21)] == 1


@time_machine.travel(NOW, tick=False)
def test_a_card_safe_until_the_exam_is_left_alone(student):
    deck, _section, (state, *_) = _deck_with_cards(student, 1)
    _in_review(state, stability=200.0, last_review=NOW, due=NOW + dt.timedelta(days=200))
    plans.set_exam_plan(
        user=student, deck=deck, section=None, exam_date=dt.date(2025, 3, 20), target=0.95, now=NOW
    )
    state.refresh_from_db()
    assert state.due.date() == dt.date(2025, 9, 19)


def test_answer_buttons_and_answers_respect_the_exam_and_relax_after_it(student):
    deck, section, (state, *_) = _deck_with_cards(student, 1)
    _in_review(state, stability=11.0, last_review=NOW - dt.timedelta(days=11), due=NOW)
    ExamPlan.objects.create(user=student, deck=deck, section=section, exam_date=dt.date(2025, 4, 2))
    state.refresh_from_db()
    config = reviews.config_for(student, NOW)
    labels = {r: o.interval.days for r, o in reviews.preview_for(state, NOW, config).items()}
    assert labels[Rating.GOOD] < 30  # without the exam: about 46 days
    result = reviews.record_review(
        user=student, card_state_id=state.pk, rating=3, shown_version=state.version, duration_ms=5000, now=NOW
    )
    assert result.recorded
    state.refresh_from_db()
    assert (state.due - NOW).days == labels[Rating.GOOD]
    assert state.due.date() < dt.date(2025, 4, 2)
    # after the exam the learner's own desired retention applies again: the interval jumps past the old date
    later = state.due + dt.timedelta(days=1)
    config = reviews.config_for(student, dt.datetime(2025, 4, 3, 9, tzinfo=dt.UTC))
    relaxed = reviews.preview_for(state, later, config)[Rating.GOOD]
    assert relaxed.interval.days > labels[Rating.GOOD]


def test_an_exam_on_one_list_leaves_the_other_lists_alone(student):
    deck, _section, (state, *_) = _deck_with_cards(student, 1)
    other = factories.make_section(deck, kind="symptoms", heading="Symptoms", position=1)
    ExamPlan.objects.create(user=student, deck=deck, section=other, exam_date=dt.date(2025, 3, 10))
    _in_review(state, stability=11.0, last_review=NOW - dt.timedelta(days=11), due=NOW)
    config = reviews.config_for(student, NOW)
    assert reviews.preview_for(state, NOW, config)[Rating.GOOD].interval.days > 30


def _good(student, state, now):
    state.refresh_from_db()
    result = reviews.record_review(
        user=student, card_state_id=state.pk, rating=3, shown_version=state.version, duration_ms=5000, now=now
    )
    assert result.recorded
    state.refresh_from_db()
    return state


def test_removing_an_exam_gives_its_cards_the_dates_they_would_have_had_without_it(student, student_client):
    deck, _section, (state, *_) = _deck_with_cards(student, 1)
    _in_review(state, stability=11.0, last_review=NOW - dt.timedelta(days=11), due=NOW)
    without_exam = reviews.preview_for(state, NOW, reviews.config_for(student, NOW))[Rating.GOOD].memory.due
    with time_machine.travel(NOW, tick=False):
        plan = plans.set_exam_plan(
            user=student, deck=deck, section=None, exam_date=dt.date(2025, 4, 2), target=0.95, now=NOW
        )
        tight = _good(student, state, NOW).due
    assert tight.date() < dt.date(2025, 4, 2) < without_exam.date()
    later = NOW + dt.timedelta(days=5)
    with time_machine.travel(later, tick=False):
        response = student_client.post(reverse("studyapp:exam-plan-delete", args=[plan.pk]))
        assert response.status_code == 302
        state.refresh_from_db()
        assert state.due == without_exam and not ExamPlan.objects.exists()
        forecast = dict(stats.forecast(student, later, days=60))
        assert forecast.get(tight.date(), 0) == 0 and forecast[without_exam.date()] == 1


@time_machine.travel(NOW, tick=False)
def test_after_removing_an_exam_cards_already_due_stay_due_and_none_comes_earlier(student):
    deck, _section, (weak, early) = _deck_with_cards(student, 2)
    # brought forward to today by the exam (alone it would come in 15 days): stays due today
    _in_review(weak, stability=40.0, last_review=NOW - dt.timedelta(days=25), due=NOW + dt.timedelta(days=40))
    # set by hand later than its normal interval (as after a break): not pulled earlier
    _in_review(early, stability=2.0, last_review=NOW, due=NOW + dt.timedelta(days=20))
    plan = plans.set_exam_plan(
        user=student, deck=deck, section=None, exam_date=dt.date(2025, 4, 2), target=0.95, now=NOW
    )
    weak.refresh_from_db()
    assert weak.due == NOW
    assert plans.remove_exam_plan(user=student, plan_id=plan.pk, now=NOW) == 0
    for state, due in [(weak, NOW), (early, NOW + dt.timedelta(days=20))]:
        state.refresh_from_db()
        assert state.due == due


@time_machine.travel(NOW, tick=False)
def test_removing_one_of_two_exams_leaves_the_card_held_for_the_other(student):
    deck, section, (state, *_) = _deck_with_cards(student, 1)
    _in_review(state, stability=46.3, last_review=NOW, due=NOW + dt.timedelta(days=46))
    near = plans.set_exam_plan(
        user=student, deck=deck, section=section, exam_date=dt.date(2025, 3, 25), target=0.97, now=NOW
    )
    plans.set_exam_plan(
        user=student, deck=deck, section=None, exam_date=dt.date(2025, 4, 2), target=0.95, now=NOW
    )
    state.refresh_from_db()
    assert state.due.date() == dt.date(2025, 3, 13)
    assert plans.remove_exam_plan(user=student, plan_id=near.pk, now=NOW) == 1
    state.refresh_from_db()
    # the date the 2 April exam alone gives (see the first test of this file)
    assert state.due.date() == dt.date(2025, 3, 21)


# --- Backlog plans ------------------------------------------------------------------------------------------


def _backlog(student, n: int = 30, new: int = 5):
    deck, _section, states = _deck_with_cards(student, n + new)
    for i, state in enumerate(states[:n]):
        # after a 14-day break: cards due 1..14 days ago, with stabilities so recall spreads from lost to safe
        _in_review(
            state,
            stability=1.0 + i * 3,
            last_review=NOW - dt.timedelta(days=20 + i % 5),
            due=NOW - dt.timedelta(days=1 + i % 14),
        )
    return deck, states


@time_machine.travel(NOW, tick=False)
def test_a_backlog_plan_caps_reviews_pauses_new_cards_and_shows_the_slipping_cards_first(student):
    _deck, states = _backlog(student)
    before = queue.build_queue(student, NOW)
    assert (before.counts.review, before.counts.new) == (30, 5)
    plans.start_backlog_plan(user=student, now=NOW, cap=10)
    built = queue.build_queue(student, NOW)
    assert (built.counts.review, built.counts.new) == (10, 0)
    config = reviews.config_for(student, NOW)
    recall = {s.pk: _recall(s, config) for s in states[:30]}
    at_risk = [pk for pk, r in recall.items() if 0.5 <= r < 0.85]
    assert built.card_state.pk == min(at_risk, key=recall.get)


def _recall(state, config):
    state.refresh_from_db()
    return reviews.scheduling.retrievability(reviews.memory_of(state), NOW, config)


@time_machine.travel(NOW, tick=False)
def test_a_backlog_plan_for_a_number_of_days_sets_the_cap_and_the_forecast_spreads_the_backlog(student):
    _backlog(student)
    plan = plans.start_backlog_plan(user=student, now=NOW, days=3)
    assert plan.daily_cap == 10  # 30 overdue over 3 days, nothing else due in the next two weeks
    summary = plans.for_dashboard(student, NOW, stats.forecast(student, NOW))
    assert [n for _, n in summary.forecast[:4]] == [10, 10, 10, 0]
    assert summary.catch_up.remaining == 30 and summary.catch_up.finish_on == dt.date(2025, 3, 5)


def test_catching_up_ends_when_the_backlog_is_seen_and_new_cards_come_back(student):
    _backlog(student, n=3, new=2)
    plans.start_backlog_plan(user=student, now=NOW, cap=2)
    for day in range(2):
        now = NOW + dt.timedelta(days=day)
        with time_machine.travel(now, tick=False):
            built = queue.build_queue(student, now)
            assert built.counts.new == 0
            while built.card_state is not None and built.card_state.state == REVIEW:
                reviews.record_review(
                    user=student,
                    card_state_id=built.card_state.pk,
                    rating=3,
                    shown_version=built.card_state.version,
                    duration_ms=4000,
                    now=now,
                )
                built = queue.build_queue(student, now)
    assert queue.build_queue(student, NOW + dt.timedelta(days=1)).counts.new == 2
    plans.for_dashboard(
        student, NOW + dt.timedelta(days=1), stats.forecast(student, NOW + dt.timedelta(days=1))
    )
    assert BacklogPlan.objects.get(user=student).finished_at is not None


@time_machine.travel(NOW, tick=False)
def test_the_dashboard_says_how_long_catching_up_takes_and_lists_exams(student, student_client):
    deck, _states = _backlog(student)
    plans.start_backlog_plan(user=student, now=NOW, cap=10)
    ExamPlan.objects.create(user=student, deck=deck, exam_date=dt.date(2025, 4, 2))
    html = student_client.get(reverse("home")).content.decode()
    assert "Catching up: 30 overdue cards left" in html
    assert "caught up by Wednesday 5 March" in html
    assert "Exam on Foraminal narrowing: Wednesday 2 April" in html
    # the forecast table shows what will be studied: 10 a day
    assert "<td>10</td>" in html and "<td>30</td>" not in html


# --- Load balancing and easy days ---------------------------------------------------------------------------


def _crowded_except(student, deck, section, free_offsets, around: range, per_day=lambda offset: 10):
    """Review cards due on each day in `around` (ten, or `per_day(offset)`), none on the `free_offsets` days."""
    for offset in around:
        if offset in free_offsets:
            continue
        for _ in range(per_day(offset)):
            card = factories.make_card(deck, section=section)
            factories.make_card_state(
                student, card, state=REVIEW, stability=50.0, difficulty=5.0,
                last_review=NOW, due=NOW + dt.timedelta(days=offset),
            )  # fmt: skip


def test_load_balancing_moves_a_review_to_the_free_day_in_its_fuzz_range_and_the_label_says_so(student):
    deck, section, (state, *_) = _deck_with_cards(student, 1)
    _in_review(state, stability=10.97, last_review=NOW - dt.timedelta(days=11), due=NOW)
    natural = _unfuzzed_good(state)  # 35 days; the fuzz range is 31..39
    _crowded_except(student, deck, section, {natural - 2}, range(natural - 6, natural + 7))
    student.load_balancing = True
    student.save()
    config = reviews.config_for(student, NOW)
    assert reviews.preview_for(state, NOW, config)[Rating.GOOD].interval.days == natural - 2
    reviews.record_review(
        user=student, card_state_id=state.pk, rating=3, shown_version=state.version, duration_ms=5000, now=NOW
    )
    state.refresh_from_db()
    assert state.due == NOW + dt.timedelta(days=natural - 2)


def _unfuzzed_good(state) -> int:
    config = dataclasses.replace(reviews.config_for(state.user, NOW), fuzz=False)
    return reviews.preview_for(state, NOW, config)[Rating.GOOD].interval.days


def test_easy_days_take_reviews_only_when_the_other_days_are_fuller(student):
    deck, section, (state, *_) = _deck_with_cards(student, 1)
    _in_review(state, stability=10.97, last_review=NOW - dt.timedelta(days=11), due=NOW)
    natural = _unfuzzed_good(state)
    weekend = {
        offset
        for offset in range(natural - 6, natural + 7)
        if (NOW + dt.timedelta(days=offset)).weekday() >= 5
    }
    # the weekend is a little lighter (6 due against 10): plain load balancing picks it ...
    _crowded_except(
        student, deck, section, set(), range(natural - 6, natural + 7), lambda o: 6 if o in weekend else 10
    )
    student.load_balancing = True
    student.save()
    balanced = reviews.preview_for(state, NOW, reviews.config_for(student, NOW))[Rating.GOOD].interval.days
    assert balanced in weekend
    # ... but as easy days (half weight) it counts as fuller than the weekdays
    student.easy_days = [5, 6]
    student.save()
    days = reviews.preview_for(state, NOW, reviews.config_for(student, NOW))[Rating.GOOD].interval.days
    assert days not in weekend and abs(days - natural) <= 4


def test_study_settings_save_load_balancing_and_easy_days(student_client, student):
    response = student_client.post(
        reverse("study-settings"),
        {
            "time_zone": "UTC",
            "day_start_hour": 4,
            "desired_retention": 0.9,
            "new_cards_per_day": 20,
            "reviews_per_day": 200,
            "learning_steps": "1m 10m",
            "relearning_steps": "10m",
            "maximum_interval_days": 36500,
            "leech_threshold": 8,
            "load_balancing": "on",
            "easy_days": ["5", "6"],
        },
    )
    assert response.status_code == 302
    student.refresh_from_db()
    assert (student.load_balancing, student.easy_days) == (True, [5, 6])


@time_machine.travel(NOW, tick=False)
def test_the_api_card_list_follows_the_autopilot_order_within_the_cap(student):
    _backlog(student)
    plans.start_backlog_plan(user=student, now=NOW, cap=10)
    counts, cards = queue.due_cards(student, NOW)
    reviews_listed = [c for c in cards if c.state == REVIEW]
    assert counts.review == 10 and len(reviews_listed) == 10
    assert reviews_listed[0].pk == queue.build_queue(student, NOW).card_state.pk
    assert not [c for c in cards if c.state == CardState.State.NEW]
