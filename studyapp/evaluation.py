"""How well our scheduler predicts a real learner's recall: replay a review log, fit on its past, score its
future. Pure: a log in, figures out.

The procedure: sort the log by time and split it at the train
fraction; fit parameters on the first part exactly as the app fits a learner (`optimizing.fit_parameters`);
replay every card through our scheduling module from its first kept review; for every review in the later
part that comes a day or more after the card's previous one, predict recall just before it. Outcome: the
learner recalled (rating > Again).

Metrics are the FSRS benchmark's: log loss, RMSE(bins) and AUC. RMSE(bins) groups predictions by
(elapsed days, number of long-term reviews, lapses), each on a logarithmic scale, and weighs every group's
squared calibration error by its size, as fsrs-rs does when it evaluates parameters.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from fsrs.scheduler import DEFAULT_PARAMETERS

from studyapp import optimizing, scheduling
from studyapp.optimizing import LoggedReview

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_PROBABILITY_FLOOR = 1e-7  # keeps log loss finite for a confident miss

State = TypeVar("State")


@dataclass(frozen=True)
class Prediction:
    card_id: Hashable
    reviewed_at: dt.datetime
    recalled: bool
    predicted: float
    elapsed_days: int
    long_term_reviews: int  # reviews a day or more apart so far, this one included, plus one (fsrs-rs)
    lapses: int  # earlier Again answers given a day or more after the previous review


@dataclass(frozen=True)
class Scores:
    log_loss: float
    rmse_bins: float
    auc: float | None  # None when every outcome is the same
    count: int

    def to_dict(self) -> dict:
        return {"log_loss": self.log_loss, "rmse_bins": self.rmse_bins, "auc": self.auc, "count": self.count}


@dataclass(frozen=True)
class Evaluation:
    review_count: int
    card_count: int
    train_review_count: int
    split_at: dt.datetime | None
    fit: optimizing.Fit
    fitted: Scores | None
    defaults: Scores | None
    sm2: Scores | None
    predictions: list[Prediction] = field(repr=False)

    def to_dict(self) -> dict:
        def scores(value: Scores | None) -> dict | None:
            return value.to_dict() if value else None

        return {
            "reviews": self.review_count,
            "cards": self.card_count,
            "train_reviews": self.train_review_count,
            "split_at": self.split_at.isoformat() if self.split_at else None,
            "parameters": list(self.fit.parameters),
            "parameters_fitted": self.fit.fitted,
            "fit_review_count": self.fit.review_count,
            "fit_long_term_review_count": self.fit.long_term_review_count,
            "fitted": scores(self.fitted),
            "defaults": scores(self.defaults),
            "sm2": scores(self.sm2),
            "evaluated_reviews": len(self.predictions),
        }


class RevlogError(ValueError):
    pass


# --- Reading a review log ------------------------------------------------------------------------------

REQUIRED_COLUMNS = ("card_id", "review_time", "review_rating", "review_state")


def read_revlog(lines: Iterable[str]) -> list[LoggedReview]:
    """Parse a review log CSV (columns in shared/data/revlogs/README.md). Errors name their line."""
    reader = csv.DictReader(lines)
    missing = [name for name in REQUIRED_COLUMNS if name not in (reader.fieldnames or [])]
    if missing:
        raise RevlogError(f"line 1: missing column(s) {', '.join(missing)}")
    reviews = []
    for row in reader:
        line = reader.line_num
        try:
            card_id = row["card_id"].strip()
            millis = int(row["review_time"])
            kind = int(row["review_state"])
            rating = int(row["review_rating"])
        except (TypeError, ValueError, AttributeError) as error:
            raise RevlogError(
                f"line {line}: card_id, review_time, review_rating and review_state must be integers"
            ) from error
        if not card_id:
            raise RevlogError(f"line {line}: empty card_id")
        if kind not in (-1, 0, 1, 2, 3, 4):
            raise RevlogError(f"line {line}: review_state {kind} is not one of -1, 0, 1, 2, 3, 4")
        # Manual and filtered entries are dropped anyway; Anki logs some with rating 0.
        if kind not in (optimizing.FILTERED, optimizing.MANUAL) and rating not in (1, 2, 3, 4):
            raise RevlogError(f"line {line}: review_rating {rating} is not 1-4")
        try:
            reviewed_at = _EPOCH + dt.timedelta(milliseconds=millis)
        except OverflowError as error:
            raise RevlogError(f"line {line}: review_time {millis} is out of range") from error
        reviews.append(LoggedReview(card_id=card_id, reviewed_at=reviewed_at, rating=rating, kind=kind))
    return reviews


def epoch_millis(moment: dt.datetime) -> int:
    return (moment - _EPOCH) // dt.timedelta(milliseconds=1)


# --- The procedure --------------------------------------------------------------------------------------


def evaluate(reviews: Sequence[LoggedReview], *, train_fraction: float = 0.8, **fit_options) -> Evaluation:
    """Fit on the first `train_fraction` of the log (by time) and score predictions on the rest."""
    if not 0 < train_fraction < 1:
        raise ValueError("train_fraction must be between 0 and 1")
    ordered = sorted(reviews, key=lambda review: review.reviewed_at)
    cut = int(len(ordered) * train_fraction)
    split_at = ordered[cut].reviewed_at if cut < len(ordered) else None
    # A time split: reviews at the very moment of the split all belong to the test part.
    train = [review for review in ordered if split_at is None or review.reviewed_at < split_at]
    fit = optimizing.fit_parameters(train, **fit_options)

    histories = optimizing.card_histories(ordered)
    test_from = split_at or dt.datetime.max.replace(tzinfo=dt.UTC)
    fitted = replay_fsrs(histories, fit.parameters, evaluate_from=test_from)
    defaults = replay_fsrs(histories, tuple(DEFAULT_PARAMETERS), evaluate_from=test_from)
    sm2 = replay_sm2(histories, evaluate_from=test_from)
    return Evaluation(
        review_count=len(ordered),
        card_count=len({review.card_id for review in ordered}),
        train_review_count=len(train),
        split_at=split_at,
        fit=fit,
        fitted=score(fitted),
        defaults=score(defaults),
        sm2=score(sm2),
        predictions=fitted,
    )


def replay_fsrs(
    histories: dict[Hashable, list[LoggedReview]], parameters: Sequence[float], *, evaluate_from: dt.datetime
) -> list[Prediction]:
    """Replay each card through our scheduling module; predict recall before each review from
    `evaluate_from` on that comes a day or more after the card's previous one."""
    config = scheduling.Config(parameters=tuple(parameters), fuzz=False)

    def predict(memory: scheduling.Memory, days: int) -> float:
        # Whole days, as FSRS itself predicts (and as it learnt the parameters).
        return scheduling.recall_probability(days, memory.stability, config.parameters)

    def step(memory: scheduling.Memory, review: LoggedReview) -> scheduling.Memory:
        rating = scheduling.Rating(review.rating)
        return scheduling.answer(memory, rating, review.reviewed_at, config, fuzz_seed="evaluation").memory

    return _replay(histories, evaluate_from, start=scheduling.Memory(), step=step, predict=predict)


def replay_sm2(
    histories: dict[Hashable, list[LoggedReview]], *, evaluate_from: dt.datetime
) -> list[Prediction]:
    """The SM-2 baseline: recall 0.9^(t / interval), the interval from SM-2 on the card's first review and
    its reviews a day or more apart (the benchmark's SM-2 ignores same-day repetitions)."""

    def predict(ratings: list[int], days: int) -> float:
        return 0.9 ** (days / sm2_interval(ratings))

    def step(ratings: list[int], review: LoggedReview) -> list[int]:
        return [*ratings, review.rating]

    return _replay(histories, evaluate_from, start=[], step=step, predict=predict, same_day_steps=False)


def _replay(
    histories: dict[Hashable, list[LoggedReview]],
    evaluate_from: dt.datetime,
    *,
    start: State,
    step: Callable[[State, LoggedReview], State],
    predict: Callable[[State, int], float],
    same_day_steps: bool = True,
) -> list[Prediction]:
    """Walk each card's history, advancing a model state with `step` and scoring with `predict`."""
    predictions = []
    for card_id, history in histories.items():
        state = start
        previous: dt.datetime | None = None
        long_term = lapses = 0
        for review in history:
            days = optimizing.elapsed_days(previous, review.reviewed_at) if previous else 0
            if days >= 1 and review.reviewed_at >= evaluate_from:
                predictions.append(
                    Prediction(
                        card_id=card_id,
                        reviewed_at=review.reviewed_at,
                        recalled=review.rating > 1,
                        predicted=predict(state, days),
                        elapsed_days=days,
                        long_term_reviews=long_term + 2,
                        lapses=lapses,
                    )
                )
            if days >= 1:
                long_term += 1
                lapses += int(review.rating == 1)
            if previous is None or days >= 1 or same_day_steps:
                state = step(state, review)
            previous = review.reviewed_at
    predictions.sort(key=lambda prediction: prediction.reviewed_at)
    return predictions


def sm2_interval(ratings: Sequence[int]) -> float:
    """SM-2's interval in days after these ratings (1-4 mapped to SM-2 grades 2-5), as the FSRS
    benchmark computes it."""
    interval, ease, repetitions = 0.0, 2.5, 0
    for rating in ratings:
        grade = rating + 1
        if grade > 2:
            if repetitions == 0:
                interval, repetitions = 1.0, 1
            elif repetitions == 1:
                interval, repetitions = 6.0, 2
            else:
                interval, repetitions = interval * ease, repetitions + 1
        else:
            interval, repetitions = 1.0, 0
        ease = max(1.3, ease + (0.1 - (5 - grade) * (0.08 + (5 - grade) * 0.02)))
        interval = min(max(1, round(interval + 0.01)), 36500)
    return float(interval)


# --- Metrics --------------------------------------------------------------------------------------------


def score(predictions: Sequence[Prediction]) -> Scores | None:
    if not predictions:
        return None
    outcomes = [prediction.recalled for prediction in predictions]
    probabilities = [prediction.predicted for prediction in predictions]
    return Scores(
        log_loss=log_loss(outcomes, probabilities),
        rmse_bins=rmse_bins(predictions),
        auc=auc(outcomes, probabilities),
        count=len(predictions),
    )


def log_loss(outcomes: Sequence[bool], probabilities: Sequence[float]) -> float:
    """Mean binary cross-entropy (natural log)."""
    total = 0.0
    for outcome, probability in zip(outcomes, probabilities, strict=True):
        p = min(max(probability, _PROBABILITY_FLOOR), 1 - _PROBABILITY_FLOOR)
        total -= math.log(p) if outcome else math.log(1 - p)
    return total / len(outcomes)


def bin_key(elapsed_days: int, long_term_reviews: int, lapses: int) -> tuple[int, int, int]:
    """fsrs-rs's bins: elapsed days (base 3.62), long-term review count (base 1.89), lapses (base 1.73)."""
    days_bin = round(2.48 * 3.62 ** math.floor(math.log(elapsed_days, 3.62)) * 100)
    length_bin = round(1.99 * 1.89 ** math.floor(math.log(long_term_reviews, 1.89)))
    lapse_bin = round(1.65 * 1.73 ** math.floor(math.log(lapses, 1.73))) if lapses else 0
    return days_bin, length_bin, lapse_bin


def rmse_bins(predictions: Sequence[Prediction]) -> float:
    """Root of the size-weighted mean squared gap between mean prediction and recall rate per bin."""
    groups: dict[tuple[int, int, int], list[float]] = defaultdict(lambda: [0, 0.0, 0.0])
    for prediction in predictions:
        group = groups[bin_key(prediction.elapsed_days, prediction.long_term_reviews, prediction.lapses)]
        group[0] += 1
        group[1] += prediction.predicted
        group[2] += prediction.recalled
    squared = sum(
        count * (predicted / count - recalled / count) ** 2 for count, predicted, recalled in groups.values()
    )
    return math.sqrt(squared / len(predictions))


def auc(outcomes: Sequence[bool], probabilities: Sequence[float]) -> float | None:
    """Area under the ROC curve: the chance a recalled review was given a higher prediction than a forgotten
    one (ties count half)."""
    positives = sum(1 for outcome in outcomes if outcome)
    negatives = len(outcomes) - positives
    if positives == 0 or negatives == 0:
        return None
    order = sorted(range(len(probabilities)), key=lambda index: probabilities[index])
    rank_sum = 0.0
    start = 0
    while start < len(order):
        end = start
        while end + 1 < len(order) and probabilities[order[end + 1]] == probabilities[order[start]]:
            end += 1
        average_rank = (start + end) / 2 + 1
        rank_sum += average_rank * sum(1 for index in order[start : end + 1] if outcomes[index])
        start = end + 1
    return (rank_sum - positives * (positives + 1) / 2) / (positives * negatives)
