import datetime as dt
import io

import pytest
import time_machine
from django.core.management import CommandError, call_command

from studyapp import optimizing
from studyapp.models import Card, CardState, ParameterFit, Review
from studyapp.services import fitting
from studyapp.services.fitting import REFIT_AFTER_REVIEWS, fit_learner_parameters, reviews_since_last_fit
from studyapp.tasks import fit_parameters_task, maybe_fit_parameters
from tests import factories
from tests.simulated_learner import simulate

NOW = dt.datetime(2025, 6, 1, 12, 0, tzinfo=dt.UTC)
_STATE = {optimizing.REVIEW: CardState.State.REVIEW, optimizing.RELEARN: CardState.State.RELEARNING}


def make_cards(count: int) -> list[Card]:
    deck = factories.make_deck()
    return Card.objects.bulk_create(
        Card(deck=deck, template="front-back", key=f"card:{n}", front=f"Front {n}", back=f"Back {n}")
        for n in range(count)
    )


def record_log(user, log, *, source=Review.Source.REVIEW) -> None:
    """Review rows for a simulated log (card n of the log is the n-th card made)."""
    cards = make_cards(1 + max(review.card_id for review in log))
    seen = set()
    rows = []
    for review in log:
        if review.kind == optimizing.LEARN:
            state = CardState.State.LEARNING if review.card_id in seen else CardState.State.NEW
        else:
            state = _STATE[review.kind]
        seen.add(review.card_id)
        rows.append(
            Review(
                user=user,
                card=cards[review.card_id],
                rating=review.rating,
                reviewed_at=review.reviewed_at,
                source=source,
                state_before=state,
                state_after=CardState.State.REVIEW,
                snapshot_before={},
            )
        )
    Review.objects.bulk_create(rows)


def record_simple_reviews(user, count: int, *, at: dt.datetime) -> None:
    (card,) = make_cards(1)
    Review.objects.bulk_create(
        Review(
            user=user,
            card=card,
            rating=3,
            reviewed_at=at + dt.timedelta(minutes=n),
            state_before=CardState.State.REVIEW,
            state_after=CardState.State.REVIEW,
            snapshot_before={},
        )
        for n in range(count)
    )


@pytest.fixture
def long_log():
    return simulate(cards=120, days=60)


@pytest.mark.django_db
def test_a_learner_with_a_short_history_keeps_the_defaults(student):
    record_log(student, simulate(cards=10, days=10))
    assert fit_learner_parameters(user=student) is None
    assert not ParameterFit.objects.exists()


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_a_fit_records_the_parameters_when_and_on_how_many_reviews(student, long_log):
    record_log(student, long_log)
    fit = fit_learner_parameters(user=student)
    assert ParameterFit.objects.get() == fit
    assert (fit.user, fit.fitted_at, fit.review_count) == (student, NOW, len(long_log))
    assert fit.parameters == list(optimizing.fit_parameters(long_log).parameters)
    assert fitting.latest_parameters(student) == tuple(fit.parameters)


@pytest.mark.django_db
def test_quiz_answers_and_other_learners_reviews_do_not_enter_a_fit(student, other_student, long_log):
    record_log(student, long_log)
    record_log(student, simulate(cards=40, days=30, seed=3), source=Review.Source.QUIZ)
    record_log(other_student, simulate(cards=120, days=60, seed=4))
    fit = fit_learner_parameters(user=student)
    assert fit.review_count == len(long_log)
    assert fit.parameters == list(optimizing.fit_parameters(long_log).parameters)


@pytest.mark.django_db
def test_new_reviews_since_the_last_fit_cost_one_query(student, other_student, django_assert_num_queries):
    record_simple_reviews(student, 5, at=NOW - dt.timedelta(days=2))
    ParameterFit.objects.create(
        user=student, parameters=[], review_count=5, fitted_at=NOW - dt.timedelta(days=1)
    )
    record_simple_reviews(student, 3, at=NOW)
    record_simple_reviews(other_student, 4, at=NOW)
    with django_assert_num_queries(1):
        assert reviews_since_last_fit(student) == 3
    assert reviews_since_last_fit(other_student) == 4


@pytest.mark.django_db
def test_a_refit_is_queued_once_every_refit_interval_of_answers(student, django_capture_on_commit_callbacks):
    record_simple_reviews(student, REFIT_AFTER_REVIEWS - 1, at=NOW)
    assert maybe_fit_parameters(student) is False
    record_simple_reviews(student, 1, at=NOW + dt.timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True) as queued:
        assert maybe_fit_parameters(student) is True
    assert len(queued) == 1  # ran at commit (immediate backend): too little history to fit
    assert not ParameterFit.objects.exists()
    record_simple_reviews(student, 1, at=NOW + dt.timedelta(days=2))
    assert maybe_fit_parameters(student) is False


@pytest.mark.django_db
def test_enough_new_answers_fit_the_learner_automatically(student, django_capture_on_commit_callbacks):
    log = simulate(cards=200, days=90)
    record_log(student, log[: 5 * REFIT_AFTER_REVIEWS])
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        assert maybe_fit_parameters(student) is True
    fit = ParameterFit.objects.get(user=student)
    assert fit.review_count == 5 * REFIT_AFTER_REVIEWS
    # answers after the fit count towards the next one
    assert reviews_since_last_fit(student) == 0
    record_simple_reviews(student, REFIT_AFTER_REVIEWS, at=NOW + dt.timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert maybe_fit_parameters(student) is True
    assert ParameterFit.objects.filter(user=student).count() == 2


@pytest.mark.django_db
def test_no_fit_runs_before_the_answer_is_committed(student, django_capture_on_commit_callbacks):
    record_simple_reviews(student, REFIT_AFTER_REVIEWS, at=NOW)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        assert maybe_fit_parameters(student) is True
        assert not ParameterFit.objects.exists()
    assert len(queued) == 1


@pytest.mark.django_db
def test_the_task_returns_the_new_fit_or_none(student, long_log):
    record_log(student, long_log)
    result = fit_parameters_task.enqueue(student.pk)
    assert result.return_value == ParameterFit.objects.get(user=student).pk
    assert fit_parameters_task.enqueue(student.pk + 1000).return_value is None


@pytest.mark.django_db
def test_command_fits_one_learner_or_all(student, other_student, long_log):
    record_log(student, long_log)
    record_log(other_student, simulate(cards=10, days=10))
    out = io.StringIO()
    call_command("fit_parameters", "--user", "alice", stdout=out)
    assert out.getvalue() == f"alice: fitted on {len(long_log)} reviews.\n"
    out = io.StringIO()
    call_command("fit_parameters", "--all", stdout=out)
    assert out.getvalue() == (
        f"alice: fitted on {len(long_log)} reviews.\nbob: not enough reviews yet; keeping the default parameters.\n"
    )
    assert ParameterFit.objects.filter(user=student).count() == 2
    assert not ParameterFit.objects.filter(user=other_student).exists()


@pytest.mark.django_db
def test_command_refuses_an_unknown_learner():
    with pytest.raises(CommandError, match="No user named 'nobody'"):
        call_command("fit_parameters", "--user", "nobody")
