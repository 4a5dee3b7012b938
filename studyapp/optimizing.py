"""Personal FSRS parameters: turn a review log into what the FSRS optimiser learns from, and fit.

Pure: no database (`services.fitting` reads and saves the fits). The optimiser is fsrs-rs (through `fsrs-rs-python`): it fits in
milliseconds without PyTorch and is the one Anki ships.

The replay rules are the optimiser's own preprocessing:
- reviews logged as filtered (3) or manual (4) are dropped;
- where the log knows the review kinds, a card's history starts at its last learning review that follows a
  non-learning one (the card was reset before that), and a card whose log shows no learning start is skipped;
- elapsed time is counted in whole 24-hour periods, as our scheduling module (the `fsrs` package) counts it,
  so the parameters describe the memory model the app then runs. Same-day reviews stay in the history with
  0 days elapsed (they drive FSRS-6's short-term stability), but only a review a day or more after the
  previous one is something to predict.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass

import fsrs_rs_python
from fsrs.scheduler import DEFAULT_PARAMETERS, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS

# Anki's revlog review kinds, as review logs record them.
UNKNOWN, LEARN, REVIEW, RELEARN, FILTERED, MANUAL = -1, 0, 1, 2, 3, 4
_DROPPED_KINDS = (FILTERED, MANUAL)

# Reviews a day or more after the card's previous one: what the optimiser learns from. Below this many a
# personal fit is too noisy to trust over the defaults (py-fsrs's own optimiser asks for 512).
MIN_LONG_TERM_REVIEWS = 400


@dataclass(frozen=True)
class LoggedReview:
    """One line of a review log. `kind` is the revlog review kind (LEARN, REVIEW, ...; UNKNOWN if not logged)."""

    card_id: Hashable
    reviewed_at: dt.datetime
    rating: int
    kind: int = UNKNOWN


@dataclass(frozen=True)
class Fit:
    parameters: tuple[float, ...]
    review_count: int  # reviews in the histories the optimiser saw
    long_term_review_count: int  # of which a day or more after the card's previous review
    fitted: bool  # False: too little history, these are the defaults


def elapsed_days(before: dt.datetime, after: dt.datetime) -> int:
    """Whole 24-hour periods between two reviews, as the `fsrs` scheduler counts them."""
    return max(0, (after - before).days)


def card_histories(reviews: Iterable[LoggedReview]) -> dict[Hashable, list[LoggedReview]]:
    """Each card's replayable history in time order, after the replay rules (see the module docstring).

    Cards appear in the order of their first review; ties in time keep the log's order.
    """
    by_card: dict[Hashable, list[LoggedReview]] = {}
    for review in sorted(reviews, key=lambda r: r.reviewed_at):
        if review.kind in _DROPPED_KINDS:
            continue
        by_card.setdefault(review.card_id, []).append(review)
    histories = {}
    for card_id, card_reviews in by_card.items():
        history = _from_last_learning_start(card_reviews)
        if history:
            histories[card_id] = history
    return histories


def _from_last_learning_start(reviews: list[LoggedReview]) -> list[LoggedReview]:
    starts = [
        index
        for index, review in enumerate(reviews)
        if review.kind == LEARN and (index == 0 or reviews[index - 1].kind != LEARN)
    ]
    if starts:
        return reviews[starts[-1] :]
    # A log without review kinds (or whose kinds begin after the card was learnt) cannot show a reset:
    # the card is taken from its first review. A card whose known log never shows learning is skipped.
    if reviews[0].kind == UNKNOWN:
        return reviews
    return []


def fsrs_items(histories: dict[Hashable, list[LoggedReview]]) -> list[fsrs_rs_python.FSRSItem]:
    """One optimiser item per review a day or more after the card's previous one: the card's history up to
    and including that review. Items come in the order the reviews happened."""
    timed: list[tuple[dt.datetime, int, fsrs_rs_python.FSRSItem]] = []
    for history in histories.values():
        steps: list[fsrs_rs_python.FSRSReview] = []
        previous: dt.datetime | None = None
        for review in history:
            days = elapsed_days(previous, review.reviewed_at) if previous else 0
            steps.append(fsrs_rs_python.FSRSReview(review.rating, days))
            if days >= 1:
                timed.append((review.reviewed_at, len(timed), fsrs_rs_python.FSRSItem(list(steps))))
            previous = review.reviewed_at
    # The optimiser's mini-batches depend on the items' order; time order makes a fit reproducible from
    # the log alone, whatever order the cards came in.
    timed.sort(key=lambda entry: (entry[0], entry[1]))
    return [item for _, _, item in timed]


def fit_parameters(
    reviews: Iterable[LoggedReview], *, min_long_term_reviews: int = MIN_LONG_TERM_REVIEWS
) -> Fit:
    """Fit FSRS-6 parameters to a learner's review log; the defaults while the history is too short."""
    histories = card_histories(reviews)
    items = fsrs_items(histories)
    review_count = sum(len(history) for history in histories.values())
    if len(items) < min_long_term_reviews:
        return Fit(tuple(DEFAULT_PARAMETERS), review_count, len(items), fitted=False)
    optimiser = fsrs_rs_python.FSRS(list(DEFAULT_PARAMETERS))
    raw = optimiser.compute_parameters(items)
    return Fit(clamp_parameters(raw), review_count, len(items), fitted=True)


def clamp_parameters(parameters: Sequence[float]) -> tuple[float, ...]:
    """Parameters the `fsrs` scheduler accepts: 21 finite values within its bounds (fsrs-rs works in
    float32, so a value on a bound can come back a hair outside it)."""
    if len(parameters) != len(DEFAULT_PARAMETERS) or not all(math.isfinite(p) for p in parameters):
        return tuple(DEFAULT_PARAMETERS)
    return tuple(
        min(max(float(value), low), high)
        for value, low, high in zip(parameters, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS, strict=True)
    )
