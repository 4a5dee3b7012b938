import json
from io import StringIO

from django.core.management import call_command

from quizzes.management.commands.bench_generation import library_with_list, synthetic_terms


def test_bench_prints_one_row_per_list_size_with_its_ratio_to_the_smallest():
    out = StringIO()
    call_command("bench_generation", "--items", "50", "400", "--repeat", "1", "--json", stdout=out)
    rows = json.loads(out.getvalue())
    assert [row["items"] for row in rows] == [50, 400]
    assert all(row["questions"] == 20 for row in rows)
    assert rows[0]["ratio_to_smallest"] == 1.0
    assert {"median_ms", "median_wall_ms"} <= set(rows[1])


def test_the_benchmark_list_is_distinct_and_the_library_supplies_other_decks():
    terms = synthetic_terms(1000, 3)
    assert len(set(terms)) == 1000
    kb = library_with_list(10)
    assert kb.decks[0].slug == "bench-list"
    assert len(kb.decks) >= 2
