"""Cards from the template's family of articles (tests/data/articles/family): each front says what it asks for
its list and for the gloss it has. Each test names the defect it pins."""

import pytest

from studyapp import cardgen
from studyapp.cardgen import ItemSource, SectionSource
from studyapp.importers.article import item_key, read_article
from tests.paths import FAMILY


def _cards(name):
    parsed = read_article((FAMILY / f"{name}.txt").read_bytes())
    sections = [
        SectionSource(
            kind=s.kind,
            heading=s.heading,
            position=n,
            items=tuple(
                ItemSource(
                    key=item_key(s.kind, i.term),
                    term=i.term,
                    gloss=i.gloss,
                    group=i.group or None,
                    position=k,
                )
                for k, i in enumerate(s.items)
            ),
        )
        for n, s in enumerate(parsed.sections)
    ]
    faqs = tuple(
        ItemSource(key=f"faq:{k}", term=f.question, answer=f.answer, position=k)
        for k, f in enumerate(parsed.faqs)
    )
    sections.append(SectionSource(kind="faq", heading=parsed.faq_heading, position=len(sections), items=faqs))
    return parsed.title, cardgen.generate_cards(parsed.title, sections)


def _fronts(name):
    return {card.front: card.back for card in _cards(name)[1]}


NAMES = sorted(p.stem for p in FAMILY.glob("*.txt"))


@pytest.mark.parametrize("name", NAMES)
def test_no_two_cards_of_a_family_deck_share_a_front_with_different_backs(name):
    backs: dict[str, set[str]] = {}
    for card in _cards(name)[1]:
        backs.setdefault(card.front, set()).add(card.back)
    assert {front: found for front, found in backs.items() if len(found) > 1} == {}


@pytest.mark.parametrize(
    ("name", "front", "back"),
    [
        ("type-2-diabetes", "Polycystic ovary syndrome: abbreviation?", "PCOS"),
        ("hypertension", "Home blood pressure monitoring: abbreviation?", "HBPM"),
        ("trigeminal-neuralgia", "Microvascular decompression: abbreviation?", "MVD"),
        ("asthma", "Fractional exhaled nitric oxide: abbreviation?", "FeNO"),
    ],
)
def test_an_abbreviation_in_parentheses_is_asked_as_one(name, front, back):
    # Was: "Polycystic ovary syndrome: what kind of cause?" → "PCOS"; "…: what does this test show?" → "HBPM".
    assert _fronts(name)[front] == back


def test_a_gloss_of_examples_is_asked_as_an_example():
    # Was: "Long-term glucocorticoid use: what kind of cause?" → "e.g., prednisolone".
    assert _fronts("type-2-diabetes")["Long-term glucocorticoid use: an example?"] == "e.g., prednisolone"


@pytest.mark.parametrize(
    ("name", "front"),
    [
        ("plantar-fasciitis", "Origin: where does it attach?"),
        ("rotator-cuff-tendinopathy", "Insertion: where does it attach?"),
        ("rotator-cuff-tendinopathy", "Supraspinatus: what does this muscle do?"),
        ("trigeminal-neuralgia", "Ophthalmic nerve (V1): what does this branch supply?"),
        ("type-2-diabetes", "Beta cells: what do these cells do?"),
    ],
)
def test_anatomy_sub_sections_of_the_family_get_their_own_question(name, front):
    # Was: "Supraspinatus: what is it?", "Beta cells: what is it?", "Origin: what forms this boundary?" under
    # Attachments.
    assert front in _fronts(name)


def test_a_drug_class_card_lists_every_drug_of_the_class_however_its_gloss_goes_on():
    # Was: "Which listed drugs (Medications) are anticonvulsant?" → "Oxcarbazepine, Lamotrigine", leaving out
    # Carbamazepine (anticonvulsant; first choice) and Phenytoin (anticonvulsant, IV during a crisis).
    fronts = _fronts("trigeminal-neuralgia")
    assert fronts["Which listed drugs (Medications) are anticonvulsants?"] == (
        "Carbamazepine, Oxcarbazepine, Lamotrigine, Phenytoin"
    )
    assert _fronts("plantar-fasciitis")["Which listed drugs (Drug Treatments) are NSAIDs?"] == (
        "Ibuprofen, Naproxen, Diclofenac gel"
    )


def test_a_shared_note_that_is_no_class_is_not_asked_as_one():
    # Was: "Which listed items (Relevant Anatomy) are external rotation?"
    assert _fronts("rotator-cuff-tendinopathy")[
        "Which listed items (Relevant Anatomy) go with “external rotation”?"
    ] == ("Infraspinatus, Teres minor")


@pytest.mark.parametrize(
    ("name", "front"),
    [
        ("type-2-diabetes", "Types of type 2 diabetes by stage? (4)"),
        ("hypertension", "Types of high blood pressure (hypertension) by setting? (3)"),
        ("asthma", "Types of asthma by severity? (4)"),
    ],
)
def test_sub_group_cards_name_the_condition_in_sentence_case(name, front):
    # Was: "By Stage in type 2 diabetes? (4)" and, for a Title Case title, "… of type 2 Diabetes".
    assert front in _fronts(name)


@pytest.mark.parametrize(
    ("title", "phrase"),
    [
        ("Type 2 Diabetes", "type 2 diabetes"),
        ("High Blood Pressure (Hypertension)", "high blood pressure (hypertension)"),
        ("Carpal tunnel syndrome", "carpal tunnel syndrome"),
        ("Asthma", "asthma"),
        ("ALS", "ALS"),
        ("Crohn’s Disease", "Crohn’s disease"),
    ],
)
def test_condition_phrase(title, phrase):
    assert cardgen.condition_phrase(title) == phrase


@pytest.mark.parametrize(
    ("gloss", "plural"),
    [
        ("NSAID", "NSAIDs"),
        ("SGLT2 inhibitor", "SGLT2 inhibitors"),
        ("antineuropathic", "antineuropathic"),
        ("angiotensin II receptor blocker, ARB", "angiotensin II receptor blocker, ARB"),
    ],
)
def test_plural_class(gloss, plural):
    assert cardgen.plural_class(gloss) == plural
