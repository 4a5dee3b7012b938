"""simulate_plan on a tiny scale: the JSON shape, and the claims it exists to prove (the full run is a command)."""

import json

import pytest
from django.core.management import CommandError, call_command

from studyapp import plan_simulation


@pytest.fixture
def tiny(monkeypatch):
    monkeypatch.setattr(plan_simulation, "EXAM_CARDS", 40)
    monkeypatch.setattr(plan_simulation, "BACKLOG_CARDS", 160)
    monkeypatch.setattr(plan_simulation, "BACKLOG_NEW_PER_DAY", 8)
    monkeypatch.setattr(plan_simulation, "BACKLOG_CAP", 12)
    monkeypatch.setattr(plan_simulation, "SIMULATOR_DAYS", 20)
    monkeypatch.setattr(plan_simulation, "SIMULATOR_RUNS", 2)


def test_prints_the_figures_as_one_json_object(tiny, capsys):
    call_command("simulate_plan", learners=1, days=40, seed=3, json=True)
    figures = json.loads(capsys.readouterr().out)
    assert set(figures) == {"exam", "backlog", "simulator"}
    assert set(figures["exam"]) == {"target", "exam_mode", "raise_retention", "plain"}
    assert set(figures["exam"]["exam_mode"]) == {"recall_on_exam_day", "reviews"}
    assert set(figures["backlog"]) == {"cap", "autopilot", "overdue_first", "nothing"}
    assert set(figures["backlog"]["autopilot"]) == {"days_to_clear", "peak_daily_reviews", "recall_lost"}
    assert set(figures["simulator"]) == {"mean_abs_error_daily_reviews", "mean_daily_reviews"}


def test_exam_mode_reaches_the_target_with_fewer_reviews_than_raising_retention(tiny):
    results = [
        plan_simulation.exam_strategies(
            plan_simulation.sample_learner(n, seed=5), days=40, seed=5, target=0.95
        )
        for n in range(3)
    ]
    recall = sum(r["exam_mode"]["recall_on_exam_day"] for r in results) / 3
    assert recall >= 0.95
    for result in results:
        assert result["exam_mode"]["reviews"] < result["raise_retention"]["reviews"]


def test_autopilot_stays_under_its_cap_where_doing_nothing_does_not(tiny):
    learner = plan_simulation.sample_learner(0, seed=5)
    result = plan_simulation.backlog_strategies(learner, days=70, seed=5, cap=12)
    assert result["autopilot"]["backlog"] > 12
    assert result["autopilot"]["peak_daily_reviews"] <= 12
    assert result["nothing"]["peak_daily_reviews"] > 12


def test_odd_arguments_are_refused():
    with pytest.raises(CommandError, match="--days must be at least 30"):
        call_command("simulate_plan", learners=1, days=5)
