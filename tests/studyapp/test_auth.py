"""The signed-in learner as every request loads it: from a query compiled once, the same user the ORM gives."""

import datetime as dt

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from studyapp.auth import LearnerBackend, with_study_context
from studyapp.models import BacklogPlan, ExamPlan, ParameterFit, User
from tests import factories

pytestmark = pytest.mark.django_db


def _fields(user: User) -> dict:
    return {name: value for name, value in vars(user).items() if not name.startswith("_")}


def test_the_session_user_is_the_user_the_orm_loads_with_their_study_context(student):
    deck = factories.make_deck()
    ParameterFit.objects.create(user=student, parameters=[0.5] * 21, review_count=900)
    ParameterFit.objects.create(
        user=student,
        parameters=[0.1] * 21,
        review_count=400,
        fitted_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC),
    )
    ExamPlan.objects.create(user=student, deck=deck, exam_date=dt.date(2027, 6, 1))
    now = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
    BacklogPlan.objects.create(user=student, daily_cap=50, backlog_before=now, started_at=now)

    loaded = LearnerBackend().get_user(student.pk)

    expected = with_study_context(User.objects.all()).get(pk=student.pk)
    assert _fields(loaded) == _fields(expected)
    assert (loaded.fitted_parameters, loaded.has_exam_plans, loaded.has_backlog_plan) == (
        [0.5] * 21,
        True,
        True,
    )
    assert loaded._state.adding is False and loaded._state.db == "default"


def test_a_learner_without_fits_or_plans_and_an_unknown_or_inactive_id(student, other_student):
    loaded = LearnerBackend().get_user(other_student.pk)
    assert (loaded.pk, loaded.fitted_parameters, loaded.has_exam_plans, loaded.has_backlog_plan) == (
        other_student.pk,
        None,
        False,
        False,
    )
    assert LearnerBackend().get_user(10**9) is None
    User.objects.filter(pk=student.pk).update(is_active=False)
    assert LearnerBackend().get_user(student.pk) is None


def test_each_request_sees_the_signed_in_learner_as_stored_now(client, student):
    client.force_login(student)
    assert client.session[SESSION_KEY] == str(student.pk)
    User.objects.filter(pk=student.pk).update(first_name="Ada", time_zone="Asia/Tokyo")
    page = client.get(reverse("studyapp:decks"))
    assert page.status_code == 200
    assert page.wsgi_request.user.first_name == "Ada"
    assert page.wsgi_request.user.time_zone == "Asia/Tokyo"
