import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from quizzes.generation import GeneratedQuestion, question_problems
from quizzes.knowledge_loader import load_knowledge_base
from studyapp.models import Deck, ItemGroup
from tests import factories

CAUSES = ["Schwannoma", "Neurofibroma", "Meningioma", "Chordoma", "Lymphoma", "Multiple myeloma"]
DRUGS = [
    ("Ibuprofen", "NSAID"),
    ("Naproxen", "NSAID"),
    ("Gabapentin", "antineuropathic"),
    ("Amitriptyline", "TCA"),
    ("Duloxetine", "SNRI"),
    ("Baclofen", "muscle relaxant"),
    ("Dexamethasone", "oral steroid"),
]
SYMPTOMS = ["Localized pain", "Numbness", "Tingling", "Muscle weakness", "Foot drop"]


@pytest.fixture
def deck(db):
    # A second library deck: its lists supply wrong options of the same kind.
    other = factories.make_deck(title="Lumbar spinal stenosis")
    for kind, terms in [
        ("causes", ["Disc herniation", "Facet arthritis", "Spondylolisthesis", "Osteophytes"]),
        ("symptoms", ["Leg cramps", "Neurogenic claudication", "Low back ache", "Calf heaviness"]),
    ]:
        section = factories.make_section(other, kind=kind, heading=kind.title())
        for position, term in enumerate(terms):
            factories.make_item(section, term, position=position)
    other_drugs = factories.make_section(other, kind="drugs", heading="Drugs")
    for position, (term, gloss) in enumerate([("Calcitonin", "hormone"), ("Zolpidem", "hypnotic")]):
        factories.make_item(other_drugs, term, gloss=gloss, position=position)
    deck = factories.make_deck(title="Neoplastic foraminal narrowing")
    causes = factories.make_section(deck, kind="causes", heading="Causes", position=0)
    for position, term in enumerate(CAUSES):
        factories.make_item(causes, term, position=position)
    drugs = factories.make_section(deck, kind="drugs", heading="Drug Treatments", position=1)
    for position, (term, gloss) in enumerate(DRUGS):
        factories.make_item(drugs, term, gloss=gloss, position=position)
    symptoms = factories.make_section(deck, kind="symptoms", heading="Symptoms", position=2)
    for position, term in enumerate(SYMPTOMS):
        factories.make_item(symptoms, term, position=position)
    types = factories.make_section(deck, kind="types", heading="Types", position=3)
    for name, terms in [
        ("Primary benign tumors", CAUSES[:3]),
        ("Primary malignant tumors", CAUSES[3:4]),
        ("Hematologic", CAUSES[4:]),
    ]:
        group = ItemGroup.objects.create(section=types, name=name)
        for term in terms:
            factories.make_item(types, term, group=group)
    return deck


def _run(*args: str) -> str:
    out = StringIO()
    call_command("generate_quiz", *args, stdout=out)
    return out.getvalue()


def test_prints_a_json_list_of_valid_questions(deck):
    questions = json.loads(_run("--deck", deck.slug, "--questions", "8", "--seed", "7", "--json"))

    assert len(questions) == 8
    kb = load_knowledge_base(Deck.objects.all())
    for data in questions:
        assert {
            "stem",
            "options",
            "answer",
            "kind",
            "section",
            "gloss",
            "correct_terms",
            "explanation",
        } <= set(data)
        assert len(data["options"]) == 4 and 0 <= data["answer"] < 4
        assert deck.title in data["explanation"]
        assert question_problems(kb, GeneratedQuestion.from_dict(data)) == []
    assert {q["kind"] for q in questions} == {
        "member",
        "not_member",
        "item_to_gloss",
        "gloss_to_item",
        "group_member",
    }


def test_same_seed_prints_the_same_quiz(deck):
    args = ("--deck", deck.slug, "--questions", "6", "--seed", "11", "--json")
    assert _run(*args) == _run(*args)
    assert _run(*args) != _run("--deck", deck.slug, "--questions", "6", "--seed", "12", "--json")


def test_nsaid_question_lists_both_nsaids(deck):
    questions = json.loads(
        _run("--deck", deck.slug, "--questions", "20", "--seed", "1", "--kind", "gloss_to_item", "--json")
    )
    nsaid = next(q for q in questions if q["gloss"] == "NSAID")
    assert nsaid["stem"] == "Which of these is an NSAID?"
    assert nsaid["correct_terms"] == ["Ibuprofen", "Naproxen"]
    assert nsaid["section"] == "drugs"


def test_text_output_marks_the_answer(deck):
    out = _run("--deck", deck.slug, "--questions", "1", "--seed", "2")
    assert out.startswith("1 question (seed 2)\n")
    assert out.count("   * ") == 1


def test_unknown_deck_is_a_clear_error_with_exit_status_1(deck):
    with pytest.raises(CommandError) as excinfo:
        _run("--deck", "no-such-deck", "--questions", "3", "--json")
    assert str(excinfo.value).startswith("Unknown deck no-such-deck (known decks: ")
    assert deck.slug in str(excinfo.value)
    assert excinfo.value.returncode == 1
