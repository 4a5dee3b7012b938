import pytest
from django.db.models import F
from django.utils import timezone

from studyapp import queue
from studyapp.models import Card, CardState
from studyapp.services.cards import sync_cards
from studyapp.services.enrollment import add_deck_to_studies
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def deck():
    deck = factories.make_deck(title="Foraminal narrowing")
    drugs = factories.make_section(deck, kind="drugs", heading="Drug Treatments")
    factories.make_item(drugs, "Ibuprofen", gloss="NSAID", position=0)
    factories.make_item(drugs, "Amitriptyline", gloss="TCA", position=1)
    factories.make_item(drugs, "Nortriptyline", gloss="TCA", position=2)
    return deck


def test_sync_creates_the_cards_and_a_new_state_for_each_enrolled_learner(deck, student, other_student):
    factories.study_deck(student, deck)
    result = sync_cards(deck)
    assert (result.created, result.updated, result.deactivated) == (8, 0, 0)
    assert result.states_created == 8
    assert CardState.objects.filter(user=student, state=CardState.State.NEW).count() == 8
    assert not CardState.objects.filter(user=other_student).exists()


def test_sync_twice_changes_nothing(deck, student):
    factories.study_deck(student, deck)
    sync_cards(deck)
    assert sync_cards(deck) == type(sync_cards(deck))(created=0, updated=0, deactivated=0, states_created=0)
    assert Card.objects.filter(deck=deck).count() == 8


def test_changed_gloss_updates_the_card_in_place_and_keeps_progress(deck, student):
    factories.study_deck(student, deck)
    sync_cards(deck)
    card = Card.objects.get(key="item_gloss:drugs:ibuprofen")
    CardState.objects.filter(card=card).update(reps=5)
    deck.items.filter(term="Ibuprofen").update(gloss="NSAID (propionic acid)")
    result = sync_cards(deck)
    card.refresh_from_db()
    assert card.back == "NSAID (propionic acid)"
    assert result.created == 0
    assert CardState.objects.get(card=card).reps == 5


def test_retired_item_and_disabled_template_deactivate_their_cards(deck, student):
    factories.study_deck(student, deck)
    sync_cards(deck)
    deck.items.filter(term="Nortriptyline").update(retired_at=timezone.now())
    deck.disabled_card_templates = ["list_recall"]
    deck.save()
    result = sync_cards(deck)
    inactive = set(Card.objects.filter(deck=deck, is_active=False).values_list("key", flat=True))
    assert inactive == {
        "item_gloss:drugs:nortriptyline",
        "cloze:drugs:nortriptyline",
        "cloze:drugs:ibuprofen",
        "cloze:drugs:amitriptyline",
        "gloss_items:drugs:drug-treatments:tca",
        "list_recall:drugs:drug-treatments",
    }
    assert result.deactivated == 6
    deck.disabled_card_templates = []
    deck.save()
    assert sync_cards(deck).updated == 1  # the whole-list card comes back, now with two items


def _first_new_terms(user, n: int) -> list[str]:
    """The items of the next `n` new cards the review screen introduces (each item's cards set aside once seen)."""
    shown, now = [], timezone.now()
    for _ in range(n):
        card_state = queue.build_queue(user, now).card_state
        shown.append(card_state.card.item.term)
        CardState.objects.filter(user=user, card__item=card_state.card.item).update(suspended=True)
    return shown


def test_new_cards_follow_the_deck_when_it_is_reordered(deck, student, other_student):
    """Learners enrolled before and after a reordering alike meet the new cards in the deck's new order."""
    factories.study_deck(student, deck)
    sync_cards(deck)
    assert _first_new_terms(student, 1) == ["Ibuprofen"]
    CardState.objects.filter(user=student).update(suspended=False)
    for term, position in [("Nortriptyline", 0), ("Amitriptyline", 1), ("Ibuprofen", 2)]:
        deck.items.filter(term=term).update(position=position)
    sync_cards(deck)
    add_deck_to_studies(user=other_student, deck=deck)
    for learner in (student, other_student):
        assert _first_new_terms(learner, 3) == ["Nortriptyline", "Amitriptyline", "Ibuprofen"]
        assert not CardState.objects.filter(user=learner).exclude(position=F("card__position")).exists()
