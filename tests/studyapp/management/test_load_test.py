"""A seconds-long smoke run of the load test against a live server: learners log in, review, undo and take
quizzes; the report is JSON and the database checks find nothing wrong."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from studyapp.integrity import review_log_violations
from studyapp.models import CardState, Review
from tests import factories


@pytest.mark.django_db(transaction=True)
def test_a_short_load_run_reports_figures_and_no_violations(live_server):
    # The live server's in-memory SQLite database cannot take concurrent writes: one learner, one tab at a time.
    learners = (
        ["--learners", "3"] if connection.vendor == "postgresql" else ["--learners", "1", "--sequential"]
    )
    out = StringIO()
    call_command(
        "load_test",
        "--url",
        live_server.url,
        *learners,
        "--minutes",
        "0.05",
        "--think",
        "0",
        "0.05",
        stdout=out,
    )
    report = json.loads(out.getvalue())
    assert report["learners"] == int(learners[1])
    assert report["server_errors"] == 0 and report["invariant_violations"] == 0
    assert report["outcomes"]["answer_recorded"] >= 1
    assert (
        report["endpoints"]["POST /study/answer/"]["p95_ms"]
        >= report["endpoints"]["POST /study/answer/"]["p50_ms"]
    )
    assert (
        report["reviews_in_database"] == Review.objects.filter(user__username__startswith="loadtest-").count()
    )


@pytest.mark.django_db
def test_the_invariant_check_finds_a_card_whose_reps_disagree_with_its_log(student):
    deck = factories.make_deck()
    item = factories.make_item(factories.make_section(deck), "Fever")
    card_state = factories.make_card_state(student, factories.make_card(deck, item=item), reps=1)
    assert review_log_violations([student.pk]) == [
        f"card state {card_state.pk}: reps 1 but 0 reviews",
    ]
    CardState.objects.filter(pk=card_state.pk).update(reps=0, state=CardState.State.REVIEW, stability=3.0)
    assert review_log_violations([student.pk]) == [
        f"card state {card_state.pk}: no review left but the card is not new"
    ]
