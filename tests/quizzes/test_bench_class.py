import json
from io import StringIO

import pytest
from django.core.management import call_command

from quizzes.models import Classroom
from studyapp.models import CardState, DeckTally, User

pytestmark = pytest.mark.django_db


def test_bench_class_reports_each_class_size_and_cleans_up():
    out = StringIO()
    call_command("bench_class", "--students", "2", "4", "--cards", "5", "--repeat", "1", "--json", stdout=out)
    *results, ratios = json.loads(out.getvalue())
    assert [(r["students"], r["cards"]) for r in results] == [(2, 5), (4, 5)]
    assert (
        ratios["ratios"] == "4 / 2 students" and ratios["gradebook_ms_p50"] > 0 and ratios["recount_s"] >= 0
    )
    for r in results:
        assert r["recount_s"] >= 0 and len(r["load"]) == 2
        assert r["dashboard_ms_p50"] > 0 and r["gradebook_ms_p50"] > 0 and r["gradebook_csv_ms_p50"] > 0
        assert r["dashboard_cold_ms_p50"] > 0 and r["dashboard_few_stale_ms_p50"] > 0
        # reading the tallies; recounting the stale ones adds the recount, the due times and the upsert
        assert (
            r["queries"]["dashboard_cold"]
            == r["queries"]["dashboard_few_stale"]
            == r["queries"]["dashboard"] + 3
        )
    # constant queries whatever the class size
    assert results[0]["queries"] == results[1]["queries"]
    assert not Classroom.objects.exists() and not CardState.objects.exists() and not User.objects.exists()
    assert not DeckTally.objects.exists()
