import json

import pytest
from django.core.management import call_command

from studyapp.models import Card, Review, ReviewDay, User


@pytest.mark.django_db
def test_bench_dashboard_prints_one_json_object_per_size_and_cleans_up(capsys):
    call_command("bench_dashboard", "--reviews", "40", "200", "--repeat", "1", "--json")
    results = json.loads(capsys.readouterr().out)
    assert [(r["reviews"], r["cards"]) for r in results] == [(40, 2), (200, 10)]
    assert results[0]["queries"] == results[1]["queries"] > 0
    assert all(r["median_ms"] > 0 and r["cpu_median_ms"] >= 0 for r in results)
    assert (
        User.objects.count(),
        Card.objects.count(),
        Review.objects.count(),
        ReviewDay.objects.count(),
    ) == (
        0,
        0,
        0,
        0,
    )
