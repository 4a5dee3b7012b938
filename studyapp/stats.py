"""Dashboard figures, aggregated by the database so the cost stays flat as the review log grows. Reads only,
except for summarise_review_days, which keeps per-day review sums of the learner's closed days.

Decisions the issue left open:
- Only flashcard reviews (`Review.source == "review"`) count as reviews here; quiz answers have their own panels.
- True retention judges a review on the card as it was shown: `state_before == REVIEW`, and young/mature by
  `Review.last_interval_days`, the interval the card had been scheduled for when it was answered (< 21 days young).
- Per-day values use the learner's day exactly as `studyday.study_date` does (DST included): the database adds the
  UTC offset of the period (a CASE over the time zone's changes) less the rollover hour, and takes the date.
- The review log is read for the last 365 learner days (heatmap, retention, today); so a streak shows at most 365.
  Closed days are read from per-day sums (ReviewDay, see summarise_review_days), today from the reviews.
  Sums stay when a deck is deleted: the days studied remain studied.
- Predicted recall is the FSRS-6 forgetting curve of `scheduling.forgetting_curve` with t the days since the last
  review, computed in SQL; its decay is parameters[20] of the learner's latest fit (`services.fitting.latest_parameters`,
  clamped as the scheduler uses it), else the default.
"""

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
from django.db.models import (
    DateField,
    DateTimeField,
    F,
    FloatField,
    Func,
    Max,
    QuerySet,
    Value,
)
from django.db.models.functions import Cast, Greatest, Power
from django.utils import timezone

from studyapp import card_figures, scheduling, sql_batch
from studyapp.card_figures import MATURE_DAYS, Mastery, WeakItem
from studyapp.models import (
    CardState,
    Review,
    ReviewDay,
    ReviewSummary,
    User,
)
from studyapp.queue import Allowance, Today as Answered, daily_allowance
from studyapp.services import fitting

RETENTION_WINDOWS = (7, 30, 365)
FORECAST_DAYS = 30
HEATMAP_DAYS = 365
WEAKEST_LIMIT = 10

State = CardState.State


# --- Expressions --------------------------------------------------------------------------------------------


class DaysBetween(Func):
    """Fractional days from the first datetime to the second, on SQLite and PostgreSQL."""

    arg_joiner = " - "
    template = "(EXTRACT(EPOCH FROM (%(expressions)s)) / 86400.0)"
    output_field = FloatField()

    def __init__(self, start, end, **extra):
        super().__init__(end, start, **extra)

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template="(julianday(%(expressions)s))",
            arg_joiner=") - julianday(",
            **extra,
        )


def shift_segments(
    tz: dt.tzinfo, rollover_hour: int, start: dt.datetime, end: dt.datetime
) -> tuple[list[dt.datetime], list[int]]:
    """The learner's day of a UTC instant t is the date of t + shift, shift = UTC offset − rollover hour. Returns
    the instants in [start, end] where the offset changes (DST) and the shift, in seconds, before/after each."""

    def shift(at: dt.datetime) -> int:
        return int(at.astimezone(tz).utcoffset().total_seconds()) - rollover_hour * 3600

    boundaries, shifts = [], [shift(start)]
    day = start
    while day < end:
        following = min(day + dt.timedelta(days=1), end)
        if shift(following) != shifts[-1]:
            low, high = day, following  # bisect to the second of the change
            while high - low > dt.timedelta(seconds=1):
                middle = low + (high - low) / 2
                low, high = (middle, high) if shift(middle) == shifts[-1] else (low, middle)
            boundaries.append(high.replace(microsecond=0))
            shifts.append(shift(following))
        day = following
    return boundaries, shifts


def learner_date_sql(
    column: str, boundaries: list[dt.datetime], shifts: list[int], connection=connection
) -> tuple[str, list]:
    """SQL for the learner's study date of a datetime `column` (see shift_segments), with its parameters."""
    as_text = connection.vendor == "sqlite"

    def value(seconds: int):
        return f"{seconds:+d} seconds" if as_text else seconds

    if not boundaries:
        case, params = "%s", [value(shifts[0])]
    else:
        case, params = "CASE", []
        for boundary, seconds in zip(boundaries, shifts, strict=False):
            case += f" WHEN {column} < %s THEN %s"
            params += [connection.ops.adapt_datetimefield_value(boundary), value(seconds)]
        case += " ELSE %s END"
        params.append(value(shifts[-1]))
    if as_text:
        return f"date({column}, {case})", params
    return f"(({column} AT TIME ZONE 'UTC') + ({case}) * INTERVAL '1 second')::date", params


class LearnerDate(Func):
    """The learner's study date of a datetime column, in native SQL on SQLite and PostgreSQL (no per-row Python
    function, which is what made grouping 100,000 reviews by day slow on SQLite)."""

    output_field = DateField()

    def __init__(self, field: str, boundaries: list[dt.datetime], shifts: list[int]):
        super().__init__(F(field))
        self.boundaries, self.shifts = boundaries, shifts

    def as_sql(self, compiler, connection, **extra):
        column, column_params = compiler.compile(self.source_expressions[0])
        if column_params:
            raise ValueError("LearnerDate takes a plain datetime column")
        return learner_date_sql(column, self.boundaries, self.shifts, connection)


def learner_day(field: str, user: User, start: dt.datetime, end: dt.datetime) -> LearnerDate:
    """The learner's study date of `field`, exact for instants between `start` and `end`."""
    return LearnerDate(field, *shift_segments(user.tzinfo, user.day_start_hour, start, end))


def decay_for(user: User) -> float:
    """FSRS-6 decay (a positive number) from the learner's latest parameter fit, else the default."""
    parameters = fitting.latest_parameters(user)
    return float(parameters[20]) if parameters else scheduling.DEFAULT_DECAY


def retrievability(now: dt.datetime, decay: float) -> Func:
    """`scheduling.forgetting_curve` of a CardState row at `now`, as a SQL expression (null for never-reviewed
    cards)."""
    exponent = -decay
    factor = scheduling.curve_factor(decay)
    elapsed = Greatest(DaysBetween(F("last_review"), Value(now, output_field=DateTimeField())), Value(0.0))
    return Power(
        Value(1.0) + Value(factor) * elapsed / Cast(F("stability"), FloatField()),
        Value(exponent),
        output_field=FloatField(),
    )


def studied_states(user: User) -> QuerySet:
    return CardState.objects.filter(user=user).live()


def flashcard_reviews(user: User) -> QuerySet:
    return Review.objects.filter(user=user, source=Review.Source.REVIEW)


# --- The review log, one row per learner day ---------------------------------------------------------------


@dataclass(frozen=True)
class Day:
    """One learner day of the review log."""

    reviews: int = 0
    ms: int = 0
    new: int = 0  # reviews of new cards: introductions, against the new-card limit
    review_state: int = 0  # reviews of cards in review, against the review limit
    young_passed: int = 0
    young_total: int = 0
    mature_passed: int = 0
    mature_total: int = 0


DAY_FIELDS = [f for f in Day.__dataclass_fields__]


_REVIEW_LOG, _DAY_TABLE = Review._meta.db_table, ReviewDay._meta.db_table
# The learner's flashcard reviews, `r` (the conditions of flashcard_reviews).
_FLASHCARD_REVIEWS = f"{_REVIEW_LOG} r WHERE r.user_id = %(user)s AND r.source = '{Review.Source.REVIEW}'"
_JUDGED = f"r.state_before = {State.REVIEW}"
_YOUNG, _MATURE = f"r.last_interval_days < {MATURE_DAYS}", f"r.last_interval_days >= {MATURE_DAYS}"
# The Day fields, in order, over a group of those reviews. Hand-written like card_figures (the ORM's compile cost
# more than PostgreSQL took to run these on every dashboard load).
_DAY_TOTALS = (
    "COUNT(*), COALESCE(SUM(r.duration_ms), 0),"
    f" COUNT(*) FILTER (WHERE r.state_before = {State.NEW}),"
    f" COUNT(*) FILTER (WHERE {_JUDGED}),"
    f" COUNT(*) FILTER (WHERE {_JUDGED} AND {_YOUNG} AND r.rating > 1),"
    f" COUNT(*) FILTER (WHERE {_JUDGED} AND {_YOUNG}),"
    f" COUNT(*) FILTER (WHERE {_JUDGED} AND {_MATURE} AND r.rating > 1),"
    f" COUNT(*) FILTER (WHERE {_JUDGED} AND {_MATURE})"
)


def _date(value) -> dt.date:
    """A date column's value: SQLite returns text."""
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def _datetime(value) -> dt.datetime | None:
    """A datetime column's value, aware: SQLite returns UTC text."""
    if isinstance(value, str):
        return dt.datetime.fromisoformat(value).replace(tzinfo=dt.UTC)
    return value


def _named(sql: str, params: list, prefix: str) -> tuple[str, dict]:
    """SQL with %s parameters (learner_date_sql's) given names, for statements with named parameters."""
    names = {f"{prefix}{i}": value for i, value in enumerate(params)}
    return sql.replace("%s", "%({})s").format(*names), names


@dataclass(frozen=True)
class _Mark:
    """The learner's ReviewSummary, with what has happened to the review log since."""

    through: dt.date
    max_id: int
    latest_id: int | None
    time_zone: str
    day_start_hour: int
    latest_kept: bool  # the newest summed review is still there (undo deletes the newest answer)
    earliest_added: dt.datetime | None  # the earliest time of the reviews written since


def _mark(user: User) -> _Mark | None:
    # MIN over the (user, id) range past the mark, grouped so that PostgreSQL cannot turn it into ORDER BY
    # reviewed_at LIMIT 1: it then walked the (user, reviewed_at) index, through every review of the learner when
    # none was added (320 ms at 200,000 reviews).
    sql = f"""
        SELECT m.through, m.max_id, m.latest_id, m.time_zone, m.day_start_hour,
            EXISTS (SELECT 1 FROM {_REVIEW_LOG} k WHERE k.id = m.latest_id),
            (SELECT MIN(r.reviewed_at) FROM {_FLASHCARD_REVIEWS} AND r.id > m.max_id GROUP BY r.user_id)
        FROM {ReviewSummary._meta.db_table} m WHERE m.user_id = %(user)s
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, {"user": user.pk})
        row = cursor.fetchone()
    if row is None:
        return None
    through, max_id, latest_id, time_zone, day_start_hour, kept, added = row
    return _Mark(_date(through), max_id, latest_id, time_zone, day_start_hour, bool(kept), _datetime(added))


def _first_stale_day(user: User, mark: _Mark | None, window_start: dt.date) -> dt.date | None:
    """The first closed day whose sums no longer match the review log (None: all still good).

    Three things change closed days: a new time zone or day start (every day is cut anew); reviews written
    after the summary with older times (an imported history), from their day on; and undo, which deletes the
    learner's newest answer, so it reaches summed days only once it has deleted the newest summed review
    (`latest_id`): the sums are then good up to the newest summed review still there."""
    if mark is None or (mark.time_zone, mark.day_start_hour) != (user.time_zone, user.day_start_hour):
        return window_start
    stale = []
    if mark.earliest_added is not None and mark.earliest_added < user.day_bounds(mark.through)[0]:
        stale.append(user.study_date(mark.earliest_added))
    if mark.latest_id is not None and not mark.latest_kept:
        survivor = (
            flashcard_reviews(user)
            .filter(id__lte=mark.max_id, reviewed_at__lt=user.day_bounds(mark.through)[0])
            .order_by("-reviewed_at", "-id")
            .values_list("reviewed_at", flat=True)
            .first()
        )
        stale.append(window_start if survivor is None else user.study_date(survivor))
    return max(min(stale), window_start) if stale else None


def summarise_review_days(user: User, now: dt.datetime, window_start: dt.date) -> dt.date:
    """Bring the learner's per-day review sums (ReviewDay) up to yesterday and return the first day not summed
    (today). Days before `window_start` are never summed (the dashboard shows a year).

    Called by the dashboard (lazily: the answer path writes nothing here). A closed study day never changes
    except as `_first_stale_day` says, so each review is summed once a day at most, and a load reads at most a
    year of rows plus today's reviews, whatever the size of the log."""
    today = user.study_date(now)
    mark = _mark(user)
    stale = _first_stale_day(user, mark, window_start)
    if stale is None and mark.through >= today:
        return today
    start = min(max(mark.through if stale is None else stale, window_start), today)
    start_at, end_at = user.day_bounds(start)[0], user.day_bounds(today)[0]
    top = flashcard_reviews(user).aggregate(top=Max("id"))["top"] or 0
    day_sql, params = _named(
        *learner_date_sql(
            "r.reviewed_at", *shift_segments(user.tzinfo, user.day_start_hour, start_at, end_at)
        ),
        "d",
    )
    adapt = connection.ops.adapt_datetimefield_value
    params.update(user=user.pk, start=adapt(start_at), end=adapt(end_at), top=top)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {day_sql}, {_DAY_TOTALS} FROM {_FLASHCARD_REVIEWS}"
            " AND r.reviewed_at >= %(start)s AND r.reviewed_at < %(end)s AND r.id <= %(top)s GROUP BY 1",
            params,
        )
        days = [
            ReviewDay(user=user, date=_date(day), **dict(zip(DAY_FIELDS, totals, strict=True)))
            for day, *totals in cursor.fetchall()
        ]
    latest = (
        flashcard_reviews(user)
        .filter(reviewed_at__lt=end_at, id__lte=top)
        .order_by("-reviewed_at", "-id")
        .values_list("id", flat=True)
        .first()
    )
    try:
        with transaction.atomic():
            # Two tabs may summarise at once: both compute the same sums, and the second replaces the first's.
            ReviewDay.objects.filter(user=user, date__gte=start).delete()
            ReviewDay.objects.bulk_create(days, ignore_conflicts=True)
            ReviewSummary.objects.update_or_create(
                user=user,
                defaults={
                    "through": today,
                    "max_id": top,
                    "latest_id": latest,
                    "time_zone": user.time_zone,
                    "day_start_hour": user.day_start_hour,
                },
            )
    except IntegrityError:  # both created the learner's first mark: the other one's sums are as good
        pass
    return today


def review_days(user: User, now: dt.datetime, days: int = HEATMAP_DAYS) -> dict[dt.date, Day]:
    """The last `days` learner days ending today, those with reviews only: the summed closed days (ReviewDay)
    and today's reviews themselves."""
    date = user.study_date(now)
    summarise_review_days(user, now, window_start=date - dt.timedelta(days=HEATMAP_DAYS - 1))
    closed, today_totals = sql_batch.fetch(*_review_day_reads(user, now, days))
    return closed | today_totals


def _review_day_reads(user: User, now: dt.datetime, days: int) -> tuple[sql_batch.Read, sql_batch.Read]:
    """The days of review_days once summarise_review_days has run: the closed days' sums, and today's reviews
    summed."""
    date = user.study_date(now)
    start, end = user.day_bounds(date)
    closed = sql_batch.Read(
        f"SELECT date, {', '.join(DAY_FIELDS)} FROM {_DAY_TABLE}"
        " WHERE user_id = %(user)s AND date >= %(first)s AND date < %(today)s",
        {
            "user": user.pk,
            "first": connection.ops.adapt_datefield_value(date - dt.timedelta(days=days - 1)),
            "today": connection.ops.adapt_datefield_value(date),
        },
        lambda rows: {_date(day): Day(*totals) for day, *totals in rows},
    )
    adapt = connection.ops.adapt_datetimefield_value
    live = sql_batch.Read(
        f"SELECT {_DAY_TOTALS} FROM {_FLASHCARD_REVIEWS} AND r.reviewed_at >= %(start)s AND r.reviewed_at < %(end)s",
        {"user": user.pk, "start": adapt(start), "end": adapt(end)},
        lambda rows: {date: Day(*rows[0])} if rows[0][0] else {},
    )
    return closed, live


def reviews_per_day(user: User, now: dt.datetime) -> dict[dt.date, int]:
    """Flashcard reviews on each learner day of the last year that has any."""
    return {day: totals.reviews for day, totals in review_days(user, now).items()}


# --- Today --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Today:
    date: dt.date
    due: int
    new: int
    learning: int
    reviews_done: int
    minutes: int

    @property
    def to_study(self) -> int:
        return self.due + self.new + self.learning


def today(
    user: User,
    now: dt.datetime,
    days: dict[dt.date, Day] | None = None,
) -> Today:
    """What is left to study today (within the daily limits) and what was done."""
    date = user.study_date(now)
    done = (review_days(user, now, days=1) if days is None else days).get(date, Day())
    allowance = _allowance(user, done)
    return _today(date, done, allowance, card_figures.available_today(user, now, allowance))


def _allowance(user: User, done: Day) -> Allowance:
    return daily_allowance(user, Answered(new_introduced=done.new, reviews_done=done.review_state))


def _today(date: dt.date, done: Day, allowance: Allowance, available: card_figures.Available) -> Today:
    return Today(
        date=date,
        due=min(available.due, allowance.review),
        new=min(available.new, allowance.new),
        learning=available.learning,
        reviews_done=done.reviews,
        minutes=round(done.ms / 60000),
    )


# --- Activity: heatmap and streak --------------------------------------------------------------------------


def streak_length(days: set[dt.date] | dict[dt.date, int], today: dt.date) -> int:
    """Consecutive days with reviews ending today, or ending yesterday if today has none yet."""
    day = today if today in days else today - dt.timedelta(days=1)
    length = 0
    while day in days:
        length += 1
        day -= dt.timedelta(days=1)
    return length


@dataclass(frozen=True)
class HeatDay:
    date: dt.date
    count: int
    level: int  # 0 (none) to 4 (busiest quarter)


def heatmap(per_day: dict[dt.date, int], today: dt.date, days: int = HEATMAP_DAYS) -> list[HeatDay]:
    """The last `days` days ending today, oldest first, each with a 0–4 intensity level."""
    first = today - dt.timedelta(days=days - 1)
    busiest = max((n for d, n in per_day.items() if first <= d <= today), default=0)
    out = []
    for offset in range(days):
        date = first + dt.timedelta(days=offset)
        count = per_day.get(date, 0)
        level = 0 if count == 0 else min(4, 1 + (4 * (count - 1)) // busiest)
        out.append(HeatDay(date, count, level))
    return out


# --- Forecast -----------------------------------------------------------------------------------------------


def forecast(user: User, now: dt.datetime, days: int = FORECAST_DAYS) -> list[tuple[dt.date, int]]:
    """Cards coming due on each of the next `days` learner days; overdue cards count on today. Hand-written SQL
    (card_figures explains why); it walks the (user, state, due) index up to the horizon."""
    return sql_batch.fetch(forecast_read(user, now, days))[0]


def forecast_read(user: User, now: dt.datetime, days: int = FORECAST_DAYS) -> sql_batch.Read:
    date = user.study_date(now)
    _, horizon = user.day_bounds(date + dt.timedelta(days=days - 1))
    day_sql, day_params = learner_date_sql(
        "s.due", *shift_segments(user.tzinfo, user.day_start_hour, now - dt.timedelta(days=1), horizon)
    )
    # The day expression's parameters get names, as the shared SQL of card_figures uses named ones.
    params = {f"d{i}": value for i, value in enumerate(day_params)}
    day_sql = day_sql.replace("%s", "%({})s").format(*params)
    params.update(user=user.pk, horizon=connection.ops.adapt_datetimefield_value(horizon))
    sql = (
        f"SELECT {day_sql}, COUNT(*) FROM {card_figures.FROM_STATES}"
        f" WHERE {card_figures.LIVE} AND NOT s.suspended AND s.state <> 0 AND s.due < %(horizon)s"
        " GROUP BY 1"
    )

    def per_day(rows: list[tuple]) -> list[tuple[dt.date, int]]:
        counts = [0] * days
        for day, n in rows:
            day = dt.date.fromisoformat(day) if isinstance(day, str) else day
            counts[max(0, (day - date).days)] += n
        return [(date + dt.timedelta(days=i), counts[i]) for i in range(days)]

    return sql_batch.Read(sql, params, per_day)


# --- True retention -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Retention:
    days: int
    young_passed: int
    young_total: int
    mature_passed: int
    mature_total: int

    @staticmethod
    def _share(passed: int, total: int) -> float | None:
        return passed / total if total else None

    @property
    def young(self) -> float | None:
        return self._share(self.young_passed, self.young_total)

    @property
    def mature(self) -> float | None:
        return self._share(self.mature_passed, self.mature_total)

    @property
    def all(self) -> float | None:
        return self._share(self.young_passed + self.mature_passed, self.young_total + self.mature_total)


def retention(
    user: User,
    now: dt.datetime,
    windows: tuple[int, ...] = RETENTION_WINDOWS,
    days: dict[dt.date, Day] | None = None,
) -> list[Retention]:
    """Share of reviews of cards in review state passed (Hard, Good or Easy), young and mature, per window of
    learner days ending today."""
    date = user.study_date(now)
    days = review_days(user, now, days=max(windows)) if days is None else days
    out = []
    for n in windows:
        first = date - dt.timedelta(days=n - 1)
        inside = [d for day, d in days.items() if day >= first]
        out.append(
            Retention(
                n,
                sum(d.young_passed for d in inside),
                sum(d.young_total for d in inside),
                sum(d.mature_passed for d in inside),
                sum(d.mature_total for d in inside),
            )
        )
    return out


# --- Mastery and weakest items ------------------------------------------------------------------------------


def mastery_by_deck(user: User, now: dt.datetime, decay: float) -> list[Mastery]:
    return card_figures.mastery(user, now, decay)[0]


def mastery_by_list(user: User, now: dt.datetime, decay: float) -> list[Mastery]:
    return card_figures.mastery(user, now, decay)[1]


def weakest_items(user: User, now: dt.datetime, decay: float, limit: int = WEAKEST_LIMIT) -> list[WeakItem]:
    return card_figures.weakest_items(user, now, decay, limit)


# --- The learner dashboard in one call ----------------------------------------------------------------------


@dataclass(frozen=True)
class LearnerDashboard:
    today: Today
    streak: int
    heatmap: list[HeatDay]
    forecast: list[tuple[dt.date, int]]
    retention: list[Retention]
    by_deck: list[Mastery]
    by_list: list[Mastery]
    weakest: list[WeakItem]
    decay: float


def learner_dashboard(user: User, now: dt.datetime | None = None) -> LearnerDashboard:
    """Everything the learner dashboard shows, in three queries (sql_batch sends each batch in one round trip
    on PostgreSQL): the summary of the review log's closed days (which may need writing first); the days with
    the card states' figures; today's cards available (capped by what today's reviews leave of the daily
    limits) with the weakest items (among the candidates found before)."""
    now = now or timezone.now()
    decay = decay_for(user)
    date = user.study_date(now)
    summarise_review_days(user, now, window_start=date - dt.timedelta(days=HEATMAP_DAYS - 1))
    closed, today_totals, (by_deck, by_list), coming, chosen = sql_batch.fetch(
        *_review_day_reads(user, now, HEATMAP_DAYS),
        card_figures.mastery_read(user, now, decay),
        forecast_read(user, now),
        card_figures.weakest_candidates_read(user, now, decay, WEAKEST_LIMIT),
    )
    days = closed | today_totals
    done = days.get(date, Day())
    allowance = _allowance(user, done)
    # Today's cards are counted up to what the daily limits leave, which needs today's reviews first.
    available, weakest = sql_batch.fetch(
        card_figures.available_today_read(user, now, allowance),
        card_figures.weakest_items_read(user, now, decay, WEAKEST_LIMIT, chosen),
    )
    today_figures = _today(date, done, allowance, available)
    per_day = {day: totals.reviews for day, totals in days.items()}
    return LearnerDashboard(
        today=today_figures,
        streak=streak_length(per_day, date),
        heatmap=heatmap(per_day, date),
        forecast=coming,
        retention=retention(user, now, days=days),
        by_deck=by_deck,
        by_list=by_list,
        weakest=weakest,
        decay=decay,
    )


@dataclass(frozen=True)
class MonthTotal:
    month: dt.date  # the first of the month
    reviews: int
    days_studied: int


def monthly_totals(days: list[HeatDay]) -> list[MonthTotal]:
    """The heatmap summed by calendar month, oldest first: its table alternative."""
    totals: dict[dt.date, list[int]] = {}
    for day in days:
        entry = totals.setdefault(day.date.replace(day=1), [0, 0])
        entry[0] += day.count
        entry[1] += 1 if day.count else 0
    return [MonthTotal(month, reviews, studied) for month, (reviews, studied) in totals.items()]
