"""The quiz part of a learner's data export (registered with studyapp.exports in QuizzesConfig.ready)."""

from __future__ import annotations

import csv
import io

from django.utils import timezone

from quizzes import services
from quizzes.models import Attempt
from studyapp.exports import ExportFile

ATTEMPT_COLUMNS = ("attempt_id", "quiz", "class", "mode", "number", "status", "started_at", "submitted_at")
ATTEMPT_COLUMNS += ("late", "correct", "questions", "score")


def _csv(header, rows) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def attempt_files(user) -> list[ExportFile]:
    now = timezone.now()
    attempts = list(
        Attempt.objects.filter(user=user)
        .select_related("assignment__quiz_set", "assignment__classroom")
        .prefetch_related("answers__question")
        .order_by("started_at", "pk")
    )
    attempt_rows, answer_rows = [], []
    for a in attempts:
        assignment = a.assignment
        attempt_rows.append(
            (
                a.pk,
                assignment.quiz_set.title if assignment else a.title,
                assignment.classroom.name if assignment else "(practice)",
                a.mode,
                a.number,
                a.status,
                a.started_at.isoformat(),
                a.submitted_at.isoformat() if a.submitted_at else "",
                a.is_late,
                a.correct_count,
                a.question_count,
                "" if a.score is None else a.score,
            )
        )
        # The right option only where the learner may already see it (an instructor may keep answers hidden).
        reveal = services.answers_visible(attempt=a, viewer=user, now=now)
        for answer in a.answers.all():
            question = answer.question
            answer_rows.append(
                (
                    a.pk,
                    answer.position,
                    question.stem,
                    answer.chosen_text,
                    question.correct_option if reveal else "",
                    "" if answer.is_correct is None or not reveal else answer.is_correct,
                )
            )
    return [
        ExportFile(
            "quiz_attempts.csv",
            _csv(
                ATTEMPT_COLUMNS,
                attempt_rows,
            ),
            "your quiz attempts (assigned and practice) with their scores (kept for your records; not imported).",
        ),
        ExportFile(
            "quiz_answers.csv",
            _csv(
                ("attempt_id", "position", "question", "your_answer", "right_answer", "correct"), answer_rows
            ),
            "each question of those attempts with your answer (the right one where your class shows it).",
        ),
    ]
