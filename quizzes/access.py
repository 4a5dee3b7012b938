"""Ownership helpers for the quiz app: a stranger's object is a 404, never a 403 that confirms it exists."""

from django.db.models import Q
from django.shortcuts import get_object_or_404

from quizzes.models import Assignment, Attempt, Classroom, Question, QuizSet


def get_classroom_for_instructor(user, classroom_id: int) -> Classroom:
    return get_object_or_404(Classroom.objects.taught_by(user), pk=classroom_id)


def get_quiz_set_for_owner(user, quiz_set_id: int) -> QuizSet:
    return get_object_or_404(QuizSet.objects.owned_by(user), pk=quiz_set_id)


def get_assignment_for_instructor(user, assignment_id: int) -> Assignment:
    return get_object_or_404(
        Assignment.objects.taught_by(user).select_related("classroom", "quiz_set"), pk=assignment_id
    )


def get_assignment_for_student(user, assignment_id: int) -> Assignment:
    return get_object_or_404(
        Assignment.objects.for_student(user).select_related("classroom", "quiz_set").distinct(),
        pk=assignment_id,
    )


def get_assignment_for_viewer(user, assignment_id: int) -> tuple[Assignment, bool]:
    """The assignment and whether the user teaches it (else they are a member of its class)."""
    assignment = (
        Assignment.objects.taught_by(user)
        .select_related("classroom", "quiz_set")
        .filter(pk=assignment_id)
        .first()
    )
    if assignment is not None:
        return assignment, True
    return get_assignment_for_student(user, assignment_id), False


def get_attempt_for_learner(user, attempt_id: int) -> Attempt:
    """An attempt the user is taking: only its own learner may answer or submit it."""
    return get_object_or_404(Attempt.objects.select_related("assignment"), pk=attempt_id, user=user)


def get_attempt_for_viewer(user, attempt_id: int) -> Attempt:
    """The learner's own attempt, or one on an assignment in a class the user teaches."""
    return get_object_or_404(
        Attempt.objects.select_related("assignment__classroom", "user").filter(
            Q(user=user) | Q(assignment__classroom__instructor=user)
        ),
        pk=attempt_id,
    )


def get_bank_question_for_owner(user, question_id: int) -> Question:
    return get_object_or_404(Question.objects.in_bank_of(user), pk=question_id)
