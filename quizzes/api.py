"""Quiz endpoints of the JSON API for learners: their assignments, starting an attempt, answering, submitting,
reading the result. The same services and ownership helpers as the quiz pages; the wiring adds this router."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db.models import Count, OuterRef, Subquery
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from quizzes import services
from quizzes.access import get_assignment_for_student, get_attempt_for_learner
from quizzes.models import Assignment, Attempt

router = Router(tags=["quizzes"])


class Message(Schema):
    detail: str


class AssignmentOut(Schema):
    id: int
    title: str
    classroom: str
    opens_at: dt.datetime
    closes_at: dt.datetime
    time_limit_minutes: int | None
    max_attempts: int
    attempts_used: int
    is_open: bool


class OptionOut(Schema):
    index: int = Field(description="Send this index as `chosen`")
    text: str


class QuestionOut(Schema):
    position: int
    stem: str
    options: list[OptionOut]
    chosen: int | None
    is_correct: bool | None = Field(description="Only once the answers may be shown")
    correct: int | None = Field(description="Index of the right option, once the answers may be shown")
    explanation: str | None


class AttemptOut(Schema):
    id: int
    assignment_id: int | None
    title: str
    mode: str
    status: str
    number: int
    started_at: dt.datetime
    deadline: dt.datetime | None
    submitted_at: dt.datetime | None
    is_late: bool
    score: float | None
    questions: list[QuestionOut]


class AttemptSummary(Schema):
    id: int
    assignment_id: int | None
    title: str
    status: str
    started_at: dt.datetime
    score: float | None


class AnswerIn(Schema):
    chosen: int = Field(ge=0, le=99)


def _assignment_out(assignment: Assignment, now) -> dict:
    return {
        "id": assignment.pk,
        "title": assignment.quiz_set.title,
        "classroom": assignment.classroom.name,
        "opens_at": assignment.opens_at,
        "closes_at": assignment.closes_at,
        "time_limit_minutes": assignment.time_limit_minutes,
        "max_attempts": assignment.max_attempts,
        "attempts_used": assignment.attempts_used,
        "is_open": assignment.is_open(now),
    }


def _attempt_out(attempt: Attempt, viewer, now) -> dict:
    reveal = services.answers_visible(attempt=attempt, viewer=viewer, now=now)
    questions = []
    for answer in attempt.answers.select_related("question").order_by("position"):
        question = answer.question
        questions.append(
            {
                "position": answer.position,
                "stem": question.stem,
                "options": [{"index": i, "text": text} for i, text in answer.shown_options()],
                "chosen": answer.chosen,
                "is_correct": answer.is_correct if reveal else None,
                "correct": question.answer if reveal else None,
                "explanation": question.explanation if reveal else None,
            }
        )
    return {
        "id": attempt.pk,
        "assignment_id": attempt.assignment_id,
        "title": attempt.title or (attempt.assignment.quiz_set.title if attempt.assignment_id else ""),
        "mode": attempt.mode,
        "status": attempt.status,
        "number": attempt.number,
        "started_at": attempt.started_at,
        "deadline": attempt.deadline,
        "submitted_at": attempt.submitted_at,
        "is_late": attempt.is_late,
        "score": attempt.score,
        "questions": questions,
    }


@router.get("/assignments", response=list[AssignmentOut], summary="Assignments of your classes")
def list_assignments(request):
    used = (
        Attempt.objects.filter(assignment=OuterRef("pk"), user=request.user)
        .values("assignment")
        .annotate(n=Count("pk"))
        .values("n")
    )
    assignments = (
        Assignment.objects.for_student(request.user)
        .select_related("quiz_set", "classroom")
        .annotate(attempts_used=Subquery(used))
        .distinct()
        .order_by("closes_at", "pk")
    )
    now = timezone.now()
    for assignment in assignments:
        assignment.attempts_used = assignment.attempts_used or 0
    return [_assignment_out(a, now) for a in assignments]


@router.post(
    "/assignments/{int:assignment_id}/attempts",
    response={200: AttemptOut, 409: Message},
    summary="Start an attempt (or resume your open one)",
)
def start_attempt(request, assignment_id: int):
    assignment = get_assignment_for_student(request.user, assignment_id)
    now = timezone.now()
    try:
        attempt = services.start_attempt(user=request.user, assignment=assignment, now=now)
    except services.QuizError as error:
        return Status(409, {"detail": str(error)})
    return _attempt_out(attempt, request.user, now)


@router.get("/attempts", response=list[AttemptSummary], summary="Your quiz attempts, newest first")
def list_attempts(request):
    attempts = Attempt.objects.filter(user=request.user).select_related("assignment__quiz_set")
    return [
        {
            "id": a.pk,
            "assignment_id": a.assignment_id,
            "title": a.title or (a.assignment.quiz_set.title if a.assignment_id else ""),
            "status": a.status,
            "started_at": a.started_at,
            "score": a.score,
        }
        for a in attempts.order_by("-started_at", "-pk")
    ]


@router.get("/attempts/{int:attempt_id}", response=AttemptOut, summary="An attempt of yours")
def get_attempt(request, attempt_id: int):
    attempt = get_attempt_for_learner(request.user, attempt_id)
    now = timezone.now()
    attempt = services.close_if_expired(attempt=attempt, now=now)
    return _attempt_out(attempt, request.user, now)


@router.put(
    "/attempts/{int:attempt_id}/answers/{int:position}",
    response={200: AttemptOut, 404: Message, 409: Message, 422: Message},
    summary="Choose an option for one question",
)
def answer_question(request, attempt_id: int, position: int, payload: AnswerIn):
    attempt = get_attempt_for_learner(request.user, attempt_id)
    now = timezone.now()
    if not attempt.answers.filter(position=position).exists():
        return Status(404, {"detail": f"This attempt has no question {position}."})
    try:
        services.save_answer(attempt=attempt, position=position, chosen=payload.chosen, now=now)
    except services.QuizError as error:
        return Status(409, {"detail": str(error)})
    except ValidationError as error:
        return Status(422, {"detail": error.messages[0]})
    attempt.refresh_from_db()
    return _attempt_out(attempt, request.user, now)


@router.post("/attempts/{int:attempt_id}/submit", response=AttemptOut, summary="Submit an attempt (once)")
def submit_attempt(request, attempt_id: int):
    attempt = get_attempt_for_learner(request.user, attempt_id)
    now = timezone.now()
    attempt = services.submit_attempt(attempt=attempt, now=now)
    return _attempt_out(attempt, request.user, now)
