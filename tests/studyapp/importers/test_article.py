import datetime as dt

import pytest

from studyapp.importers.article import heading_kind, item_key, parse_article, split_term_gloss
from studyapp.importers.citations import CITATION_NAMES
from tests.paths import ARTICLES

ARTICLES = ARTICLES


def _terms(parsed, kind):
    return [item.term for item in parsed.section(kind).items]


def _all_text(parsed) -> list[str]:
    texts = [parsed.title, parsed.summary]
    for section in parsed.sections:
        texts += [section.heading, *section.notes]
        texts += [g.name for g in section.groups] + [g.notes for g in section.groups]
        texts += [t for i in section.items for t in (i.term, i.gloss, i.text)]
    texts += [t for f in parsed.faqs for t in (f.question, f.answer)]
    return texts


# --- the seed article ------------------------------------------------------------------------------------


@pytest.fixture
def seed(seed_article_text):
    return parse_article(seed_article_text)


@pytest.mark.parametrize(
    ("kind", "count"),
    [
        ("causes", 19),
        ("symptoms", 20),
        ("diagnostic_tests", 20),
        ("non_drug_treatments", 30),
        ("drugs", 20),
        ("surgeries", 10),
        ("prevention", 10),
        ("when_to_see_doctor", 5),
        ("types", 20),
        ("anatomy", 13),
    ],
)
def test_seed_sections_have_the_expected_number_of_items(seed, kind, count):
    assert len(seed.section(kind).items) == count


def test_seed_has_its_sections_in_order_with_original_headings(seed):
    assert [(s.kind, s.heading) for s in seed.sections] == [
        ("anatomy", "Anatomy"),
        ("types", "Types"),
        ("causes", "Causes"),
        ("symptoms", "Symptoms"),
        ("diagnostic_tests", "Diagnostic Tests"),
        ("non_drug_treatments", "Non-Pharmacological Treatments"),
        ("drugs", "Drug Treatments"),
        ("surgeries", "Surgical Options"),
        ("prevention", "Prevention Strategies"),
        ("when_to_see_doctor", "When to See a Doctor"),
    ]


def test_seed_has_fifteen_faq_pairs_split_at_glued_citations(seed):
    assert len(seed.faqs) == 15
    assert seed.faqs[0].question == "What makes it “neoplastic” foraminal narrowing?"
    assert seed.faqs[1].question == "How is this different from regular foraminal stenosis?"
    assert seed.faqs[-1].question == "What is the first step if I suspect this condition?"
    assert all(f.question.endswith("?") and f.answer for f in seed.faqs)
    assert seed.faqs[3].answer.startswith("Yes. A tissue sample")


def test_seed_title_slug_and_date(seed):
    assert seed.title == "Neoplastic foraminal narrowing"
    assert seed.slug == "neoplastic-foraminal-narrowing"
    assert seed.last_updated == dt.date(2025, 5, 5)
    assert seed.problems == []


def test_seed_types_groups_hold_their_members(seed):
    types = seed.section("types")
    members = {g.name: [i.term for i in types.items if i.group == g.name] for g in types.groups}
    assert members == {
        "By Region": [
            "Cervical foraminal narrowing",
            "Thoracic foraminal narrowing",
            "Lumbar foraminal narrowing",
        ],
        "By Tumor Origin": [],
        "Primary benign tumors": ["schwannoma", "neurofibroma", "meningioma"],
        "Primary malignant tumors": ["sarcoma", "chordoma"],
        "Secondary (metastatic) tumors": ["breast", "prostate", "lung", "renal cell carcinoma"],
        "Hematologic": ["lymphoma", "plasmacytoma", "multiple myeloma"],
        "Bone tumors": ["osteoblastoma", "osteoid osteoma", "giant cell tumor"],
        "Other": ["hemangioma", "eosinophilic granuloma"],
    }
    assert types.notes == [
        "Neoplastic foraminal narrowing can be classified by spinal region and tumor origin:"
    ]


def test_seed_anatomy_keeps_subheadings_as_groups(seed):
    anatomy = seed.section("anatomy")
    assert [g.name for g in anatomy.groups] == [
        "Structure and Location",
        "Boundaries (Origin and Insertion)",
        "Blood Supply",
        "Nerve Supply",
        "Functions",
    ]
    by_group = {g.name: [i.term for i in anatomy.items if i.group == g.name] for g in anatomy.groups}
    assert by_group["Boundaries (Origin and Insertion)"] == [
        "Origin",
        "Insertion",
        "Anterior wall",
        "Posterior wall",
    ]
    assert len(by_group["Blood Supply"]) == 3
    assert len(by_group["Functions"]) == 6
    assert by_group["Structure and Location"] == by_group["Nerve Supply"] == []
    assert anatomy.groups[2].notes.startswith("The nerve root within each foramen")


@pytest.mark.parametrize(
    ("term", "gloss"),
    [
        ("Ibuprofen", "NSAID"),
        ("Celecoxib", "COX-2 inhibitor"),
        ("Acetaminophen", ""),
        ("Epidural steroid injection", "methylprednisolone"),
        ("Capsaicin cream", "topical counter-irritant"),
    ],
)
def test_seed_drug_glosses(seed, term, gloss):
    assert {i.term: i.gloss for i in seed.section("drugs").items}[term] == gloss


def test_seed_lead_in_and_closing_sentences_are_notes_not_items(seed):
    doctor = seed.section("when_to_see_doctor")
    assert doctor.notes[0] == "Seek medical attention if you experience:"
    assert doctor.notes[1].startswith("Early evaluation helps")
    assert _terms(seed, "when_to_see_doctor")[-1] == "History of cancer with new spinal symptoms"
    assert seed.section("symptoms").notes == ["When a nerve root is compressed, you may notice:"]


def test_seed_has_no_citation_name_left_anywhere(seed):
    leftovers = [(name, text) for text in _all_text(seed) for name in CITATION_NAMES if name in text]
    assert leftovers == []


def test_seed_last_items_lose_their_glued_citations(seed):
    assert _terms(seed, "symptoms")[-1] == "Sleep disturbances from night pain"
    assert _terms(seed, "non_drug_treatments")[-1] == "Walking and graduated aerobic programs"
    assert seed.section("diagnostic_tests").items[-1].gloss == "combined metabolic and anatomic"


# --- our own articles with the template's variations -------------------------------------------------------


def _own(name):
    return parse_article((ARTICLES / name).read_text(encoding="utf-8"))


def test_carpal_tunnel_article_parses_exactly():
    parsed = _own("carpal-tunnel-syndrome.txt")
    assert parsed.title == "Carpal tunnel syndrome"
    assert parsed.last_updated == dt.date(2025, 1, 10)
    assert [(s.kind, s.heading, len(s.items)) for s in parsed.sections] == [
        ("anatomy", "Anatomy", 4),
        ("types", "Types of Carpal Tunnel Syndrome", 5),
        ("causes", "Causes", 5),
        ("symptoms", "Symptoms", 5),
        ("diagnostic_tests", "Diagnosis", 4),
        ("non_drug_treatments", "Non-Pharmacological Treatments", 3),
        ("drugs", "Medications", 3),
        ("surgeries", "Surgery", 2),
        ("prevention", "Prevention", 2),
        ("other", "Complications of Carpal Tunnel Syndrome", 2),
        ("when_to_see_doctor", "When to See a Doctor", 2),
    ]
    assert [(i.term, i.gloss) for i in parsed.section("other").items] == [
        ("Permanent numbness", ""),
        ("Thenar muscle atrophy", "wasting at the base of the thumb"),
    ]
    assert _terms(parsed, "causes") == [
        "Wrist fracture",
        "Repetitive wrist flexion",
        "Pregnancy",
        "Obesity",
        "Ganglion cyst",
    ]
    assert [(i.term, i.gloss) for i in parsed.section("symptoms").items][2:4] == [
        ("Clumsy grip", "dropping objects"),
        ("Thenar wasting", "in late cases"),
    ]
    assert parsed.section("non_drug_treatments").items[0].gloss == "keeps the wrist neutral at night"
    assert parsed.section("non_drug_treatments").notes == ["These measures work best when started early."]
    assert [(i.term, i.gloss) for i in parsed.section("anatomy").items][:2] == [
        ("Floor", "The carpal bones, arranged as an arch."),
        ("Roof", "The transverse carpal ligament (flexor retinaculum)."),
    ]
    assert [(i.term, i.group) for i in parsed.section("types").items][2:] == [
        ("diabetes", "Associated conditions"),
        ("hypothyroidism", "Associated conditions"),
        ("rheumatoid arthritis", "Associated conditions"),
    ]
    assert [f.question for f in parsed.faqs] == [
        "Can carpal tunnel syndrome go away by itself?",
        "Is surgery painful?",
        "Will it come back after release?",
        "Does typing cause it?",
    ]
    assert parsed.faqs[3].answer == "The evidence is mixed; other causes matter more."
    assert parsed.faqs[1].answer == "Most people have only mild soreness for a few days."
    assert parsed.problems == []
    assert not [text for text in _all_text(parsed) for name in CITATION_NAMES if name in text]


def test_migraine_article_parses_exactly():
    parsed = _own("migraine.txt")
    assert parsed.title == "Migraine"
    assert parsed.summary.startswith("A migraine is a recurring headache disorder")
    assert parsed.last_updated == dt.date(2024, 3, 3)
    assert [(s.kind, s.heading, len(s.items)) for s in parsed.sections] == [
        ("types", "Types of Migraine", 4),
        ("causes", "Causes", 5),
        ("symptoms", "Symptoms", 5),
        ("diagnostic_tests", "Tests", 3),
        ("non_drug_treatments", "Lifestyle and Home Remedies", 3),
        ("drugs", "Drugs", 5),
        ("surgeries", "Surgeries", 2),
        ("prevention", "Prevention Strategies", 2),
        ("when_to_see_doctor", "When to See a Doctor", 3),
    ]
    assert [(i.term, i.gloss) for i in parsed.section("types").items] == [
        ("Migraine without aura", ""),
        ("Migraine with aura", ""),
        ("Chronic migraine", "15 or more headache days a month"),
        ("Vestibular migraine", "vertigo with or without headache"),
    ]
    assert parsed.section("causes").items[1].gloss == "menstruation, contraception"
    assert parsed.section("symptoms").items[-1].gloss == "zigzag lines or blind spots"
    assert len(parsed.faqs) == 3
    assert (
        parsed.faqs[2].answer == "No, but overusing any acute medicine can cause medication-overuse headache."
    )
    assert parsed.problems == []
    assert not [text for text in _all_text(parsed) for name in CITATION_NAMES if name in text]


# --- small pieces, table-driven -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("Drug Treatments", "drugs"),
        ("Medications", "drugs"),
        ("Drugs", "drugs"),
        ("Surgery", "surgeries"),
        ("SURGERIES", "surgeries"),
        ("Prevention", "prevention"),
        ("Diagnosis", "diagnostic_tests"),
        ("Tests", "diagnostic_tests"),
        ("Types of Migraine", "types"),
        ("Causes:", "causes"),
        ("1. Causes", "causes"),
        ("Non-Pharmacological Treatments", "non_drug_treatments"),
        ("When to see a doctor", "when_to_see_doctor"),
        ("FAQs", "faq"),
        ("Complications", "other"),
        ("Prognosis of Migraine", "other"),
        ("Schwannoma", None),
        ("Loss of bladder control (in severe cases)", None),
    ],
)
def test_headings_match_the_synonym_table(line, kind):
    assert heading_kind(line) == kind


@pytest.mark.parametrize(
    ("text", "term", "gloss"),
    [
        ("Ibuprofen (NSAID)", "Ibuprofen", "NSAID"),
        ("Splinting – keeps the wrist straight", "Splinting", "keeps the wrist straight"),
        ("Aura — flashing lights", "Aura", "flashing lights"),
        ("Origin: Where it starts.", "Origin", "Where it starts."),
        ("Acetaminophen", "Acetaminophen", ""),
        (
            "Increased reflexes (hyperreflexia) if cord involved",
            "Increased reflexes (hyperreflexia) if cord involved",
            "",
        ),
        ("Granuloma (Langerhans (cell) type)", "Granuloma", "Langerhans (cell) type"),
    ],
)
def test_items_split_into_term_and_gloss(text, term, gloss):
    assert split_term_gloss(text) == (term, gloss)


def test_item_keys_ignore_case_and_punctuation():
    assert item_key("drugs", "Ibuprofen") == item_key("drugs", " ibuprofen. ") == "drugs:ibuprofen"
    assert item_key("causes", "Ibuprofen") != item_key("drugs", "Ibuprofen")


def test_text_without_a_section_is_a_problem_not_an_exception():
    parsed = parse_article("Fever is common.\nAnd another line of prose.")
    assert parsed.sections == [] and parsed.faqs == []
    assert [p.message for p in parsed.problems] == [
        "No recognisable section heading (such as 'Causes' or 'Symptoms') was found."
    ]


def test_empty_section_and_stray_faq_text_are_reported_with_line_numbers():
    parsed = parse_article("X is a thing.\nCauses\nSymptoms\nFever\nFAQ\nStray text.\nWhy?\nBecause.")
    assert [(p.line, p.message) for p in parsed.problems] == [
        (2, "Section 'Causes' has no items."),
        (6, "FAQ text before the first question was skipped."),
    ]
    assert [(f.question, f.answer) for f in parsed.faqs] == [("Why?", "Because.")]


def test_several_other_sections_are_kept_apart_without_a_problem():
    parsed = parse_article("X is a thing.\nComplications\nScarring\nPrognosis\nGood")
    assert [(s.kind, s.heading, [i.term for i in s.items]) for s in parsed.sections] == [
        ("other", "Complications", ["Scarring"]),
        ("other", "Prognosis", ["Good"]),
    ]
    assert parsed.problems == []


def test_a_second_section_of_the_same_kind_is_filed_as_other():
    parsed = parse_article("X is a thing.\nDrugs\nAspirin\nMedications\nParacetamol")
    assert [(s.kind, s.heading) for s in parsed.sections] == [("drugs", "Drugs"), ("other", "Medications")]
    assert [(p.line, p.message) for p in parsed.problems] == [
        (4, "A second 'drugs' section ('Medications') was filed as 'other'.")
    ]


@pytest.mark.parametrize(
    ("faq_lines", "pairs"),
    [
        ("Is it rare?\nYes. Very.", [("Is it rare?", "Yes. Very.")]),
        (
            "Is it rare? Yes, quite. Does it hurt? Rarely.",
            [("Is it rare?", "Yes, quite."), ("Does it hurt?", "Rarely.")],
        ),
        ("Is it rare?\nYes.WebMDDoes it hurt?\nNo.", [("Is it rare?", "Yes."), ("Does it hurt?", "No.")]),
        (
            "Is it rare?\nYes, it is.Does it hurt?\nNo.",
            [("Is it rare?", "Yes, it is."), ("Does it hurt?", "No.")],
        ),
        ("Is it “rare”?\nYes (in adults).", [("Is it “rare”?", "Yes (in adults).")]),
    ],
)
def test_faq_questions_and_answers_are_split(faq_lines, pairs):
    parsed = parse_article(f"X is a thing.\nCauses\nFever\nFAQ\n{faq_lines}")
    assert [(f.question, f.answer) for f in parsed.faqs] == pairs


def test_a_question_without_an_answer_is_a_problem():
    parsed = parse_article("X is a thing.\nCauses\nFever\nFAQ\nIs it rare?\nDoes it hurt?\nNo.")
    assert [(f.question, f.answer) for f in parsed.faqs] == [("Does it hurt?", "No.")]
    assert [(p.line, p.message) for p in parsed.problems] == [
        (5, "The question 'Is it rare?' has no answer.")
    ]


def test_a_types_list_written_in_title_case_is_items_not_subheadings():
    parsed = parse_article(
        "X is a thing.\nTypes\nMigraine Without Aura\nMigraine With Aura\nChronic Migraine"
    )
    types = parsed.section("types")
    assert [(i.term, i.group) for i in types.items] == [
        ("Migraine Without Aura", ""),
        ("Migraine With Aura", ""),
        ("Chronic Migraine", ""),
    ]
    assert types.groups == []


def test_bare_subheadings_after_a_subheading_are_its_items():
    text = "X is a thing.\nTypes\nBy Onset\nAcute Form\nChronic Form\nBy Cause\nIdiopathic (no cause found)"
    types = parse_article(text).section("types")
    assert [g.name for g in types.groups] == ["By Onset", "By Cause"]
    assert [(i.term, i.gloss, i.group) for i in types.items] == [
        ("Acute Form", "", "By Onset"),
        ("Chronic Form", "", "By Onset"),
        ("Idiopathic", "no cause found", "By Cause"),
    ]


def test_a_lead_in_ending_with_a_full_stop_is_a_note_before_a_list_of_phrases():
    parsed = parse_article("X is a thing.\nCauses\nThe usual causes are listed below.\nFever\nCold\nFlu")
    assert parsed.section("causes").notes == ["The usual causes are listed below."]
    assert _terms(parsed, "causes") == ["Fever", "Cold", "Flu"]


def test_duplicate_items_are_reported_and_kept_once():
    parsed = parse_article("X is a thing.\nCauses\nFever\nfever.\nCold")
    assert _terms(parsed, "causes") == ["Fever", "Cold"]
    assert [(p.line, p.message) for p in parsed.problems] == [
        (4, "Duplicate item 'fever' in 'Causes' was skipped.")
    ]


@pytest.mark.parametrize(
    "body",
    [
        "Causes\n" + "a " * 900_000 + "- b",
        "Causes\nx\nFAQ\nWhy?\n" + "a. " * 600_000 + "?",
        "Types\n" + "Label: " + "a, " * 600_000,
        "Causes\n" + "Fever (" * 250_000,
        "Causes\n" + "WebMD" * 350_000,
        "Causes\n" + "Lead:\n" * 300_000 + "Fever",
        "Types\n" + "Sub Heading\n" * 150_000,
    ],
)
def test_hostile_two_megabyte_input_parses_quickly(body):
    import time

    started = time.perf_counter()
    parse_article("X is a thing.\n" + body)
    # A guard against catastrophic (quadratic or backtracking) parsing, not a speed claim: linear work takes
    # about a second on an idle machine, a quadratic path many minutes; CI machines may be heavily loaded.
    assert time.perf_counter() - started < 90
