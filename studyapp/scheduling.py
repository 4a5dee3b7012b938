"""FSRS-6 scheduling behind a small pure API: no ORM, no request, time passed in.

The `fsrs` package does the memory model. We add what an app needs around it: a value type for the stored
state (including "new", which fsrs models as learning step 0), all four outcomes at once for the answer buttons,
honest interval labels, and fuzz that is deterministic per card and review count, so re-rendering the buttons
shows the same intervals the answer will give.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import IntEnum

import fsrs
from fsrs.scheduler import DEFAULT_PARAMETERS

NEW, LEARNING, REVIEW, RELEARNING = 0, 1, 2, 3
# FSRS-6's default decay of the forgetting curve (the fitted one is `parameters[20]`).
DEFAULT_DECAY = DEFAULT_PARAMETERS[20]


class Rating(IntEnum):
    AGAIN = 1
    HARD = 2
    GOOD = 3
    EASY = 4

    @property
    def label(self) -> str:
        return self.name.title()


@dataclass(frozen=True)
class Memory:
    """A learner's memory of one card, as stored on CardState."""

    state: int = NEW
    step: int | None = None
    stability: float | None = None
    difficulty: float | None = None
    due: dt.datetime | None = None
    last_review: dt.datetime | None = None

    def to_dict(self) -> dict:
        return {
            "state": self.state,
            "step": self.step,
            "stability": self.stability,
            "difficulty": self.difficulty,
            "due": self.due.isoformat() if self.due else None,
            "last_review": self.last_review.isoformat() if self.last_review else None,
        }

    @classmethod
    def from_dict(cls, data: dict) -> Memory:
        parse = dt.datetime.fromisoformat
        return cls(
            state=data["state"],
            step=data["step"],
            stability=data["stability"],
            difficulty=data["difficulty"],
            due=parse(data["due"]) if data["due"] else None,
            last_review=parse(data["last_review"]) if data["last_review"] else None,
        )


@dataclass(frozen=True)
class Config:
    parameters: tuple[float, ...] = tuple(DEFAULT_PARAMETERS)
    desired_retention: float = 0.9
    learning_steps: tuple[dt.timedelta, ...] = (dt.timedelta(minutes=1), dt.timedelta(minutes=10))
    relearning_steps: tuple[dt.timedelta, ...] = (dt.timedelta(minutes=10),)
    maximum_interval: int = 36500
    fuzz: bool = True
    # Plans that move intervals (planning.Calendar of exam dates); only planning.answer reads them.
    plans: object = field(default=None, compare=False)
    _scheduler: fsrs.Scheduler = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        scheduler = fsrs.Scheduler(
            parameters=self.parameters,
            desired_retention=self.desired_retention,
            learning_steps=self.learning_steps,
            relearning_steps=self.relearning_steps,
            maximum_interval=self.maximum_interval,
            enable_fuzzing=False,  # we fuzz ourselves, deterministically
        )
        object.__setattr__(self, "_scheduler", scheduler)

    @property
    def decay(self) -> float:
        """The forgetting curve's exponent (negative): minus `parameters[20]`."""
        return -self.parameters[20]

    @property
    def factor(self) -> float:
        return curve_factor(self.parameters[20])


@dataclass(frozen=True)
class Outcome:
    rating: Rating
    memory: Memory
    interval: dt.timedelta
    elapsed_days: float
    scheduled_days: float

    @property
    def label(self) -> str:
        return format_interval(self.interval)


def answer(memory: Memory, rating: Rating, now: dt.datetime, config: Config, fuzz_seed: str) -> Outcome:
    """The memory after answering `rating` at `now`. Same inputs, same outcome (fuzz is seeded)."""
    now = now.astimezone(dt.UTC)
    card = _to_fsrs_card(memory, now)
    reviewed, _log = config._scheduler.review_card(card, fsrs.Rating(int(rating)), review_datetime=now)
    due = reviewed.due
    if config.fuzz and reviewed.state == fsrs.State.Review:
        due = now + _fuzzed(due - now, config.maximum_interval, fuzz_seed)
    after = Memory(
        state=int(reviewed.state),
        step=reviewed.step,
        stability=reviewed.stability,
        difficulty=reviewed.difficulty,
        due=due,
        last_review=now,
    )
    elapsed = (now - memory.last_review).total_seconds() / 86400 if memory.last_review else 0.0
    return Outcome(
        rating=rating,
        memory=after,
        interval=due - now,
        elapsed_days=round(elapsed, 4),
        scheduled_days=round((due - now).total_seconds() / 86400, 4),
    )


def review_interval(stability: float, config: Config, fuzz_seed: str) -> int:
    """Whole days until a review card of this stability falls due at the config's desired retention, fuzzed as
    `answer` fuzzes it with the same seed: the interval its last answer would have given under this config."""
    days = config._scheduler._next_interval(stability=stability)
    if not config.fuzz:
        return days
    return _fuzzed(dt.timedelta(days=days), config.maximum_interval, fuzz_seed).days


def preview(memory: Memory, now: dt.datetime, config: Config, fuzz_seed: str) -> dict[Rating, Outcome]:
    """All four outcomes, for the answer buttons' labels."""
    return {rating: answer(memory, rating, now, config, fuzz_seed) for rating in Rating}


def retrievability(memory: Memory, now: dt.datetime, config: Config) -> float:
    """Predicted probability of recall at `now` (0 for a card never reviewed)."""
    if memory.stability is None or memory.last_review is None:
        return 0.0
    elapsed_days = max(0.0, (now - memory.last_review).total_seconds() / 86400)
    return recall_probability(elapsed_days, memory.stability, config.parameters)


def curve_factor(decay: float) -> float:
    """FACTOR of the FSRS-6 forgetting curve for `decay` (`parameters[20]`), chosen so that R(S) = 0.9."""
    return 0.9 ** (-1 / decay) - 1


def forgetting_curve(elapsed_days: float, stability: float, decay: float = DEFAULT_DECAY) -> float:
    """FSRS-6 predicted recall after `elapsed_days`: R(t) = (1 + FACTOR * t / S) ^ -decay, with R(S) = 0.9.

    The one copy of the curve: the dashboards' SQL (`stats.retrievability`) builds the same expression from
    `curve_factor`."""
    return (1 + curve_factor(decay) * max(elapsed_days, 0.0) / stability) ** -decay


def recall_probability(elapsed_days: float, stability: float, parameters: Sequence[float]) -> float:
    """The forgetting curve with the decay of `parameters`."""
    return forgetting_curve(elapsed_days, stability, parameters[20])


def format_interval(interval: dt.timedelta) -> str:
    """Compact, honest labels like Anki's: 45s, 10m, 3h, 4d, 1.5mo, 2.1y."""
    seconds = max(0.0, interval.total_seconds())
    if seconds < 60:
        return f"{round(seconds)}s"
    if seconds < 3600:
        return f"{round(seconds / 60)}m"
    if seconds < 86400:
        return f"{round(seconds / 3600)}h"
    days = seconds / 86400
    if days < 30:
        return f"{round(days)}d"
    if days < 365:
        return f"{_one_decimal(days / 30)}mo"
    return f"{_one_decimal(days / 365)}y"


def _one_decimal(value: float) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _to_fsrs_card(memory: Memory, now: dt.datetime) -> fsrs.Card:
    if memory.state == NEW:
        return fsrs.Card(card_id=1, state=fsrs.State.Learning, step=0, due=now)
    return fsrs.Card(
        card_id=1,
        state=fsrs.State(memory.state),
        step=memory.step,
        stability=memory.stability,
        difficulty=memory.difficulty,
        due=(memory.due or now).astimezone(dt.UTC),
        last_review=memory.last_review.astimezone(dt.UTC) if memory.last_review else None,
    )


# FSRS's fuzz: the interval may move by a share of its length, more for short intervals (ranges in days).
_FUZZ_BANDS = ((2.5, 7.0, 0.15), (7.0, 20.0, 0.10), (20.0, math.inf, 0.05))


def fuzz_range(days: int, maximum_interval: int) -> tuple[int, int]:
    """The whole days an interval of `days` may be fuzzed to (FSRS's bands); (days, days) below 2.5 days."""
    if days < 2.5:
        return days, days
    spread = 1.0 + sum(share * max(min(float(days), end) - start, 0.0) for start, end, share in _FUZZ_BANDS)
    low = max(2, round(days - spread))
    high = min(round(days + spread), maximum_interval)
    return min(low, high), high


def _fuzzed(interval: dt.timedelta, maximum_interval: int, seed: str) -> dt.timedelta:
    if interval.days < 2.5:
        return interval
    low, high = fuzz_range(interval.days, maximum_interval)
    chosen = random.Random(seed).randint(low, high)
    return dt.timedelta(days=min(chosen, maximum_interval))
