import json
from io import StringIO

import pytest
from django.core.management import call_command

from quizzes.models import Classroom
from studyapp.models import CardState, User

pytestmark = pytest.mark.django_db


def test_bench_class_reports_each_class_size_and_cleans_up():
    out = StringIO()
    call_command("bench_class", "--students", "2", "4", "--cards", "5", "--repeat", "1", "--json", stdout=out)
    results = json.loads(out.getvalue())
    assert [(r["students"], r["cards"]) for r in results] == [(2, 5), (4, 5)]
    for r in results:
        assert r["dashboard_ms_p50"] > 0 and r["gradebook_ms_p50"] > 0 and r["gradebook_csv_ms_p50"] > 0
    # constant queries whatever the class size
    assert results[0]["queries"] == results[1]["queries"]
    assert not Classroom.objects.exists() and not CardState.objects.exists() and not User.objects.exists()
