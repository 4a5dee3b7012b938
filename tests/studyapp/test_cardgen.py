"""Card generation is pure: a small knowledge base gives exactly these cards."""

import pytest

from studyapp import cardgen
from studyapp.cardgen import ItemSource, SectionSource

DRUGS = SectionSource(
    kind="drugs",
    heading="Drug Treatments",
    position=1,
    items=(
        ItemSource(key="drugs:ibuprofen", term="Ibuprofen", gloss="NSAID", position=0),
        ItemSource(key="drugs:amitriptyline", term="Amitriptyline", gloss="TCA", position=1),
        ItemSource(key="drugs:nortriptyline", term="Nortriptyline", gloss="TCA", position=2),
    ),
)
CAUSES = SectionSource(
    kind="causes",
    heading="Causes",
    position=0,
    items=(
        ItemSource(key="causes:schwannoma", term="Schwannoma", group="Primary benign tumours", position=0),
        ItemSource(key="causes:sarcoma", term="Sarcoma", group="Primary malignant tumours", position=1),
    ),
)
FAQ = SectionSource(
    kind="faq",
    heading="FAQ",
    position=2,
    items=(ItemSource(key="faq:is it common", term="Is it common?", answer="No, it is rare.", position=0),),
)


def cards(disabled=()):
    return cardgen.generate_cards("Neoplastic foraminal narrowing", [DRUGS, FAQ, CAUSES], disabled)


def test_a_small_deck_gives_exactly_these_cards_in_introduction_order():
    got = [(c.key, c.front, c.back, c.item_key, c.position) for c in cards()]
    assert got == [
        (
            "group_members:causes:causes:primary-benign-tumours",
            "Primary benign tumours causing neoplastic foraminal narrowing? (1)",
            "Schwannoma",
            None,
            0,
        ),
        (
            "group_members:causes:causes:primary-malignant-tumours",
            "Primary malignant tumours causing neoplastic foraminal narrowing? (1)",
            "Sarcoma",
            None,
            1,
        ),
        ("list_recall:causes:causes", "List all 2: Causes", "Schwannoma\nSarcoma", None, 2),
        ("item_gloss:drugs:ibuprofen", "Ibuprofen: drug class?", "NSAID", "drugs:ibuprofen", 3),
        ("item_gloss:drugs:amitriptyline", "Amitriptyline: drug class?", "TCA", "drugs:amitriptyline", 4),
        ("item_gloss:drugs:nortriptyline", "Nortriptyline: drug class?", "TCA", "drugs:nortriptyline", 5),
        (
            "cloze:drugs:ibuprofen",
            "Drug Treatments, item 1 of 3: (start) → […] → Amitriptyline",
            "Ibuprofen",
            "drugs:ibuprofen",
            6,
        ),
        (
            "cloze:drugs:amitriptyline",
            "Drug Treatments, item 2 of 3: Ibuprofen → […] → Nortriptyline",
            "Amitriptyline",
            "drugs:amitriptyline",
            7,
        ),
        (
            "cloze:drugs:nortriptyline",
            "Drug Treatments, item 3 of 3: Amitriptyline → […] → (end)",
            "Nortriptyline",
            "drugs:nortriptyline",
            8,
        ),
        (
            "gloss_items:drugs:drug-treatments:tca",
            "Which listed drugs (Drug Treatments) are TCAs?",
            "Amitriptyline, Nortriptyline",
            None,
            9,
        ),
        (
            "list_recall:drugs:drug-treatments",
            "List all 3: Drug Treatments",
            "Ibuprofen\nAmitriptyline\nNortriptyline",
            None,
            10,
        ),
        ("faq:faq:is it common", "Is it common?", "No, it is rare.", "faq:is it common", 11),
    ]


def test_disabled_templates_give_no_cards_and_positions_stay_dense():
    got = cards(disabled=["cloze", "list_recall", "group_members"])
    assert [c.template for c in got] == ["item_gloss"] * 3 + ["gloss_items", "faq"]
    assert [c.position for c in got] == [0, 1, 2, 3, 4]


def test_a_gloss_held_by_one_item_gets_no_gloss_to_items_card():
    assert not any("NSAID" in c.front for c in cards() if c.template == "gloss_items")


def test_long_lists_get_no_cloze_cards():
    long = SectionSource(
        kind="symptoms",
        heading="Symptoms",
        items=tuple(
            ItemSource(key=f"s{n}", term=f"S{n}", position=n) for n in range(cardgen.CLOZE_MAX_ITEMS + 1)
        ),
    )
    templates = {c.template for c in cardgen.generate_cards("X", [long])}
    assert templates == {"list_recall"}


def test_keys_are_stable_when_the_deck_is_generated_again():
    assert [c.key for c in cards()] == [c.key for c in cards()]


@pytest.mark.parametrize(
    ("kind", "front"),
    [
        ("causes", "Primary benign tumours causing neoplastic foraminal narrowing? (2)"),
        ("types", "Primary benign tumours in neoplastic foraminal narrowing? (2)"),
        ("other", "Misc: Primary benign tumours? (2)"),
    ],
)
def test_group_cards_ask_for_the_members_in_the_words_of_the_section(kind, front):
    section = SectionSource(
        kind=kind,
        heading="Misc",
        items=(
            ItemSource(key="a", term="Schwannoma", group="Primary benign tumours"),
            ItemSource(key="b", term="Meningioma", group="Primary benign tumours", position=1),
        ),
    )
    [group_card] = [
        c
        for c in cardgen.generate_cards("Neoplastic foraminal narrowing", [section])
        if c.template == "group_members"
    ]
    assert (group_card.front, group_card.back) == (front, "Schwannoma, Meningioma")


def test_plain_flashcards_become_one_front_back_card_each_and_no_list_cards():
    flashcards = SectionSource(
        kind="other",
        heading="Cards",
        items=tuple(
            ItemSource(key=f"other:{front.lower()}", term=front, answer=back, position=n)
            for n, (front, back) in enumerate(
                [("Ibuprofen", "NSAID"), ("Sumatriptan", "Triptan"), ("Fever", "≥38 °C")]
            )
        ),
    )
    got = [
        (c.key, c.template, c.front, c.back, c.item_key)
        for c in cardgen.generate_cards("Pharm", [flashcards])
    ]
    assert got == [
        ("front_back:other:ibuprofen", "front_back", "Ibuprofen", "NSAID", "other:ibuprofen"),
        ("front_back:other:sumatriptan", "front_back", "Sumatriptan", "Triptan", "other:sumatriptan"),
        ("front_back:other:fever", "front_back", "Fever", "≥38 °C", "other:fever"),
    ]
    assert cardgen.generate_cards("Pharm", [flashcards], disabled=["front_back"]) == []
