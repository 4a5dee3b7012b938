"""Cards say what they ask: deck and list above the prompt, wording that fits the list, one back per front."""

import json
import re

import pytest
from django.urls import reverse

from studyapp import cardgen
from studyapp.cardgen import ItemSource, SectionSource
from studyapp.importers.article import ParsedArticle
from studyapp.models import Card, CardState, Deck
from studyapp.services.imports import save_article
from tests import factories
from tests.paths import BUNDLED_DECKS

BUNDLED = BUNDLED_DECKS / "neoplastic-foraminal-narrowing.json"


def _bundled_deck() -> Deck:
    parsed = ParsedArticle.from_dict(json.loads(BUNDLED.read_text(encoding="utf-8")))
    return save_article(parsed=parsed, owner=None, scope=Deck.Scope.LIBRARY).deck


def _what_the_learner_reads(card: Card) -> str:
    """The context line and the prompt, as the review page shows them."""
    return f"{card.context_line}\n{card.front}"


@pytest.mark.django_db
def test_every_bundled_card_names_its_deck_and_list_above_the_prompt():
    deck = _bundled_deck()
    cards = list(
        Card.objects.filter(deck=deck, is_active=True).select_related("deck", "section", "item__group")
    )
    assert len(cards) > 150
    for card in cards:
        shown = _what_the_learner_reads(card)
        assert shown.startswith(f"{deck.title} · {card.section.heading}"), shown
    # The prompts the issue found unanswerable now carry their list and sub-group.
    origin = next(c for c in cards if c.front.startswith("Origin:"))
    assert (
        origin.context_line == "Neoplastic foraminal narrowing · Anatomy · Boundaries (Origin and Insertion)"
    )
    assert origin.front == "Origin: what forms this boundary?"


def test_a_card_without_its_deck_and_list_is_caught():
    """The check above fails on a front that does not say where it comes from."""
    bare = cardgen.context_line("", None)
    assert not bare.startswith("Neoplastic foraminal narrowing · ")


@pytest.mark.django_db
def test_no_two_bundled_cards_share_a_front_with_different_backs():
    deck = _bundled_deck()
    backs: dict[str, set[str]] = {}
    for front, back in Card.objects.filter(deck=deck, is_active=True).values_list("front", "back"):
        backs.setdefault(front, set()).add(back)
    assert {front: found for front, found in backs.items() if len(found) > 1} == {}


@pytest.mark.parametrize(
    ("kind", "group", "question"),
    [
        ("anatomy", "Boundaries (Origin and Insertion)", "what forms this boundary?"),
        ("anatomy", "Blood Supply", "what are these vessels?"),
        ("anatomy", "Functions", "how is this function served?"),
        ("types", "By Region", "which region?"),
        ("types", "By Onset", "which onset?"),
        ("drugs", None, "drug class?"),
        ("diagnostic_tests", None, "what does this test show?"),
        ("causes", None, "what kind of cause?"),
        ("prevention", None, "how does it help prevent carpal tunnel syndrome?"),
    ],
)
def test_gloss_prompts_fit_the_list_and_sub_group(kind, group, question):
    assert cardgen.gloss_question("Carpal tunnel syndrome", kind, group) == question


def test_a_front_shared_by_two_lists_is_told_apart_by_its_list():
    sections = [
        SectionSource(
            kind="symptoms",
            heading="Symptoms",
            position=0,
            items=(ItemSource(key="s:numbness", term="Numbness", gloss="at night"),),
        ),
        SectionSource(
            kind="symptoms",
            heading="Late symptoms",
            position=1,
            items=(ItemSource(key="w:numbness", term="Numbness", gloss="that does not go away"),),
        ),
    ]
    fronts = {
        c.front: c.back for c in cardgen.generate_cards("X", sections) if c.template == cardgen.ITEM_GLOSS
    }
    assert len(fronts) == 2
    assert all(re.search(r"\((Symptoms|Late symptoms)\)$", front) for front in fronts), fronts


def test_flashcards_with_one_front_and_two_backs_become_one_card_with_both_answers():
    section = SectionSource(
        kind="other",
        heading="Cards",
        items=(
            ItemSource(key="a", term="Capital of Australia?", answer="Canberra", position=0),
            ItemSource(key="b", term="Capital of Australia?", answer="Canberra (ACT)", position=1),
        ),
    )
    cards = cardgen.generate_cards("Geography", [section])
    assert [(c.front, c.back) for c in cards] == [("Capital of Australia?", "Canberra\nCanberra (ACT)")]


@pytest.mark.django_db
def test_review_page_shows_deck_and_list_above_the_prompt(client, student):
    deck = _bundled_deck()
    factories.study_deck(student, deck)
    client.force_login(student)
    html = client.get(reverse("studyapp:review")).content.decode()
    state = CardState.objects.filter(user=student).select_related("card__section").first()
    assert 'id="card-context"' in html
    assert f"{deck.title} · " in html
    assert state is not None


@pytest.mark.django_db
def test_card_templates_page_shows_rendered_fronts_and_is_linked_from_the_deck(client, instructor):
    deck = factories.make_deck(title="Carpal tunnel syndrome", owner=instructor)
    section = factories.make_section(deck, kind="drugs", heading="Medications")
    factories.make_item(section, "Ibuprofen", gloss="NSAID")
    factories.make_item(section, "Prednisolone", gloss="oral steroid", position=1)
    client.force_login(instructor)
    deck_page = client.get(reverse("studyapp:deck", args=[deck.pk])).content.decode()
    assert reverse("studyapp:deck-templates", args=[deck.pk]) in deck_page
    page = client.get(reverse("studyapp:deck-templates", args=[deck.pk])).content.decode()
    assert "Ibuprofen: drug class?" in page
    assert "Carpal tunnel syndrome · Medications" in page
