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
