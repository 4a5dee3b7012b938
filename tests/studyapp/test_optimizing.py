import datetime as dt
import re

import pytest
from fsrs.scheduler import DEFAULT_PARAMETERS, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS

from studyapp import scheduling
from studyapp.models import ParameterFit
from studyapp.optimizing import (
    FILTERED,
    LEARN,
    MANUAL,
    RELEARN,
    REVIEW,
    UNKNOWN,
    LoggedReview,
    card_histories,
    clamp_parameters,
    elapsed_days,
    fit_parameters,
    fsrs_items,
)
from studyapp.services.fitting import latest_parameters
from tests import factories
from tests.simulated_learner import simulate

T0 = dt.datetime(2025, 3, 1, 9, 0, tzinfo=dt.UTC)


def at(days: float = 0, minutes: float = 0) -> dt.datetime:
    return T0 + dt.timedelta(days=days, minutes=minutes)


def steps(item) -> list[tuple[int, int]]:
    """(rating, delta_t) pairs of an optimiser item (the binding exposes them only through repr)."""
    return [(int(r), int(d)) for r, d in re.findall(r"rating: (\d+), delta_t: (\d+)", repr(item))]


@pytest.mark.parametrize(
    ("hours", "days"), [(0.5, 0), (23.9, 0), (24, 1), (47.9, 1), (48, 2), (24 * 30 + 5, 30)]
)
def test_elapsed_days_counts_whole_24_hour_periods(hours, days):
    assert elapsed_days(T0, T0 + dt.timedelta(hours=hours)) == days


def test_filtered_and_manual_reviews_are_dropped():
    log = [
        LoggedReview("a", at(0), 3, LEARN),
        LoggedReview("a", at(1), 1, FILTERED),
        LoggedReview("a", at(2), 3, MANUAL),
        LoggedReview("a", at(3), 3, REVIEW),
    ]
    assert [r.reviewed_at for r in card_histories(log)["a"]] == [at(0), at(3)]


def test_history_starts_at_the_last_learning_start_after_a_reset():
    log = [
        LoggedReview("a", at(0), 1, LEARN),
        LoggedReview("a", at(0, 10), 3, LEARN),
        LoggedReview("a", at(2), 3, REVIEW),
        LoggedReview("a", at(9), 1, REVIEW),
        LoggedReview("a", at(9, 10), 3, RELEARN),
        LoggedReview("a", at(20), 3, LEARN),  # reset, then learnt again
        LoggedReview("a", at(20, 10), 3, LEARN),
        LoggedReview("a", at(23), 3, REVIEW),
    ]
    assert [r.reviewed_at for r in card_histories(log)["a"]] == [at(20), at(20, 10), at(23)]


def test_card_whose_known_log_never_shows_learning_is_skipped():
    log = [
        LoggedReview("a", at(0), 3, REVIEW),
        LoggedReview("a", at(5), 3, REVIEW),
        LoggedReview("b", at(0), 3, LEARN),
        LoggedReview("b", at(2), 3, REVIEW),
    ]
    assert list(card_histories(log)) == ["b"]


def test_log_without_review_kinds_keeps_every_review_in_time_order():
    log = [
        LoggedReview("a", at(4), 3, UNKNOWN),
        LoggedReview("a", at(0), 1, UNKNOWN),
        LoggedReview("a", at(1), 3, UNKNOWN),
    ]
    assert [r.reviewed_at for r in card_histories(log)["a"]] == [at(0), at(1), at(4)]


def test_items_are_one_per_review_a_day_apart_with_same_day_reviews_at_zero_days():
    log = [
        LoggedReview("a", at(0), 1, UNKNOWN),
        LoggedReview("a", at(0, 10), 3, UNKNOWN),
        LoggedReview("b", at(0.5), 3, UNKNOWN),
        LoggedReview("a", at(1, 30), 3, UNKNOWN),
        LoggedReview("b", at(1.2), 2, UNKNOWN),  # 0.7 days after: same-day, no item
        LoggedReview("b", at(4), 1, UNKNOWN),
        LoggedReview("a", at(3), 3, UNKNOWN),
    ]
    items = fsrs_items(card_histories(log))
    # in the order the reviews happened, whatever the card
    assert [steps(item) for item in items] == [
        [(1, 0), (3, 0), (3, 1)],
        [(1, 0), (3, 0), (3, 1), (3, 1)],
        [(3, 0), (2, 0), (1, 2)],  # 2.8 days: 2 whole days
    ]


def test_too_short_a_history_keeps_the_default_parameters():
    log = [LoggedReview(card, at(day), 3) for card in range(50) for day in (0, 1, 3)]
    fit = fit_parameters(log)
    assert fit.fitted is False
    assert fit.parameters == tuple(DEFAULT_PARAMETERS)
    assert (fit.review_count, fit.long_term_review_count) == (150, 100)


def test_fit_on_a_long_history_gives_parameters_the_scheduler_accepts():
    fit = fit_parameters(simulate(cards=120, days=60))
    assert fit.fitted is True
    assert fit.long_term_review_count >= 400
    assert len(fit.parameters) == 21
    assert fit.parameters != tuple(DEFAULT_PARAMETERS)
    assert all(
        low <= value <= high
        for value, low, high in zip(
            fit.parameters, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS, strict=True
        )
    )
    scheduling.Config(parameters=fit.parameters)  # fsrs validates them


def test_fitting_twice_on_the_same_log_gives_the_same_parameters():
    log = simulate(cards=120, days=60)
    assert fit_parameters(log).parameters == fit_parameters(log).parameters


def test_clamp_pulls_a_float32_hair_back_inside_the_bounds():
    raw = list(DEFAULT_PARAMETERS)
    raw[7] = 0.00099999  # below w7's lower bound 0.001
    raw[19] = 0.8000001  # above w19's upper bound 0.8
    clamped = clamp_parameters(raw)
    assert (clamped[7], clamped[19]) == (0.001, 0.8)


@pytest.mark.parametrize("raw", [[0.5] * 19, [*DEFAULT_PARAMETERS[:20], float("nan")]])
def test_malformed_parameters_fall_back_to_the_defaults(raw):
    assert clamp_parameters(raw) == tuple(DEFAULT_PARAMETERS)


@pytest.mark.django_db
def test_latest_parameters_are_the_most_recent_fit_and_none_before_any(student, other_student):
    assert latest_parameters(student) is None
    older = [*DEFAULT_PARAMETERS[:20], 0.3]
    newer = [*DEFAULT_PARAMETERS[:20], 0.4]
    ParameterFit.objects.create(user=student, parameters=older, review_count=500, fitted_at=at(0))
    ParameterFit.objects.create(user=student, parameters=newer, review_count=700, fitted_at=at(30))
    ParameterFit.objects.create(
        user=other_student, parameters=[*DEFAULT_PARAMETERS[:20], 0.5], review_count=900, fitted_at=at(60)
    )
    assert latest_parameters(student) == tuple(newer)
    assert latest_parameters(factories.make_user()) is None
