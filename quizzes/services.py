"""Writes of the quiz app: classes, releases, assignments, and managing what an instructor made. Keyword-only,
one transaction each. Quiz sets and their questions are written by `quiz_sets`, attempts by `attempts`; their
services are importable from here too.

Time is always an argument (`now`), so tests pin it and views pass `timezone.now()`.
"""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from quizzes.attempts import (
    GRACE as GRACE,
    PRACTICE_SECONDS_PER_QUESTION as PRACTICE_SECONDS_PER_QUESTION,
    AttemptClosed as AttemptClosed,
    QuizError as QuizError,
    answers_visible as answers_visible,
    close_expired_attempts as close_expired_attempts,
    close_expired_for_dashboards as close_expired_for_dashboards,
    close_if_expired as close_if_expired,
    save_answer as save_answer,
    start_attempt as start_attempt,
    start_practice as start_practice,
    submit_attempt as submit_attempt,
)
from quizzes.grading import grade
from quizzes.models import (
    Assignment,
    Attempt,
    ClassExam,
    ClassMembership,
    ClassRelease,
    Classroom,
    QuizSet,
    new_join_code,
    release_source,
)
from quizzes.quiz_sets import (
    MAX_PRACTICE_QUESTIONS as MAX_PRACTICE_QUESTIONS,
    add_bank_questions as add_bank_questions,
    add_generated_questions as add_generated_questions,
    generate_and_store_questions as generate_and_store_questions,
    normalise_tags as normalise_tags,
    preview_questions as preview_questions,
    question_from_generated as question_from_generated,
    remove_question as remove_question,
    retire_bank_question as retire_bank_question,
    save_bank_question as save_bank_question,
    save_quiz_set as save_quiz_set,
    shortfall_message as shortfall_message,
)
from studyapp import plans
from studyapp.models import Deck, Enrollment, ExamPlan, Section
from studyapp.services import releases
from studyapp.services.enrollment import add_deck_to_studies

# --- Classes -----------------------------------------------------------------------------------------------


def create_class(*, instructor, name: str) -> Classroom:
    if not (instructor.is_instructor or instructor.is_superuser):
        raise PermissionDenied("Only instructors can create classes.")
    name = name.strip()
    if not name:
        raise ValidationError("A class needs a name.")
    return Classroom.objects.create(instructor=instructor, name=name[:200])


def normalise_join_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


@transaction.atomic
def join_class(*, student, code: str) -> Classroom:
    """Adds the student to the class with this code; joining twice is harmless."""
    classroom = Classroom.objects.filter(join_code=normalise_join_code(code)).first()
    if classroom is None:
        raise ValidationError("No class has that join code. Check it with your instructor.")
    if classroom.instructor_id == student.pk:
        raise ValidationError("You teach this class; students join it with the code.")
    _, created = ClassMembership.objects.get_or_create(classroom=classroom, student=student)
    if created:
        _bring_in_member(classroom=classroom, student=student)
    return classroom


# --- Release by lecture ------------------------------------------------------------------------------------


def _enrol_new_learners(*, deck: Deck, students) -> None:
    """Class members study the class's decks without pressing a button. A member who already has an enrolment
    (even one they left) keeps their choice."""
    enrolled = set(Enrollment.objects.filter(deck=deck).values_list("user_id", flat=True))
    for student in students:
        if student.pk not in enrolled:
            add_deck_to_studies(user=student, deck=deck)


def _bring_in_member(*, classroom: Classroom, student) -> None:
    for exam in classroom.exams.select_related("deck", "section"):
        _plan_exam_for(exam, [student], now=timezone.now())
    plan = list(classroom.releases.select_related("deck", "section"))
    for deck in {r.deck_id: r.deck for r in plan}.values():
        _enrol_new_learners(deck=deck, students=[student])
    for release in plan:
        releases.hold_until(
            user_ids=[student.pk],
            deck=release.deck,
            section=release.section,
            available_from=release.release_at,
            source=release.source,
            label=release.label,
        )


@transaction.atomic
def schedule_release(
    *, classroom: Classroom, deck: Deck, section: Section | None, release_at: dt.datetime
) -> ClassRelease:
    """Maps a deck, or one of its lists, to the date its new cards reach the class (moving it if already
    planned). Members are enrolled in the deck now; the queue shows the cards from that date on."""
    if section is not None and section.deck_id != deck.pk:
        raise ValidationError("That list is not in that deck.")
    if not Deck.objects.visible_to(classroom.instructor).filter(pk=deck.pk).exists():
        raise PermissionDenied("Plan releases of decks you can see.")
    release, _ = ClassRelease.objects.update_or_create(
        classroom=classroom, deck=deck, section=section, defaults={"release_at": release_at}
    )
    members = [m.student for m in classroom.memberships.select_related("student")]
    _enrol_new_learners(deck=deck, students=members)
    releases.hold_until(
        user_ids=[m.pk for m in members],
        deck=deck,
        section=section,
        available_from=release_at,
        source=release.source,
        label=release.label,
    )
    return release


@transaction.atomic
def delete_release(*, release: ClassRelease) -> None:
    """Takes the entry out of the plan; whatever it held back is released at once."""
    releases.clear_holds(
        source=release.source, deck=release.deck, section=release.section, whole_deck=release.section is None
    )
    release.delete()


# --- Exams set for a class ---------------------------------------------------------------------------------


def _plan_exam_for(exam: ClassExam, students, *, now: dt.datetime) -> None:
    for student in students:
        plans.set_exam_plan(
            user=student,
            deck=exam.deck,
            section=exam.section,
            exam_date=exam.exam_date,
            target=exam.target,
            now=now,
            source=exam.source,
            label=exam.classroom.name,
        )


@transaction.atomic
def set_class_exam(
    *,
    classroom: Classroom,
    deck: Deck,
    section: Section | None,
    exam_date: dt.date,
    target: float,
    now: dt.datetime,
) -> ClassExam:
    """An exam for the whole class: every member (and whoever joins later) gets it as an exam plan on the
    material, enrolled in the deck if they were not."""
    if section is not None and section.deck_id != deck.pk:
        raise ValidationError("That list is not in that deck.")
    if not Deck.objects.visible_to(classroom.instructor).filter(pk=deck.pk).exists():
        raise PermissionDenied("Set exams on decks you can see.")
    exam = ClassExam.objects.create(
        classroom=classroom, deck=deck, section=section, exam_date=exam_date, target=target
    )
    members = [m.student for m in classroom.memberships.select_related("student")]
    _enrol_new_learners(deck=deck, students=members)
    _plan_exam_for(exam, members, now=now)
    return exam


@transaction.atomic
def delete_class_exam(*, exam: ClassExam, now: dt.datetime) -> None:
    """Members' plans for it go, and the cards it brought forward go back to each member's own schedule."""
    plans.remove_exam_plans(plans=ExamPlan.objects.filter(source=exam.source), now=now)
    exam.delete()


# --- Assignments -------------------------------------------------------------------------------------------


@transaction.atomic
def assign_quiz_set(
    *,
    instructor,
    quiz_set: QuizSet,
    classroom: Classroom,
    opens_at: dt.datetime,
    closes_at: dt.datetime,
    time_limit_minutes: int | None = None,
    max_attempts: int = 1,
    grading: str = Assignment.Grading.HIGHEST,
    answers_visible: str = Assignment.AnswersVisible.AFTER_SUBMIT,
    shuffle_questions: bool = True,
    shuffle_options: bool = True,
) -> Assignment:
    if quiz_set.owner_id != instructor.pk or classroom.instructor_id != instructor.pk:
        raise PermissionDenied("Assign your own quiz sets to your own classes.")
    if closes_at <= opens_at:
        raise ValidationError("The assignment must close after it opens.")
    if max_attempts < 1:
        raise ValidationError("Allow at least one attempt.")
    if time_limit_minutes is not None and time_limit_minutes < 1:
        raise ValidationError("A time limit is at least one minute (leave it empty for none).")
    if quiz_set.mode == QuizSet.Mode.PICKED and not quiz_set.questions.exists():
        raise ValidationError("This quiz set has no questions yet.")
    if quiz_set.archived_at is not None or classroom.archived_at is not None:
        raise ValidationError("Restore the archived quiz set or class first.")
    return Assignment.objects.create(
        quiz_set=quiz_set,
        classroom=classroom,
        opens_at=opens_at,
        closes_at=closes_at,
        time_limit_minutes=time_limit_minutes,
        max_attempts=max_attempts,
        grading=grading,
        answers_visible=answers_visible,
        shuffle_questions=shuffle_questions,
        shuffle_options=shuffle_options,
    )


# --- Managing what an instructor made: edit, duplicate, delete (or archive) --------------------------------


@transaction.atomic
def update_class(*, classroom: Classroom, name: str, show_class_average: bool) -> Classroom:
    name = name.strip()
    if not name:
        raise ValidationError("A class needs a name.")
    classroom.name = name[:200]
    classroom.show_class_average = show_class_average
    classroom.save(update_fields=["name", "show_class_average"])
    return classroom


def regenerate_join_code(*, classroom: Classroom) -> str:
    """A new code for the class: the old one stops working at once; members stay members."""
    for _ in range(5):
        code = new_join_code()
        if not Classroom.objects.filter(join_code=code).exists():
            classroom.join_code = code
            classroom.save(update_fields=["join_code"])
            return code
    raise RuntimeError("could not find a free join code")  # 10^12 codes: never in practice


@transaction.atomic
def remove_student(*, classroom: Classroom, student_id: int, now: dt.datetime) -> bool:
    """Takes the student out of the class. Their attempts stay in the database (out of the gradebook) and come
    back if they rejoin."""
    deleted, _ = ClassMembership.objects.filter(classroom=classroom, student_id=student_id).delete()
    releases.clear_holds(source=release_source(classroom.pk), user_ids=[student_id])
    plans.remove_exam_plans(
        plans=ExamPlan.objects.filter(
            user_id=student_id, source__in=[e.source for e in classroom.exams.all()]
        ),
        now=now,
    )
    return bool(deleted)


def _copy_title(title: str) -> str:
    return f"{title} (copy)"[:200]


def _assignment_fields(assignment: Assignment) -> dict:
    return {
        "opens_at": assignment.opens_at,
        "closes_at": assignment.closes_at,
        "time_limit_minutes": assignment.time_limit_minutes,
        "max_attempts": assignment.max_attempts,
        "grading": assignment.grading,
        "answers_visible": assignment.answers_visible,
        "shuffle_questions": assignment.shuffle_questions,
        "shuffle_options": assignment.shuffle_options,
    }


@transaction.atomic
def duplicate_class(*, classroom: Classroom) -> Classroom:
    """A new class with a new join code, the same settings and assignments; no students (they join again)."""
    copy = Classroom.objects.create(
        instructor=classroom.instructor,
        name=_copy_title(classroom.name),
        show_class_average=classroom.show_class_average,
    )
    ClassRelease.objects.bulk_create(
        ClassRelease(classroom=copy, deck_id=r.deck_id, section_id=r.section_id, release_at=r.release_at)
        for r in classroom.releases.all()
    )
    Assignment.objects.bulk_create(
        Assignment(quiz_set_id=a.quiz_set_id, classroom=copy, **_assignment_fields(a))
        for a in classroom.assignments.filter(archived_at__isnull=True)
    )
    return copy


@transaction.atomic
def duplicate_quiz_set(*, quiz_set: QuizSet) -> QuizSet:
    """Same rules, decks and questions (questions are frozen, so sharing them is safe)."""
    copy = QuizSet.objects.create(
        owner=quiz_set.owner,
        title=_copy_title(quiz_set.title),
        mode=quiz_set.mode,
        section_kinds=list(quiz_set.section_kinds),
        question_kinds=list(quiz_set.question_kinds),
        questions_per_attempt=quiz_set.questions_per_attempt,
    )
    copy.decks.set(quiz_set.decks.all())
    copy.questions.set(quiz_set.questions.all())
    return copy


# What delete_* did: nothing depended on the object, or attempts exist and it is kept for the gradebook.
DELETED = "deleted"
ARCHIVED = "archived"


def attempts_on(obj: Classroom | QuizSet | Assignment):
    if isinstance(obj, Classroom):
        return Attempt.objects.filter(assignment__classroom=obj)
    if isinstance(obj, QuizSet):
        return Attempt.objects.filter(assignment__quiz_set=obj)
    return Attempt.objects.filter(assignment=obj)


@transaction.atomic
def delete_class(*, classroom: Classroom, now: dt.datetime) -> str:
    """Deletes a class nobody attempted anything in; otherwise archives it so its gradebooks stay readable.
    Either way, what its release plan still held back is released to its students, and its exams leave their
    plans."""
    releases.clear_holds(source=release_source(classroom.pk))
    plans.remove_exam_plans(
        plans=ExamPlan.objects.filter(source__in=[e.source for e in classroom.exams.all()]), now=now
    )
    return _archive_or_delete(classroom, now)


@transaction.atomic
def delete_quiz_set(*, quiz_set: QuizSet, now: dt.datetime) -> str:
    """Deletes the set (and its unattempted assignments); with attempts, archives it and its assignments."""
    outcome = _archive_or_delete(quiz_set, now)
    if outcome == ARCHIVED:
        quiz_set.assignments.filter(archived_at__isnull=True).update(archived_at=now)
    return outcome


@transaction.atomic
def delete_assignment(*, assignment: Assignment, now: dt.datetime) -> str:
    return _archive_or_delete(assignment, now)


def _archive_or_delete(obj: Classroom | QuizSet | Assignment, now: dt.datetime) -> str:
    """Attempted work is archived, never destroyed: its gradebook and item analysis stay readable."""
    if attempts_on(obj).exists():
        obj.archived_at = now
        obj.save(update_fields=["archived_at"])
        return ARCHIVED
    obj.delete()
    return DELETED


@transaction.atomic
def restore(*, obj: Classroom | QuizSet | Assignment) -> None:
    obj.archived_at = None
    obj.save(update_fields=["archived_at"])
    if isinstance(obj, Classroom):
        members = list(obj.memberships.values_list("student_id", flat=True))
        for release in obj.releases.select_related("deck", "section"):
            releases.hold_until(
                user_ids=members,
                deck=release.deck,
                section=release.section,
                available_from=release.release_at,
                source=release.source,
                label=release.label,
            )


def _grades_by_student(assignment: Assignment, method: str) -> dict[int, float | None]:
    by_user: dict[int, list[Attempt]] = {}
    finished = (
        Attempt.objects.filter(assignment=assignment)
        .exclude(status=Attempt.Status.IN_PROGRESS)
        .order_by("started_at")
    )
    for attempt in finished:
        by_user.setdefault(attempt.user_id, []).append(attempt)
    return {user_id: grade(attempts, method) for user_id, attempts in by_user.items()}


@transaction.atomic
def update_assignment(
    *,
    assignment: Assignment,
    now: dt.datetime,
    opens_at: dt.datetime,
    closes_at: dt.datetime,
    time_limit_minutes: int | None,
    max_attempts: int,
    grading: str,
    answers_visible: str,
    shuffle_questions: bool,
    shuffle_options: bool,
    quiz_set: QuizSet | None = None,
) -> list[str]:
    """Changes an assignment's settings and returns what that did to existing work, in sentences for the
    instructor. Grades are always derived from attempts, so a new grading method regrades everyone at once;
    a new closing time or time limit moves the deadline of every attempt still in progress."""
    if closes_at <= opens_at:
        raise ValidationError("The assignment must close after it opens.")
    if max_attempts < 1:
        raise ValidationError("Allow at least one attempt.")
    has_attempts = attempts_on(assignment).exists()
    if quiz_set is not None and quiz_set.pk != assignment.quiz_set_id:
        if has_attempts:
            raise ValidationError(
                "Students have attempted this assignment: its quiz set can no longer change."
            )
        if quiz_set.owner_id != assignment.classroom.instructor_id:
            raise PermissionDenied("Assign your own quiz sets.")
        assignment.quiz_set = quiz_set
    notes: list[str] = []
    if has_attempts and grading != assignment.grading:
        before = _grades_by_student(assignment, assignment.grading)
        after = _grades_by_student(assignment, grading)
        changed = sum(1 for user_id in after if after[user_id] != before.get(user_id))
        label = Assignment.Grading(grading).label.lower()
        notes.append(f"Grades recomputed by {label} for {_students(len(after))}: {changed} changed.")
    timing_changed = closes_at != assignment.closes_at or time_limit_minutes != assignment.time_limit_minutes
    assignment.opens_at = opens_at
    assignment.closes_at = closes_at
    assignment.time_limit_minutes = time_limit_minutes
    assignment.max_attempts = max_attempts
    assignment.grading = grading
    assignment.answers_visible = answers_visible
    assignment.shuffle_questions = shuffle_questions
    assignment.shuffle_options = shuffle_options
    assignment.save()
    if timing_changed and (moved := _move_deadlines(assignment)):
        notes.append(f"{_attempts(moved)} in progress now end at the new deadline.")
    return notes


def _move_deadlines(assignment: Assignment) -> int:
    """Attempts in progress end at the assignment's closing time, or sooner by its time limit; how many moved."""
    moved = 0
    for attempt in Attempt.objects.select_for_update().filter(
        assignment=assignment, status=Attempt.Status.IN_PROGRESS
    ):
        deadline = assignment.closes_at
        if assignment.time_limit_minutes:
            deadline = min(deadline, attempt.started_at + dt.timedelta(minutes=assignment.time_limit_minutes))
        if deadline != attempt.deadline:
            attempt.deadline = deadline
            attempt.save(update_fields=["deadline"])
            moved += 1
    return moved


def _students(n: int) -> str:
    return f"{n} student" if n == 1 else f"{n} students"


def _attempts(n: int) -> str:
    return f"{n} attempt" if n == 1 else f"{n} attempts"
