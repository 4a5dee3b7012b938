import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from quizzes import attempts, grading, services
from quizzes.models import Assignment, Attempt, AttemptAnswer, ClassMembership
from tests import factories

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def _assignment(instructor, student, **fields):
    fields.setdefault("opens_at", T0)
    fields.setdefault("closes_at", T0 + dt.timedelta(days=2))
    return factories.make_assignment(instructor, students=(student,), **fields)


def _answer_all(attempt, *, right: int, now):
    """Answers the first `right` questions correctly and the rest wrongly."""
    for a in attempt.answers.select_related("question").order_by("position"):
        wrong = next(i for i in a.option_order if i != a.question.answer)
        services.save_answer(
            attempt=attempt, position=a.position, chosen=a.question.answer if right > 0 else wrong, now=now
        )
        right -= 1


# --- classes ---


def test_instructor_creates_a_class_with_a_join_code(instructor):
    classroom = services.create_class(instructor=instructor, name="  Neuro block ")
    assert classroom.name == "Neuro block"
    assert len(classroom.join_code) == 8


def test_a_student_cannot_create_a_class(student):
    with pytest.raises(PermissionDenied):
        services.create_class(instructor=student, name="Mine")


def test_student_joins_with_the_code_in_any_case_and_spacing(instructor, student):
    classroom = factories.make_classroom(instructor)
    code = classroom.join_code.lower()
    joined = services.join_class(student=student, code=f" {code[:4]}-{code[4:]} ")
    assert joined == classroom
    services.join_class(student=student, code=classroom.join_code)
    assert ClassMembership.objects.filter(classroom=classroom, student=student).count() == 1


def test_a_bad_join_code_says_so(student):
    with pytest.raises(ValidationError, match="No class has that join code"):
        services.join_class(student=student, code="NOPE1234")


# --- starting attempts ---


def test_start_before_opening_is_refused(instructor, student):
    assignment = _assignment(instructor, student)
    with pytest.raises(services.QuizError, match="not open yet"):
        services.start_attempt(user=student, assignment=assignment, now=T0 - dt.timedelta(minutes=1))


def test_start_after_closing_is_refused(instructor, student):
    assignment = _assignment(instructor, student)
    with pytest.raises(services.QuizError, match="closed"):
        services.start_attempt(user=student, assignment=assignment, now=T0 + dt.timedelta(days=2))


def test_a_student_outside_the_class_cannot_start(instructor, student, other_student):
    assignment = _assignment(instructor, student)
    with pytest.raises(PermissionDenied):
        services.start_attempt(user=other_student, assignment=assignment, now=T0)


def test_reload_resumes_the_open_attempt_with_its_answers(instructor, student):
    assignment = _assignment(instructor, student)
    first = services.start_attempt(user=student, assignment=assignment, now=T0)
    services.save_answer(attempt=first, position=1, chosen=2, now=T0 + dt.timedelta(minutes=1))
    again = services.start_attempt(user=student, assignment=assignment, now=T0 + dt.timedelta(minutes=2))
    assert again.pk == first.pk
    assert again.answers.get(position=1).chosen == 2
    assert Attempt.objects.count() == 1


def test_attempts_allowed_are_enforced(instructor, student):
    assignment = _assignment(instructor, student, max_attempts=2)
    for _ in range(2):
        attempt = services.start_attempt(user=student, assignment=assignment, now=T0)
        services.submit_attempt(attempt=attempt, now=T0 + dt.timedelta(minutes=5))
    with pytest.raises(services.QuizError, match="used all your attempts"):
        services.start_attempt(user=student, assignment=assignment, now=T0 + dt.timedelta(minutes=6))
    assert list(Attempt.objects.order_by("number").values_list("number", flat=True)) == [1, 2]


def test_deadline_is_the_time_limit_or_the_closing_time_whichever_is_first(instructor, student):
    assignment = _assignment(instructor, student, time_limit_minutes=30, closes_at=T0 + dt.timedelta(hours=2))
    early = services.start_attempt(user=student, assignment=assignment, now=T0)
    assert early.deadline == T0 + dt.timedelta(minutes=30)
    services.submit_attempt(attempt=early, now=T0 + dt.timedelta(minutes=1))
    assignment.max_attempts = 2
    assignment.save()
    late_start = services.start_attempt(
        user=student, assignment=assignment, now=T0 + dt.timedelta(minutes=110)
    )
    assert late_start.deadline == T0 + dt.timedelta(hours=2)


def test_shuffling_is_seeded_per_student_and_keeps_every_question(instructor, student, other_student):
    questions = [factories.make_question(stem=f"Q{n}?", options=("a", "b", "c", "d")) for n in range(8)]
    quiz_set = factories.make_quiz_set(instructor, questions=questions)
    assignment = factories.make_assignment(
        instructor,
        quiz_set=quiz_set,
        students=(student, other_student),
        opens_at=T0,
        closes_at=T0 + dt.timedelta(days=2),
        shuffle_questions=True,
        shuffle_options=True,
    )
    a = services.start_attempt(user=student, assignment=assignment, now=T0 + dt.timedelta(days=1))
    b = services.start_attempt(user=other_student, assignment=assignment, now=T0 + dt.timedelta(days=1))
    order_a = list(a.answers.values_list("question_id", flat=True))
    order_b = list(b.answers.values_list("question_id", flat=True))
    assert sorted(order_a) == sorted(order_b) == sorted(q.pk for q in questions)
    assert order_a != order_b
    assert all(sorted(x.option_order) == [0, 1, 2, 3] for x in a.answers.all())


# --- answering, time limit, submit ---


def test_answers_are_saved_as_given_and_repeating_one_changes_nothing(instructor, student):
    attempt = services.start_attempt(user=student, assignment=_assignment(instructor, student), now=T0)
    first = services.save_answer(attempt=attempt, position=1, chosen=1, now=T0 + dt.timedelta(seconds=10))
    repeat = services.save_answer(attempt=attempt, position=1, chosen=1, now=T0 + dt.timedelta(seconds=50))
    assert (repeat.chosen, repeat.is_correct, repeat.answered_at) == (1, False, first.answered_at)
    changed = services.save_answer(attempt=attempt, position=1, chosen=0, now=T0 + dt.timedelta(seconds=60))
    assert (changed.chosen, changed.is_correct) == (0, True)


def test_an_option_that_does_not_exist_is_refused(instructor, student):
    attempt = services.start_attempt(user=student, assignment=_assignment(instructor, student), now=T0)
    with pytest.raises(ValidationError):
        services.save_answer(attempt=attempt, position=1, chosen=7, now=T0)


def test_an_answer_after_the_deadline_and_grace_is_refused(instructor, student):
    assignment = _assignment(instructor, student, time_limit_minutes=10)
    attempt = services.start_attempt(user=student, assignment=assignment, now=T0)
    within_grace = T0 + dt.timedelta(minutes=10, seconds=25)
    assert services.save_answer(attempt=attempt, position=1, chosen=0, now=within_grace).chosen == 0
    with pytest.raises(services.AttemptClosed, match="Time is up"):
        services.save_answer(
            attempt=attempt, position=2, chosen=0, now=T0 + dt.timedelta(minutes=10, seconds=31)
        )
    assert AttemptAnswer.objects.get(attempt=attempt, position=2).chosen is None


def test_a_late_submit_is_marked_late_and_counts_only_answers_in_time(instructor, student):
    assignment = _assignment(instructor, student, time_limit_minutes=10)
    attempt = services.start_attempt(user=student, assignment=assignment, now=T0)
    services.save_answer(attempt=attempt, position=1, chosen=0, now=T0 + dt.timedelta(minutes=5))
    submitted = services.submit_attempt(attempt=attempt, now=T0 + dt.timedelta(minutes=11))
    assert submitted.is_late is True
    assert (submitted.correct_count, submitted.question_count, submitted.score) == (1, 2, 0.5)


def test_a_submit_within_the_grace_is_not_late(instructor, student):
    attempt = services.start_attempt(
        user=student, assignment=_assignment(instructor, student, time_limit_minutes=10), now=T0
    )
    submitted = services.submit_attempt(attempt=attempt, now=T0 + dt.timedelta(minutes=10, seconds=20))
    assert (submitted.status, submitted.is_late) == (Attempt.Status.SUBMITTED, False)


def test_loading_after_the_deadline_closes_the_attempt_at_the_deadline(instructor, student):
    assignment = _assignment(instructor, student, time_limit_minutes=10)
    attempt = services.start_attempt(user=student, assignment=assignment, now=T0)
    services.save_answer(attempt=attempt, position=2, chosen=0, now=T0 + dt.timedelta(minutes=3))
    closed = services.close_if_expired(attempt=attempt, now=T0 + dt.timedelta(hours=1))
    assert closed.status == Attempt.Status.TIMED_OUT
    assert closed.submitted_at == T0 + dt.timedelta(minutes=10)
    assert (closed.is_late, closed.score) == (False, 0.5)


def test_double_submit_submits_once(instructor, student):
    attempt = services.start_attempt(user=student, assignment=_assignment(instructor, student), now=T0)
    services.save_answer(attempt=attempt, position=1, chosen=0, now=T0)
    first = services.submit_attempt(attempt=attempt, now=T0 + dt.timedelta(minutes=1))
    second = services.submit_attempt(attempt=attempt, now=T0 + dt.timedelta(minutes=2))
    assert second.submitted_at == first.submitted_at == T0 + dt.timedelta(minutes=1)
    assert second.score == 0.5


def test_answers_to_a_submitted_attempt_are_refused(instructor, student):
    attempt = services.start_attempt(user=student, assignment=_assignment(instructor, student), now=T0)
    services.submit_attempt(attempt=attempt, now=T0)
    with pytest.raises(services.AttemptClosed):
        services.save_answer(attempt=attempt, position=1, chosen=0, now=T0)


# --- grading ---


@pytest.mark.parametrize(
    ("method", "expected"),
    [(Assignment.Grading.HIGHEST, 1.0), (Assignment.Grading.LAST, 0.5), (Assignment.Grading.AVERAGE, 0.5)],
)
def test_grading_methods_over_three_attempts(instructor, student, method, expected):
    assignment = _assignment(instructor, student, max_attempts=3, grading=method)
    for right, minute in ((0, 0), (2, 10), (1, 20)):  # scores 0, 1, 0.5
        attempt = services.start_attempt(
            user=student, assignment=assignment, now=T0 + dt.timedelta(minutes=minute)
        )
        _answer_all(attempt, right=right, now=T0 + dt.timedelta(minutes=minute + 1))
        services.submit_attempt(attempt=attempt, now=T0 + dt.timedelta(minutes=minute + 2))
    finished = list(assignment.attempts.filter(user=student).order_by("started_at"))
    assert [a.score for a in finished] == [0.0, 1.0, 0.5]
    assert grading.grade(finished, method) == expected


def test_no_finished_attempt_means_no_grade():
    assert grading.grade([], Assignment.Grading.HIGHEST) is None


# --- when answers are visible ---


@pytest.mark.parametrize(
    ("policy", "now", "visible"),
    [
        ("after_submit", T0 + dt.timedelta(hours=1), True),
        ("after_close", T0 + dt.timedelta(hours=1), False),
        ("after_close", T0 + dt.timedelta(days=2), True),
        ("never", T0 + dt.timedelta(days=9), False),
    ],
)
def test_students_see_answers_only_when_the_assignment_allows(instructor, student, policy, now, visible):
    assignment = _assignment(instructor, student, answers_visible=policy)
    attempt = services.start_attempt(user=student, assignment=assignment, now=T0)
    attempt = services.submit_attempt(attempt=attempt, now=T0)
    assert services.answers_visible(attempt=attempt, viewer=student, now=now) is visible
    assert services.answers_visible(attempt=attempt, viewer=instructor, now=now) is True


def test_answers_are_hidden_while_the_attempt_is_open(instructor, student):
    attempt = services.start_attempt(user=student, assignment=_assignment(instructor, student), now=T0)
    assert services.answers_visible(attempt=attempt, viewer=student, now=T0) is False


# --- quiz sets and assignment rules ---


def test_an_instructor_cannot_assign_to_another_instructors_class(instructor, other_instructor):
    quiz_set = factories.make_quiz_set(instructor)
    classroom = factories.make_classroom(other_instructor)
    with pytest.raises(PermissionDenied):
        services.assign_quiz_set(
            instructor=instructor,
            quiz_set=quiz_set,
            classroom=classroom,
            opens_at=T0,
            closes_at=T0 + dt.timedelta(1),
        )


def test_an_assignment_must_close_after_it_opens(instructor):
    quiz_set = factories.make_quiz_set(instructor)
    classroom = factories.make_classroom(instructor)
    with pytest.raises(ValidationError, match="close after it opens"):
        services.assign_quiz_set(
            instructor=instructor, quiz_set=quiz_set, classroom=classroom, opens_at=T0, closes_at=T0
        )


def test_quiz_sets_may_not_use_another_instructors_personal_deck(instructor, other_instructor):
    private = factories.make_deck(owner=other_instructor, scope="personal")
    with pytest.raises(PermissionDenied):
        services.save_quiz_set(owner=instructor, title="x", mode="rules", decks=[private])


def test_practice_on_a_deck_the_learner_cannot_see_is_refused(student, other_student):
    private = factories.make_deck(owner=other_student)
    with pytest.raises(ValidationError):
        services.start_practice(user=student, decks=[private], count=5, mode="tutor", now=T0)


def test_tutor_mode_keeps_the_first_answer(student):
    question = factories.make_question()
    attempt = Attempt.objects.create(user=student, mode=Attempt.Mode.TUTOR, started_at=T0)
    AttemptAnswer.objects.create(attempt=attempt, question=question, position=1, option_order=[0, 1, 2, 3])
    services.save_answer(attempt=attempt, position=1, chosen=1, now=T0)
    with pytest.raises(services.QuizError, match="first answer counts"):
        services.save_answer(attempt=attempt, position=1, chosen=0, now=T0)
    assert AttemptAnswer.objects.get(attempt=attempt).is_correct is False


def test_every_answered_question_reaches_the_flashcard_hook_once(instructor, student, monkeypatch):
    calls = []
    monkeypatch.setattr(
        attempts, "_update_flashcards", lambda **kw: calls.append((kw["question"].pk, kw["correct"]))
    )
    attempt = services.start_attempt(user=student, assignment=_assignment(instructor, student), now=T0)
    answers = list(attempt.answers.order_by("position"))
    services.save_answer(attempt=attempt, position=1, chosen=answers[0].question.answer, now=T0)
    services.submit_attempt(attempt=attempt, now=T0)
    services.submit_attempt(attempt=attempt, now=T0)
    assert calls == [(answers[0].question_id, True)]


# --- drawing questions (generator stubbed; the generator's own properties are tested with it) ---


def test_a_rules_quiz_set_draws_n_questions_seeded_per_student(
    instructor, student, other_student, fake_generator
):
    deck = factories.make_deck(title="Spine")
    quiz_set = services.save_quiz_set(
        owner=instructor,
        title="Rules",
        mode="rules",
        decks=[deck],
        section_kinds=["causes"],
        questions_per_attempt=3,
    )
    assignment = factories.make_assignment(
        instructor,
        quiz_set=quiz_set,
        students=(student, other_student),
        opens_at=T0,
        closes_at=T0 + dt.timedelta(1),
    )
    mine = services.start_attempt(user=student, assignment=assignment, now=T0)
    theirs = services.start_attempt(user=other_student, assignment=assignment, now=T0)
    assert mine.question_count == theirs.question_count == 3
    stems = lambda a: [x.question.stem for x in a.answers.select_related("question")]  # noqa: E731
    assert stems(mine) != stems(theirs)
    assert fake_generator[0] == {"decks": [deck.slug], "count": 3, "section_kinds": ["causes"]}
    first = mine.answers.select_related("question").first().question
    assert (first.deck, first.correct_terms, first.explanation) == (
        deck,
        ["Cause 1"],
        "From the list of causes in Spine.",
    )


def test_exam_practice_is_timed_a_minute_a_question_and_tutor_practice_is_not(student, fake_generator):
    deck = factories.make_deck(title="Spine")
    exam = services.start_practice(user=student, decks=[deck], count=4, mode="exam", now=T0, seed=1)
    tutor = services.start_practice(user=student, decks=[deck], count=4, mode="tutor", now=T0, seed=1)
    assert exam.deadline == T0 + dt.timedelta(minutes=4)
    assert tutor.deadline is None
    assert (exam.question_count, exam.title, exam.assignment) == (4, "Spine", None)


def test_practice_on_an_instructors_deck_needs_their_class(instructor, student, fake_generator):
    deck = factories.make_deck(owner=instructor)
    with pytest.raises(ValidationError):
        services.start_practice(user=student, decks=[deck], count=2, mode="tutor", now=T0)
    factories.make_classroom(instructor, students=(student,))
    assert (
        services.start_practice(user=student, decks=[deck], count=2, mode="tutor", now=T0).question_count == 2
    )


def test_hand_picking_adds_generated_questions_and_removes_unwanted_ones(instructor, fake_generator):
    deck = factories.make_deck()
    quiz_set = services.save_quiz_set(owner=instructor, title="Picked", mode="picked", decks=[deck])
    added = services.add_generated_questions(quiz_set=quiz_set, count=3, seed=5)
    services.remove_question(quiz_set=quiz_set, question_id=added[1].pk)
    assert list(quiz_set.questions.order_by("pk")) == [added[0], added[2]]
