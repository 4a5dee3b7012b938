"""Odd query strings and form values answer with a page, a 404 or a form error: never a server error."""

import pytest
from django.urls import reverse

from tests import factories

ODD_QUERIES = [
    "?deck=abc",
    "?section=999999",
    "?items=1,x,,",
    "?items=%C2%B2",  # a superscript two: str.isdigit() says yes, int() says no
    "?deck=99999999999999999999999",
    "?items=99999999999999999999999,1&section=99999999999999999999",
    "?section=-1&card=x&show=%00&shown=1e9",
    "?q=-5",
    "?code=%00",
    "?table=../../etc",
]

PAGES = [
    "home",
    "study-settings",
    "studyapp:decks",
    "studyapp:review",
    "studyapp:import-article",
    "studyapp:import-csv",
    "studyapp:import-anki",
    "quizzes:index",
    "quizzes:join",
    "quizzes:practice",
    "quizzes:quiz-set-list",
    "quizzes:quiz-set-create",
    "quizzes:class-create",
]


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["student", "other_student", "instructor"])
@pytest.mark.parametrize("query", ODD_QUERIES)
def test_no_page_answers_an_odd_query_with_a_server_error(client, request, persona, query):
    user = request.getfixturevalue(persona)
    factories.make_deck(owner=user)
    client.force_login(user)
    client.raise_request_exception = False
    for name in PAGES:
        response = client.get(reverse(name) + query)
        assert response.status_code in {200, 302, 403, 404}, (name, query, response.status_code)


HUGE = "99999999999999999999999"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("studyapp:answer", {"card_state": HUGE, "version": "1", "rating": "3"}),
        ("studyapp:card-action", {"card_state": HUGE, "action": "bury"}),
        ("studyapp:card-action", {"card_state": "1", "action": "flag", "flag": HUGE}),
    ],
)
def test_a_huge_card_state_id_in_a_post_is_404_not_a_server_error(student_client, name, data):
    student_client.raise_request_exception = False

    response = student_client.post(reverse(name), data)

    assert response.status_code in {400, 404}


def _assignment_data(quiz_set_id, **changes) -> dict:
    data = {
        "quiz_set": quiz_set_id,
        "opens_at": "2026-03-02T09:00",
        "closes_at": "2026-03-09T09:00",
        "time_limit_minutes": "30",
        "max_attempts": "1",
        "grading": "highest",
        "answers_visible": "after_submit",
    }
    return {**data, **changes}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "field_error"),
    [
        ({"closes_at": "2026-03-01T09:00"}, "The assignment must close after it opens."),
        ({"time_limit_minutes": "-5"}, "greater than or equal to 1"),
        ({"time_limit_minutes": HUGE}, "less than or equal to 1440"),
        ({"max_attempts": "0"}, "greater than or equal to 1"),
        ({"opens_at": "99999-01-01T00:00"}, "Enter a valid date/time."),
    ],
)
def test_odd_assignment_numbers_and_dates_are_form_errors(client, instructor, changes, field_error):
    from quizzes.models import Assignment

    classroom = factories.make_classroom(instructor)
    quiz_set = factories.make_quiz_set(instructor)
    client.force_login(instructor)
    url = reverse("quizzes:assignment-create", kwargs={"classroom_id": classroom.pk})

    response = client.post(url, _assignment_data(quiz_set.pk, **changes))

    assert response.status_code == 200
    assert field_error in response.content.decode()
    assert not Assignment.objects.exists()


@pytest.mark.django_db
def test_assigning_another_instructors_quiz_set_is_a_form_error(client, instructor, other_instructor):
    from quizzes.models import Assignment

    classroom = factories.make_classroom(instructor)
    theirs = factories.make_quiz_set(other_instructor)
    client.force_login(instructor)
    url = reverse("quizzes:assignment-create", kwargs={"classroom_id": classroom.pk})

    response = client.post(url, _assignment_data(theirs.pk))

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Assignment.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("count", ["-1", "0", HUGE, "1e3", "ten"])
def test_odd_question_counts_are_form_errors(client, request, instructor, count):
    from quizzes.models import Attempt

    deck = factories.make_deck(owner=instructor)
    quiz_set = factories.make_quiz_set(instructor)
    client.force_login(instructor)
    before = quiz_set.questions.count()
    posts = [
        (reverse("quizzes:practice"), {"decks": [deck.pk], "count": count, "mode": "tutor"}),
        (
            reverse("quizzes:quiz-set-create"),
            {"title": "T", "mode": "rules", "decks": [deck.pk], "questions_per_attempt": count},
        ),
        (reverse("quizzes:quiz-set-add-questions", kwargs={"quiz_set_id": quiz_set.pk}), {"count": count}),
    ]
    for url, data in posts:
        response = client.post(url, data)
        assert response.status_code == 200, url
        assert '<p class="error" role="alert">' in response.content.decode(), url
    assert not Attempt.objects.exists()
    assert quiz_set.questions.count() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    "changes",
    [
        {"day_start_hour": "24"},
        {"day_start_hour": "-1"},
        {"desired_retention": "nan"},
        {"desired_retention": "inf"},
        {"desired_retention": "5"},
        {"new_cards_per_day": HUGE},
        {"maximum_interval_days": "0"},
        {"leech_threshold": HUGE},
        {"learning_steps": "-1m"},
    ],
)
def test_odd_study_settings_are_form_errors(student_client, student, changes):
    data = {
        "time_zone": "UTC",
        "day_start_hour": "4",
        "desired_retention": "0.9",
        "new_cards_per_day": "20",
        "reviews_per_day": "200",
        "learning_steps": "1m 10m",
        "relearning_steps": "10m",
        "maximum_interval_days": "36500",
        "leech_threshold": "8",
        **changes,
    }

    response = student_client.post(reverse("study-settings"), data)

    assert response.status_code == 200
    assert '<p class="error" role="alert">' in response.content.decode()
    student.refresh_from_db()
    assert (student.day_start_hour, student.desired_retention, student.new_cards_per_day) == (4, 0.9, 20)


@pytest.mark.django_db
@pytest.mark.parametrize(("position", "chosen"), [(HUGE, "0"), ("1", HUGE), ("-1", "-1"), ("1", "x")])
def test_odd_quiz_answers_do_not_break_the_attempt(student_client, student, position, chosen):
    attempt = factories.make_attempt(student)
    student_client.raise_request_exception = False
    url = reverse("quizzes:attempt-answer", kwargs={"attempt_id": attempt.pk})

    response = student_client.post(url, {"position": position, "chosen": chosen})

    assert response.status_code == 302
    assert not attempt.answers.filter(chosen__isnull=False).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query", [f"?card={HUGE}", f"?show={HUGE}&shown={HUGE}", f"?items={HUGE}", "?card=-1"]
)
def test_odd_card_numbers_still_show_the_learners_next_card(student_client, student, query):
    from studyapp.services.cards import sync_cards

    deck = factories.make_deck(title="Spine")
    factories.make_item(factories.make_section(deck, kind="drugs"), "Fever", gloss="Antipyretic")
    factories.study_deck(student, deck)
    sync_cards(deck)
    student_client.raise_request_exception = False

    response = student_client.get(reverse("studyapp:review") + query)

    assert response.status_code == 200
    assert "Fever" in response.content.decode()


@pytest.mark.django_db
def test_a_close_date_at_the_end_of_the_calendar_is_a_form_error_west_of_greenwich(client, instructor):
    from quizzes.models import Assignment

    instructor.time_zone = "America/New_York"
    instructor.save()
    classroom = factories.make_classroom(instructor)
    quiz_set = factories.make_quiz_set(instructor)
    client.force_login(instructor)
    client.raise_request_exception = False
    url = reverse("quizzes:assignment-create", kwargs={"classroom_id": classroom.pk})

    response = client.post(url, _assignment_data(quiz_set.pk, closes_at="9999-12-31T23:00"))

    assert response.status_code == 200
    assert '<p class="error" role="alert">' in response.content.decode()
    assert not Assignment.objects.exists()


@pytest.mark.django_db
def test_a_huge_maximum_interval_still_lets_the_learner_review(student_client, student):
    from studyapp.models import CardState
    from studyapp.services.cards import sync_cards

    deck = factories.make_deck(title="Spine")
    factories.make_item(factories.make_section(deck, kind="drugs"), "Fever", gloss="Antipyretic")
    sync_cards(deck)
    factories.study_deck(student, deck)
    student_client.raise_request_exception = False
    data = {
        "time_zone": "UTC",
        "day_start_hour": "4",
        "desired_retention": "0.99",
        "new_cards_per_day": "20",
        "reviews_per_day": "200",
        "learning_steps": "1m",
        "relearning_steps": "10m",
        "maximum_interval_days": "2147483647",
        "leech_threshold": "8",
    }
    student_client.post(reverse("study-settings"), data)
    student.refresh_from_db()
    assert student.maximum_interval_days == 2147483647
    state = CardState.objects.filter(user=student).first()

    for _ in range(12):
        state.refresh_from_db()
        page = student_client.get(reverse("studyapp:review") + f"?card={state.pk}&show={state.pk}")
        assert page.status_code == 200
        answered = student_client.post(
            reverse("studyapp:answer"), {"card_state": state.pk, "version": state.version, "rating": "4"}
        )
        assert answered.status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["?q=x", f"?q={HUGE}", "?q=-1", "?table=items&deck=abc", "?page=%00"])
def test_object_pages_shrug_off_odd_queries_for_their_owners(client, student, instructor, query):
    from quizzes.models import Assignment

    classroom = factories.make_classroom(instructor, students=(student,))
    assignment = factories.make_assignment(classroom=classroom)
    attempt = factories.make_attempt(student, assignment=assignment)
    practice_deck = factories.make_deck(owner=instructor)
    client.raise_request_exception = False
    pages = {
        student: [
            reverse("quizzes:attempt", kwargs={"attempt_id": attempt.pk}),
            reverse("quizzes:assignment", kwargs={"assignment_id": assignment.pk}),
        ],
        instructor: [
            reverse("quizzes:class-detail", kwargs={"classroom_id": classroom.pk}),
            reverse("quizzes:class-dashboard", kwargs={"classroom_id": classroom.pk}),
            reverse("quizzes:class-dashboard-csv", kwargs={"classroom_id": classroom.pk}),
            reverse("quizzes:gradebook", kwargs={"assignment_id": assignment.pk}),
            reverse("quizzes:gradebook-csv", kwargs={"assignment_id": assignment.pk}),
            reverse("quizzes:item-analysis", kwargs={"assignment_id": assignment.pk}),
            reverse("quizzes:assignment-create", kwargs={"classroom_id": classroom.pk}),
            reverse("studyapp:deck", kwargs={"deck_id": practice_deck.pk}),
            reverse("studyapp:deck-templates", kwargs={"deck_id": practice_deck.pk}),
            reverse("quizzes:attempt-result", kwargs={"attempt_id": attempt.pk}),
        ],
    }
    assert Assignment.objects.count() == 1
    for user, urls in pages.items():
        client.force_login(user)
        for url in urls:
            assert client.get(url + query).status_code == 200, url
