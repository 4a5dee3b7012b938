import pytest
from django.utils import timezone

from quizzes.knowledge_loader import load_knowledge_base
from studyapp.models import Deck, ItemGroup
from tests import factories


def _build_deck(title: str, **fields) -> Deck:
    deck = factories.make_deck(title=title, **fields)
    causes = factories.make_section(deck, kind="causes", heading="Causes", position=1)
    types = factories.make_section(deck, kind="types", heading="Types", position=0)
    hematologic = ItemGroup.objects.create(section=types, name="Hematologic")
    factories.make_item(types, "Multiple myeloma", group=hematologic)
    factories.make_item(causes, "Multiple myeloma", position=0)
    factories.make_item(causes, "Chordoma", position=1)
    retired = factories.make_item(causes, "Old entry", position=2)
    retired.retired_at = timezone.now()
    retired.save()
    drugs = factories.make_section(deck, kind="drugs", heading="Drug Treatments", position=2)
    factories.make_item(drugs, "Ibuprofen", gloss="NSAID")
    return deck


@pytest.mark.django_db
def test_loads_active_items_with_their_section_group_and_deck(django_assert_num_queries):
    deck = _build_deck("Neoplastic foraminal narrowing")
    _build_deck("Another condition")

    with django_assert_num_queries(3):
        kb = load_knowledge_base(Deck.objects.order_by("title"))

    assert [d.title for d in kb.decks] == ["Another condition", "Neoplastic foraminal narrowing"]
    loaded = kb.deck(deck.slug)
    assert [(s.kind, s.heading) for s in loaded.sections] == [
        ("types", "Types"),
        ("causes", "Causes"),
        ("drugs", "Drug Treatments"),
    ]
    assert [(i.term, i.gloss, i.group, i.section_kind, i.deck_slug) for i in loaded.items()] == [
        ("Multiple myeloma", "", "Hematologic", "types", deck.slug),
        ("Multiple myeloma", "", "", "causes", deck.slug),
        ("Chordoma", "", "", "causes", deck.slug),
        ("Ibuprofen", "NSAID", "", "drugs", deck.slug),
    ]


@pytest.mark.django_db
def test_query_count_does_not_grow_with_decks(django_assert_num_queries):
    for n in range(5):
        _build_deck(f"Condition {n}")
    with django_assert_num_queries(3):
        kb = load_knowledge_base(Deck.objects.all())
    assert len(kb.decks) == 5
    assert sum(1 for _ in kb.items()) == 20


@pytest.mark.django_db
def test_knowledge_base_of_no_decks_is_empty():
    assert load_knowledge_base(Deck.objects.none()).decks == ()
