"""Quiz figures for the dashboards: reads only, grouped by the database, so the number of queries stays the same
whatever the number of attempts or students.

Decisions the issue left open:
- An attempt counts for grades and scores once it is finished (submitted, or closed at its deadline); an attempt
  still in progress counts only as used.
- The database returns, per assignment and student, the highest, the mean and the latest finished score;
  `grading.pick_grade` takes the one the assignment's grading method names. That is what `grading.grade` gives
  for the same attempts (the tests hold both to the same values), without sending every attempt to Python.
- A class average is the mean of the grades of the class's current members who have one. A learner's page only
  ever reads classmates' attempts on assignments whose class shows its average.
- Scores over time are grouped by the learner's own day (time zone and rollover hour) over the last year, one
  point per day and kind (practice / assigned): the mean score of the quizzes finished that day.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Avg, Count, Exists, Max, OuterRef, Q, QuerySet, Subquery

from quizzes import grading
from quizzes.models import Assignment, Attempt, ClassMembership, Classroom
from studyapp.spreadsheets import csv_safe
from studyapp.stats import HEATMAP_DAYS, learner_day

FINISHED = ~Q(status=Attempt.Status.IN_PROGRESS) & Q(score__isnull=False)


@dataclass(frozen=True)
class Standing:
    """One student's attempts on one assignment."""

    used: int
    late: int
    grade: float | None


def _in_their_class() -> Exists:
    return Exists(
        ClassMembership.objects.filter(
            classroom_id=OuterRef("assignment__classroom_id"), student_id=OuterRef("user_id")
        )
    )


def standings(attempts: QuerySet, methods: dict[int, str]) -> dict[tuple[int, int], Standing]:
    """(assignment id, student id) → Standing, for the assignment attempts in `attempts` of current class members.

    One query: one row per student and assignment, however many attempts each has."""
    latest = (
        Attempt.objects.filter(FINISHED, assignment_id=OuterRef("assignment_id"), user_id=OuterRef("user_id"))
        .order_by("-started_at", "-id")
        .values("score")[:1]
    )
    rows = (
        attempts.filter(_in_their_class())
        .values("assignment_id", "user_id")
        .annotate(
            used=Count("id"),
            late=Count("id", filter=Q(is_late=True)),
            highest=Max("score", filter=FINISHED),
            mean=Avg("score", filter=FINISHED),
            last=Subquery(latest),
        )
        .order_by()
    )
    return {
        (row["assignment_id"], row["user_id"]): Standing(
            used=row["used"],
            late=row["late"],
            grade=grading.pick_grade(
                methods[row["assignment_id"]], highest=row["highest"], last=row["last"], mean=row["mean"]
            ),
        )
        for row in rows
    }


def class_averages(found: dict[tuple[int, int], Standing]) -> dict[int, tuple[float, int]]:
    """Assignment id → (mean grade, number of students graded), over the students who have a grade."""
    grades: dict[int, list[float]] = defaultdict(list)
    for (assignment_id, _), standing in found.items():
        if standing.grade is not None:
            grades[assignment_id].append(standing.grade)
    return {aid: (sum(values) / len(values), len(values)) for aid, values in grades.items()}


# --- The learner's dashboard -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScoreDay:
    """One learner day with finished quizzes: the mean score of each kind that day (None: no quiz of that kind)."""

    date: dt.date
    practice: float | None
    practice_quizzes: int
    assigned: float | None
    assigned_quizzes: int


def scores_by_day(user, now: dt.datetime, days: int = HEATMAP_DAYS) -> list[ScoreDay]:
    """The learner's finished quizzes of the last `days` learner days, grouped by day in the database, oldest
    first."""
    today = user.study_date(now)
    start = user.day_bounds(today - dt.timedelta(days=days - 1))[0]
    end = user.day_bounds(today)[1]
    practice, assigned = Q(assignment__isnull=True), Q(assignment__isnull=False)
    rows = (
        Attempt.objects.filter(FINISHED, user=user, submitted_at__gte=start, submitted_at__lt=end)
        .annotate(day=learner_day("submitted_at", user, start, end))
        .values("day")
        .annotate(
            practice=Avg("score", filter=practice),
            practice_quizzes=Count("id", filter=practice),
            assigned=Avg("score", filter=assigned),
            assigned_quizzes=Count("id", filter=assigned),
        )
        .order_by("day")
    )
    return [ScoreDay(date=row.pop("day"), **row) for row in rows]


@dataclass(frozen=True)
class AssignmentScore:
    assignment: Assignment
    used: int
    late: int
    grade: float | None
    show_average: bool
    class_average: float | None  # None when hidden or when nobody has a grade yet
    graded: int  # students behind the class average

    @property
    def attempts_left(self) -> int:
        return max(self.assignment.max_attempts - self.used, 0)


def assignment_scores(user) -> list[AssignmentScore]:
    """Each assignment of the learner's classes (closing soonest first) with their grade, attempts and late marks,
    and the class average where the instructor shows it. Two queries (one without assignments)."""
    assignments = list(
        Assignment.objects.for_student(user)
        .select_related("quiz_set", "classroom")
        .order_by("closes_at", "pk")
    )
    if not assignments:
        return []
    methods = {a.pk: a.grading for a in assignments}
    # Classmates' attempts are read only where their class shows an average, and only that average leaves here.
    visible = Q(user=user) | Q(assignment__classroom__show_class_average=True)
    found = standings(Attempt.objects.filter(visible, assignment_id__in=list(methods)), methods)
    averages = class_averages(found)
    out = []
    for a in assignments:
        own = found.get((a.pk, user.pk), Standing(used=0, late=0, grade=None))
        shown = a.classroom.show_class_average
        average, graded = averages.get(a.pk, (None, 0)) if shown else (None, 0)
        out.append(
            AssignmentScore(
                assignment=a,
                used=own.used,
                late=own.late,
                grade=own.grade,
                show_average=shown,
                class_average=average,
                graded=graded,
            )
        )
    return out


@dataclass(frozen=True)
class LearnerQuizzes:
    days: list[ScoreDay]
    assignments: list[AssignmentScore]

    @property
    def quizzes(self) -> int:
        return sum(d.practice_quizzes + d.assigned_quizzes for d in self.days)


def learner_quizzes(user, now: dt.datetime) -> LearnerQuizzes:
    """The learner dashboard's quiz panels, in three queries (two without assignments)."""
    return LearnerQuizzes(days=scores_by_day(user, now), assignments=assignment_scores(user))


# --- The instructor's class dashboard ----------------------------------------------------------------------


@dataclass(frozen=True)
class ClassScores:
    assignments: list[Assignment]
    rows: list[tuple[object, list[Standing | None]]]  # (student row, one cell per assignment)
    averages: list[float | None]  # per assignment
    graded: list[int]  # students behind each average

    @property
    def average_cells(self) -> list[tuple[float | None, int]]:
        return list(zip(self.averages, self.graded, strict=True))


def class_scores(classroom: Classroom, students: Sequence) -> ClassScores:
    """Per student (rows with an `id`, as the class dashboard lists them) the grade on each of the class's
    assignments, and the class average of each. Two queries, whatever the size of the class."""
    assignments = list(classroom.assignments.select_related("quiz_set").order_by("closes_at", "pk"))
    methods = {a.pk: a.grading for a in assignments}
    found = standings(Attempt.objects.filter(assignment__classroom=classroom), methods)
    averages = class_averages(found)
    rows = [(s, [found.get((a.pk, s.id)) for a in assignments]) for s in students]
    return ClassScores(
        assignments=assignments,
        rows=rows,
        averages=[averages.get(a.pk, (None, 0))[0] for a in assignments],
        graded=[averages.get(a.pk, (None, 0))[1] for a in assignments],
    )


def csv_header(assignment: Assignment) -> str:
    return f"quiz_{assignment.pk}: {assignment.quiz_set.title} ({assignment.get_grading_display().lower()})"


def add_score_columns(rows: list[list[object]], scores: ClassScores) -> list[list[object]]:
    """The class CSV (a header, then one row per student in `scores.rows` order) with a column per assignment."""
    rows[0] = [*rows[0], *(csv_safe(csv_header(a)) for a in scores.assignments)]
    for row, (_, cells) in zip(rows[1:], scores.rows, strict=True):
        row.extend("" if c is None or c.grade is None else f"{c.grade:.3f}" for c in cells)
    return rows
