import csv
import datetime as dt
import io

import pytest
import time_machine
from django.urls import reverse

from quizzes import services
from quizzes.models import Assignment, Attempt, ClassMembership, Classroom
from tests import factories

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def assignment(instructor, student):
    return factories.make_assignment(
        instructor,
        students=(student,),
        opens_at=T0,
        closes_at=T0 + dt.timedelta(days=2),
        time_limit_minutes=10,
    )


def _start(client, assignment) -> Attempt:
    response = client.post(reverse("quizzes:assignment-start", args=[assignment.pk]))
    attempt = Attempt.objects.get()
    assert response["Location"] == reverse("quizzes:attempt", args=[attempt.pk])
    return attempt


# --- hub, classes, joining ---


def test_hub_lists_the_students_assignments_with_their_status(student_client, assignment):
    with time_machine.travel(T0 + dt.timedelta(hours=1)):
        response = student_client.get(reverse("quizzes:index"))
    assert response.status_code == 200
    assert "Week 1 quiz" in response.text
    assert "To do" in response.text


def test_hub_shows_an_instructor_only_their_own_classes(client, instructor, other_instructor):
    factories.make_classroom(instructor, name="Neuro A")
    factories.make_classroom(other_instructor, name="Cardio B")
    client.force_login(instructor)
    response = client.get(reverse("quizzes:index"))
    assert "Neuro A" in response.text
    assert "Cardio B" not in response.text


def test_instructor_creates_a_class_and_sees_its_join_code(client, instructor):
    client.force_login(instructor)
    response = client.post(reverse("quizzes:class-create"), {"name": "Neuro block"}, follow=True)
    classroom = Classroom.objects.get(instructor=instructor)
    assert response.status_code == 200
    assert classroom.join_code in response.text


def test_a_student_may_not_create_a_class(student_client):
    assert student_client.post(reverse("quizzes:class-create"), {"name": "Mine"}).status_code == 403
    assert not Classroom.objects.exists()


def test_class_detail_shows_the_roster(client, instructor, student):
    classroom = factories.make_classroom(instructor, students=(student,))
    client.force_login(instructor)
    response = client.get(reverse("quizzes:class-detail", args=[classroom.pk]))
    assert "alice" in response.text
    assert "Roster (1)" in response.text


def test_student_joins_a_class_with_the_code(student_client, instructor, student):
    classroom = factories.make_classroom(instructor)
    response = student_client.post(reverse("quizzes:join"), {"code": classroom.join_code.lower()})
    assert response["Location"] == reverse("quizzes:index")
    assert ClassMembership.objects.filter(classroom=classroom, student=student).exists()


def test_a_wrong_join_code_is_explained(student_client):
    response = student_client.post(reverse("quizzes:join"), {"code": "ZZZZ9999"})
    assert response.status_code == 200
    assert "No class has that join code" in response.text


def test_after_ten_wrong_join_codes_in_an_hour_even_the_right_code_waits(
    client, student, other_student, instructor
):
    classroom = factories.make_classroom(instructor)
    client.force_login(student)
    for n in range(10):
        client.post(reverse("quizzes:join"), {"code": f"ZZZZ999{n}"})

    refused = client.post(reverse("quizzes:join"), {"code": classroom.join_code})

    assert refused.status_code == 200
    assert "Too many wrong join codes" in refused.text
    assert not ClassMembership.objects.filter(student=student).exists()
    client.force_login(other_student)
    assert client.post(reverse("quizzes:join"), {"code": classroom.join_code}).status_code == 302
    client.force_login(student)
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(hours=1, minutes=1)):
        assert client.post(reverse("quizzes:join"), {"code": classroom.join_code}).status_code == 302


# --- assignments ---


def test_instructor_assigns_a_quiz_set_in_their_own_time_zone(client, instructor):
    instructor.time_zone = "Europe/Berlin"
    instructor.save()
    classroom = factories.make_classroom(instructor)
    quiz_set = factories.make_quiz_set(instructor)
    client.force_login(instructor)
    response = client.post(
        reverse("quizzes:assignment-create", args=[classroom.pk]),
        {
            "quiz_set": quiz_set.pk,
            "opens_at": "2026-03-02T10:00",
            "closes_at": "2026-03-03T10:00",
            "time_limit_minutes": "20",
            "max_attempts": "2",
            "grading": "last",
            "answers_visible": "after_close",
            "shuffle_questions": "on",
        },
    )
    assert response["Location"] == reverse("quizzes:class-detail", args=[classroom.pk])
    a = Assignment.objects.get()
    assert (a.opens_at, a.closes_at) == (T0, T0 + dt.timedelta(days=1))  # 10:00 Berlin is 09:00 UTC
    assert (a.time_limit_minutes, a.max_attempts, a.grading, a.answers_visible) == (
        20,
        2,
        "last",
        "after_close",
    )
    assert (a.shuffle_questions, a.shuffle_options) == (True, False)


def test_an_instructor_cannot_assign_another_instructors_quiz_set(client, instructor, other_instructor):
    classroom = factories.make_classroom(instructor)
    foreign = factories.make_quiz_set(other_instructor)
    client.force_login(instructor)
    response = client.post(
        reverse("quizzes:assignment-create", args=[classroom.pk]),
        {
            "quiz_set": foreign.pk,
            "opens_at": "2026-03-02T10:00",
            "closes_at": "2026-03-03T10:00",
            "max_attempts": "1",
            "grading": "highest",
            "answers_visible": "after_submit",
        },
    )
    assert response.status_code == 200
    assert not Assignment.objects.exists()


# --- taking an attempt without JavaScript, then with htmx ---


def test_answering_without_javascript_saves_and_moves_on(student_client, assignment):
    with time_machine.travel(T0 + dt.timedelta(minutes=1), tick=False):
        attempt = _start(student_client, assignment)
        page = student_client.get(reverse("quizzes:attempt", args=[attempt.pk]))
        assert "Question 1?" in page.text
        assert "Time left: <span data-time-left>10 min</span>" in page.text
        response = student_client.post(
            reverse("quizzes:attempt-answer", args=[attempt.pk]), {"position": 1, "chosen": 1}
        )
        assert response["Location"] == reverse("quizzes:attempt", args=[attempt.pk]) + "?q=2"
        reloaded = student_client.get(reverse("quizzes:attempt", args=[attempt.pk]) + "?q=1")
    assert 'value="1" checked' in reloaded.text
    assert attempt.answers.get(position=1).chosen == 1


def test_htmx_answer_returns_only_the_question_fragment(student_client, assignment):
    with time_machine.travel(T0 + dt.timedelta(minutes=1), tick=False):
        attempt = _start(student_client, assignment)
        response = student_client.post(
            reverse("quizzes:attempt-answer", args=[attempt.pk]), {"position": 1, "chosen": 0}, **HTMX
        )
    assert response.status_code == 200
    assert 'id="attempt-question"' in response.text
    assert "<html" not in response.text
    assert "Question 2?" in response.text
    assert "HX-Request" in response["Vary"]


def test_reopening_the_assignment_resumes_the_same_attempt(student_client, assignment):
    with time_machine.travel(T0 + dt.timedelta(minutes=1), tick=False):
        first = _start(student_client, assignment)
        student_client.post(reverse("quizzes:assignment-start", args=[assignment.pk]))
    assert Attempt.objects.get().pk == first.pk


def test_loading_after_the_time_limit_closes_the_attempt_even_without_javascript(student_client, assignment):
    with time_machine.travel(T0, tick=False):
        attempt = _start(student_client, assignment)
        student_client.post(
            reverse("quizzes:attempt-answer", args=[attempt.pk]), {"position": 1, "chosen": 0}
        )
    with time_machine.travel(T0 + dt.timedelta(minutes=11), tick=False):
        response = student_client.get(reverse("quizzes:attempt", args=[attempt.pk]))
        assert response["Location"] == reverse("quizzes:attempt-result", args=[attempt.pk])
        late = student_client.post(
            reverse("quizzes:attempt-answer", args=[attempt.pk]), {"position": 2, "chosen": 0}
        )
        assert late["Location"] == reverse("quizzes:attempt-result", args=[attempt.pk])
    attempt.refresh_from_db()
    assert (attempt.status, attempt.correct_count, attempt.is_late) == (Attempt.Status.TIMED_OUT, 1, False)
    assert attempt.answers.get(position=2).chosen is None


def test_double_submit_submits_once(student_client, assignment):
    with time_machine.travel(T0 + dt.timedelta(minutes=1), tick=False):
        attempt = _start(student_client, assignment)
        student_client.post(reverse("quizzes:attempt-submit", args=[attempt.pk]))
    with time_machine.travel(T0 + dt.timedelta(minutes=2), tick=False):
        again = student_client.post(reverse("quizzes:attempt-submit", args=[attempt.pk]))
    assert again["Location"] == reverse("quizzes:attempt-result", args=[attempt.pk])
    attempt.refresh_from_db()
    assert attempt.submitted_at == T0 + dt.timedelta(minutes=1)


@pytest.mark.parametrize(("policy", "shown"), [("after_submit", True), ("never", False)])
def test_result_shows_the_score_and_answers_only_when_allowed(student_client, assignment, policy, shown):
    assignment.answers_visible = policy
    assignment.save()
    with time_machine.travel(T0 + dt.timedelta(minutes=1), tick=False):
        attempt = _start(student_client, assignment)
        student_client.post(
            reverse("quizzes:attempt-answer", args=[attempt.pk]), {"position": 1, "chosen": 1}
        )
        student_client.post(reverse("quizzes:attempt-submit", args=[attempt.pk]))
        response = student_client.get(reverse("quizzes:attempt-result", args=[attempt.pk]))
    assert "Score: 0 / 2 (0%)" in response.text
    assert ("Correct answer: <strong>Right 1</strong>" in response.text) is shown


def test_the_classes_instructor_may_read_a_students_attempt(client, instructor, student, assignment):
    with time_machine.travel(T0 + dt.timedelta(minutes=1), tick=False):
        attempt = services.start_attempt(user=student, assignment=assignment, now=T0)
        services.submit_attempt(attempt=attempt, now=T0)
        client.force_login(instructor)
        response = client.get(reverse("quizzes:attempt-result", args=[attempt.pk]))
    assert response.status_code == 200
    assert "by <strong>alice</strong>" in response.text


def test_another_student_cannot_answer_my_attempt(client, other_student, student, assignment):
    attempt = services.start_attempt(user=student, assignment=assignment, now=T0)
    client.force_login(other_student)
    response = client.post(reverse("quizzes:attempt-answer", args=[attempt.pk]), {"position": 1, "chosen": 0})
    assert response.status_code == 404
    assert attempt.answers.get(position=1).chosen is None


# --- gradebook, CSV, item analysis ---


def _finished(student, assignment, *, chosen: list[int], at: dt.datetime) -> Attempt:
    attempt = services.start_attempt(user=student, assignment=assignment, now=at)
    for position, index in enumerate(chosen, start=1):
        services.save_answer(attempt=attempt, position=position, chosen=index, now=at)
    return services.submit_attempt(attempt=attempt, now=at + dt.timedelta(minutes=1))


def test_gradebook_lists_every_student_with_grade_and_late_mark(
    client, instructor, student, other_student, assignment
):
    ClassMembership.objects.create(classroom=assignment.classroom, student=other_student)
    _finished(student, assignment, chosen=[0, 1], at=T0)
    late = services.start_attempt(user=other_student, assignment=assignment, now=T0)
    services.submit_attempt(attempt=late, now=T0 + dt.timedelta(minutes=20))
    client.force_login(instructor)
    response = client.get(reverse("quizzes:gradebook", args=[assignment.pk]))
    rows = response.text.split("<tr>")[2:]
    assert "alice" in rows[0] and "50%" in rows[0] and "late" not in rows[0]
    assert "bob" in rows[1] and "0%" in rows[1] and "badge late" in rows[1]


def test_gradebook_attempt_cell_links_the_result_with_score_and_times_in_the_readers_zone(
    client, instructor, student, assignment
):
    instructor.time_zone = "Asia/Kolkata"  # UTC+5:30: 09:00 UTC is 14:30
    instructor.save(update_fields=["time_zone"])
    attempt = _finished(student, assignment, chosen=[0, 1], at=T0)
    client.force_login(instructor)
    html = client.get(reverse("quizzes:gradebook", args=[assignment.pk])).text
    result = reverse("quizzes:attempt-result", args=[attempt.pk])
    assert f'<a href="{result}">#1: 1/2 (50%)</a>' in html
    assert '<span class="muted">2 Mar 14:30–14:31</span>' in html


@pytest.mark.parametrize("size", [2, 20])
def test_gradebook_query_count_does_not_grow_with_students(
    client, instructor, assignment, size, django_assert_num_queries
):
    for n in range(size):
        s = factories.make_user(f"s{n}")
        ClassMembership.objects.create(classroom=assignment.classroom, student=s)
        _finished(s, assignment, chosen=[0, 0], at=T0)
    client.force_login(instructor)
    # session, user, assignment, expired open attempts, members, attempts
    with django_assert_num_queries(6):
        client.get(reverse("quizzes:gradebook", args=[assignment.pk]))
    with django_assert_num_queries(6):
        client.get(reverse("quizzes:gradebook-csv", args=[assignment.pk]))


def test_gradebook_csv_neutralises_formulas(client, instructor, assignment):
    sneaky = factories.make_user("@sneaky", first_name='=HYPERLINK("http://evil")', last_name="x")
    ClassMembership.objects.create(classroom=assignment.classroom, student=sneaky)
    _finished(sneaky, assignment, chosen=[0, 0], at=T0)
    client.force_login(instructor)
    response = client.get(reverse("quizzes:gradebook-csv", args=[assignment.pk]))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    sneaky_row = next(r for r in rows if "sneaky" in r[0])
    assert sneaky_row[:2] == ["'@sneaky", '\'=HYPERLINK("http://evil") x']
    assert sneaky_row[3:6] == ["1", "100", "no"]


def test_item_analysis_counts_options(client, instructor, student, other_student, assignment):
    ClassMembership.objects.create(classroom=assignment.classroom, student=other_student)
    _finished(student, assignment, chosen=[0, 0], at=T0)
    _finished(other_student, assignment, chosen=[1, 0], at=T0)
    client.force_login(instructor)
    response = client.get(reverse("quizzes:item-analysis", args=[assignment.pk]))
    assert response.status_code == 200
    assert "2 responses · facility 0.50 · discrimination 1.00" in response.text
    assert "2 responses · facility 1.00 · discrimination 0.00" in response.text
    assert "does not discriminate" in response.text


# --- practice ---


def test_practice_offers_only_decks_the_learner_can_see(student_client, student, other_student):
    factories.make_deck(title="Library spine")
    factories.make_deck(title="Bob's notes", owner=other_student)
    response = student_client.get(reverse("quizzes:practice"))
    assert "Library spine" in response.text
    assert "Bob&#x27;s notes" not in response.text and "Bob's notes" not in response.text


# --- quiz sets ---


def test_instructor_builds_a_rules_quiz_set(client, instructor, fake_generator):
    deck = factories.make_deck(title="Spine")
    client.force_login(instructor)
    response = client.post(
        reverse("quizzes:quiz-set-create"),
        {
            "title": "Week 2",
            "mode": "rules",
            "decks": [deck.pk],
            "section_kinds": ["causes", "drugs"],
            "questions_per_attempt": 12,
        },
    )
    quiz_set = instructor.quiz_sets.get()
    assert response["Location"] == reverse("quizzes:quiz-set-edit", args=[quiz_set.pk])
    assert (quiz_set.mode, quiz_set.section_kinds, quiz_set.questions_per_attempt) == (
        "rules",
        ["causes", "drugs"],
        12,
    )
    assert list(quiz_set.decks.all()) == [deck]


def test_quiz_set_form_offers_no_other_instructors_personal_deck(client, instructor, other_instructor):
    factories.make_deck(title="Diaz private", owner=other_instructor, scope="personal")
    client.force_login(instructor)
    assert "Diaz private" not in client.get(reverse("quizzes:quiz-set-create")).text


def test_a_student_cannot_build_quiz_sets(student_client):
    assert student_client.get(reverse("quizzes:quiz-set-create")).status_code == 403


def test_adding_questions_with_htmx_returns_the_question_list(client, instructor, fake_generator):
    deck = factories.make_deck()
    quiz_set = services.save_quiz_set(owner=instructor, title="Picked", mode="picked", decks=[deck])
    client.force_login(instructor)
    response = client.post(
        reverse("quizzes:quiz-set-add-questions", args=[quiz_set.pk]), {"count": 3}, **HTMX
    )
    assert 'id="quiz-set-questions"' in response.text
    assert "<html" not in response.text
    assert "Hand-picked questions (3)" in response.text
    question = quiz_set.questions.first()
    removed = client.post(reverse("quizzes:quiz-set-remove-question", args=[quiz_set.pk, question.pk]))
    assert removed["Location"] == reverse("quizzes:quiz-set-edit", args=[quiz_set.pk])
    assert quiz_set.questions.count() == 2


# --- practice and tutor mode ---


def test_tutor_practice_shows_feedback_and_explanation_after_each_answer(student_client, fake_generator):
    deck = factories.make_deck(title="Spine")
    response = student_client.post(
        reverse("quizzes:practice"), {"decks": [deck.pk], "count": 2, "mode": "tutor"}
    )
    attempt = Attempt.objects.get()
    assert response["Location"] == reverse("quizzes:attempt", args=[attempt.pk])
    first = attempt.answers.select_related("question").get(position=1)
    wrong = next(i for i in first.option_order if i != first.question.answer)
    answered = student_client.post(
        reverse("quizzes:attempt-answer", args=[attempt.pk]), {"position": 1, "chosen": wrong}, **HTMX
    )
    assert "Not quite: the answer is Cause 1." in answered.text
    assert "From the list of causes in Spine." in answered.text
    assert "<legend><strong>1. Draw" in answered.text  # stays on the question to read the feedback


def test_exam_practice_shows_the_countdown_and_no_feedback(student_client, fake_generator):
    deck = factories.make_deck(title="Spine")
    with time_machine.travel(T0, tick=False):
        student_client.post(reverse("quizzes:practice"), {"decks": [deck.pk], "count": 3, "mode": "exam"})
        attempt = Attempt.objects.get()
        answered = student_client.post(
            reverse("quizzes:attempt-answer", args=[attempt.pk]), {"position": 1, "chosen": 1}, **HTMX
        )
        page = student_client.get(reverse("quizzes:attempt", args=[attempt.pk]))
    assert "Not quite" not in answered.text
    assert 'data-deadline="2026-03-02T09:03:00+00:00"' in page.text


def test_gradebook_counts_an_attempt_abandoned_after_the_time_limit(client, instructor, student, assignment):
    attempt = services.start_attempt(user=student, assignment=assignment, now=T0)
    services.save_answer(attempt=attempt, position=1, chosen=0, now=T0 + dt.timedelta(minutes=1))
    client.force_login(instructor)
    with time_machine.travel(T0 + dt.timedelta(hours=1), tick=False):
        response = client.get(reverse("quizzes:gradebook", args=[assignment.pk]))
    assert "#1: 1/2 (50%)" in response.text
    assert "closed at the limit" in response.text
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.TIMED_OUT


@pytest.mark.parametrize(
    ("moment", "submitted", "status"),
    [
        (T0 - dt.timedelta(hours=1), False, "Not open yet"),
        (T0 + dt.timedelta(hours=1), False, "To do"),
        (T0 + dt.timedelta(hours=1), True, "Done"),
        (T0 + dt.timedelta(days=3), False, "Closed, not taken"),
    ],
)
def test_hub_status_of_an_assignment(student_client, student, assignment, moment, submitted, status):
    if submitted:
        services.submit_attempt(
            attempt=services.start_attempt(user=student, assignment=assignment, now=T0), now=T0
        )
    with time_machine.travel(moment, tick=False):
        response = student_client.get(reverse("quizzes:index"))
    assert f"<td>{status}</td>" in response.text


def test_a_practice_result_leads_on(student_client, student, fake_generator):
    deck = factories.make_deck(owner=student)
    attempt = services.start_practice(user=student, decks=[deck], count=3, mode="exam", now=T0, seed=1)
    services.save_answer(attempt=attempt, position=1, chosen=0, now=T0)
    services.save_answer(attempt=attempt, position=2, chosen=1, now=T0)
    services.submit_attempt(attempt=attempt, now=T0)
    with time_machine.travel(T0):
        page = student_client.get(reverse("quizzes:attempt-result", args=[attempt.pk])).text
    assert "Retry with new questions" in page
    missed = attempt.answers.exclude(is_correct=True).values_list("question__item_ids", flat=True)
    ids = sorted({i for ids in missed for i in ids})
    assert f"?items={'%2C'.join(map(str, ids))}" in page
    assert "Another quiz on causes" in page
    assert reverse("home") in page


def test_the_practice_form_preselects_the_only_deck_studied(student_client, student):
    deck = factories.make_deck(owner=student)
    factories.enroll(student, deck)
    factories.make_deck(owner=student, title="Not studied")
    page = student_client.get(reverse("quizzes:practice")).text
    assert page.count(" checked>") == 2  # the deck, and tutor mode
    assert f'name="decks" value="{deck.pk}" id="id_decks_0" checked>' in page
    listed = student_client.get(reverse("quizzes:practice") + f"?deck={deck.pk}&list=drugs").text
    import re

    assert re.search(r'name="section_kinds" value="drugs" id="[^"]+" checked>', listed)


def test_a_week_long_attempt_shows_its_real_closing_time_not_minutes(student_client, instructor, student):
    week = factories.make_assignment(
        instructor, students=(student,), opens_at=T0, closes_at=T0 + dt.timedelta(days=7)
    )
    with time_machine.travel(T0 + dt.timedelta(minutes=1)):
        attempt = _start(student_client, week)
        page = student_client.get(reverse("quizzes:attempt", args=[attempt.pk])).text
    assert "10079 min" not in page
    assert "(closes Mon 9 Mar 2026, 09:00)" in page
    assert "6\xa0days, 23\xa0hours" in page


def test_an_automatic_submit_at_the_time_limit_says_time_is_up(student_client, assignment):
    with time_machine.travel(T0 + dt.timedelta(minutes=1)):
        attempt = _start(student_client, assignment)
    with time_machine.travel(T0 + dt.timedelta(minutes=11)):
        response = student_client.post(
            reverse("quizzes:attempt-submit", args=[attempt.pk]), {"time_up": "1"}, follow=True
        )
    assert "Time is up: your answers were submitted automatically." in response.text
