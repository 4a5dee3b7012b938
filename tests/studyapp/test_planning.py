"""The planning rules, pinned to exact dates on small cases (pure: no database)."""

import datetime as dt

import pytest

from studyapp import planning
from studyapp.planning import Exam, Overdue
from studyapp.scheduling import NEW, REVIEW, Config, Memory, Rating, answer

START = dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.UTC)  # a Monday
NO_FUZZ = Config(fuzz=False)


def _learned(goods: int) -> Memory:
    """A new card answered Good `goods` times, each on its due date."""
    memory, now = Memory(), START
    for _ in range(goods):
        memory = answer(memory, Rating.GOOD, now, NO_FUZZ, "").memory
        now = memory.due
    return memory


def _due_after(memory: Memory, rating: Rating, exams) -> dt.date:
    return planning.answer(memory, rating, memory.due, NO_FUZZ, "", exams=exams).memory.due.date()


def test_without_exams_the_plan_changes_nothing():
    card = _learned(3)  # stability 11 days, due 16 March
    assert _due_after(card, Rating.GOOD, []) == dt.date(2025, 5, 1)
    assert _due_after(card, Rating.GOOD, [Exam(days_to_exam=-3)]) == dt.date(2025, 5, 1)


def test_exam_tomorrow_brings_a_just_learned_card_back_on_the_exam_day():
    card = _learned(1)  # in learning; Good graduates it on 3 March with a 2-day interval
    assert card.state != REVIEW
    assert _due_after(card, Rating.GOOD, []) == dt.date(2025, 3, 5)
    assert _due_after(card, Rating.GOOD, [Exam(days_to_exam=1)]) == dt.date(2025, 3, 4)


def test_exam_tomorrow_leaves_a_card_that_is_already_safe_alone():
    card = _learned(3)
    # the ramp shortens 46 days to 20, but recall tomorrow is above 0.95: no extra review before the exam
    assert _due_after(card, Rating.GOOD, [Exam(days_to_exam=1)]) == dt.date(2025, 4, 5)


def test_exam_in_30_days_reviews_the_card_on_the_last_day_it_is_still_at_the_target():
    card = _learned(3)  # answered on 16 March; on its own it would next come on 1 May, after the exam
    assert _due_after(card, Rating.GOOD, [Exam(days_to_exam=30)]) == dt.date(2025, 4, 3)
    after = planning.answer(card, Rating.GOOD, card.due, NO_FUZZ, "").memory
    assert (
        planning.recall_after(after.stability, 18, NO_FUZZ)
        >= 0.95
        > planning.recall_after(after.stability, 19, NO_FUZZ)
    )


def test_an_interval_that_ends_before_the_exam_is_kept():
    card = _learned(2)  # Good gives 11 days, exam in 30
    assert _due_after(card, Rating.GOOD, [Exam(days_to_exam=30)]) == dt.date(2025, 3, 16)


def test_two_exams_the_nearer_one_caps_first():
    card = _learned(2)  # due 5 March
    assert _due_after(card, Rating.GOOD, [Exam(days_to_exam=5), Exam(days_to_exam=30)]) == dt.date(2025, 3, 9)
    assert _due_after(card, Rating.GOOD, [Exam(days_to_exam=10), Exam(days_to_exam=40)]) == dt.date(
        2025, 3, 14
    )


def test_without_the_exam_a_card_gets_back_the_interval_its_answer_gives_without_one():
    card = _learned(3)
    for config, seed in [(NO_FUZZ, ""), (Config(), "7:3")]:
        capped = planning.answer(card, Rating.GOOD, card.due, config, seed, exams=[Exam(30)]).memory
        plain = planning.answer(card, Rating.GOOD, card.due, config, seed).memory
        assert capped.due < plain.due
        days = planning.relaxed_interval(capped, config, seed)
        assert capped.last_review + dt.timedelta(days=days) == plain.due
    assert planning.relaxed_interval(capped, NO_FUZZ, "") == 46


def test_a_remaining_exam_still_caps_the_relaxed_interval():
    card = _learned(3)
    after = planning.answer(card, Rating.GOOD, card.due, NO_FUZZ, "", exams=[Exam(10)]).memory
    assert planning.relaxed_interval(after, NO_FUZZ, "", [Exam(30)]) == 18
    assert planning.relaxed_interval(after, NO_FUZZ, "", [Exam(-1)]) == 46  # a past exam holds nothing


def test_labels_show_the_capped_interval():
    card = _learned(3)
    labels = {r: o.label for r, o in planning.preview(card, card.due, NO_FUZZ, "", exams=[Exam(30)]).items()}
    assert labels[Rating.GOOD] == "18d"


@pytest.mark.parametrize(
    ("days_to_exam", "expected"),
    [(30, 0.9), (14, 0.9), (7, 0.925), (1, 0.9464), (0, 0.9), (-5, 0.9)],
)
def test_desired_retention_ramps_to_the_target_in_the_last_two_weeks(days_to_exam, expected):
    assert planning.ramped_retention(0.9, [Exam(days_to_exam)]) == expected


def test_a_learner_already_above_the_target_keeps_their_retention():
    assert planning.ramped_retention(0.97, [Exam(3)]) == 0.97


def test_new_cards_are_paced_to_be_introduced_two_days_before_the_exam():
    pace = planning.new_card_pace(100, dt.date(2025, 3, 3), dt.date(2025, 4, 2), limit=20)
    assert (pace.per_day, pace.last_day, pace.fits, pace.warning) == (4, dt.date(2025, 3, 30), True, "")


def test_exam_tomorrow_needs_every_new_card_today_and_warns_over_the_limit():
    pace = planning.new_card_pace(100, dt.date(2025, 3, 3), dt.date(2025, 3, 4), limit=20)
    assert (pace.per_day, pace.last_day, pace.fits) == (100, dt.date(2025, 3, 3), False)
    assert "needs 100 a day, over your limit of 20" in pace.warning


def test_a_cap_smaller_than_the_due_count_carries_the_rest_to_the_next_days():
    plan = planning.spread_backlog([150, 80, 80, 80, 80], dt.date(2025, 3, 3), cap=100)
    assert [n for _, n in plan.days] == [100, 100, 100, 90, 80]
    assert plan.cleared_on == dt.date(2025, 3, 6)
    assert plan.days_to_clear == 3


def test_after_a_break_easy_weekend_days_take_half_the_cap():
    due = [1000] + [60] * 13  # a 14-day break left 1,000 overdue on Monday 3 March
    plan = planning.spread_backlog(due, dt.date(2025, 3, 3), cap=200, weights={5: 0.5, 6: 0.5})
    assert [n for _, n in plan.days[:9]] == [200, 200, 200, 200, 200, 100, 100, 200, 80]
    assert plan.cleared_on == dt.date(2025, 3, 11)


def test_a_cap_that_never_clears_says_so():
    plan = planning.spread_backlog([500, 100, 100], dt.date(2025, 3, 3), cap=100)
    assert plan.cleared_on is None and plan.days_to_clear is None


def test_cap_for_a_number_of_days_covers_the_backlog_and_the_regular_load():
    assert planning.cap_for_days(1000, 7, daily_due=40.5) == 184


def test_backlog_order_lowest_recall_first_then_lost_then_safe():
    cards = [Overdue(1, 0.95), Overdue(2, 0.2), Overdue(3, 0.7), Overdue(4, 0.55), Overdue(5, 0.45)]
    assert [c.key for c in planning.backlog_order(cards)] == [4, 3, 2, 5, 1]
    since = [Overdue(6, 0.6, in_backlog=False), Overdue(7, 0.99)]
    assert [c.key for c in planning.backlog_order(since)] == [7, 6]


def test_load_balancing_moves_a_review_to_the_lightest_day_in_the_fuzz_range():
    today = dt.date(2025, 3, 3)
    load = {today + dt.timedelta(days=d): 30 for d in range(8, 13)}
    load[today + dt.timedelta(days=11)] = 5
    assert planning.balanced_days(10, today, load, 36500) == 11


def test_easy_days_are_avoided_when_another_day_in_range_is_free():
    today = dt.date(2025, 3, 3)  # day 12 is Saturday 15 March, day 13 Sunday
    assert planning.balanced_days(12, today, {}, 36500, weights={5: 0.0, 6: 0.0}) == 11
    assert planning.balanced_days(2, today, {}, 36500, weights={2: 0.0}) == 2  # no fuzz under 2.5 days


def _deck(cards: int) -> list[Memory]:
    return [Memory(state=NEW)] * cards


def test_workload_simulator_is_seeded_and_higher_retention_costs_more():
    limits = planning.Limits(new_per_day=5, reviews_per_day=100)
    runs = {
        r: planning.simulate_workload(
            memories=_deck(30),
            config=Config(desired_retention=r),
            start=START,
            days=20,
            limits=limits,
            runs=1,
            seed=3,
        )
        for r in (0.85, 0.95)
    }
    again = planning.simulate_workload(
        memories=_deck(30),
        config=Config(desired_retention=0.85),
        start=START,
        days=20,
        limits=limits,
        runs=1,
        seed=3,
    )
    assert again.reviews == runs[0.85].reviews
    assert runs[0.85].reviews[:6] != [0] * 6 and len(runs[0.85].minutes) == 20
    assert sum(runs[0.95].reviews) > sum(runs[0.85].reviews)
    assert runs[0.95].recall > runs[0.85].recall
