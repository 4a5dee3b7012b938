"""Signed-in pages and downloads are never stored by proxies or the browser's disk cache."""

import pytest
from django.urls import reverse

from tests import factories


@pytest.mark.django_db
def test_signed_in_page_is_private_and_not_stored(student_client):
    response = student_client.get(reverse("studyapp:review"))
    assert response.status_code == 200
    assert set(response["Cache-Control"].replace(" ", "").split(",")) >= {"private", "no-store"}


@pytest.mark.django_db
def test_gradebook_csv_with_emails_is_private_and_not_stored(client, instructor):
    assignment = factories.make_assignment(instructor)
    client.force_login(instructor)
    response = client.get(reverse("quizzes:gradebook-csv", kwargs={"assignment_id": assignment.pk}))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


@pytest.mark.django_db
def test_login_response_that_signs_in_is_not_stored(client, student):
    response = client.post(
        reverse("login"), {"username": "alice", "password": "correct horse battery staple"}
    )
    assert response.status_code == 302
    assert "no-store" in response["Cache-Control"]
