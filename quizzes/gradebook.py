"""Reads for instructors: the gradebook of an assignment, its CSV export, and item analysis per question."""

import csv
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import dateformat, timezone

from quizzes import analysis
from quizzes.grading import grade
from quizzes.models import Assignment, Attempt, AttemptAnswer, ClassMembership, Question
from studyapp.spreadsheets import csv_safe


@dataclass
class GradebookRow:
    student: object
    attempts: list[Attempt] = field(default_factory=list)
    grade: float | None = None
    cells: list["AttemptCell"] = field(default_factory=list)  # the page's, from add_attempt_cells
    name: str = ""  # the student's full name, from add_attempt_cells

    @property
    def percent(self) -> int | None:
        return None if self.grade is None else round(self.grade * 100)

    @property
    def any_late(self) -> bool:
        return any(a.is_late for a in self.attempts)


def gradebook_rows(assignment: Assignment) -> list[GradebookRow]:
    """Every student of the class (also those without attempts), with their attempts and grade. Two queries."""
    # Only the columns shown: a whole user row (settings, JSON) per student costs more than the page's queries.
    members = (
        ClassMembership.objects.filter(classroom_id=assignment.classroom_id)
        .select_related("student")
        .only("student", "student__username", "student__first_name", "student__last_name", "student__email")
    )
    rows = {m.student_id: GradebookRow(student=m.student) for m in members.order_by("student__username")}
    for attempt in Attempt.objects.filter(assignment=assignment).order_by("started_at"):
        row = rows.get(attempt.user_id)
        if row is not None:  # a student who left the class keeps their attempts, out of the gradebook
            row.attempts.append(attempt)
    for row in rows.values():
        row.grade = grade(row.attempts, assignment.grading)
    return list(rows.values())


@dataclass(frozen=True)
class AttemptCell:
    """One attempt as the gradebook page shows it, its text made here: for a class of hundreds the template's
    `url` tag and `date` filter per attempt cost more than the rest of the page."""

    attempt: Attempt
    url: str
    label: str  # "#1: 7/10 (70%)", or "#2: in progress"
    when: str  # "3 Mar 14:05–14:30" in the reader's time zone, and ", closed at the limit" when it was
    late: bool


def add_attempt_cells(rows: list[GradebookRow]) -> None:
    """Fill each row's `cells` and `name`, dates formatted as the `date` filter would ("j M H:i", "H:i")."""
    months = [dateformat.format(dt.date(2000, month, 1), "M") for month in range(1, 13)]
    before, after = reverse("quizzes:attempt-result", args=[_ANY_ID]).split(str(_ANY_ID))
    zone = timezone.get_current_timezone()
    for row in rows:
        row.name = row.student.get_full_name()
        for a in row.attempts:
            started = a.started_at.astimezone(zone)
            when = f"{started.day} {months[started.month - 1]} {started:%H:%M}"
            if a.submitted_at:
                when += f"–{a.submitted_at.astimezone(zone):%H:%M}"
            if a.status == Attempt.Status.TIMED_OUT:
                when += ", closed at the limit"
            score = "in progress" if a.is_open else f"{a.correct_count}/{a.question_count} ({a.percent}%)"
            row.cells.append(
                AttemptCell(a, f"{before}{a.pk}{after}", f"#{a.number}: {score}", when, a.is_late)
            )


_ANY_ID = 918273645  # reversed once; each attempt's URL is this one with its id in place


def write_gradebook_csv(assignment: Assignment, rows: list[GradebookRow], out) -> None:
    writer = csv.writer(out)
    writer.writerow(
        [
            "username",
            "name",
            "email",
            "attempts",
            f"grade ({assignment.get_grading_display()})",
            "late",
            "attempt scores",
        ]
    )
    for row in rows:
        student = row.student
        writer.writerow(
            [
                csv_safe(cell)
                for cell in (
                    student.username,
                    student.get_full_name(),
                    student.email,
                    len(row.attempts),
                    "" if row.percent is None else row.percent,
                    "yes" if row.any_late else "no",
                    " ".join(
                        f"{a.percent}%{' late' if a.is_late else ''}" if a.percent is not None else "open"
                        for a in row.attempts
                    ),
                )
            ]
        )


@dataclass
class QuestionAnalysis:
    question: Question
    stats: analysis.ItemStats
    open_reports: int = 0  # learners' open "Report a problem" on this question

    def options(self) -> list[dict]:
        return [
            {
                "text": text,
                "count": self.stats.option_counts[i],
                "correct": i == self.question.answer,
                "unused": i in self.stats.unused_distractors,
            }
            for i, text in enumerate(self.question.options)
        ]


def item_analysis(assignment: Assignment) -> list[QuestionAnalysis]:
    """Per question of the assignment: every finished attempt is a respondent, ranked by its own score."""
    answers = (
        AttemptAnswer.objects.filter(attempt__assignment=assignment)
        .exclude(attempt__status=Attempt.Status.IN_PROGRESS)
        .select_related("question", "attempt")
        .order_by("question_id", "attempt_id")
    )
    by_question: dict[int, list[AttemptAnswer]] = defaultdict(list)
    questions: dict[int, Question] = {}
    for a in answers:
        by_question[a.question_id].append(a)
        questions[a.question_id] = a.question
    result = []
    for qid, rows in by_question.items():
        question = questions[qid]
        responses = [
            analysis.Response(
                respondent=a.attempt_id,
                chosen=a.chosen,
                correct=bool(a.is_correct),
                total=a.attempt.score or 0.0,
            )
            for a in rows
        ]
        stats = analysis.analyse_item(responses, n_options=len(question.options), answer=question.answer)
        result.append(QuestionAnalysis(question=question, stats=stats))
    return result
