import csv
import datetime as dt
import io
import json
import math
import os
import re
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from studyapp import evaluation
from studyapp.evaluation import Prediction, auc, bin_key, log_loss, read_revlog, rmse_bins, sm2_interval
from studyapp.optimizing import FILTERED, MANUAL, REVIEW, UNKNOWN
from tests.paths import SHARED
from tests.simulated_learner import SLOW_CONSOLIDATOR, STRONG_CONSOLIDATOR, simulate

T0 = dt.datetime(2025, 3, 1, 9, 0, tzinfo=dt.UTC)
JOSH = SHARED / "data" / "revlogs" / "pyfsrs-josh.csv"


def prediction(predicted, recalled, *, days=1, long_term=2, lapses=0):
    return Prediction("c", T0, recalled, predicted, days, long_term, lapses)


# --- Metrics on inputs small enough to work out by hand ----------------------------------------------------


def test_log_loss_is_the_mean_cross_entropy():
    assert log_loss([True, False], [0.8, 0.4]) == pytest.approx((-math.log(0.8) - math.log(0.6)) / 2)


def test_log_loss_of_a_certain_miss_stays_finite():
    assert log_loss([True], [0.0]) == pytest.approx(-math.log(1e-7))


@pytest.mark.parametrize(
    ("days", "long_term", "lapses", "key"),
    [
        (1, 2, 0, (248, 4, 0)),
        (3, 2, 0, (248, 4, 0)),
        (4, 2, 0, (898, 4, 0)),
        (14, 3, 1, (3250, 4, 2)),
        (1, 4, 2, (248, 7, 3)),
    ],
)
def test_bins_are_logarithmic_in_days_reviews_and_lapses(days, long_term, lapses, key):
    assert bin_key(days, long_term, lapses) == key


def test_rmse_bins_weighs_each_bins_calibration_gap_by_its_size():
    predictions = [
        prediction(0.9, True),  # bin (1 day): mean prediction 0.8, recall rate 0.5
        prediction(0.7, False),
        prediction(0.6, True, days=10),  # bin (10 days): 0.6 against 1.0
    ]
    assert rmse_bins(predictions) == pytest.approx(math.sqrt((2 * 0.3**2 + 1 * 0.4**2) / 3))


def test_auc_is_the_share_of_recalled_forgotten_pairs_ranked_right():
    assert auc([True, False, True, False], [0.9, 0.8, 0.7, 0.1]) == pytest.approx(0.75)
    assert auc([True, False], [0.5, 0.5]) == pytest.approx(0.5)
    assert auc([True, True], [0.5, 0.6]) is None


@pytest.mark.parametrize(
    ("ratings", "interval"),
    [([3], 1), ([3, 3], 6), ([3, 3, 3], 15), ([3, 3, 1], 1), ([4, 4, 4], 16), ([3, 3, 3, 2], 38)],
)
def test_sm2_interval_follows_the_benchmarks_sm2(ratings, interval):
    assert sm2_interval(ratings) == interval


# --- Reading a log ---------------------------------------------------------------------------------------

HEADER = "card_id,review_time,review_rating,review_state,review_duration,raw_ease\n"


def test_revlog_rows_become_reviews_at_their_millisecond():
    (review,) = read_revlog(io.StringIO(HEADER + "17,1711744352250,3,-1,7241,3\n"))
    assert (review.card_id, review.rating, review.kind) == ("17", 3, UNKNOWN)
    assert review.reviewed_at == dt.datetime(2024, 3, 29, 20, 32, 32, 250000, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("card_id,review_time,review_rating\n1,2,3\n", "line 1: missing column(s) review_state"),
        (HEADER + "1,1000,3,1,0,3\n1,2000,5,1,0,5\n", "line 3: review_rating 5 is not 1-4"),
        (HEADER + "1,soon,3,1,0,3\n", "line 2: card_id, review_time"),
        (HEADER + "1,1000,3,7,0,3\n", "line 2: review_state 7"),
    ],
)
def test_malformed_revlog_names_the_line(text, message):
    with pytest.raises(evaluation.RevlogError, match=re.escape(message)):
        read_revlog(io.StringIO(text))


def test_manual_entries_may_carry_rating_zero():
    (review,) = read_revlog(io.StringIO(HEADER + "1,1000,0,4,0,0\n"))
    assert review.kind == MANUAL


# --- The procedure -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [7, 8])
@pytest.mark.parametrize("learner", [STRONG_CONSOLIDATOR, SLOW_CONSOLIDATOR], ids=["strong", "slow"])
def test_fitted_parameters_predict_a_simulated_learners_future_better_than_the_defaults(learner, seed):
    result = evaluation.evaluate(simulate(true_parameters=learner, seed=seed), train_fraction=0.8)
    assert result.fit.fitted is True
    assert result.fitted.count > 400
    assert result.fitted.log_loss < result.defaults.log_loss
    assert result.fitted.log_loss < result.sm2.log_loss


def test_only_later_reviews_a_day_or_more_after_the_previous_are_scored():
    log = simulate(cards=60, days=40)
    result = evaluation.evaluate(log, train_fraction=0.5)
    histories = {
        card: [r.reviewed_at for r in reviews]
        for card, reviews in evaluation.optimizing.card_histories(log).items()
    }
    assert result.predictions
    for scored in result.predictions:
        assert scored.reviewed_at >= result.split_at
        times = histories[scored.card_id]
        before = times[times.index(scored.reviewed_at) - 1]
        assert scored.reviewed_at - before >= dt.timedelta(days=1)
    assert [p.reviewed_at for p in result.predictions] == sorted(p.reviewed_at for p in result.predictions)


def _write_revlog(path: Path, rows) -> None:
    with path.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(
            ["card_id", "review_time", "review_rating", "review_state", "review_duration", "raw_ease"]
        )
        for card_id, moment, rating, kind in rows:
            writer.writerow([card_id, evaluation.epoch_millis(moment), rating, kind, 5000, rating])


def test_command_handles_unknown_states_and_drops_filtered_and_manual_reviews(tmp_path):
    rows = []
    for review in simulate(cards=150, days=60):
        # half the cards come from a log that does not record review kinds
        kind = UNKNOWN if review.card_id % 2 else review.kind
        rows.append((f"card{review.card_id}", review.reviewed_at, review.rating, kind))
    late = max(row[1] for row in rows)
    rows += [
        ("card0", late - dt.timedelta(days=3), 1, FILTERED),
        ("card0", late - dt.timedelta(days=2), 0, MANUAL),
        # a card whose log starts mid-review with no learning start: skipped
        ("orphan", late - dt.timedelta(days=20), 3, REVIEW),
        ("orphan", late - dt.timedelta(days=2), 3, REVIEW),
    ]
    revlog, out = tmp_path / "revlog.csv", tmp_path / "predictions.csv"
    _write_revlog(revlog, rows)

    stdout = io.StringIO()
    call_command(
        "evaluate_scheduler",
        str(revlog),
        "--train-fraction",
        "0.8",
        "--predictions",
        str(out),
        "--json",
        stdout=stdout,
    )
    figures = json.loads(stdout.getvalue())

    with out.open() as lines:
        written = list(csv.DictReader(lines))
    assert list(written[0]) == ["card_id", "review_time", "predicted_recall"]
    assert len(written) == figures["evaluated_reviews"] == figures["fitted"]["count"] > 0
    scored = {(row["card_id"], int(row["review_time"])) for row in written}
    dropped = {(card, evaluation.epoch_millis(moment)) for card, moment, _, kind in rows[-4:]}
    assert not scored & dropped
    assert {card for card, _ in scored} & {f"card{n}" for n in range(1, 150, 2)}  # unknown-state cards scored
    assert all(0 < float(row["predicted_recall"]) < 1 for row in written)
    assert figures["reviews"] == len(rows)


def test_command_reports_a_malformed_log(tmp_path):
    revlog = tmp_path / "bad.csv"
    revlog.write_text(HEADER + "1,1000,3,1,0,3\n1,2000,9,1,0,9\n")
    with pytest.raises(CommandError, match="line 3: review_rating 9 is not 1-4"):
        call_command("evaluate_scheduler", str(revlog))


# --- The real learner ------------------------------------------------------------------------------------------


@pytest.fixture
def josh_revlog() -> Path:
    if not JOSH.exists():
        if os.environ.get("CI"):
            pytest.fail(f"CI needs the review log at {JOSH}")
        pytest.skip(f"review log not found at {JOSH} (it lives in ../shared/data/revlogs)")
    return JOSH


def test_on_a_real_log_the_fitted_scheduler_matches_the_published_figures(josh_revlog, tmp_path):
    out = tmp_path / "predictions.csv"
    stdout = io.StringIO()
    call_command("evaluate_scheduler", str(josh_revlog), "--predictions", str(out), "--json", stdout=stdout)
    figures = json.loads(stdout.getvalue())

    assert (figures["reviews"], figures["cards"], figures["train_reviews"]) == (12580, 1205, 10064)
    assert figures["evaluated_reviews"] == 1337
    assert figures["defaults"]["log_loss"] == pytest.approx(0.4515, abs=5e-5)
    assert figures["defaults"]["rmse_bins"] == pytest.approx(0.0740, abs=5e-5)
    assert figures["sm2"]["log_loss"] == pytest.approx(0.5129, abs=5e-5)
    assert figures["sm2"]["rmse_bins"] == pytest.approx(0.0977, abs=5e-5)
    # measured 0.44972 / 0.06463 (published: 0.4497 / 0.0646)
    assert figures["fitted"]["log_loss"] == pytest.approx(0.4497, abs=3e-4)
    assert figures["fitted"]["rmse_bins"] == pytest.approx(0.0646, abs=1e-3)
    assert figures["fitted"]["log_loss"] < figures["defaults"]["log_loss"]
    assert figures["fitted"]["auc"] > figures["defaults"]["auc"] > figures["sm2"]["auc"]
    assert len(out.read_text().splitlines()) == 1 + 1337


def test_report_prints_the_three_models_side_by_side(josh_revlog):
    stdout = io.StringIO()
    call_command("evaluate_scheduler", str(josh_revlog), stdout=stdout)
    report = stdout.getvalue()
    assert "Scored 1,337 later reviews." in report
    assert "FSRS-6 fitted         0.4497      0.0646" in report
    assert "FSRS-6 defaults       0.4515      0.0740" in report
    assert "SM-2                  0.5129      0.0977" in report
