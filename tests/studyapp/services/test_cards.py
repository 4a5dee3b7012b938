import pytest
from django.utils import timezone

from studyapp.models import Card, CardState
from studyapp.services.cards import sync_cards
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
