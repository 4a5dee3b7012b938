"""Two requests answering the same card at the same moment schedule it once (row lock on PostgreSQL)."""

import datetime as dt
import threading

import pytest
from django.db import connection, connections

from studyapp.models import CardState, Review
from studyapp.scheduling import Rating
from studyapp.services import reviews
from studyapp.services.cards import sync_cards
from tests import factories

NOW = dt.datetime(2026, 3, 2, 15, 0, tzinfo=dt.UTC)


@pytest.mark.django_db(transaction=True)
def test_two_threads_answering_the_same_card_record_one_review():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers on its own; the row lock is PostgreSQL's")
    student = factories.make_user("alice")
    deck = factories.make_deck()
    section = factories.make_section(deck, kind="drugs")
    factories.make_item(section, "Ibuprofen", gloss="NSAID")
    factories.study_deck(student, deck)
    sync_cards(deck)
    card_state = CardState.objects.get(card__key="item_gloss:drugs:ibuprofen")
    start = threading.Barrier(4)
    results = []

    def answer(rating):
        try:
            start.wait()
            results.append(
                reviews.record_review(
                    user=student,
                    card_state_id=card_state.pk,
                    rating=rating,
                    shown_version=0,
                    duration_ms=0,
                    now=NOW,
                ).recorded
            )
        finally:
            connections.close_all()

    threads = [threading.Thread(target=answer, args=(rating,)) for rating in (Rating.GOOD, Rating.EASY) * 2]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False, False, False, True]
    assert Review.objects.count() == 1
    card_state.refresh_from_db()
    assert (card_state.version, card_state.reps) == (1, 1)


def _run_together(*calls):
    """Run the calls in threads released at the same moment; each thread uses its own connection."""
    start = threading.Barrier(len(calls))
    results, errors = [None] * len(calls), []

    def run(index, call):
        try:
            start.wait()
            results[index] = call()
        except Exception as exc:  # the test reports every failure, not only the first
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


def _studied_list(student, n_items: int):
    deck = factories.make_deck()
    section = factories.make_section(deck, kind="drugs")
    items = [
        factories.make_item(section, f"Drug {n}", gloss=f"Class {n % 3}", position=n) for n in range(n_items)
    ]
    factories.study_deck(student, deck)
    sync_cards(deck)
    return items


def _assert_log_and_card_agree(card_state):
    card_state.refresh_from_db()
    log = list(Review.objects.filter(card_id=card_state.card_id).order_by("reviewed_at", "pk"))
    assert card_state.reps == len(log)
    if log:
        assert (card_state.state, card_state.stability) == (log[-1].state_after, log[-1].stability_after)
    else:
        assert (card_state.state, card_state.stability, card_state.due) == (CardState.State.NEW, None, None)


@pytest.mark.django_db(transaction=True)
def test_undo_racing_a_grade_of_the_same_card_leaves_log_and_card_agreeing():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers on its own; the race needs PostgreSQL's row locks")
    student = factories.make_user("alice")
    items = _studied_list(student, 10)
    for trial, item in enumerate(items):
        card_state = CardState.objects.get(user=student, card__item=item, card__template="item_gloss")
        moment = NOW + dt.timedelta(minutes=trial)
        assert reviews.record_review(
            user=student,
            card_state_id=card_state.pk,
            rating=Rating.GOOD,
            shown_version=0,
            duration_ms=0,
            now=moment,
        ).recorded
        _results, errors = _run_together(
            lambda moment=moment: reviews.undo_last_review(user=student, now=moment),
            lambda card_state=card_state, moment=moment: reviews.record_review(
                user=student,
                card_state_id=card_state.pk,
                rating=Rating.EASY,
                shown_version=1,
                duration_ms=0,
                now=moment + dt.timedelta(seconds=10),
            ),
        )
        assert errors == []
        _assert_log_and_card_agree(card_state)
        # Whatever won the race, undoing what is left restores the card exactly and empties its log.
        while Review.objects.filter(card_id=card_state.card_id).exists():
            assert reviews.undo_last_review(user=student, now=moment).card_state is not None
        _assert_log_and_card_agree(card_state)


@pytest.mark.django_db(transaction=True)
def test_grading_two_sibling_cards_at_once_never_deadlocks():
    if connection.vendor != "postgresql":
        pytest.skip("the deadlock needs PostgreSQL's row locks")
    student = factories.make_user("alice")
    items = _studied_list(student, 12)
    for item in items:
        pair = list(CardState.objects.filter(user=student, card__item=item).order_by("card__template")[:2])
        assert len(pair) == 2
        results, errors = _run_together(
            *(
                lambda card_state=card_state: reviews.record_review(
                    user=student,
                    card_state_id=card_state.pk,
                    rating=Rating.GOOD,
                    shown_version=0,
                    duration_ms=0,
                    now=NOW,
                )
                for card_state in pair
            )
        )
        assert errors == []
        # The first answer buries its sibling, so the second is refused as no longer shown.
        assert sorted(result.recorded for result in results) == [False, True]
        assert Review.objects.filter(card__item=item).count() == 1
        for card_state in pair:
            _assert_log_and_card_agree(card_state)
