"""Refusals and missing pages keep the site's look and navigation."""

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_a_missing_page_has_the_navigation(student_client):
    response = student_client.get("/no-such-page/")
    assert response.status_code == 404
    assert "We could not find that page" in response.text
    assert 'aria-label="Main"' in response.text and reverse("studyapp:decks") in response.text


def test_a_refused_page_is_styled_403(student_client):
    response = student_client.get(reverse("quizzes:class-create"))
    assert response.status_code == 403
    assert "You may not open this page" in response.text
    assert 'aria-label="Main"' in response.text


def test_a_server_error_shows_the_styled_500_page(settings):
    import types

    from django.urls import clear_url_caches, path

    from studyapp import urls

    def boom(request):
        raise RuntimeError("boom")

    urlconf = types.ModuleType("boom_urls")
    urlconf.urlpatterns = [path("boom/", boom), *urls.urlpatterns]
    settings.ROOT_URLCONF = urlconf
    clear_url_caches()
    response = Client(raise_request_exception=False).get("/boom/")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.text
    assert reverse("home") in response.text
    clear_url_caches()
