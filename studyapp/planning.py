"""Planning on top of FSRS: exam dates, catching up after a break, spreading the load, and predicting it.

Pure: no ORM, no request; time, dates and seeds are arguments. Every interval still comes from
`scheduling.answer`; this module only chooses the desired retention it is asked for and, where a plan needs it,
moves the due date (earlier before an exam; within the fuzz range for load balancing).

Days are the learner's study days: `days_to_exam` is the number of study days from the review's day to the
exam's day, and an interval of k days puts the card on the study day k days later.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import random
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from studyapp import scheduling, studyday
from studyapp.scheduling import NEW, RELEARNING, REVIEW, Config, Memory, Outcome, Rating

DEFAULT_EXAM_TARGET = 0.95
EASY_DAY_WEIGHT = 0.5
# Desired retention climbs from the learner's own to the exam target over the last RAMP_DAYS before an exam.
RAMP_DAYS = 14
# The last new card of an exam's material is introduced at least this many days before the exam.
NEW_CARD_LEAD_DAYS = 2


# --- Exam dates ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Exam:
    """An exam `days_to_exam` study days after the review's day (0: today is the exam day)."""

    days_to_exam: int
    target: float = DEFAULT_EXAM_TARGET


@dataclass(frozen=True)
class ExamDate:
    """An exam on a deck (section_id None) or on one of its lists, on the learner's study day `day`."""

    deck_id: int
    section_id: int | None
    day: dt.date
    target: float = DEFAULT_EXAM_TARGET

    def covers(self, deck_id: int, section_id: int | None) -> bool:
        return self.deck_id == deck_id and (self.section_id is None or self.section_id == section_id)


@dataclass(frozen=True)
class Calendar:
    """A learner's exam dates with what turns a moment into their study day."""

    exams: tuple[ExamDate, ...] = ()
    time_zone: str = "UTC"
    rollover_hour: int = 4
    # Load balancing: reviews already due per study day, and easy weekdays (half weight); None when off.
    loads: tuple[tuple[dt.date, int], ...] | None = None
    easy_days: tuple[int, ...] = ()

    def today(self, now: dt.datetime) -> dt.date:
        return studyday.study_date(now, ZoneInfo(self.time_zone), self.rollover_hour)

    def balancer(self, now: dt.datetime, maximum_interval: int) -> Callable[[int, Outcome], int] | None:
        """balanced_days with this learner's loads and easy days, for planning.answer; None when off."""
        if self.loads is None:
            return None
        today, load = self.today(now), dict(self.loads)
        weights = {day: EASY_DAY_WEIGHT for day in self.easy_days}

        def balance(days: int, outcome: Outcome) -> int:
            return balanced_days(days, today, load, maximum_interval, weights)

        return balance

    def exams_for(self, deck_id: int, section_id: int | None, now: dt.datetime) -> list[Exam]:
        if not self.exams:
            return []
        today = self.today(now)
        return [Exam((e.day - today).days, e.target) for e in self.exams if e.covers(deck_id, section_id)]


def upcoming(exams: Iterable[Exam]) -> list[Exam]:
    """Exams still ahead (the exam day itself counts as past: reviews that day cannot change the plan)."""
    return sorted((e for e in exams if e.days_to_exam > 0), key=lambda e: e.days_to_exam)


def ramped_retention(normal: float, exams: Iterable[Exam], ramp_days: int = RAMP_DAYS) -> float:
    """The desired retention to schedule with: the learner's own, climbing linearly to the nearest exam's
    target over the last `ramp_days`; never lower than the learner's own. After every exam, the learner's own."""
    retention = normal
    for exam in upcoming(exams):
        if exam.target <= normal:
            continue
        share = max(0.0, 1.0 - exam.days_to_exam / ramp_days)
        retention = max(retention, normal + (exam.target - normal) * share)
    return round(retention, 4)


def recall_after(stability: float, days: float, config: Config) -> float:
    return scheduling.recall_probability(max(0.0, days), stability, config.parameters)


def days_until_recall(stability: float, recall: float, config: Config) -> float:
    """Days after a review at which predicted recall falls to `recall` (the forgetting curve solved for t)."""
    return stability * (recall ** (1 / config.decay) - 1) / config.factor


def last_review_offset(after: Memory, exam: Exam, config: Config) -> int | None:
    """When a card just answered must be seen once more before `exam`, or None when its predicted recall on the
    exam day already meets the target without another review.

    The review lands on the last day its recall is still at the target, so it is rarely failed and a Good then
    carries it well past the exam; a weak card whose Good on that day would not last until the exam comes back
    on the earliest day from which one Good does. Never later than the exam's eve (exam tomorrow: the exam day
    itself, before the exam)."""
    if after.stability is None:
        return None
    if recall_after(after.stability, exam.days_to_exam, config) >= exam.target:
        return None
    last_possible = max(1, exam.days_to_exam - 1)
    at_target = max(1, math.floor(days_until_recall(after.stability, exam.target, config)))
    if at_target >= last_possible:
        return last_possible
    no_fuzz = dataclasses.replace(config, fuzz=False)

    def good_then_reaches_target(offset: int) -> bool:
        moment = after.last_review + dt.timedelta(days=offset)
        shown = dataclasses.replace(after, state=REVIEW, step=None, due=moment)
        later = scheduling.answer(shown, Rating.GOOD, moment, no_fuzz, "").memory
        return recall_after(later.stability, exam.days_to_exam - offset, config) >= exam.target

    if good_then_reaches_target(at_target):
        return at_target
    # Later reviews find lower recall, so a Good then stabilises more and the exam is nearer: monotone.
    low, high = at_target + 1, last_possible
    while low < high:
        middle = (low + high) // 2
        if good_then_reaches_target(middle):
            high = middle
        else:
            low = middle + 1
    return low


def exam_interval(proposed_days: int, after: Memory, exams: Iterable[Exam], config: Config) -> int:
    """The interval (days) the exams allow: the scheduler's own unless it would carry the card past an exam
    with its predicted recall on that day below the exam's target; then the last review before that exam."""
    days = proposed_days
    for exam in upcoming(exams):
        if days < exam.days_to_exam:
            continue
        offset = last_review_offset(after, exam, config)
        if offset is not None:
            days = min(days, offset)
    return days


def answer(
    memory: Memory,
    rating: Rating,
    now: dt.datetime,
    config: Config,
    fuzz_seed: str,
    *,
    exams: Sequence[Exam] = (),
    balance: Callable[[int, Outcome], int] | None = None,
) -> Outcome:
    """`scheduling.answer` with the plans applied: desired retention ramped for the exams ahead, the interval
    capped so the card reaches each exam at its target, and (optionally) `balance(days, outcome)` choosing a
    day within the fuzz range. The review path and the button labels both call this, so labels stay honest."""
    ahead = upcoming(exams)
    if ahead:
        retention = ramped_retention(config.desired_retention, ahead)
        if retention != config.desired_retention:
            config = dataclasses.replace(config, desired_retention=retention)
    elif balance is not None and config.fuzz:
        config = dataclasses.replace(config, fuzz=False)  # the balancer chooses within the fuzz range instead
    outcome = scheduling.answer(memory, rating, now, config, fuzz_seed)
    if outcome.memory.state != REVIEW:
        return outcome
    days = round(outcome.interval.total_seconds() / 86400)
    chosen = days
    if balance is not None and not ahead:
        chosen = balance(days, outcome)
    if ahead:
        chosen = exam_interval(days, outcome.memory, ahead, config)
    if chosen == days:
        return outcome
    return _with_interval(outcome, now, chosen)


def relaxed_interval(after: Memory, config: Config, fuzz_seed: str, exams: Sequence[Exam] = ()) -> int:
    """The interval (days from its last review) a review card's last answer would have given without the exam
    plans that are gone: FSRS's interval for its stability at the learner's desired retention (ramped for the
    `exams` still ahead, counted from that review's day), fuzzed with the answer's seed, capped for `exams`."""
    ahead = upcoming(exams)
    retention = ramped_retention(config.desired_retention, ahead)
    if retention != config.desired_retention:
        config = dataclasses.replace(config, desired_retention=retention)
    days = scheduling.review_interval(after.stability, config, fuzz_seed)
    return exam_interval(days, after, ahead, config) if ahead else days


def preview(
    memory: Memory, now: dt.datetime, config: Config, fuzz_seed: str, **plans
) -> dict[Rating, Outcome]:
    return {rating: answer(memory, rating, now, config, fuzz_seed, **plans) for rating in Rating}


def _with_interval(outcome: Outcome, now: dt.datetime, days: int) -> Outcome:
    interval = dt.timedelta(days=days)
    return dataclasses.replace(
        outcome,
        memory=dataclasses.replace(outcome.memory, due=now + interval),
        interval=interval,
        scheduled_days=float(days),
    )


# --- New cards before an exam -------------------------------------------------------------------------------


@dataclass(frozen=True)
class NewCardPace:
    new_cards: int
    per_day: int
    last_day: dt.date
    limit: int

    @property
    def fits(self) -> bool:
        return self.per_day <= self.limit

    @property
    def warning(self) -> str:
        if self.fits:
            return ""
        return (
            f"Introducing all {self.new_cards} new cards by {self.last_day:%d %b} needs {self.per_day} a day, "
            f"over your limit of {self.limit}: raise the limit or some cards will be new on the exam day."
        )


def new_card_pace(new_cards: int, today: dt.date, exam_day: dt.date, limit: int) -> NewCardPace:
    """New cards per day so every one is introduced NEW_CARD_LEAD_DAYS before the exam (or, when the exam is
    nearer, by its eve), so each gets reviewed at least once before it."""
    days_left = (exam_day - today).days
    lead = min(NEW_CARD_LEAD_DAYS, max(0, days_left - 1))
    study_days = max(1, days_left - lead)
    per_day = math.ceil(new_cards / study_days) if new_cards else 0
    return NewCardPace(new_cards, per_day, today + dt.timedelta(days=study_days - 1), limit)


# --- Backlog autopilot --------------------------------------------------------------------------------------

# Overdue cards below LOST_BELOW are mostly forgotten already and those at SAFE_FROM or above still mostly
# remembered: a day's wait changes little for either, so both go after the cards in between.
LOST_BELOW = 0.5
SAFE_FROM = 0.85


@dataclass(frozen=True)
class Overdue:
    key: int
    recall: float
    due: dt.datetime | None = None
    in_backlog: bool = True  # overdue when the catch-up began (the rest came due since)


def backlog_priority(card: Overdue) -> tuple:
    if card.recall < LOST_BELOW:
        band = 1
    elif card.recall >= SAFE_FROM:
        band = 2
    else:
        band = 0
    return (0 if card.in_backlog else 1, band, card.recall, card.key)


def backlog_order(cards: Iterable[Overdue]) -> list[Overdue]:
    """Catch-up order: the backlog before cards that came due since (as Anki's overdue-first order does too);
    within it, lowest predicted recall first among the cards at risk, then the lost, then the safe."""
    return sorted(cards, key=backlog_priority)


def overdue_first_order(cards: Iterable[Overdue]) -> list[Overdue]:
    """Anki's default review order for comparison: the oldest due date first."""
    return sorted(cards, key=lambda c: (c.due, c.key))


def cap_for_days(overdue: int, days: int, daily_due: float = 0.0) -> int:
    """The daily review cap that clears `overdue` cards in `days` days on top of `daily_due` regular reviews."""
    return math.ceil(overdue / max(1, days) + daily_due)


@dataclass(frozen=True)
class CatchUp:
    days: list[tuple[dt.date, int]]  # reviews planned on each day until the backlog is cleared
    cleared_on: (
        dt.date | None
    )  # the first day whose reviews fit under the cap again; None: never within horizon

    @property
    def days_to_clear(self) -> int | None:
        return None if self.cleared_on is None else (self.cleared_on - self.days[0][0]).days


def spread_backlog(
    due_per_day: Sequence[int],
    today: dt.date,
    cap: int,
    weights: Mapping[int, float] | None = None,
) -> CatchUp:
    """Reviews per day when at most `cap` are done each day (less on easy days: `weights` by weekday) and what
    does not fit waits for the next day. `due_per_day[0]` holds today's due cards including every overdue one.
    The backlog is cleared on the first day that leaves nothing waiting."""
    waiting = 0
    days, cleared_on = [], None
    for offset, due in enumerate(due_per_day):
        day = today + dt.timedelta(days=offset)
        capacity = daily_cap(cap, day, weights)
        total = waiting + due
        done = min(total, capacity)
        waiting = total - done
        days.append((day, done))
        if waiting == 0 and cleared_on is None:
            cleared_on = day
    return CatchUp(days, cleared_on)


def daily_cap(cap: int, day: dt.date, weights: Mapping[int, float] | None = None) -> int:
    weight = (weights or {}).get(day.weekday(), 1.0)
    return math.floor(cap * weight)


# --- Load balancing and easy days ---------------------------------------------------------------------------


def balanced_days(
    days: int,
    today: dt.date,
    load: Mapping[dt.date, int],
    maximum_interval: int,
    weights: Mapping[int, float] | None = None,
) -> int:
    """Within the fuzz range around `days`, the day with the lightest load relative to its weekday's weight
    (easy days have a weight below 1; 0 means no reviews that day unless every day in range is one). Ties go
    to the day nearest the scheduler's own choice, then the earlier one."""
    low, high = scheduling.fuzz_range(days, maximum_interval)
    if low == high:
        return days

    def fullness(offset: int) -> tuple:
        day = today + dt.timedelta(days=offset)
        weight = (weights or {}).get(day.weekday(), 1.0)
        relative = math.inf if weight <= 0 else (load.get(day, 0) + 1) / weight
        return (relative, abs(offset - days), offset)

    return min(range(low, high + 1), key=fullness)


# --- Workload simulator -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Habits:
    """How a learner answers and how long it takes: from their own log in the app, sampled in simulations."""

    first_ratings: tuple[float, float, float, float] = (
        0.25,
        0.1,
        0.55,
        0.1,
    )  # Again/Hard/Good/Easy, new card
    recalled_ratings: tuple[float, float, float] = (0.1, 0.8, 0.1)  # Hard/Good/Easy when recalled
    seconds_new: float = 20.0
    seconds_review: float = 8.0
    seconds_relearn: float = 12.0


@dataclass(frozen=True)
class Limits:
    new_per_day: int = 20
    reviews_per_day: int = 200


@dataclass(frozen=True)
class Workload:
    desired_retention: float
    reviews: list[float]  # answers per day (learning steps included)
    minutes: list[float]
    recall: float  # mean predicted recall of the cards introduced, over the period

    @property
    def mean_minutes(self) -> float:
        return sum(self.minutes) / len(self.minutes) if self.minutes else 0.0

    @property
    def mean_reviews(self) -> float:
        return sum(self.reviews) / len(self.reviews) if self.reviews else 0.0


def simulate_workload(
    *,
    memories: Sequence[Memory],
    config: Config,
    start: dt.datetime,
    days: int = 90,
    limits: Limits = Limits(),
    habits: Habits = Habits(),
    runs: int = 3,
    seed: int = 0,
    exams: Sequence[Exam] = (),
) -> Workload:
    """Expected answers and minutes per day, and mean recall, if the learner studies once a day from `start`
    with this config: the learner's memory is taken to follow `config.parameters`, cards are answered through
    `answer` (with `exams`, counted from `start`'s day) under the daily limits (reviews first, then new cards).
    Averages `runs` seeded runs."""

    def exams_on(card: SimCard, d: int) -> list[Exam]:
        return [Exam(e.days_to_exam - d, e.target) for e in exams]

    totals = [0.0] * days
    seconds = [0.0] * days
    recall_sum = 0.0
    for run in range(runs):
        rng = random.Random(f"{seed}:{run}")
        cards = [SimCard(key=n, shown=m, truth=m) for n, m in enumerate(memories)]
        day_log = run_days(
            cards,
            config,
            config,
            start,
            days,
            limits,
            habits,
            rng,
            track_recall=True,
            exams=exams_on if exams else None,
        )
        for d, day in enumerate(day_log):
            totals[d] += day.answers
            seconds[d] += day.seconds
            recall_sum += day.mean_recall
    return Workload(
        desired_retention=config.desired_retention,
        reviews=[t / runs for t in totals],
        minutes=[s / runs / 60 for s in seconds],
        recall=recall_sum / (runs * days) if days else 0.0,
    )


@dataclass
class SimCard:
    """One card in a simulation: what the app knows (`shown`) and the learner's true memory (`truth`)."""

    key: int
    shown: Memory
    truth: Memory
    reps: int = 0


@dataclass
class SimDay:
    answers: int = 0
    reviews: int = 0  # answers to cards in review state (what a review limit counts)
    new: int = 0
    seconds: float = 0.0
    mean_recall: float = 0.0


def run_days(
    cards: list[SimCard],
    app: Config,
    truth: Config,
    start: dt.datetime,
    days: int,
    limits: Limits,
    habits: Habits,
    rng: random.Random,
    *,
    exams: Callable[[SimCard, int], Sequence[Exam]] | None = None,
    order: Callable[[list[SimCard], dt.datetime], list[SimCard]] | None = None,
    new_paused: Callable[[int, list[SimCard]], bool] | None = None,
    skip_day: Callable[[int], bool] | None = None,
    on_answer: Callable[[int, SimCard, int, dt.datetime], None] | None = None,
    track_recall: bool = False,
    first_day: int = 0,
) -> list[SimDay]:
    """One study session a day at `start`'s time of day. Each day: review cards due that day (up to the review
    limit, in `order`, default oldest due first), then new cards in key order (up to the new limit, unless
    `new_paused`), every learning and relearning step repeated within the session. Recall is drawn from the
    true memory; scheduling goes through `answer` above with the app's config and the card's exams."""
    log = []
    for d in range(first_day, first_day + days):
        session = start + dt.timedelta(days=d)
        day_end = session + dt.timedelta(hours=16)
        day = SimDay()
        introduced = [c for c in cards if c.shown.state != NEW] if track_recall else []
        if introduced:
            day.mean_recall = sum(
                scheduling.retrievability(c.truth, session, truth) for c in introduced
            ) / len(introduced)
        if skip_day is not None and skip_day(d):
            log.append(day)
            continue
        due = [c for c in cards if c.shown.state != NEW and c.shown.due is not None and c.shown.due < day_end]
        reviews = [c for c in due if c.shown.state == REVIEW]
        learning = [c for c in due if c.shown.state != REVIEW]
        ordered = order(reviews, session) if order else sorted(reviews, key=lambda c: (c.shown.due, c.key))
        chosen = ordered[: limits.reviews_per_day]
        paused = new_paused(d, cards) if new_paused else False
        fresh = [] if paused else [c for c in cards if c.shown.state == NEW][: limits.new_per_day]
        now = session
        for card in learning + chosen + fresh:
            now = _study(card, now, day_end, d, app, truth, habits, rng, day, exams, on_answer)
        log.append(day)
    return log


def _study(card, now, day_end, d, app, truth, habits, rng, day, exams, on_answer) -> dt.datetime:
    """Answer one card, and its learning steps within the session."""
    while True:
        state = card.shown.state
        rating = _rating(card, now, truth, habits, rng)
        plans = exams(card, d) if exams else ()
        outcome = answer(card.shown, Rating(rating), now, app, f"{card.key}:{card.reps}", exams=plans)
        if on_answer is not None:  # before the truth moves on: hooks read recall at the moment of answering
            on_answer(d, card, rating, now)
        card.truth = scheduling.answer(card.truth, Rating(rating), now, truth, "").memory
        card.shown = outcome.memory
        card.reps += 1
        day.answers += 1
        if state == NEW:
            day.new += 1
            day.seconds += habits.seconds_new
        elif state == REVIEW:
            day.reviews += 1
            day.seconds += habits.seconds_review if rating > 1 else habits.seconds_relearn
        else:
            day.seconds += habits.seconds_relearn
        now = max(
            now + dt.timedelta(seconds=20), card.shown.due if card.shown.state in (1, RELEARNING) else now
        )
        if card.shown.state == REVIEW or card.shown.due >= day_end:
            return now


def _rating(card: SimCard, now: dt.datetime, truth: Config, habits: Habits, rng: random.Random) -> int:
    if card.truth.stability is None:
        return rng.choices((1, 2, 3, 4), weights=habits.first_ratings)[0]
    if rng.random() < scheduling.retrievability(card.truth, now, truth):
        return rng.choices((2, 3, 4), weights=habits.recalled_ratings)[0]
    return 1
