"""Issue 11, defect 1: generation work grows linearly with the asked list, not with its square.

No clocks: the test counts the operations that made the old generator quadratic (pairwise name comparisons)
and the per-name work (keys computed), for a list of 500 entries and one eight times longer.
"""

import random

import pytest

from quizzes.generation import generator, library, questions
from quizzes.management.commands.bench_generation import library_with_list
from studyapp import terms


def _count(monkeypatch, size: int) -> tuple[int, int]:
    calls = {"pairs": 0, "keys": 0}
    clash, overlap, key = generator.names_clash, generator.classes_overlap, terms.term_key

    def counted(name, real):
        def wrapper(*args):
            calls[name] += 1
            return real(*args)

        return wrapper

    monkeypatch.setattr(generator, "names_clash", counted("pairs", clash))
    monkeypatch.setattr(questions, "names_clash", counted("pairs", questions.names_clash))
    monkeypatch.setattr(library, "classes_overlap", counted("pairs", library.classes_overlap))
    monkeypatch.setattr(generator, "classes_overlap", counted("pairs", overlap))
    monkeypatch.setattr(terms, "term_key", counted("keys", key))
    kb = library_with_list(size)
    made = generator.generate_questions(kb, count=20, rng=random.Random(1), deck_slugs=["bench-list"])
    assert len(made) == 20
    monkeypatch.undo()
    return calls["pairs"], calls["keys"]


@pytest.mark.parametrize("factor", [8])
def test_a_list_eight_times_longer_costs_at_most_about_eight_times_the_work(monkeypatch, factor):
    small_pairs, small_keys = _count(monkeypatch, 500)
    large_pairs, large_keys = _count(monkeypatch, 500 * factor)
    # Pairwise comparisons are bounded per question: they do not grow with the list at all (sampled pools).
    assert large_pairs <= 2 * small_pairs + 200, (small_pairs, large_pairs)
    # Each listed name is keyed a bounded number of times: linear, far from the 64× of a quadratic scan.
    assert large_keys <= (factor + 1) * small_keys, (small_keys, large_keys)
