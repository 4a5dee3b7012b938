import json

import pytest
from django.core.management import call_command

from studyapp.bench_floor import FLOOR_URL
from studyapp.models import Card, CardState, Review, User


@pytest.mark.django_db
def test_bench_review_prints_one_json_object_per_size_and_cleans_up(capsys):
    call_command("bench_review", "--cards", "40", "80", "--reviews-per-card", "2", "--repeat", "2", "--json")
    results = json.loads(capsys.readouterr().out)
    assert [(r["cards"], r["reviews"] >= 2 * r["cards"]) for r in results] == [(40, True), (80, True)]
    assert results[0]["queries"] == results[1]["queries"] > 0
    for r in results:
        assert r["floor_ms_p50"] > 0 and 0 < r["grade_ms_p50"] <= r["grade_ms_p95"] and r["review_ms_p50"] > 0
        assert r["ratio_to_floor"] == round(r["floor_ms_p50"] / r["grade_ms_p50"], 2)
        assert r["http_floor_ms_p50"] > 0
        assert r["ratio_to_http_floor"] == round(r["http_floor_ms_p50"] / r["grade_ms_p50"], 2)
    assert results[0]["grade_vs_first"] == 1.0
    assert (
        User.objects.count(),
        Card.objects.count(),
        CardState.objects.count(),
        Review.objects.count(),
    ) == (
        0,
        0,
        0,
        0,
    )


@pytest.mark.django_db
def test_the_http_floor_exists_only_in_the_benchmarks_urlconf(client):
    user = User.objects.create(username="floor")
    client.force_login(user)
    assert client.post(FLOOR_URL, {"card_state": 1, "rating": 3}).status_code == 404
