"""Writes of the quiz app: classes, quiz sets, assignments and attempts. Keyword-only, one transaction each.

Time is always an argument (`now`), so tests pin it and views pass `timezone.now()`.
"""

import datetime as dt
import random
from collections.abc import Iterable, Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q

from quizzes import checking, generation
from quizzes.grading import grade
from quizzes.knowledge_loader import load_knowledge_base
from quizzes.models import (
    Assignment,
    Attempt,
    AttemptAnswer,
    ClassMembership,
    ClassRelease,
    Classroom,
    Question,
    QuizSet,
    new_join_code,
    release_source,
)
from studyapp.models import Deck, Enrollment, Section
from studyapp.services import problem_reports, releases, reviews
from studyapp.services.enrollment import add_deck_to_studies

# Requests in flight when the clock runs out still count; anything later is refused or marked late.
GRACE = dt.timedelta(seconds=30)
PRACTICE_SECONDS_PER_QUESTION = 60
MAX_PRACTICE_QUESTIONS = 100


class QuizError(Exception):
    """A refusal the learner should read (closed assignment, no attempts left, time is up)."""


class AttemptClosed(QuizError):
    pass


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


# --- Questions and quiz sets -------------------------------------------------------------------------------


def question_from_generated(generated, *, deck_by_slug: dict[str, Deck]) -> Question:
    """An unsaved Question frozen from a quizzes.generation.GeneratedQuestion."""
    data = generated.to_dict() if hasattr(generated, "to_dict") else dict(generated)
    return Question(
        deck=deck_by_slug.get(data.get("deck_slug") or ""),
        kind=data["kind"],
        stem=data["stem"],
        options=list(data["options"]),
        answer=data["answer"],
        section=data.get("section"),
        gloss=data.get("gloss") or "",
        group=data.get("group") or "",
        correct_terms=list(data.get("correct_terms") or []),
        item_ids=list(data.get("item_ids") or []),
        option_item_ids=[list(ids) for ids in data.get("option_item_ids") or []],
        explanation=data.get("explanation") or "",
    )


def _generate(
    *,
    decks: list[Deck],
    count: int,
    rng: random.Random,
    section_kinds: list[str] | None,
    kinds: list[str] | None,
    viewer=None,
    avoid=(),
) -> list:
    """The generator's GeneratedQuestions about these decks. Wrong options of list questions come from the
    same kind of list in the other decks `viewer` can see (another condition's drugs among drugs)."""
    pool = list(decks)
    if viewer is not None:
        asked = {d.pk for d in decks}
        pool += [d for d in Deck.objects.visible_to(viewer).order_by("pk") if d.pk not in asked]
    kb = load_knowledge_base(pool)
    return generation.generate_questions(
        kb,
        count=count,
        rng=rng,
        deck_slugs=[d.slug for d in decks],
        section_kinds=section_kinds,
        kinds=kinds,
        avoid=avoid,
    )


def shortfall_message(*, asked: int, made: int) -> str:
    """What a learner or instructor reads when the lists support fewer good questions than asked for."""
    return (
        f"Only {made} of the {asked} questions asked for: these lists cannot support more questions whose "
        "options are all of one kind. Add decks (other conditions' lists supply wrong answers) or lists."
    )


def generate_and_store_questions(
    *,
    decks: Sequence[Deck],
    count: int,
    rng: random.Random,
    section_kinds: Sequence[str] | None = None,
    kinds: Sequence[str] | None = None,
    viewer=None,
    avoid=(),
) -> list[Question]:
    """Draws `count` questions from the decks and saves them as frozen Questions (fewer when the lists cannot
    support more good ones; the caller tells the user with `shortfall_message`)."""
    decks = list(decks)
    if not decks:
        raise ValidationError("Pick at least one deck.")
    generated = _generate(
        decks=decks,
        count=count,
        rng=rng,
        section_kinds=list(section_kinds or ()) or None,
        kinds=list(kinds or ()) or None,
        viewer=viewer,
        avoid=avoid,
    )
    if not generated:
        raise ValidationError(
            "These decks and lists are too thin to make questions whose options are all of one kind. "
            "Add decks (other conditions' lists supply wrong answers) or lists."
        )
    by_slug = {d.slug: d for d in decks}
    return Question.objects.bulk_create([question_from_generated(g, deck_by_slug=by_slug) for g in generated])


def preview_questions(*, quiz_set: QuizSet, count: int = 3, seed: int = 0) -> list:
    """A sample draw of a rules quiz set, not saved, so the instructor sees what students will get."""
    decks = list(quiz_set.decks.all())
    if not decks:
        return []
    try:
        return _generate(
            decks=decks,
            count=count,
            rng=random.Random(seed),
            section_kinds=list(quiz_set.section_kinds) or None,
            kinds=list(quiz_set.question_kinds) or None,
            viewer=quiz_set.owner,
        )
    except ValidationError:
        return []


def _check_decks_for_instructor(owner, decks: Iterable[Deck]) -> list[Deck]:
    decks = list(decks)
    allowed = set(Deck.objects.visible_to(owner).values_list("pk", flat=True))
    if any(d.pk not in allowed for d in decks):
        raise PermissionDenied("You may only use decks you can see.")
    return decks


@transaction.atomic
def save_quiz_set(
    *,
    owner,
    title: str,
    mode: str,
    decks: Iterable[Deck],
    section_kinds: Sequence[str] = (),
    question_kinds: Sequence[str] = (),
    questions_per_attempt: int = 10,
    bank_per_attempt: int = 0,
    bank_tags: Sequence[str] = (),
    quiz_set: QuizSet | None = None,
) -> QuizSet:
    """Creates a quiz set, or edits `quiz_set` (which must be the owner's)."""
    if not (owner.is_instructor or owner.is_superuser):
        raise PermissionDenied("Only instructors build quiz sets.")
    if quiz_set is not None and quiz_set.owner_id != owner.pk:
        raise PermissionDenied("Not your quiz set.")
    decks = _check_decks_for_instructor(owner, decks)
    if mode == QuizSet.Mode.RULES and not decks and not bank_per_attempt:
        raise ValidationError(
            "A quiz set drawn by rules needs at least one deck or questions from your bank."
        )
    quiz_set = quiz_set or QuizSet(owner=owner)
    quiz_set.title = title.strip()[:200] or "Untitled quiz"
    quiz_set.mode = mode
    quiz_set.section_kinds = list(section_kinds)
    quiz_set.question_kinds = list(question_kinds)
    quiz_set.questions_per_attempt = max(1, min(int(questions_per_attempt), MAX_PRACTICE_QUESTIONS))
    quiz_set.bank_per_attempt = max(0, min(int(bank_per_attempt), MAX_PRACTICE_QUESTIONS))
    quiz_set.bank_tags = normalise_tags(bank_tags)
    quiz_set.save()
    quiz_set.decks.set(decks)
    return quiz_set


@transaction.atomic
def add_generated_questions(*, quiz_set: QuizSet, count: int, seed: int) -> list[Question]:
    """Hand-picking: draws candidates from the set's decks into the set; the instructor removes the ones not wanted."""
    questions = generate_and_store_questions(
        decks=list(quiz_set.decks.all()),
        count=count,
        rng=random.Random(seed),
        section_kinds=quiz_set.section_kinds,
        kinds=quiz_set.question_kinds,
        viewer=quiz_set.owner,
    )
    quiz_set.questions.add(*questions)
    return questions


def remove_question(*, quiz_set: QuizSet, question_id: int) -> None:
    quiz_set.questions.remove(question_id)


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


def finished_attempts(*, assignment: Assignment, user) -> list[Attempt]:
    return list(
        Attempt.objects.filter(assignment=assignment, user=user)
        .exclude(status=Attempt.Status.IN_PROGRESS)
        .order_by("started_at")
    )


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
def remove_student(*, classroom: Classroom, student_id: int) -> bool:
    """Takes the student out of the class. Their attempts stay in the database (out of the gradebook) and come
    back if they rejoin."""
    deleted, _ = ClassMembership.objects.filter(classroom=classroom, student_id=student_id).delete()
    releases.clear_holds(source=release_source(classroom.pk), user_ids=[student_id])
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
    Either way, what its release plan still held back is released to its students."""
    releases.clear_holds(source=release_source(classroom.pk))
    if attempts_on(classroom).exists():
        classroom.archived_at = now
        classroom.save(update_fields=["archived_at"])
        return ARCHIVED
    classroom.delete()
    return DELETED


@transaction.atomic
def delete_quiz_set(*, quiz_set: QuizSet, now: dt.datetime) -> str:
    """Deletes the set (and its unattempted assignments); with attempts, archives it and its assignments."""
    if attempts_on(quiz_set).exists():
        quiz_set.archived_at = now
        quiz_set.save(update_fields=["archived_at"])
        quiz_set.assignments.filter(archived_at__isnull=True).update(archived_at=now)
        return ARCHIVED
    quiz_set.delete()
    return DELETED


@transaction.atomic
def delete_assignment(*, assignment: Assignment, now: dt.datetime) -> str:
    if attempts_on(assignment).exists():
        assignment.archived_at = now
        assignment.save(update_fields=["archived_at"])
        return ARCHIVED
    assignment.delete()
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
    if timing_changed:
        moved = 0
        for attempt in Attempt.objects.select_for_update().filter(
            assignment=assignment, status=Attempt.Status.IN_PROGRESS
        ):
            deadline = closes_at
            if time_limit_minutes:
                deadline = min(deadline, attempt.started_at + dt.timedelta(minutes=time_limit_minutes))
            if deadline != attempt.deadline:
                attempt.deadline = deadline
                attempt.save(update_fields=["deadline"])
                moved += 1
        if moved:
            notes.append(f"{_attempts(moved)} in progress now end at the new deadline.")
    return notes


def _students(n: int) -> str:
    return f"{n} student" if n == 1 else f"{n} students"


def _attempts(n: int) -> str:
    return f"{n} attempt" if n == 1 else f"{n} attempts"


# --- The instructor's question bank ------------------------------------------------------------------------


def normalise_tags(text_or_list) -> list[str]:
    parts = text_or_list.split(",") if isinstance(text_or_list, str) else list(text_or_list)
    return sorted({" ".join(p.split()).lower()[:40] for p in parts if p and p.strip()})


@transaction.atomic
def save_bank_question(
    *,
    owner,
    stem: str,
    options: Sequence[str],
    answer: int,
    kind: str = checking.OWN,
    explanation: str = "",
    tags: Sequence[str] = (),
    deck: Deck | None = None,
    section_kind: str = "",
    question: Question | None = None,
) -> Question:
    """Writes a question into the owner's bank after the same checks as generated questions. Editing a question
    students already answered keeps that one frozen for their attempts and item analysis: the edit becomes a new
    question that takes its place in the bank and in the owner's quiz sets."""
    if not (owner.is_instructor or owner.is_superuser):
        raise PermissionDenied("Only instructors keep a question bank.")
    if question is not None and question.owner_id != owner.pk:
        raise PermissionDenied("Not your question.")
    if deck is not None:
        _check_decks_for_instructor(owner, [deck])
    kb = load_knowledge_base([deck]) if deck is not None else None
    options = [o.strip() for o in options if o and o.strip()]
    problems, item_ids = checking.bank_question_problems(
        stem=stem,
        options=options,
        answer=answer,
        kind=kind,
        kb=kb,
        deck_slug=deck.slug if deck else "",
        section_kind=section_kind,
    )
    if problems:
        raise ValidationError(problems)
    fields = {
        "owner": owner,
        "deck": deck,
        "kind": kind,
        "stem": stem.strip(),
        "options": options,
        "answer": answer,
        "section": section_kind or None,
        "correct_terms": [options[answer]],
        "item_ids": list(item_ids),
        "explanation": explanation.strip(),
        "tags": normalise_tags(tags),
    }
    if question is None:
        return Question.objects.create(**fields)
    if not question.attempt_answers.exists():
        for name, value in fields.items():
            setattr(question, name, value)
        question.save()
        return question
    replacement = Question.objects.create(**fields)
    for quiz_set in QuizSet.objects.filter(questions=question, owner=owner):
        quiz_set.questions.remove(question)
        quiz_set.questions.add(replacement)
    question.retired_at = replacement.created_at
    question.save(update_fields=["retired_at"])
    return replacement


@transaction.atomic
def retire_bank_question(*, question: Question, now: dt.datetime) -> None:
    """Out of the bank and out of quiz sets; attempts that used it keep it."""
    question.retired_at = now
    question.save(update_fields=["retired_at"])
    for quiz_set in question.quiz_sets.all():
        quiz_set.questions.remove(question)


def add_bank_questions(*, quiz_set: QuizSet, question_ids: Iterable[int]) -> int:
    """Hand-picked sets: puts the owner's bank questions in the set (others' ids are ignored)."""
    questions = list(Question.objects.in_bank_of(quiz_set.owner).filter(pk__in=list(question_ids)))
    quiz_set.questions.add(*questions)
    return len(questions)


def _bank_draw(quiz_set: QuizSet, rng: random.Random) -> list[Question]:
    """Rules sets: this attempt's share of the owner's bank (by tag), seeded like the generated questions."""
    if not quiz_set.bank_per_attempt:
        return []
    pool = Question.objects.in_bank_of(quiz_set.owner).order_by("pk")
    if quiz_set.bank_tags:
        wanted = set(quiz_set.bank_tags)
        pool = [q for q in pool if wanted & set(q.tags)]
    pool = list(pool)
    return rng.sample(pool, min(quiz_set.bank_per_attempt, len(pool)))
