"""The grade's hand-written locking statement (studyapp/review_sql.py): it says what the ORM's `queue.due_now`
says about which cards are shown now, and it locks the answered card with its siblings, and nothing else."""

import datetime as dt

import pytest

from studyapp import queue
from studyapp.models import Card, CardState, Enrollment, Item, ReleaseHold
from studyapp.services.reviews import _lock_with_siblings
from tests import factories
from tests.studyapp.test_queue import LEARNING, NOW, make_cards, review_state

pytestmark = pytest.mark.django_db

RELEARNING = CardState.State.RELEARNING


def shown_ids(user, scope=None) -> set[int]:
    """Every card state of the learner whose locking row says `is_shown`."""
    scope = scope or queue.Scope()
    shown = set()
    for card_state in CardState.objects.filter(user=user):
        locked, _siblings = _lock_with_siblings(
            user, shown=queue.shown_sql(user, NOW, scope), pk=card_state.pk
        )
        if locked.is_shown:
            shown.add(locked.pk)
    return shown


@pytest.fixture
def collection(student):
    """One card of every kind the queue tells apart, shown now or not."""
    due = review_state(NOW - dt.timedelta(hours=1))
    cards = {
        "review due": make_cards(student, 1, **due),
        "review due tonight": make_cards(student, 1, **review_state(NOW + dt.timedelta(hours=2))),
        "review not due": make_cards(student, 1, **review_state(NOW + dt.timedelta(days=3))),
        "suspended": make_cards(student, 1, suspended=True, **due),
        "buried": make_cards(student, 1, buried_until=dt.date(2026, 3, 3), **due),
        "buried yesterday": make_cards(student, 1, buried_until=dt.date(2026, 3, 2), **due),
        "learning in 19 minutes": make_cards(
            student, 1, state=LEARNING, step=0, stability=1, difficulty=5, due=NOW + dt.timedelta(minutes=19)
        ),
        "relearning in 21 minutes": make_cards(
            student,
            1,
            state=RELEARNING,
            step=0,
            stability=1,
            difficulty=5,
            due=NOW + dt.timedelta(minutes=21),
        ),
        "new": make_cards(student, 1),
        "new held back": make_cards(student, 1),
        "new released": make_cards(student, 1),
        "inactive": make_cards(student, 1, **due),
        "retired item": make_cards(student, 1, **due),
        "deck dropped": make_cards(student, 1, **due),
    }
    cards = {name: states[0] for name, states in cards.items()}
    held, released = cards["new held back"].card, cards["new released"].card
    ReleaseHold.objects.create(
        user=student, deck=held.deck, available_from=NOW + dt.timedelta(days=1), source="class:1", label="x"
    )
    for available_from, source in ((NOW + dt.timedelta(days=1), "class:1"), (NOW, "class:2")):
        ReleaseHold.objects.create(
            user=student,
            deck=released.deck,
            section=released.section,
            available_from=available_from,
            source=source,
            label="x",
        )
    Card.objects.filter(pk=cards["inactive"].card_id).update(is_active=False)
    Item.objects.filter(pk=cards["retired item"].card.item_id).update(retired_at=NOW)
    Enrollment.objects.filter(deck=cards["deck dropped"].card.deck).update(active=False)
    make_cards(factories.make_user(), 2, **due)  # another learner's due cards
    return cards


def test_the_locking_statement_shows_exactly_the_cards_the_orm_says_are_due_now(student, collection):
    expected = {
        "review due",
        "review due tonight",
        "buried yesterday",
        "learning in 19 minutes",
        "new",
        "new released",
    }
    assert shown_ids(student) == {collection[name].pk for name in expected}
    assert shown_ids(student) == set(queue.due_now(student, NOW).values_list("pk", flat=True))


@pytest.mark.parametrize("kind", ["deck", "section", "items"])
def test_in_a_scope_it_agrees_with_the_orm_too(student, collection, kind):
    card = collection["review not due"].card
    scope = {
        "deck": queue.Scope(deck_id=card.deck_id),
        "section": queue.Scope(section_id=collection["review due"].card.section_id),
        "items": queue.Scope(item_ids=(card.item_id, collection["relearning in 21 minutes"].card.item_id)),
    }[kind]
    expected = set(queue.due_now(student, NOW, scope).values_list("pk", flat=True))
    assert shown_ids(student, scope) == expected
    if kind == "items":  # chosen items: reviewed early, relearning steps need not wait
        assert expected == {collection["review not due"].pk, collection["relearning in 21 minutes"].pk}


def test_it_locks_the_card_and_its_siblings_in_primary_key_order_and_nothing_else(student):
    (card_state,) = make_cards(student, 1)
    item = card_state.card.item
    sibling = CardState.objects.create(
        user=student, card=factories.make_card(card_state.card.deck, item=item, template="cloze")
    )
    make_cards(student, 2)  # other items
    make_cards(factories.make_user(), 1)
    for target in {"pk": sibling.pk}, {"card_id": sibling.card_id}:
        chosen, siblings = _lock_with_siblings(student, **target)
        assert chosen == sibling and siblings == [card_state]
        assert chosen.card.item_id == item.pk and chosen.is_shown is None


@pytest.mark.parametrize("card_state_id", [0, -1, 2**63, 10**30])
def test_an_id_no_row_can_have_is_refused_without_a_database_error(student, card_state_id):
    with pytest.raises(CardState.DoesNotExist):
        _lock_with_siblings(student, pk=card_state_id)


def test_another_learners_card_is_not_found(student, other_student):
    (theirs,) = make_cards(other_student, 1)
    with pytest.raises(CardState.DoesNotExist):
        _lock_with_siblings(student, shown=queue.shown_sql(student, NOW), pk=theirs.pk)
