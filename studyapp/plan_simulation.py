"""Simulated learners that prove the planning rules (manage.py simulate_plan). Pure: no database.

Each learner's memory follows FSRS-6 with parameters sampled around the published defaults; they answer through
`planning.answer` (which calls `scheduling.answer`: the app's own code), scheduled with their own parameters as
the app would after fitting them. Strategies are compared on the same learners and the same cards: each one
starts from a copy of the same state with the same seed.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import math
import random
import statistics
from dataclasses import dataclass

from fsrs.scheduler import DEFAULT_PARAMETERS, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS

from studyapp import planning, scheduling
from studyapp.planning import Exam, Habits, Limits, Overdue, SimCard
from studyapp.scheduling import REVIEW, Config, Memory

START = dt.datetime(2025, 1, 6, 9, 0, tzinfo=dt.UTC)
EXAM_CARDS = 150
EXAM_NEW_PER_DAY = 10
BACKLOG_CARDS = 1500
BACKLOG_NEW_PER_DAY = 20
BACKLOG_CAP = 120
BREAK_DAYS = 14
SIMULATOR_DAYS = 90
SIMULATOR_RUNS = 3
# The app schedules with fitted parameters, which miss the learner's true ones by a few percent.
FIT_ERROR = 0.05


@dataclass(frozen=True)
class Learner:
    number: int
    parameters: tuple[float, ...]  # how their memory truly behaves
    fitted: tuple[float, ...]  # what the app schedules with
    habits: Habits

    @property
    def truth(self) -> Config:
        return Config(parameters=self.parameters, fuzz=False)

    @property
    def app(self) -> Config:
        return Config(parameters=self.fitted)


def sample_learner(number: int, seed: int) -> Learner:
    """Parameters within ±25% (log scale) of the defaults, kept inside FSRS's bounds; rating habits and review
    times varied too."""
    rng = random.Random(f"learner:{seed}:{number}")
    parameters = tuple(
        min(high, max(low, w * math.exp(rng.gauss(0, 0.25))))
        for w, low, high in zip(
            DEFAULT_PARAMETERS, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS, strict=True
        )
    )
    fitted = tuple(
        min(high, max(low, w * math.exp(rng.gauss(0, FIT_ERROR))))
        for w, low, high in zip(parameters, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS, strict=True)
    )
    again = rng.uniform(0.15, 0.35)
    habits = Habits(
        first_ratings=(again, 0.1, 0.8 - again, 0.1),
        recalled_ratings=(rng.uniform(0.05, 0.2), 0.8, rng.uniform(0.03, 0.15)),
        seconds_new=rng.uniform(15, 30),
        seconds_review=rng.uniform(5, 12),
        seconds_relearn=rng.uniform(10, 20),
    )
    return Learner(number, parameters, fitted, habits)


def _new_deck(cards: int) -> list[SimCard]:
    return [SimCard(key=n, shown=Memory(), truth=Memory()) for n in range(cards)]


def _mean_true_recall(cards: list[SimCard], moment: dt.datetime, truth: Config) -> float:
    return statistics.fmean(scheduling.retrievability(c.truth, moment, truth) for c in cards)


# --- Exam ---------------------------------------------------------------------------------------------------


def exam_strategies(learner: Learner, days: int, seed: int, target: float) -> dict[str, dict]:
    """A deck learned from day 0, exam on day days // 2 (after that day's session): recall on the exam day and
    answers until it, for exam mode, raised retention everywhere, and plain scheduling."""
    exam_day = days // 2
    truth, app = learner.truth, learner.app
    limits = Limits(new_per_day=EXAM_NEW_PER_DAY, reviews_per_day=9999)
    plans = {
        "exam_mode": (app, lambda card, d: [Exam(exam_day - d, target)]),
        "raise_retention": (dataclasses.replace(app, desired_retention=target), None),
        "plain": (app, None),
    }
    results = {}
    for name, (app, exams) in plans.items():
        cards = _new_deck(EXAM_CARDS)
        rng = random.Random(f"exam:{seed}:{learner.number}")
        log = planning.run_days(
            cards, app, truth, START, exam_day + 1, limits, learner.habits, rng, exams=exams
        )
        exam_moment = START + dt.timedelta(days=exam_day, hours=4)
        results[name] = {
            "recall_on_exam_day": _mean_true_recall(cards, exam_moment, truth),
            "reviews": sum(day.answers for day in log),
        }
    return results


# --- Backlog ------------------------------------------------------------------------------------------------


def _predicted_recall(app: Config, now: dt.datetime):
    def recall(card: SimCard) -> float:
        return scheduling.retrievability(card.shown, now, app)

    return recall


def autopilot_order(app: Config, backlog_before: dt.datetime):
    """planning.backlog_order, with the backlog as the app's queue sees it: cards still due before the plan
    began (a backlog card answered since has a later due date and waits its turn like any other)."""

    def order(cards: list[SimCard], now: dt.datetime) -> list[SimCard]:
        recall = _predicted_recall(app, now)
        by_key = {c.key: c for c in cards}
        ranked = planning.backlog_order(
            Overdue(c.key, recall(c), c.shown.due, in_backlog=c.shown.due < backlog_before) for c in cards
        )
        return [by_key[o.key] for o in ranked]

    return order


def overdue_first(cards: list[SimCard], now: dt.datetime) -> list[SimCard]:
    by_key = {c.key: c for c in cards}
    ranked = planning.overdue_first_order(Overdue(c.key, 0.0, c.shown.due) for c in cards)
    return [by_key[o.key] for o in ranked]


def backlog_strategies(learner: Learner, days: int, seed: int, cap: int) -> dict[str, dict]:
    """Daily study of a large deck, a 14-day break ending 40 days before the horizon (or halfway through a
    short one), then catching up three ways on copies of the same state."""
    truth, app = learner.truth, learner.app
    resume = max(BREAK_DAYS + 1, days - 40)
    break_start = resume - BREAK_DAYS
    normal = Limits(new_per_day=BACKLOG_NEW_PER_DAY, reviews_per_day=200)
    rng = random.Random(f"backlog:{seed}:{learner.number}")
    cards = _new_deck(BACKLOG_CARDS)
    planning.run_days(cards, app, truth, START, break_start, normal, learner.habits, rng)
    resume_at = START + dt.timedelta(days=resume)
    resume_end = resume_at + dt.timedelta(hours=16)
    backlog = {c.key for c in cards if c.shown.state == REVIEW and c.shown.due < resume_end}
    recall_at_resume = {
        c.key: scheduling.retrievability(c.truth, resume_at, truth) for c in cards if c.key in backlog
    }

    def paused_until_caught_up(d: int, deck: list[SimCard]) -> bool:
        return any(c.shown.state == REVIEW and c.shown.due < resume_end for c in deck)

    strategies = {
        "autopilot": (
            Limits(BACKLOG_NEW_PER_DAY, cap),
            autopilot_order(app, resume_end),
            paused_until_caught_up,
        ),
        "overdue_first": (Limits(BACKLOG_NEW_PER_DAY, cap), overdue_first, paused_until_caught_up),
        "nothing": (normal, None, None),
    }
    catch_up = _CatchUp(learner, cards, backlog, recall_at_resume, resume, days, seed)
    return {name: catch_up.run(*strategy) for name, strategy in strategies.items()}


@dataclass(frozen=True)
class _CatchUp:
    """The state at the end of a break, and how one way of catching up from it is scored."""

    learner: Learner
    cards: list[SimCard]
    backlog: set[int]  # keys of the cards due by the end of the day study resumes
    recall_at_resume: dict[int, float]
    resume: int  # the day study resumes
    days: int
    seed: int

    def run(self, limits: Limits, order, new_paused) -> dict:
        """Catch up on a copy of the cards: days to see every backlog card, the busiest day, the recall lost."""
        truth = self.learner.truth
        deck = copy.deepcopy(self.cards)
        first_seen: dict[int, tuple[int, float]] = {}

        def on_answer(d, card, rating, now):
            if card.key in self.backlog and card.key not in first_seen:
                first_seen[card.key] = (d, scheduling.retrievability(card.truth, now, truth))

        log = planning.run_days(
            deck,
            self.learner.app,
            truth,
            START,
            self.days - self.resume,
            limits,
            self.learner.habits,
            random.Random(f"catch-up:{self.seed}:{self.learner.number}"),
            order=order,
            new_paused=new_paused,
            on_answer=on_answer,
            first_day=self.resume,
        )
        cleared = len(first_seen) == len(self.backlog)
        last_day = max((d for d, _ in first_seen.values()), default=self.resume - 1)
        lost = [self.recall_at_resume[k] - r for k, (_, r) in first_seen.items()]
        # a card never reached within the horizon loses what it lost by the end
        end = START + dt.timedelta(days=self.days)
        lost += [
            self.recall_at_resume[c.key] - scheduling.retrievability(c.truth, end, truth)
            for c in deck
            if c.key in self.backlog and c.key not in first_seen
        ]
        return {
            "days_to_clear": (last_day - self.resume + 1) if cleared else self.days - self.resume,
            "cleared": cleared,
            "peak_daily_reviews": max(day.reviews for day in log),
            "recall_lost": statistics.fmean(lost) if lost else 0.0,
            "backlog": len(self.backlog),
        }


# --- Simulator accuracy -------------------------------------------------------------------------------------


def simulator_accuracy(learner: Learner, days: int, seed: int) -> dict[str, float]:
    """The workload simulator's prediction for SIMULATOR_DAYS days against what the simulated learner then does:
    from day 30 of a large deck studied daily. The simulator knows the app's (fitted) parameters and the learner's
    habits; the learner's memory follows their true parameters."""
    truth, app = learner.truth, learner.app
    limits = Limits(new_per_day=BACKLOG_NEW_PER_DAY, reviews_per_day=200)
    horizon = min(SIMULATOR_DAYS, max(1, days - 30))
    begin = min(30, max(0, days - horizon))
    rng = random.Random(f"simulator:{seed}:{learner.number}")
    cards = _new_deck(BACKLOG_CARDS)
    planning.run_days(cards, app, truth, START, begin, limits, learner.habits, rng)
    moment = START + dt.timedelta(days=begin)
    predicted = planning.simulate_workload(
        memories=[c.shown for c in cards],
        config=app,
        start=moment,
        days=horizon,
        limits=limits,
        habits=learner.habits,
        runs=SIMULATOR_RUNS,
        seed=seed,
    )
    log = planning.run_days(cards, app, truth, START, horizon, limits, learner.habits, rng, first_day=begin)
    simulated = [day.answers for day in log]
    errors = [abs(p - s) for p, s in zip(predicted.reviews, simulated, strict=True)]
    return {
        "mean_abs_error_daily_reviews": statistics.fmean(errors),
        "mean_daily_reviews": statistics.fmean(simulated),
    }


def summarise(learners: int, days: int, seed: int, target: float = planning.DEFAULT_EXAM_TARGET) -> dict:
    """The figures simulate_plan prints: means over the learners."""
    exam, backlog, simulator = [], [], []
    for number in range(learners):
        learner = sample_learner(number, seed)
        exam.append(exam_strategies(learner, days, seed, target))
        backlog.append(backlog_strategies(learner, days, seed, BACKLOG_CAP))
        simulator.append(simulator_accuracy(learner, days, seed))

    def mean_of(rows, strategy, key):
        return statistics.fmean(row[strategy][key] for row in rows)

    return {
        "exam": {
            "target": target,
            **{
                name: {
                    "recall_on_exam_day": round(mean_of(exam, name, "recall_on_exam_day"), 4),
                    "reviews": round(mean_of(exam, name, "reviews"), 1),
                }
                for name in ("exam_mode", "raise_retention", "plain")
            },
        },
        "backlog": {
            "cap": BACKLOG_CAP,
            **{
                name: {
                    "days_to_clear": round(mean_of(backlog, name, "days_to_clear"), 2),
                    "peak_daily_reviews": round(mean_of(backlog, name, "peak_daily_reviews"), 1),
                    "recall_lost": round(mean_of(backlog, name, "recall_lost"), 4),
                }
                for name in ("autopilot", "overdue_first", "nothing")
            },
        },
        "simulator": {
            "mean_abs_error_daily_reviews": round(
                statistics.fmean(r["mean_abs_error_daily_reviews"] for r in simulator), 2
            ),
            "mean_daily_reviews": round(statistics.fmean(r["mean_daily_reviews"] for r in simulator), 2),
        },
    }
