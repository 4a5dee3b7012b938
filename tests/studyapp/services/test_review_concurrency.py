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
