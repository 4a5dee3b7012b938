"""A learner whose memory truly follows FSRS with parameters of our choosing, studying on the app's
default schedule. Seeded, so every run sees the same log."""

import datetime as dt
import random

from studyapp import optimizing, scheduling

START = dt.datetime(2025, 1, 6, 8, 0, tzinfo=dt.UTC)

# Weak first impressions, and memories that then consolidate much faster than the defaults assume (w8).
STRONG_CONSOLIDATOR = (
    0.05, 0.3, 0.9, 3.0, 7.2, 0.6, 2.2, 0.01, 2.3, 0.05, 1.1,
    1.9, 0.08, 0.3, 2.0, 0.5, 2.5, 0.5, 0.15, 0.1, 0.4,
)  # fmt: skip
# The same first impressions, but memories that consolidate slowly.
SLOW_CONSOLIDATOR = (*STRONG_CONSOLIDATOR[:8], 0.8, 0.12, *STRONG_CONSOLIDATOR[10:])

_KIND = {
    scheduling.NEW: optimizing.LEARN,
    scheduling.LEARNING: optimizing.LEARN,
    scheduling.REVIEW: optimizing.REVIEW,
    scheduling.RELEARNING: optimizing.RELEARN,
}


def simulate(
    *,
    true_parameters=STRONG_CONSOLIDATOR,
    cards: int = 300,
    new_per_day: int = 10,
    days: int = 120,
    seed: int = 7,
) -> list[optimizing.LoggedReview]:
    """Every card answered when the default-parameter scheduler says it is due (a few hours to two days
    late), recalled with the probability its true memory gives at that moment."""
    rng = random.Random(seed)
    truth = scheduling.Config(parameters=tuple(true_parameters), fuzz=False)
    app = scheduling.Config(fuzz=True)
    log = []
    for card in range(cards):
        first = START + dt.timedelta(days=card // new_per_day, minutes=card)
        shown, true_memory, now = scheduling.Memory(), scheduling.Memory(), first
        while now < START + dt.timedelta(days=days):
            if true_memory.stability is None:  # a first look: how well it sticks straight away
                rating = rng.choices((1, 2, 3, 4), weights=(3, 1, 5, 1))[0]
            elif rng.random() < scheduling.retrievability(true_memory, now, truth):
                rating = rng.choices((2, 3, 4), weights=(1, 8, 1))[0]
            else:
                rating = 1
            log.append(optimizing.LoggedReview(card, now, rating, _KIND[shown.state]))
            true_memory = scheduling.answer(true_memory, scheduling.Rating(rating), now, truth, "").memory
            outcome = scheduling.answer(shown, scheduling.Rating(rating), now, app, f"{card}:{len(log)}")
            shown = outcome.memory
            late = (
                dt.timedelta(hours=rng.uniform(0, 48)) if shown.state == scheduling.REVIEW else dt.timedelta()
            )
            now = shown.due + late
    return log
