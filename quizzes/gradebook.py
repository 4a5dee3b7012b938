"""Reads for instructors: the gradebook of an assignment, its CSV export, and item analysis per question."""

import csv
from collections import defaultdict
from dataclasses import dataclass, field

from quizzes import analysis
from quizzes.grading import grade
from quizzes.models import Assignment, Attempt, AttemptAnswer, ClassMembership, Question
from studyapp.spreadsheets import csv_safe


@dataclass
class GradebookRow:
    student: object
    attempts: list[Attempt] = field(default_factory=list)
    grade: float | None = None

    @property
    def percent(self) -> int | None:
        return None if self.grade is None else round(self.grade * 100)

    @property
    def any_late(self) -> bool:
        return any(a.is_late for a in self.attempts)


def gradebook_rows(assignment: Assignment) -> list[GradebookRow]:
    """Every student of the class (also those without attempts), with their attempts and grade. Two queries."""
    members = ClassMembership.objects.filter(classroom_id=assignment.classroom_id).select_related("student")
    rows = {m.student_id: GradebookRow(student=m.student) for m in members.order_by("student__username")}
    for attempt in Attempt.objects.filter(assignment=assignment).order_by("started_at"):
        row = rows.get(attempt.user_id)
        if row is not None:  # a student who left the class keeps their attempts, out of the gradebook
            row.attempts.append(attempt)
    for row in rows.values():
        row.grade = grade(row.attempts, assignment.grading)
    return list(rows.values())


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
