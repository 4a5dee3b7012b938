import pytest
from django.urls import reverse

from studyapp.models import User


@pytest.mark.django_db
def test_signup_makes_a_student_and_logs_them_in(client):
    response = client.post(
        reverse("signup"),
        {
            "username": "newbie",
            "email": "newbie@example.com",
            "time_zone": "Europe/Paris",
            "password1": "a long unusual passphrase",
            "password2": "a long unusual passphrase",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="newbie")
    assert user.role == User.Role.STUDENT
    assert user.time_zone == "Europe/Paris"
    assert client.get(reverse("home")).status_code == 200


@pytest.mark.django_db
def test_signup_cannot_choose_to_be_an_instructor(client):
    client.post(
        reverse("signup"),
        {
            "username": "sneaky",
            "email": "s@example.com",
            "time_zone": "UTC",
            "role": "instructor",
            "password1": "a long unusual passphrase",
            "password2": "a long unusual passphrase",
        },
    )
    assert User.objects.get(username="sneaky").role == User.Role.STUDENT


def test_login_page_renders_for_anonymous_users(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert b'name="password"' in response.content


def test_login_then_logout(client, student):
    response = client.post(
        reverse("login"), {"username": "alice", "password": "correct horse battery staple"}
    )
    assert response.status_code == 302
    assert "Hello, alice" in client.get(reverse("home")).text
    client.post(reverse("logout"))
    home = client.get(reverse("home"))
    assert "Hello, alice" not in home.text and "Sign up free" in home.text


def test_five_wrong_passwords_lock_the_account(client, student):
    for _ in range(5):
        client.post(reverse("login"), {"username": "alice", "password": "wrong"})
    response = client.post(
        reverse("login"), {"username": "alice", "password": "correct horse battery staple"}
    )
    assert response.status_code == 429
    assert b"Too many failed log-ins" in response.content


def test_study_settings_reject_bad_learning_steps(student_client, student):
    response = student_client.post(
        reverse("study-settings"),
        {
            "time_zone": "UTC",
            "day_start_hour": 4,
            "desired_retention": 0.9,
            "new_cards_per_day": 20,
            "reviews_per_day": 200,
            "learning_steps": "1m ten",
            "relearning_steps": "10m",
            "maximum_interval_days": 36500,
            "leech_threshold": 8,
        },
    )
    assert response.status_code == 200
    assert b"is not a step" in response.content
    student.refresh_from_db()
    assert student.learning_steps == "1m 10m"


def test_study_settings_save_time_zone_and_day_start(student_client, student):
    response = student_client.post(
        reverse("study-settings"),
        {
            "time_zone": "Asia/Tokyo",
            "day_start_hour": 5,
            "desired_retention": 0.85,
            "new_cards_per_day": 10,
            "reviews_per_day": 100,
            "learning_steps": "1m  10m 1h",
            "relearning_steps": "10m",
            "maximum_interval_days": 365,
            "leech_threshold": 6,
        },
    )
    assert response.status_code == 302
    student.refresh_from_db()
    assert (student.time_zone, student.day_start_hour, student.learning_steps) == (
        "Asia/Tokyo",
        5,
        "1m 10m 1h",
    )


@pytest.mark.django_db
def test_create_instructor_command_makes_an_instructor():
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("create_instructor", "prof", stdout=out)
    assert User.objects.get(username="prof").is_instructor
    assert "password" in out.getvalue()
