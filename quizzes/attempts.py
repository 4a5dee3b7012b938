"""Writes of attempts: start (assigned or practice), answer, submit, close at the deadline; who may see the
answers. The server owns every deadline. Keyword-only, one transaction each; time is an argument (`now`).
"""

import datetime as dt
import random
from collections.abc import Iterable, Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q

from quizzes import generation
from quizzes.models import (
    Assignment,
    Attempt,
    AttemptAnswer,
    ClassMembership,
    Classroom,
    Question,
    QuizSet,
)
from quizzes.quiz_sets import MAX_PRACTICE_QUESTIONS, _bank_draw, generate_and_store_questions
from studyapp.models import Deck
from studyapp.services import problem_reports, reviews

# Requests in flight when the clock runs out still count; anything later is refused or marked late.
GRACE = dt.timedelta(seconds=30)
PRACTICE_SECONDS_PER_QUESTION = 60


class QuizError(Exception):
    """A refusal the learner should read (closed assignment, no attempts left, time is up)."""


class AttemptClosed(QuizError):
    pass


# --- Attempts ----------------------------------------------------------------------------------------------


def _attempt_seed(*, assignment_id: int, user_id: int, number: int) -> int:
    # Stable per student and attempt (not Python's salted hash()), so a rebuild draws the same questions.
    return (assignment_id * 1_000_003 + user_id) * 101 + number


def _create_answers(
    *,
    attempt: Attempt,
    questions: list[Question],
    rng: random.Random,
    shuffle_questions: bool,
    shuffle_options: bool,
) -> None:
    questions = list(questions)
    if shuffle_questions:
        rng.shuffle(questions)
    rows = []
    for position, question in enumerate(questions, start=1):
        order = list(range(len(question.options)))
        if shuffle_options:
            rng.shuffle(order)
        rows.append(AttemptAnswer(attempt=attempt, question=question, position=position, option_order=order))
    AttemptAnswer.objects.bulk_create(rows)
    attempt.question_count = len(rows)
    attempt.save(update_fields=["question_count"])


def close_if_expired(*, attempt: Attempt, now: dt.datetime) -> Attempt:
    """On any load after the deadline (plus grace) the server closes the attempt with the answers given in time."""
    if attempt.is_open and attempt.deadline is not None and now > attempt.deadline + GRACE:
        with transaction.atomic():
            locked = Attempt.objects.select_for_update().get(pk=attempt.pk)
            if locked.is_open:
                _finish(
                    locked,
                    status=Attempt.Status.TIMED_OUT,
                    submitted_at=locked.deadline,
                    is_late=False,
                    now=now,
                )
            return locked
    return attempt


def close_expired_attempts(*, assignment: Assignment, now: dt.datetime) -> int:
    """Closes the attempts whose learner walked away after the deadline, so the gradebook counts them."""
    expired = Attempt.objects.filter(
        assignment=assignment, status=Attempt.Status.IN_PROGRESS, deadline__lt=now - GRACE
    )
    closed = 0
    for attempt in expired:
        closed += not close_if_expired(attempt=attempt, now=now).is_open
    return closed


def close_expired_for_dashboards(
    *, now: dt.datetime, classroom: Classroom | None = None, learner=None
) -> int:
    """Closes abandoned attempts before a dashboard reads grades, as the gradebook does: those of a class's
    assignments, or a learner's own and those on the assignments of their classes. One query when none is due."""
    if classroom is not None:
        attempts = Attempt.objects.filter(assignment__classroom=classroom)
    else:
        attempts = Attempt.objects.filter(
            Q(user=learner) | Q(assignment__classroom__in=Classroom.objects.joined_by(learner))
        )
    closed = 0
    for attempt in attempts.filter(status=Attempt.Status.IN_PROGRESS, deadline__lt=now - GRACE):
        closed += not close_if_expired(attempt=attempt, now=now).is_open
    return closed


@transaction.atomic
def start_attempt(*, user, assignment: Assignment, now: dt.datetime) -> Attempt:
    """Resumes the learner's open attempt, or starts a new one if the assignment is open and attempts remain."""
    # Locking the membership row makes two tabs pressing Start at once create one attempt.
    membership = (
        ClassMembership.objects.select_for_update()
        .filter(classroom_id=assignment.classroom_id, student=user)
        .first()
    )
    if membership is None:
        raise PermissionDenied("Join the class first.")
    if assignment.archived_at is not None or assignment.classroom.archived_at is not None:
        raise QuizError("Your instructor withdrew this assignment.")
    open_attempt = Attempt.objects.filter(
        assignment=assignment, user=user, status=Attempt.Status.IN_PROGRESS
    ).first()
    if open_attempt is not None:
        open_attempt = close_if_expired(attempt=open_attempt, now=now)
        if open_attempt.is_open:
            return open_attempt
    if now < assignment.opens_at:
        raise QuizError("This assignment is not open yet.")
    if now >= assignment.closes_at:
        raise QuizError("This assignment has closed.")
    used = Attempt.objects.filter(assignment=assignment, user=user).count()
    if used >= assignment.max_attempts:
        raise QuizError("You have used all your attempts.")
    number = used + 1
    seed = _attempt_seed(assignment_id=assignment.pk, user_id=user.pk, number=number)
    deadline = assignment.closes_at
    if assignment.time_limit_minutes:
        deadline = min(deadline, now + dt.timedelta(minutes=assignment.time_limit_minutes))
    attempt = Attempt.objects.create(
        user=user,
        assignment=assignment,
        mode=Attempt.Mode.EXAM,
        number=number,
        seed=seed,
        started_at=now,
        deadline=deadline,
    )
    rng = random.Random(seed)
    quiz_set = assignment.quiz_set
    if quiz_set.mode == QuizSet.Mode.PICKED:
        questions = list(quiz_set.questions.order_by("pk"))
    else:
        decks = list(quiz_set.decks.all())
        questions = []
        if decks:
            questions = generate_and_store_questions(
                decks=decks,
                count=quiz_set.questions_per_attempt,
                rng=random.Random(seed),
                section_kinds=quiz_set.section_kinds,
                kinds=quiz_set.question_kinds,
                viewer=quiz_set.owner,
                avoid=problem_reports.reported_questions(user),
            )
        questions += _bank_draw(quiz_set, random.Random(seed + 1))
    _create_answers(
        attempt=attempt,
        questions=questions,
        rng=rng,
        shuffle_questions=assignment.shuffle_questions,
        shuffle_options=assignment.shuffle_options,
    )
    return attempt


@transaction.atomic
def start_practice(
    *,
    user,
    decks: Iterable[Deck],
    count: int,
    mode: str,
    now: dt.datetime,
    section_kinds: Sequence[str] = (),
    seed: int | None = None,
) -> Attempt:
    """A practice quiz on decks the learner may see; exam mode gets a minute per question."""
    decks = list(decks)
    visible = set(Deck.objects.visible_to(user).values_list("pk", flat=True))
    if not decks or any(d.pk not in visible for d in decks):
        raise ValidationError("Pick at least one of your decks.")
    count = max(1, min(int(count), MAX_PRACTICE_QUESTIONS))
    seed = random.SystemRandom().randrange(2**31) if seed is None else seed
    questions = generate_and_store_questions(
        decks=decks,
        count=count,
        rng=random.Random(seed),
        section_kinds=section_kinds,
        viewer=user,
        avoid=problem_reports.reported_questions(user),
    )
    deadline = None
    if mode == Attempt.Mode.EXAM:
        deadline = now + dt.timedelta(seconds=PRACTICE_SECONDS_PER_QUESTION * len(questions))
    attempt = Attempt.objects.create(
        user=user,
        title=", ".join(d.title for d in decks)[:200],
        mode=mode,
        seed=seed,
        started_at=now,
        deadline=deadline,
    )
    # The generator already spreads the position of the answer evenly and mixes kinds: keep its order.
    _create_answers(
        attempt=attempt,
        questions=questions,
        rng=random.Random(seed),
        shuffle_questions=False,
        shuffle_options=False,
    )
    return attempt


@transaction.atomic
def save_answer(*, attempt: Attempt, position: int, chosen: int, now: dt.datetime) -> AttemptAnswer:
    """Stores the option the learner picked (an index into question.options). Saving the same choice twice is a no-op.

    Refused once the attempt is closed or its deadline (plus grace) has passed; in tutor mode the first answer is final.
    """
    locked = Attempt.objects.select_for_update().get(pk=attempt.pk)
    if not locked.is_open:
        raise AttemptClosed("This attempt is already closed.")
    if locked.deadline is not None and now > locked.deadline + GRACE:
        raise AttemptClosed("Time is up: answers after the deadline are not accepted.")
    answer = AttemptAnswer.objects.select_related("question").get(attempt=locked, position=position)
    if chosen not in answer.option_order:
        raise ValidationError("That is not one of the options.")
    if answer.chosen == chosen:
        return answer
    if locked.mode == Attempt.Mode.TUTOR and answer.chosen is not None:
        raise QuizError("In tutor mode your first answer counts.")
    answer.chosen = chosen
    answer.is_correct = chosen == answer.question.answer
    answer.answered_at = now
    answer.save(update_fields=["chosen", "is_correct", "answered_at"])
    if locked.mode == Attempt.Mode.TUTOR:
        _update_flashcards(user=locked.user, question=answer.question, correct=answer.is_correct, now=now)
    return answer


def _finish(
    attempt: Attempt, *, status: str, submitted_at: dt.datetime, is_late: bool, now: dt.datetime
) -> None:
    answers = list(attempt.answers.select_related("question"))
    correct = sum(1 for a in answers if a.is_correct)
    attempt.status = status
    attempt.submitted_at = submitted_at
    attempt.is_late = is_late
    attempt.correct_count = correct
    attempt.question_count = len(answers)
    attempt.score = correct / len(answers) if answers else 0.0
    attempt.save()
    if attempt.mode == Attempt.Mode.EXAM:
        for a in answers:
            if a.chosen is not None:
                _update_flashcards(
                    user=attempt.user, question=a.question, correct=bool(a.is_correct), now=now
                )


@transaction.atomic
def submit_attempt(*, attempt: Attempt, now: dt.datetime) -> Attempt:
    """Closes and grades the attempt once: a second submit (double click, two tabs) returns it unchanged.

    A submit after the deadline plus grace is marked late; only answers saved in time are in it.
    """
    locked = Attempt.objects.select_for_update().get(pk=attempt.pk)
    if not locked.is_open:
        return locked
    late = locked.deadline is not None and now > locked.deadline + GRACE
    _finish(locked, status=Attempt.Status.SUBMITTED, submitted_at=now, is_late=late, now=now)
    return locked


def _update_flashcards(*, user, question: Question, correct: bool, now: dt.datetime) -> None:
    """One memory model: a quiz answer about an item rates that item's cards (wrong → Again, right → Good).

    "Which is NOT a …" asks about a list's boundary rather than recalling one item (its answer is an item of
    another list), so it leaves the flashcards alone."""
    if question.kind == generation.NOT_MEMBER or not question.item_ids:
        return
    reviews.record_item_outcome(user=user, item_ids=question.item_ids, correct=correct, now=now)


# --- Visibility --------------------------------------------------------------------------------


def answers_visible(*, attempt: Attempt, viewer, now: dt.datetime) -> bool:
    """Whether the viewer may see which option was right. Instructors of the class always may."""
    if attempt.is_open:
        return False
    assignment = attempt.assignment
    if assignment is None:
        return True
    if viewer.pk != attempt.user_id and assignment.classroom.instructor_id == viewer.pk:
        return True
    if assignment.answers_visible == Assignment.AnswersVisible.AFTER_SUBMIT:
        return True
    if assignment.answers_visible == Assignment.AnswersVisible.AFTER_CLOSE:
        return now >= assignment.closes_at
    return False
