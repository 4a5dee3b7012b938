"""Exam and backlog plans in the database: what the review path, the queue, the forecast and the dashboard read
from them, and the writes that set them. The rules themselves are the pure functions of planning.py."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Q

from studyapp import planning, scheduling
from studyapp.models import BacklogPlan, CardState, Deck, ExamPlan, Review, Section, User

REVIEW = CardState.State.REVIEW
NEW = CardState.State.NEW


# --- Reads for the review path and the queue ----------------------------------------------------------------


def calendar_for(user: User, now: dt.datetime) -> planning.Calendar:
    """The learner's exams still ahead, for planning.answer (one query; none for a session user who has no
    exam plans, see studyapp.auth), and with load balancing or easy days on, the reviews already due on each of
    the coming days (one more)."""
    today = user.study_date(now)
    exams = (
        ()
        if getattr(user, "has_exam_plans", None) is False
        else tuple(
            planning.ExamDate(p.deck_id, p.section_id, p.exam_date, p.target)
            for p in ExamPlan.objects.filter(user=user, exam_date__gt=today).only(
                "deck_id", "section_id", "exam_date", "target"
            )
        )
    )
    loads = None
    if user.load_balancing or user.easy_days:
        loads = tuple(due_per_day(user, now).items())
    easy = tuple(int(d) for d in user.easy_days or () if str(d).isdigit() and 0 <= int(d) <= 6)
    return planning.Calendar(exams, user.time_zone, user.day_start_hour, loads, easy)


BALANCE_HORIZON_DAYS = 400


def due_per_day(user: User, now: dt.datetime) -> dict[dt.date, int]:
    """Review cards due on each study day from today on (a year and a bit: the widest fuzz range fits)."""
    start, _ = user.day_bounds(user.study_date(now))
    dues = CardState.objects.filter(
        user=user,
        state=REVIEW,
        suspended=False,
        due__gte=start,
        due__lt=start + dt.timedelta(days=BALANCE_HORIZON_DAYS),
    ).values_list("due", flat=True)
    counts: dict[dt.date, int] = {}
    for due in dues:
        day = user.study_date(due)
        counts[day] = counts.get(day, 0) + 1
    return counts


@dataclass(frozen=True)
class Limits:
    """The daily limits after plans: a backlog plan caps reviews and pauses new cards until the backlog is seen."""

    new_per_day: int
    reviews_per_day: int
    backlog: BacklogPlan | None = None


def active_backlog(user: User) -> BacklogPlan | None:
    """The learner's unfinished backlog plan while some of its backlog is still waiting (two queries at most)."""
    plan = BacklogPlan.objects.filter(user=user, finished_at__isnull=True).first()
    if plan is None or not backlog_remaining(user, plan).exists():
        return None
    return plan


def backlog_remaining(user: User, plan: BacklogPlan):
    return CardState.objects.filter(
        user=user, state=REVIEW, suspended=False, card__is_active=True, due__lt=plan.backlog_before
    )


def limits(user: User) -> Limits:
    # A session user knows whether they have a backlog plan at all (studyapp.auth): most have none, no query.
    plan = None if getattr(user, "has_backlog_plan", None) is False else active_backlog(user)
    if plan is None:
        return Limits(user.new_cards_per_day, user.reviews_per_day)
    return Limits(0, min(user.reviews_per_day, plan.daily_cap), plan)


def next_backlog_review(reviews, plan: BacklogPlan, now: dt.datetime, config: scheduling.Config):
    """The review card to show first under a backlog plan, in planning.backlog_order (reads the due reviews'
    memories once; the order is the one simulate_plan measured)."""
    ranked = backlog_ranked(reviews, plan, now, config)
    return reviews.select_related("card").get(pk=ranked[0]) if ranked else None


def backlog_ranked(reviews, plan: BacklogPlan, now: dt.datetime, config: scheduling.Config) -> list[int]:
    """The ids of these due review cards in planning.backlog_order."""
    rows = list(reviews.values_list("pk", "stability", "last_review", "due"))
    ranked = planning.backlog_order(
        planning.Overdue(
            pk,
            scheduling.recall_probability(_days(last_review, now), stability or 0.1, config.parameters),
            due,
            in_backlog=due < plan.backlog_before,
        )
        for pk, stability, last_review, due in rows
    )
    return [card.key for card in ranked]


def _days(since: dt.datetime | None, now: dt.datetime) -> float:
    return max(0.0, (now - since).total_seconds() / 86400) if since else 0.0


# --- Exam plans ---------------------------------------------------------------------------------------------


def _scope_states(user: User, deck: Deck, section: Section | None):
    states = CardState.objects.filter(user=user, card__deck=deck, card__is_active=True, suspended=False)
    return states.filter(card__section=section) if section is not None else states


@dataclass(frozen=True)
class ExamPreview:
    exam_date: dt.date
    target: float
    cards: int
    pace: planning.NewCardPace
    days: list[tuple[dt.date, float, float]]  # day, predicted answers, minutes
    recall: float

    @property
    def mean_minutes(self) -> float:
        return sum(m for _, _, m in self.days) / len(self.days) if self.days else 0.0

    @property
    def peak_reviews(self) -> float:
        return max((n for _, n, _ in self.days), default=0.0)


PREVIEW_DAYS = 90


def preview_exam(
    *, user: User, deck: Deck, section: Section | None, exam_date: dt.date, target: float, now: dt.datetime
) -> ExamPreview:
    """What an exam plan would cost before the learner commits: the workload simulator run on the material's
    cards with the exam applied, from today to the exam day (at most 90 days), and the new-card pace it needs."""
    from studyapp.services.reviews import config_for, memory_of  # the review path's own config and memories

    today = user.study_date(now)
    states = list(_scope_states(user, deck, section))
    new_cards = sum(1 for s in states if s.state == NEW)
    pace = planning.new_card_pace(new_cards, today, exam_date, user.new_cards_per_day)
    days = max(1, min(PREVIEW_DAYS, (exam_date - today).days + 1))
    workload = planning.simulate_workload(
        memories=[memory_of(s) for s in states],
        config=config_for(user),
        start=now,
        days=days,
        limits=planning.Limits(min(user.new_cards_per_day, max(pace.per_day, 1)), user.reviews_per_day),
        habits=habits_for(user),
        runs=1,
        seed=user.pk,
        exams=[planning.Exam((exam_date - today).days, target)],
    )
    rows = [
        (today + dt.timedelta(days=d), round(workload.reviews[d], 1), round(workload.minutes[d], 1))
        for d in range(days)
    ]
    return ExamPreview(exam_date, target, len(states), pace, rows, workload.recall)


def set_exam_plan(
    *,
    user: User,
    deck: Deck,
    section: Section | None,
    exam_date: dt.date,
    target: float,
    now: dt.datetime,
    source: str = ExamPlan.OWN,
    label: str = "",
) -> ExamPlan:
    """Save the exam and bring forward the cards of its material that would otherwise reach the exam below
    the target (their next review moves to the day planning.last_review_offset gives, today at the earliest)."""
    with transaction.atomic():
        plan = ExamPlan.objects.create(
            user=user,
            deck=deck,
            section=section,
            exam_date=exam_date,
            target=target,
            source=source,
            label=label,
        )
        reschedule_for_exam(user=user, plan=plan, now=now)
    return plan


def reschedule_for_exam(*, user: User, plan: ExamPlan, now: dt.datetime) -> int:
    from studyapp.services.reviews import config_for

    config = config_for(user)
    today = user.study_date(now)
    exam_start, _ = user.day_bounds(plan.exam_date)
    changed = []
    states = _scope_states(user, plan.deck, plan.section).filter(state=REVIEW, due__gte=exam_start)
    for state in states.select_for_update(of=("self",)):
        reviewed_on = user.study_date(state.last_review)
        memory = scheduling.Memory(
            state=REVIEW,
            stability=state.stability,
            difficulty=state.difficulty,
            last_review=state.last_review,
        )
        exam = planning.Exam((plan.exam_date - reviewed_on).days, plan.target)
        offset = planning.last_review_offset(memory, exam, config) if exam.days_to_exam > 0 else None
        if offset is None:
            continue
        due = state.last_review + dt.timedelta(days=offset)
        if user.study_date(due) < today:
            due = now
        state.due = due
        state.version += 1
        changed.append(state)
    CardState.objects.bulk_update(changed, ["due", "version"])
    return len(changed)


def remove_exam_plan(*, user: User, plan_id: int, now: dt.datetime) -> int:
    """The learner drops one of their own exams (see remove_exam_plans)."""
    return remove_exam_plans(
        plans=ExamPlan.objects.filter(user=user, pk=plan_id, source=ExamPlan.OWN), now=now
    )


def remove_exam_plans(*, plans, now: dt.datetime) -> int:
    """Delete these exam plans and put their material back on each learner's own schedule: a review card that
    the exam brought forward moves to the date its last answer would have given without it (planning.
    relaxed_interval; other exams still ahead keep their hold). Cards due today or earlier stay due, and no card
    moves earlier. Returns how many cards moved."""
    with transaction.atomic():
        removed = list(plans.select_related("user").select_for_update(of=("self",)))
        ExamPlan.objects.filter(pk__in=[p.pk for p in removed]).delete()
        moved = 0
        for user, scopes in _scopes_by_user(removed).items():
            moved += _relax_after_exams(user=user, scopes=scopes, now=now)
    return moved


def _scopes_by_user(removed: list[ExamPlan]) -> dict[User, list[ExamPlan]]:
    by_user: dict[int, tuple[User, list]] = {}
    for plan in removed:
        by_user.setdefault(plan.user_id, (plan.user, []))[1].append(plan)
    return dict(by_user.values())


def _relax_after_exams(*, user: User, scopes: list[ExamPlan], now: dt.datetime) -> int:
    from studyapp.services.reviews import config_for, memory_of

    config = config_for(user, now)  # read after the delete: only the exams that remain
    _, today_end = user.day_bounds(user.study_date(now))
    in_scope = Q()
    for plan in scopes:  # cards answered while the exam was still ahead: the ones it could have scheduled
        exam_start, _ = user.day_bounds(plan.exam_date)
        in_scope |= Q(card__deck_id=plan.deck_id, last_review__lt=exam_start) & (
            Q(card__section_id=plan.section_id) if plan.section_id else Q()
        )
    states = CardState.objects.filter(
        in_scope,
        user=user,
        state=REVIEW,
        due__gte=today_end,
        last_review__isnull=False,
        stability__isnull=False,
    )
    changed = []
    for state in states.select_related("card").select_for_update(of=("self",)):
        exams = config.plans.exams_for(state.card.deck_id, state.card.section_id, state.last_review)
        # The seed the last answer fuzzed with (reviews.fuzz_seed, before `reps` counted that answer).
        seed = f"{state.card_id}:{max(state.reps - 1, 0)}"
        days = planning.relaxed_interval(memory_of(state), config, seed, exams)
        due = state.last_review + dt.timedelta(days=days)
        if due > state.due:
            state.due = due
            state.version += 1
            changed.append(state)
    CardState.objects.bulk_update(changed, ["due", "version"])
    return len(changed)


# --- Backlog plans ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Backlog:
    overdue: int  # review cards due before today
    daily_due: float  # regular reviews per day, from the next two weeks' forecast


def backlog_now(user: User, now: dt.datetime) -> Backlog:
    today_start, _ = user.day_bounds(user.study_date(now))
    horizon = today_start + dt.timedelta(days=15)
    counts = CardState.objects.filter(
        user=user, state=REVIEW, suspended=False, card__is_active=True
    ).aggregate(
        overdue=Count("pk", filter=Q(due__lt=today_start)),
        coming=Count("pk", filter=Q(due__gte=today_start, due__lt=horizon)),
    )
    return Backlog(counts["overdue"], counts["coming"] / 15)


def start_backlog_plan(
    *, user: User, now: dt.datetime, cap: int | None = None, days: int | None = None
) -> BacklogPlan:
    """Catch up with at most `cap` reviews a day, or within `days` days (the cap that takes, on top of the regular
    load). The backlog is what is due by the end of today; a plan already running is replaced."""
    if (cap is None) == (days is None):
        raise ValueError("Give a daily cap or a number of days.")
    if cap is None:
        backlog = backlog_now(user, now)
        cap = planning.cap_for_days(backlog.overdue, days, backlog.daily_due)
    _, today_end = user.day_bounds(user.study_date(now))
    with transaction.atomic():
        BacklogPlan.objects.filter(user=user, finished_at__isnull=True).update(finished_at=now)
        return BacklogPlan.objects.create(
            user=user, daily_cap=max(1, cap), backlog_before=today_end, started_at=now
        )


def stop_backlog_plan(*, user: User, now: dt.datetime) -> None:
    BacklogPlan.objects.filter(user=user, finished_at__isnull=True).update(finished_at=now)


@dataclass(frozen=True)
class CatchUpStatus:
    plan: BacklogPlan
    remaining: int
    finish_on: dt.date | None


def catch_up_status(
    user: User, now: dt.datetime, forecast: list[tuple[dt.date, int]]
) -> CatchUpStatus | None:
    """The running backlog plan, how many of its cards still wait, and the day catching up should end
    (planning.spread_backlog over the due forecast). A plan whose backlog is all seen is closed here."""
    plan = BacklogPlan.objects.filter(user=user, finished_at__isnull=True).first()
    if plan is None:
        return None
    remaining = backlog_remaining(user, plan).count()
    if remaining == 0:
        BacklogPlan.objects.filter(pk=plan.pk, finished_at__isnull=True).update(finished_at=now)
        return None
    spread = planning.spread_backlog([n for _, n in forecast], forecast[0][0], plan.daily_cap)
    return CatchUpStatus(plan, remaining, spread.cleared_on)


@dataclass(frozen=True)
class DashboardPlans:
    exams: list[ExamPlan]
    catch_up: CatchUpStatus | None
    forecast: list[tuple[dt.date, int]]  # as it will be studied: under a backlog plan, capped


def for_dashboard(user: User, now: dt.datetime, forecast: list[tuple[dt.date, int]]) -> DashboardPlans:
    """Upcoming exams, the catch-up status, and the due forecast with the backlog plan applied (two queries,
    three while catching up)."""
    exams = list(ExamPlan.objects.upcoming_for(user, user.study_date(now)).select_related("deck", "section"))
    catch_up = catch_up_status(user, now, forecast) if forecast else None
    if catch_up is not None:
        forecast = planning.spread_backlog(
            [n for _, n in forecast], forecast[0][0], catch_up.plan.daily_cap
        ).days
    return DashboardPlans(exams, catch_up, forecast)


# --- Workload simulator -------------------------------------------------------------------------------------

SIMULATED_RETENTIONS = (0.85, 0.9, 0.95)


def habits_for(user: User) -> planning.Habits:
    """The learner's answer times and rating shares from their last 2,000 flashcard answers; the defaults until
    they have 50."""
    recent = Review.objects.filter(user=user, source=Review.Source.REVIEW).order_by("-reviewed_at")[:2000]
    rows = list(recent.values_list("state_before", "rating", "duration_ms"))
    if len(rows) < 50:
        return planning.Habits()
    default = planning.Habits()

    def seconds(kind: set[int], fallback: float) -> float:
        times = [ms / 1000 for state, _r, ms in rows if state in kind and 0 < ms < 120_000]
        return sum(times) / len(times) if len(times) >= 10 else fallback

    first = [r for state, r, _ms in rows if state == NEW]
    recalled = [r for state, r, _ms in rows if state == REVIEW and r > 1]
    return planning.Habits(
        first_ratings=_shares(first, (1, 2, 3, 4), default.first_ratings),
        recalled_ratings=_shares(recalled, (2, 3, 4), default.recalled_ratings),
        seconds_new=seconds({NEW}, default.seconds_new),
        seconds_review=seconds({REVIEW}, default.seconds_review),
        seconds_relearn=seconds(
            {CardState.State.LEARNING, CardState.State.RELEARNING}, default.seconds_relearn
        ),
    )


def _shares(ratings: list[int], choices: tuple[int, ...], fallback: tuple) -> tuple:
    if len(ratings) < 20:
        return fallback
    return tuple(max(ratings.count(c), 1) / len(ratings) for c in choices)


def simulate_retentions(user: User, now: dt.datetime, days: int = 90) -> list[planning.Workload]:
    """Minutes a day and expected recall over the next `days` days at desired retention 0.85, 0.90 and 0.95,
    from the learner's own cards, parameters, answer times and limits."""
    from studyapp.services.reviews import config_for, memory_of

    config = config_for(user)
    memories = [
        memory_of(s)
        for s in CardState.objects.filter(
            user=user,
            suspended=False,
            card__is_active=True,
            card__deck__enrollments__user=user,
            card__deck__enrollments__active=True,
        )
    ]
    limits = planning.Limits(user.new_cards_per_day, user.reviews_per_day)
    habits = habits_for(user)
    return [
        planning.simulate_workload(
            memories=memories,
            config=config.__class__(
                parameters=config.parameters,
                desired_retention=retention,
                learning_steps=config.learning_steps,
                relearning_steps=config.relearning_steps,
                maximum_interval=config.maximum_interval,
            ),
            start=now,
            days=days,
            limits=limits,
            habits=habits,
            runs=1,
            seed=user.pk,
        )
        for retention in SIMULATED_RETENTIONS
    ]
