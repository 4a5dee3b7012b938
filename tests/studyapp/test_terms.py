"""Term equivalence: the one place that decides whether two names mean the same thing."""

import pytest

from studyapp import terms
from studyapp.terms import TermIndex, equivalent, equivalent_to_any, renamed, term_key


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # The pairs a student who knows the medicine would be marked wrong on (issue 12).
        ("Neurological examination", "Detailed neurological exam"),
        ("Ultrasound therapy", "Therapeutic ultrasound"),
        ("Aquatic therapy", "Aquatic exercise"),
        ("Lumbar X-rays", "Plain X-rays"),
        # Abbreviations and their expansions.
        ("MRI", "Magnetic resonance imaging"),
        ("Electromyography (EMG)", "EMG"),
        ("Nerve conduction studies", "NCS"),
        ("TENS", "Transcutaneous electrical nerve stimulation"),
        ("NSAIDs", "Nonsteroidal anti-inflammatory drugs"),
        ("PT", "Physical therapy"),
        ("CT scan", "Computed tomography scan"),
        # Spelling, plural, word order, a case of the other.
        ("Haemangioma", "Hemangioma"),
        ("Tumour markers", "Tumor marker"),
        ("Meningioma", "Meningeoma"),
        ("Renal cell carcinoma", "Metastatic renal cell carcinoma"),
        ("MRI of the spine", "MRI of the lumbar spine"),
        ("Massage", "Massage therapy"),
    ],
)
def test_names_that_mean_the_same_thing_are_equivalent(a, b):
    assert equivalent(a, b)
    assert equivalent(b, a)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Cervical foraminal narrowing", "Lumbar foraminal narrowing"),
        ("MRI of the spine", "MRI of the brain"),
        ("Neck stiffness", "Back stiffness"),
        ("Loss of bladder control", "Loss of bowel control"),
        ("Bone scan", "Bone tumors"),
        ("Physical therapy", "Physical examination"),
        ("Lung", "Long"),
        ("Ileum", "Ilium"),
        ("Sarcoma", "Osteosarcoma"),
        ("Ibuprofen", "Naproxen"),
        ("Lymphoma", "Plasmacytoma"),
    ],
)
def test_different_things_are_not_equivalent(a, b):
    assert not equivalent(a, b)
    assert not equivalent(b, a)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("MRI", "Magnetic resonance imaging", True),
        ("Aquatic therapy", "Aquatic exercise", True),
        ("Detailed neurological exam", "Neurological examination", True),
        ("Tumour markers", "Tumor markers", True),
        # Narrower or broader is not a rename: the importer must not fold one item into another.
        ("Renal cell carcinoma", "Metastatic renal cell carcinoma", False),
        ("MRI of the spine", "MRI of the lumbar spine", False),
        ("Cervical foraminal narrowing", "Lumbar foraminal narrowing", False),
    ],
)
def test_renamed_is_the_stricter_same_thing_in_other_words(old, new, expected):
    assert renamed(old, new) is expected


def test_key_sets_sites_and_qualifiers_aside():
    key = term_key("Detailed MRI of the lumbar spine")
    assert key.sites == {"lumbar", "spine"}
    assert "detail" not in key.words and "detailed" not in key.words
    assert {"magnet", "reson", "imag"} <= key.words


def test_index_finds_what_the_pairwise_test_finds():
    listed = [
        "Detailed neurological exam",
        "Plain X-rays",
        "MRI of the spine",
        "Aquatic therapy",
        "Hemangioma",
        "Cervical foraminal narrowing",
    ]
    queries = [
        "Neurological examination",
        "Lumbar X-rays",
        "Magnetic resonance imaging",
        "Aquatic exercise",
        "Haemangioma",
        "Lumbar foraminal narrowing",
        "CT scan",
        "MRI of the brain",
        "Foraminal narrowing",
    ]
    index = TermIndex((name, name) for name in listed)
    for query in queries:
        assert set(index.matches(query)) == {name for name in listed if equivalent(query, name)}, query


def test_equivalent_to_any_checks_candidates_against_a_long_list_in_one_pass():
    long_list = [f"Symptom number {n}" for n in range(5000)] + ["Detailed neurological exam"]
    candidates = ["Neurological examination", "Gait analysis", "Symptom number 17", "Reflex testing"]
    assert equivalent_to_any(candidates, long_list) == {0, 2}


@pytest.mark.parametrize(
    ("short", "name", "abbreviates"),
    [
        ("TENS", "Transcutaneous electrical nerve stimulation", True),
        ("PCOS", "Polycystic ovary syndrome", True),
        ("FeNO", "Fractional exhaled nitric oxide", True),
        ("EMG", "Electromyography", True),
        ("PSA", "Prostate specific antigen test", True),
        ("NSAID", "Ibuprofen", False),
        ("SABA", "Salbutamol", False),
        ("LABA", "Formoterol", False),
        ("BMI over 30", "Obesity", False),
    ],
)
def test_is_abbreviation_of(short, name, abbreviates):
    assert terms.is_abbreviation_of(short, name) is abbreviates


@pytest.mark.parametrize(
    ("gloss", "name"),
    [
        ("anticonvulsant; first choice", "anticonvulsant"),
        ("oral corticosteroid, short course", "oral corticosteroid"),
        ("SABA – short-acting beta-2 agonist", "SABA"),
        ("long-acting insulin (basal)", "long-acting insulin (basal)"),
        (
            "methylprednisolone or triamcinolone; short-term relief, small risk of rupture",
            "methylprednisolone or triamcinolone",
        ),
    ],
)
def test_gloss_class_drops_what_follows_the_class(gloss, name):
    assert terms.gloss_class(gloss) == name
