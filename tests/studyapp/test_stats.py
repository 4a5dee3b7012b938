"""Dashboard figures against hand-computed values. The learner lives in New York (UTC-4 in June) and their day
starts at 4 AM, so 08:00 UTC is the day boundary."""

import datetime as dt

import pytest
import time_machine
from django.db.models import Sum

from studyapp import stats
from studyapp.models import CardState, ParameterFit, Review, ReviewDay
from studyapp.scheduling import DEFAULT_DECAY, forgetting_curve
from tests import factories

pytestmark = pytest.mark.django_db

NEW, LEARNING, REVIEW, RELEARNING = (
    CardState.State.NEW,
    CardState.State.LEARNING,
    CardState.State.REVIEW,
    CardState.State.RELEARNING,
)
NOW = dt.datetime(2026, 6, 10, 15, 0, tzinfo=dt.UTC)  # 11:00 in New York, study day 10 June


def utc(month, day, hour, minute=0):
    return dt.datetime(2026, month, day, hour, minute, tzinfo=dt.UTC)


@pytest.fixture
def learner():
    return factories.make_user(
        "nyc", time_zone="America/New_York", day_start_hour=4, new_cards_per_day=3, reviews_per_day=3
    )


@pytest.fixture
def deck(learner):
    deck = factories.make_deck(title="Neuro")
    factories.enroll(learner, deck)
    return deck


def card_with_state(learner, deck, item=None, **state):
    card = factories.make_card(deck, item=item)
    factories.make_card_state(learner, card, **state)
    return card


@pytest.fixture
def history(learner, deck):
    """Reviews spread around day boundaries; comments give each one's learner day."""
    card = factories.make_card(deck)
    r = factories.make_review
    r(learner, card, reviewed_at=utc(6, 10, 7, 30), state_before=LEARNING)  # 03:30 local: still 9 June
    r(learner, card, reviewed_at=utc(6, 10, 8, 30), state_before=NEW, duration_ms=90_000)  # 10 June
    r(
        learner, card, reviewed_at=utc(6, 10, 12), rating=1, last_interval_days=5, duration_ms=150_000
    )  # 10 June
    r(
        learner, card, reviewed_at=utc(6, 9, 12), rating=1, source=Review.Source.QUIZ
    )  # a quiz answer: not counted
    r(learner, card, reviewed_at=utc(6, 8, 12), rating=3, last_interval_days=10)  # 8 June, young pass
    r(learner, card, reviewed_at=utc(6, 6, 12), rating=4, last_interval_days=30)  # 6 June, mature pass
    r(
        learner, card, reviewed_at=utc(6, 4, 7), rating=3, last_interval_days=25
    )  # 03:00 local: 3 June, mature pass
    r(learner, card, reviewed_at=utc(5, 20, 12), rating=1, last_interval_days=40)  # mature fail
    r(learner, card, reviewed_at=utc(5, 1, 12), rating=2, last_interval_days=2)  # young pass (Hard passes)
    return card


EXPECTED_PER_DAY = {
    dt.date(2026, 6, 10): 2,
    dt.date(2026, 6, 9): 1,
    dt.date(2026, 6, 8): 1,
    dt.date(2026, 6, 6): 1,
    dt.date(2026, 6, 3): 1,
    dt.date(2026, 5, 20): 1,
    dt.date(2026, 5, 1): 1,
}


def test_reviews_are_counted_on_the_learners_day(learner, history):
    assert stats.reviews_per_day(learner, NOW) == EXPECTED_PER_DAY


def test_the_same_reviews_fall_on_other_days_for_a_learner_in_tokyo_with_midnight_rollover(learner, history):
    learner.time_zone, learner.day_start_hour = "Asia/Tokyo", 0
    days = stats.reviews_per_day(learner, NOW)
    # 10 June 07:30 and 08:30 UTC are 16:30 and 17:30 in Tokyo; 12:00 UTC is 21:00: all on 10 June.
    assert days[dt.date(2026, 6, 10)] == 3
    assert dt.date(2026, 6, 9) not in days
    assert days[dt.date(2026, 6, 4)] == 1  # 07:00 UTC on 4 June is 16:00 in Tokyo


def test_reviews_done_and_minutes_today_count_only_this_learner_day(learner, history):
    figures = stats.today(learner, NOW)
    assert (figures.date, figures.reviews_done, figures.minutes) == (dt.date(2026, 6, 10), 2, 4)


def test_streak_runs_back_from_today_through_consecutive_days(learner, history):
    assert stats.learner_dashboard(learner, NOW).streak == 3  # 10, 9 and 8 June; 7 June has none


def test_no_review_yet_today_keeps_the_streak_that_ran_through_yesterday(learner, history):
    morning = utc(6, 11, 9)  # 05:00 in New York on 11 June: a new day without reviews
    assert stats.learner_dashboard(learner, morning).streak == 3
    assert stats.learner_dashboard(learner, utc(6, 12, 9)).streak == 0


@pytest.mark.parametrize(
    ("days", "today", "expected"),
    [
        ({dt.date(2026, 1, 5)}, dt.date(2026, 1, 5), 1),
        ({dt.date(2026, 1, 4)}, dt.date(2026, 1, 5), 1),
        ({dt.date(2026, 1, 3)}, dt.date(2026, 1, 5), 0),
        (set(), dt.date(2026, 1, 5), 0),
        ({dt.date(2026, 1, 5), dt.date(2026, 1, 4), dt.date(2026, 1, 2)}, dt.date(2026, 1, 5), 2),
    ],
)
def test_streak_length(days, today, expected):
    assert stats.streak_length(days, today) == expected


def test_heatmap_covers_a_year_ending_today_with_levels_relative_to_the_busiest_day():
    per_day = {dt.date(2026, 6, 10): 4, dt.date(2026, 6, 9): 1, dt.date(2025, 6, 10): 9}
    cells = stats.heatmap(per_day, dt.date(2026, 6, 10))
    assert len(cells) == 365
    assert cells[0].date == dt.date(2025, 6, 11)  # a year ago is outside: it does not set the scale
    assert [(c.date, c.count, c.level) for c in cells[-2:]] == [
        (dt.date(2026, 6, 9), 1, 1),
        (dt.date(2026, 6, 10), 4, 4),
    ]
    assert sum(c.count for c in cells) == 5


def test_true_retention_by_window_young_and_mature(learner, history):
    rows = {
        r.days: (r.young_passed, r.young_total, r.mature_passed, r.mature_total)
        for r in stats.retention(learner, NOW)
    }
    assert rows == {
        7: (1, 2, 1, 1),  # 3 June 03:00 local belongs to 3 June, outside the 7 days from 4 June
        30: (1, 2, 2, 3),
        365: (2, 3, 2, 3),
    }
    seven = stats.retention(learner, NOW)[0]
    assert (seven.young, seven.mature, seven.all) == (0.5, 1.0, pytest.approx(2 / 3))


def test_retention_is_none_without_reviews(learner):
    assert [(r.young, r.mature, r.all) for r in stats.retention(learner, NOW)] == [(None, None, None)] * 3


@pytest.fixture
def queue(learner, deck, history):
    """One card of each kind; comments say whether it counts as due today."""
    for _ in range(3):
        card_with_state(learner, deck, state=NEW)
    card_with_state(learner, deck, state=REVIEW, due=utc(6, 1, 12))  # overdue
    card_with_state(learner, deck, state=REVIEW, due=utc(6, 11, 7))  # 03:00 local on 11 June: still today
    card_with_state(learner, deck, state=REVIEW, due=utc(6, 11, 9))  # tomorrow
    card_with_state(learner, deck, state=LEARNING, due=utc(6, 10, 16))
    card_with_state(learner, deck, state=RELEARNING, due=utc(6, 10, 14))
    card_with_state(learner, deck, state=REVIEW, due=utc(6, 1, 12), suspended=True)
    card_with_state(learner, deck, state=REVIEW, due=utc(6, 5, 12), buried_until=dt.date(2026, 6, 11))
    card_with_state(learner, deck, state=REVIEW, due=utc(7, 10, 7))  # 9 July: the 30th day
    card_with_state(learner, deck, state=REVIEW, due=utc(7, 10, 9))  # 10 July: beyond the forecast
    dropped = factories.make_deck(title="Dropped")
    factories.enroll(learner, dropped, active=False)
    card_with_state(learner, dropped, state=REVIEW, due=utc(6, 1, 12))


def test_today_counts_due_new_and_learning_within_the_daily_limits(learner, queue):
    figures = stats.today(learner, NOW)
    # 2 due (limit 3 less the 1 review-state review done today), 2 new (limit 3 less the 1 introduced today)
    assert (figures.due, figures.new, figures.learning, figures.to_study) == (2, 2, 2, 6)


def test_a_spent_review_limit_leaves_nothing_due(learner, queue):
    learner.reviews_per_day = 1
    learner.new_cards_per_day = 0
    figures = stats.today(learner, NOW)
    assert (figures.due, figures.new, figures.learning) == (0, 0, 2)


def test_forecast_puts_overdue_on_today_and_counts_30_learner_days(learner, queue):
    days = stats.forecast(learner, NOW)
    assert len(days) == 30
    assert days[0] == (dt.date(2026, 6, 10), 5)  # overdue, 03:00 tomorrow, learning, relearning, buried
    assert days[1] == (dt.date(2026, 6, 11), 1)
    assert days[29] == (dt.date(2026, 7, 9), 1)
    assert sum(n for _, n in days) == 7


@pytest.fixture
def knowledge(learner):
    """Two decks, two lists; each studied card with its stability and days since its last review."""
    neuro = factories.make_deck(title="Neuro")
    cardio = factories.make_deck(title="Cardio")
    for deck in (neuro, cardio):
        factories.enroll(learner, deck)
    causes = factories.make_section(neuro, kind="causes")
    drugs = factories.make_section(neuro, kind="drugs", position=1)
    cardio_causes = factories.make_section(cardio, kind="causes")
    studied = NOW - dt.timedelta(days=10)
    card_with_state(
        learner,
        neuro,
        factories.make_item(causes, "Metastasis"),
        state=REVIEW,
        stability=30.0,
        last_review=studied,
        lapses=0,
    )
    card_with_state(
        learner,
        neuro,
        factories.make_item(causes, "Myeloma"),
        state=REVIEW,
        stability=5.0,
        last_review=NOW - dt.timedelta(days=2),
        lapses=1,
    )
    card_with_state(learner, neuro, factories.make_item(drugs, "Dexamethasone"), state=NEW)
    card_with_state(
        learner,
        cardio,
        factories.make_item(cardio_causes, "Lymphoma"),
        state=REVIEW,
        stability=21.0,
        last_review=NOW,
        lapses=0,
    )
    card_with_state(
        learner,
        cardio,
        factories.make_item(cardio_causes, "Chordoma"),
        state=RELEARNING,
        stability=5.0,
        last_review=NOW - dt.timedelta(days=2),
        lapses=4,
    )


def test_mastery_by_deck_counts_cards_with_stability_of_21_days_and_averages_predicted_recall(
    learner, knowledge
):
    rows = stats.mastery_by_deck(learner, NOW, DEFAULT_DECAY)
    assert [(m.label, m.cards, m.mastered, m.studied) for m in rows] == [
        ("Cardio", 2, 1, 2),
        ("Neuro", 3, 1, 2),
    ]
    cardio, neuro = rows
    assert cardio.recall == pytest.approx((1.0 + forgetting_curve(2, 5)) / 2)
    assert neuro.recall == pytest.approx((forgetting_curve(10, 30) + forgetting_curve(2, 5)) / 2)
    assert (cardio.share, neuro.share) == (0.5, pytest.approx(1 / 3))


def test_mastery_by_list_groups_every_deck_by_section_kind(learner, knowledge):
    rows = stats.mastery_by_list(learner, NOW, DEFAULT_DECAY)
    assert [(m.label, m.cards, m.mastered) for m in rows] == [("Causes", 4, 2), ("Drug treatments", 1, 0)]
    assert rows[0].recall == pytest.approx((forgetting_curve(10, 30) + 2 * forgetting_curve(2, 5) + 1.0) / 4)
    assert rows[1].recall is None


def test_a_fitted_decay_changes_predicted_recall(learner, knowledge):
    ParameterFit.objects.create(user=learner, parameters=[0.0] * 20 + [0.5], review_count=1000)
    figures = stats.learner_dashboard(learner, NOW)
    assert figures.decay == 0.5
    neuro = next(m for m in figures.by_deck if m.label == "Neuro")
    assert neuro.recall == pytest.approx((forgetting_curve(10, 30, 0.5) + forgetting_curve(2, 5, 0.5)) / 2)


def test_the_dashboard_reads_a_fitted_decay_clamped_as_the_scheduler_uses_it(learner, knowledge):
    ParameterFit.objects.create(user=learner, parameters=[1.0] * 20 + [5.0], review_count=1000)
    assert stats.learner_dashboard(learner, NOW).decay == 0.8  # fsrs's upper bound for parameters[20]


def test_weakest_items_come_lowest_recall_first_then_most_lapses(learner, knowledge):
    weakest = stats.weakest_items(learner, NOW, DEFAULT_DECAY)
    assert [(w.term, w.lapses) for w in weakest] == [
        ("Chordoma", 4),
        ("Myeloma", 1),
        ("Metastasis", 0),
        ("Lymphoma", 0),
    ]
    assert weakest[0].recall == pytest.approx(forgetting_curve(2, 5))


def test_another_learners_reviews_and_cards_never_count(learner, history, knowledge):
    other = factories.make_user("someone")
    assert stats.reviews_per_day(other, NOW) == {}
    assert stats.mastery_by_deck(other, NOW, DEFAULT_DECAY) == []
    assert stats.today(other, NOW).reviews_done == 0


@time_machine.travel(NOW, tick=False)
def test_learner_dashboard_defaults_to_now(learner, history):
    assert stats.learner_dashboard(learner).today.reviews_done == 2


def test_learner_days_in_the_database_agree_with_study_date_across_a_dst_change():
    berliner = factories.make_user("berliner", time_zone="Europe/Berlin", day_start_hour=4)
    deck = factories.make_deck()
    card = factories.make_card(deck)
    # Clocks go forward at 01:00 UTC on 29 March 2026: every 20 minutes from 27 to 31 March
    moments = [dt.datetime(2026, 3, 27, tzinfo=dt.UTC) + dt.timedelta(minutes=20 * i) for i in range(4 * 72)]
    for moment in moments:
        factories.make_review(berliner, card, reviewed_at=moment)
    expected: dict[dt.date, int] = {}
    for moment in moments:
        expected[berliner.study_date(moment)] = expected.get(berliner.study_date(moment), 0) + 1
    assert stats.reviews_per_day(berliner, dt.datetime(2026, 3, 31, 12, tzinfo=dt.UTC)) == expected
    # 29 March runs from 02:00 UTC (04:00 CEST) to 02:00 UTC on the 30th; 28 March began at 03:00 UTC (04:00 CET)
    assert expected[dt.date(2026, 3, 29)] == 72 and expected[dt.date(2026, 3, 28)] == 69


def test_shift_segments_find_the_dst_change_to_the_second():
    from zoneinfo import ZoneInfo

    boundaries, shifts = stats.shift_segments(
        ZoneInfo("Europe/Berlin"),
        4,
        dt.datetime(2026, 3, 1, tzinfo=dt.UTC),
        dt.datetime(2026, 11, 1, tzinfo=dt.UTC),
    )
    assert boundaries == [
        dt.datetime(2026, 3, 29, 1, tzinfo=dt.UTC),
        dt.datetime(2026, 10, 25, 1, tzinfo=dt.UTC),
    ]
    assert shifts == [-3 * 3600, -2 * 3600, -3 * 3600]


def test_closed_days_are_summed_once_and_new_ones_still_count(learner, history):
    before = stats.review_days(learner, NOW)
    assert ReviewDay.objects.filter(user=learner).aggregate(n=Sum("reviews"))["n"] == 6  # all but today's 2
    # Two days later 10 June is closed too: same figures, counted once
    later = NOW + dt.timedelta(days=2)
    assert stats.reviews_per_day(learner, later) == EXPECTED_PER_DAY
    assert stats.review_days(learner, later)[dt.date(2026, 6, 10)] == before[dt.date(2026, 6, 10)]
    assert ReviewDay.objects.filter(user=learner).aggregate(n=Sum("reviews"))["n"] == 8
    factories.make_review(learner, history, reviewed_at=later - dt.timedelta(minutes=5))
    assert stats.reviews_per_day(learner, later)[dt.date(2026, 6, 12)] == 1


def test_an_imported_history_older_than_the_summary_is_picked_up(learner, history):
    stats.review_days(learner, NOW)
    factories.make_review(learner, history, reviewed_at=utc(5, 2, 12))  # added later with an old time
    assert stats.reviews_per_day(learner, NOW)[dt.date(2026, 5, 2)] == 1
    assert stats.reviews_per_day(learner, NOW)[dt.date(2026, 5, 1)] == 1


def test_a_card_just_answered_again_ranks_among_the_weakest(learner, deck):
    section = factories.make_section(deck, kind="causes")
    shaky = factories.make_item(section, "Just failed")
    solid = factories.make_item(section, "Long known")
    REVIEW, RELEARNING = CardState.State.REVIEW, CardState.State.RELEARNING
    # Reviewed a minute ago after a lapse: 100 % now, but a stability of a fraction of a day.
    card_with_state(
        learner,
        deck,
        item=shaky,
        state=RELEARNING,
        stability=0.3,
        difficulty=8.0,
        last_review=NOW - dt.timedelta(minutes=1),
        due=NOW + dt.timedelta(minutes=9),
        lapses=1,
    )
    # Reviewed two days ago with a stability of 60 days: a little below 100 % now, still high tomorrow.
    card_with_state(
        learner,
        deck,
        item=solid,
        state=REVIEW,
        stability=60.0,
        difficulty=3.0,
        last_review=NOW - dt.timedelta(days=2),
        due=NOW + dt.timedelta(days=50),
    )
    weakest = stats.weakest_items(learner, NOW, DEFAULT_DECAY)
    assert [w.term for w in weakest] == ["Just failed", "Long known"]
    assert weakest[0].recall > weakest[1].recall  # ranked by tomorrow, not by this minute
