import datetime as dt

import pytest

from studyapp.scheduling import (
    LEARNING,
    NEW,
    RELEARNING,
    REVIEW,
    Config,
    Memory,
    Rating,
    answer,
    forgetting_curve,
    format_interval,
    preview,
    recall_probability,
    retrievability,
)

START = dt.datetime(2025, 1, 1, 9, 0, tzinfo=dt.UTC)
NO_FUZZ = Config(fuzz=False)


def _replay(ratings, config=NO_FUZZ):
    memory, now, seen = Memory(), START, []
    for rating in ratings:
        outcome = answer(memory, Rating(rating), now, config, fuzz_seed="card:1")
        seen.append((outcome.label, outcome.memory.state))
        memory, now = outcome.memory, outcome.memory.due
    return seen


def test_good_through_the_learning_steps_graduates_and_intervals_grow():
    assert _replay([3, 3, 3, 3]) == [("10m", LEARNING), ("2d", REVIEW), ("11d", REVIEW), ("1.5mo", REVIEW)]


def test_a_lapse_goes_to_relearning_then_back_to_review_with_lower_stability():
    assert _replay([3, 3, 3, 3, 1, 3, 3])[4:] == [("10m", RELEARNING), ("3d", REVIEW), ("8d", REVIEW)]


def test_new_card_buttons_show_the_learning_steps():
    labels = {r: o.label for r, o in preview(Memory(state=NEW), START, NO_FUZZ, "c").items()}
    assert labels == {Rating.AGAIN: "1m", Rating.HARD: "6m", Rating.GOOD: "10m", Rating.EASY: "8d"}


def test_custom_learning_steps_are_used():
    config = Config(fuzz=False, learning_steps=(dt.timedelta(minutes=5), dt.timedelta(hours=1)))
    labels = {r: o.label for r, o in preview(Memory(), START, config, "c").items()}
    assert (labels[Rating.AGAIN], labels[Rating.GOOD]) == ("5m", "1h")


def test_fuzz_is_the_same_for_the_same_card_and_review_count():
    memory = Memory(REVIEW, None, 30.0, 5.0, START, START - dt.timedelta(days=30))
    config = Config()
    first = {r: o.interval for r, o in preview(memory, START, config, "card:7:5").items()}
    again = {r: o.interval for r, o in preview(memory, START, config, "card:7:5").items()}
    assert first == again
    assert answer(memory, Rating.GOOD, START, config, "card:7:5").interval == first[Rating.GOOD]


def test_fuzz_spreads_intervals_across_cards_within_the_fsrs_range():
    memory = Memory(REVIEW, None, 30.0, 5.0, START, START - dt.timedelta(days=30))
    unfuzzed = answer(memory, Rating.GOOD, START, NO_FUZZ, "x").interval.days
    fuzzed = {answer(memory, Rating.GOOD, START, Config(), f"card:{i}:5").interval.days for i in range(200)}
    assert len(fuzzed) > 3
    spread = 1 + 0.15 * 4.5 + 0.10 * 13 + 0.05 * (unfuzzed - 20)
    assert min(fuzzed) >= round(unfuzzed - spread) and max(fuzzed) <= round(unfuzzed + spread)


def test_maximum_interval_caps_review_intervals():
    memory = Memory(REVIEW, None, 3000.0, 3.0, START, START - dt.timedelta(days=3000))
    outcome = answer(memory, Rating.EASY, START, Config(maximum_interval=100), "c")
    assert outcome.interval <= dt.timedelta(days=100)


def test_higher_desired_retention_gives_shorter_intervals():
    memory = Memory(REVIEW, None, 30.0, 5.0, START, START - dt.timedelta(days=30))
    relaxed = answer(memory, Rating.GOOD, START, Config(fuzz=False, desired_retention=0.8), "c").interval
    strict = answer(memory, Rating.GOOD, START, Config(fuzz=False, desired_retention=0.95), "c").interval
    assert strict < relaxed


def test_outcome_records_elapsed_and_scheduled_days():
    memory = Memory(REVIEW, None, 10.0, 5.0, START, START - dt.timedelta(days=12))
    outcome = answer(memory, Rating.GOOD, START, NO_FUZZ, "c")
    assert outcome.elapsed_days == 12
    assert outcome.scheduled_days == outcome.interval.total_seconds() / 86400


def test_recall_is_ninety_percent_after_one_stability():
    memory = Memory(REVIEW, None, 10.0, 5.0, START, START - dt.timedelta(days=10))
    assert retrievability(memory, START, NO_FUZZ) == pytest.approx(0.9)
    assert retrievability(Memory(), START, NO_FUZZ) == 0.0
    assert recall_probability(0, 10.0, NO_FUZZ.parameters) == 1.0


def test_memory_round_trips_through_a_dict():
    memory = Memory(RELEARNING, 0, 2.5, 6.1, START, START - dt.timedelta(hours=1))
    assert Memory.from_dict(memory.to_dict()) == memory


@pytest.mark.parametrize(
    ("interval", "label"),
    [
        (dt.timedelta(seconds=30), "30s"),
        (dt.timedelta(minutes=10), "10m"),
        (dt.timedelta(hours=5), "5h"),
        (dt.timedelta(days=3), "3d"),
        (dt.timedelta(days=45), "1.5mo"),
        (dt.timedelta(days=60), "2mo"),
        (dt.timedelta(days=800), "2.2y"),
    ],
)
def test_format_interval(interval, label):
    assert format_interval(interval) == label


def test_the_forgetting_curve_matches_fsrs6_at_its_anchor_points():
    assert forgetting_curve(0.0, 10.0) == 1.0
    assert forgetting_curve(10.0, 10.0) == pytest.approx(0.9)  # by definition R = 90 % after S days
    # py-fsrs 6.3 Scheduler().get_card_retrievability for S=5 after 2 days
    assert forgetting_curve(2.0, 5.0) == pytest.approx(0.9502637, abs=1e-7)
    assert recall_probability(2.0, 5.0, NO_FUZZ.parameters) == forgetting_curve(2.0, 5.0)
