"""The article template across its family: other conditions written in the seed's shape with the variations
the site has (headings worded otherwise, sections missing or reordered, CRLF and Windows-1252, glosses with
dashes and nested parentheses, residue glued in other combinations). Each test names the defect it pins."""

import datetime as dt

import pytest

from studyapp.importers.article import read_article, split_term_gloss
from studyapp.importers.citations import CITATION_NAMES
from tests.paths import FAMILY


def _read(name):
    return read_article((FAMILY / f"{name}.txt").read_bytes())


def _section(parsed, kind):
    section = parsed.section(kind)
    assert section is not None, [s.kind for s in parsed.sections]
    return section


def _items(parsed, kind):
    return [(i.term, i.gloss, i.group) for i in _section(parsed, kind).items]


def _terms(parsed, kind):
    return [i.term for i in _section(parsed, kind).items]


COUNTS = {
    "asthma": {
        "symptoms": 6,
        "types": 8,
        "causes": 8,
        "diagnostic_tests": 8,
        "drugs": 12,
        "non_drug_treatments": 7,
        "surgeries": 1,
        "prevention": 4,
        "when_to_see_doctor": 4,
    },
    "gout": {
        "types": 4,
        "causes": 9,
        "symptoms": 6,
        "diagnostic_tests": 6,
        "drugs": 8,
        "non_drug_treatments": 6,
        "prevention": 4,
        "when_to_see_doctor": 0,
    },
    "hypertension": {
        "types": 5,
        "causes": 8,
        "symptoms": 5,
        "diagnostic_tests": 9,
        "drugs": 10,
        "non_drug_treatments": 7,
        "surgeries": 3,
        "prevention": 4,
        "when_to_see_doctor": 4,
    },
    "plantar-fasciitis": {
        "anatomy": 9,
        "types": 3,
        "causes": 7,
        "symptoms": 5,
        "diagnostic_tests": 4,
        "non_drug_treatments": 11,
        "drugs": 6,
        "surgeries": 3,
        "when_to_see_doctor": 4,
    },
    "rotator-cuff-tendinopathy": {
        "anatomy": 12,
        "types": 5,
        "causes": 5,
        "symptoms": 5,
        "diagnostic_tests": 7,
        "non_drug_treatments": 6,
        "drugs": 5,
        "surgeries": 5,
        "prevention": 4,
        "when_to_see_doctor": 4,
    },
    "trigeminal-neuralgia": {
        "anatomy": 3,
        "types": 5,
        "causes": 4,
        "symptoms": 5,
        "diagnostic_tests": 4,
        "drugs": 6,
        "surgeries": 5,
        "non_drug_treatments": 4,
        "when_to_see_doctor": 3,
    },
    "type-2-diabetes": {
        "anatomy": 3,
        "types": 6,
        "causes": 9,
        "symptoms": 10,
        "diagnostic_tests": 10,
        "non_drug_treatments": 9,
        "drugs": 12,
        "surgeries": 0,
        "prevention": 5,
        "when_to_see_doctor": 4,
    },
}
FAQ_COUNTS = {
    "asthma": 4,
    "gout": 3,
    "hypertension": 4,
    "plantar-fasciitis": 3,
    "rotator-cuff-tendinopathy": 3,
    "trigeminal-neuralgia": 4,
    "type-2-diabetes": 5,
}


def test_every_family_article_is_a_fixture_here():
    assert sorted(p.stem for p in FAMILY.glob("*.txt")) == sorted(COUNTS)


@pytest.mark.parametrize("name", sorted(COUNTS))
def test_family_articles_give_their_exact_lists_in_article_order(name):
    parsed = _read(name)
    assert {s.kind: len(s.items) for s in parsed.sections} == COUNTS[name]
    assert [s.kind for s in parsed.sections] == list(COUNTS[name])
    assert len(parsed.faqs) == FAQ_COUNTS[name]
    assert parsed.last_updated is not None


@pytest.mark.parametrize("name", sorted(COUNTS))
def test_no_residue_or_boilerplate_is_left_in_family_articles(name):
    parsed = _read(name)
    texts = [parsed.summary]
    for section in parsed.sections:
        texts += [section.heading, *section.notes, *(g.name for g in section.groups)]
        texts += [t for i in section.items for t in (i.term, i.gloss)]
    texts += [t for f in parsed.faqs for t in (f.question, f.answer)]
    glued = [name.replace(" ", "") for name in CITATION_NAMES if " " in name]
    # Only sentences that name a source on purpose keep it (checked one by one below).
    meant = {
        "Is the NHS Diabetes Prevention Programme free?",
        "Limit salt to under 5 g a day, as advised by the WHO",
    }
    leftovers = [t for t in texts if t not in meant for n in (*CITATION_NAMES, *glued) if n in t]
    assert not leftovers
    assert not [t for t in texts if "Disclaimer" in t or "written by" in t.lower() or "Last Updated" in t]


# --- residue -----------------------------------------------------------------------------------------------


def test_residue_glued_without_the_names_inner_space_is_stripped():
    # Was: `MayoClinicNIH` left "low C-peptide MayoClinic" and "Shortness of breath MayoClinic".
    diabetes = _read("type-2-diabetes")
    assert (
        "Insulin-deficient form",
        "lean build, rapid progression, low C-peptide",
        "By Main Defect",
    ) in _items(diabetes, "types")
    assert diabetes.summary.endswith("the retina.")
    assert _terms(_read("hypertension"), "symptoms")[-1] == "Shortness of breath"


def test_a_source_the_sentence_itself_names_is_kept():
    # Was: "Limit salt to under 5 g a day, as advised by the" (WHO taken for residue).
    assert "Limit salt to under 5 g a day, as advised by the WHO" in _terms(
        _read("hypertension"), "prevention"
    )


def test_a_faq_question_naming_a_source_is_one_question():
    # Was: "Is the" ended the previous answer and "Diabetes Prevention Programme free?" was the question.
    faqs = {f.question: f.answer for f in _read("type-2-diabetes").faqs}
    assert faqs["Is the NHS Diabetes Prevention Programme free?"].startswith("Yes. People with prediabetes")
    assert all(not answer.endswith("Is the") for answer in faqs.values())


# --- FAQ -----------------------------------------------------------------------------------------------------


def test_a_faq_question_with_a_decimal_is_not_cut_at_its_point():
    # Was: the question "4% diabetes?", and "Is an HbA1c of 6." glued onto the previous answer.
    faqs = {f.question: f.answer for f in _read("type-2-diabetes").faqs}
    assert faqs["Is an HbA1c of 6.4% diabetes?"].startswith("No. A value of 6.0–6.4%")
    assert faqs["Can type 2 diabetes be reversed?"].endswith("so yearly checks continue.")


def test_a_multi_paragraph_answer_keeps_every_paragraph():
    faqs = {f.question: f.answer for f in _read("asthma").faqs}
    answer = faqs["Can asthma go away?"]
    assert answer.startswith("Childhood asthma often improves") and answer.endswith("quiet for years.")


def test_last_updated_on_a_day_month_year_date_is_read():
    # Was: "Last updated on 1 September 2024" gave the problem "Could not read the date 'on 1 September 2024'".
    parsed = _read("trigeminal-neuralgia")
    assert parsed.last_updated == dt.date(2024, 9, 1) and not parsed.problems


def test_a_byline_and_last_reviewed_date_after_the_faq_are_not_part_of_the_last_answer():
    # Was: "… until the morning pain settles. Medically reviewed by the studyapp test authors; … Last reviewed:
    # June 30, 2024." was the last answer (an article without a disclaimer line).
    parsed = _read("plantar-fasciitis")
    assert (
        parsed.faqs[-1].answer
        == "Cut back rather than stop: switch to cycling or swimming until the morning pain settles."
    )
    assert parsed.last_updated == dt.date(2024, 6, 30)


def test_a_numbered_faq_heading_loses_its_number():
    assert _read("trigeminal-neuralgia").faq_heading == "Frequently Asked Questions"


# --- headings ------------------------------------------------------------------------------------------------


def test_a_heading_made_of_known_headings_opens_its_section():
    # Was: "Triggers and Causes" was not a heading, so its list joined Types and "Obesity" became a sub-group.
    asthma = _read("asthma")
    causes = _section(asthma, "causes")
    assert causes.heading == "Triggers and Causes"
    assert _terms(asthma, "causes")[-1] == "Beta-blockers, aspirin and other NSAIDs in sensitive people"
    assert [g.name for g in _section(asthma, "types").groups] == ["By Trigger", "By Severity"]


def test_lifestyle_changes_is_a_non_drug_treatment_heading():
    # Was: "Lifestyle Changes" and its seven lines were filed as drug treatments.
    hypertension = _read("hypertension")
    assert _section(hypertension, "non_drug_treatments").heading == "Lifestyle Changes"
    assert _terms(hypertension, "drugs")[-1] == "Doxazosin"


def test_a_types_heading_restated_under_types_is_not_a_second_section():
    # Was: "Classification" under "Types" opened an `other` section and left Types empty (two problems).
    rotator = _read("rotator-cuff-tendinopathy")
    assert rotator.section("other") is None
    assert [(p.line, p.message) for p in rotator.problems] == [
        (21, "The heading 'Classification' repeats 'Types'; read as part of it.")
    ]
    assert _terms(rotator, "types") == [
        "Tendinopathy",
        "Partial-Thickness Tear",
        "Full-Thickness Tear",
        "Massive Tear",
        "Calcific tendinitis",
    ]


def test_a_sub_heading_ending_with_a_colon_is_a_sub_heading():
    # Was: "By Cause:" became a lead-in note and "By Setting:" an item of hypertension's types.
    types = _section(_read("hypertension"), "types")
    assert [g.name for g in types.groups] == ["By Cause", "By Setting"]
    assert [i.group for i in types.items] == ["By Cause"] * 2 + ["By Setting"] * 3
    assert types.notes == ["Hypertension can be described by cause and by setting:"]


def test_title_case_types_between_items_are_items_not_subheadings():
    # Was: "Partial-Thickness Tear" and "Full-Thickness Tear" became empty sub-groups and were lost as items.
    types = _section(_read("rotator-cuff-tendinopathy"), "types")
    assert types.groups == [] and all(i.group == "" for i in types.items)


# --- lists ---------------------------------------------------------------------------------------------------


def test_a_lead_in_after_an_opening_sentence_is_a_note():
    # Was: "Very high readings can cause:" was the first symptom of hypertension.
    symptoms = _section(_read("hypertension"), "symptoms")
    assert symptoms.notes == [
        "Usually none; this is why it is called a silent condition.",
        "Very high readings can cause:",
    ]
    assert symptoms.items[0].term == "Headache"


def test_a_closing_sentence_after_labelled_lines_is_a_note():
    # Was: "Tension across these attachments rises …" was an anatomy item.
    anatomy = _section(_read("plantar-fasciitis"), "anatomy")
    attachments = next(g for g in anatomy.groups if g.name == "Attachments (Origin and Insertion)")
    assert attachments.notes.startswith("Tension across these attachments")
    assert [i.term for i in anatomy.items if i.group == attachments.name] == ["Origin", "Insertion"]


def test_a_lone_sentence_under_a_heading_is_a_note_not_an_item():
    # Was: the whole sentence about metabolic surgery was the one surgical option.
    surgeries = _section(_read("type-2-diabetes"), "surgeries")
    assert surgeries.items == [] and surgeries.notes[0].startswith("Metabolic (bariatric) surgery")
    assert _section(_read("gout"), "when_to_see_doctor").notes[0].startswith("Contact a doctor the same day")


def test_a_one_item_list_keeps_its_item():
    assert _items(_read("asthma"), "surgeries") == [
        ("Bronchial thermoplasty", "for severe asthma not controlled by medicines", "")
    ]


@pytest.mark.parametrize(
    ("name", "term", "gloss"),
    [
        ("asthma", "Allergic asthma", "pollen, dust mites, pet dander, mould spores"),
        ("asthma", "Occupational asthma", "flour dust, isocyanates, latex"),
        ("type-2-diabetes", "Insulin-resistant form", "central obesity, fatty liver, high triglycerides"),
        (
            "hypertension",
            "Secondary hypertension",
            "kidney disease, primary aldosteronism, renal artery stenosis, sleep apnoea",
        ),
        (
            "trigeminal-neuralgia",
            "Secondary trigeminal neuralgia",
            "multiple sclerosis plaque, tumour, arteriovenous malformation",
        ),
    ],
)
def test_a_type_labelled_with_its_features_is_one_type_with_a_gloss(name, term, gloss):
    # Was: "Allergic asthma: pollen, dust mites, …" made pollen and dust mites *types* of asthma.
    parsed = _read(name)
    found = {i.term: i for i in _section(parsed, "types").items}
    assert found[term].gloss == gloss
    assert not {"pollen", "tumour", "central obesity", "kidney disease"} & set(found)


# --- glosses -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "term", "gloss"),
    [
        (
            "Blue lips or fingertips (cyanosis – an emergency)",
            "Blue lips or fingertips",
            "cyanosis – an emergency",
        ),
        (
            "Salbutamol (SABA – short-acting beta-2 agonist)",
            "Salbutamol",
            "SABA – short-acting beta-2 agonist",
        ),
        (
            "Baxter’s nerve – first branch of the lateral plantar nerve",
            "Baxter’s nerve",
            "first branch of the lateral plantar nerve",
        ),
        (
            "Flat feet (pes planus) or high arches (pes cavus)",
            "Flat feet (pes planus) or high arches (pes cavus)",
            "",
        ),
        ("Insulin glargine (long-acting insulin (basal))", "Insulin glargine", "long-acting insulin (basal)"),
        (
            "Oral glucose tolerance test (OGTT) (2-hour value ≥ 11.1 mmol/L)",
            "Oral glucose tolerance test (OGTT)",
            "2-hour value ≥ 11.1 mmol/L",
        ),
    ],
)
def test_family_gloss_shapes_split_right(text, term, gloss):
    # Was: a dash inside parentheses split "Salbutamol (SABA" from "short-acting beta-2 agonist)", and the last
    # of several glossed parts took the whole line as its term.
    assert split_term_gloss(text) == (term, gloss)


def test_glosses_are_split_in_the_parsed_family_articles():
    asthma = _read("asthma")
    assert ("Blue lips or fingertips", "cyanosis – an emergency", "") in _items(asthma, "symptoms")
    assert "Salbutamol" in _terms(asthma, "drugs")
    assert "Flat feet (pes planus) or high arches (pes cavus)" in _terms(_read("plantar-fasciitis"), "causes")


# --- encodings -----------------------------------------------------------------------------------------------


def test_a_windows_1252_article_with_crlf_reads_like_utf8():
    gout = _read("gout")
    assert (FAMILY / "gout.txt").read_bytes().count(b"\r\n") > 50
    assert ("Serum uric acid", "over 360 µmol/L; may be normal during a flare", "") in _items(
        gout, "diagnostic_tests"
    )
    assert "Attacks come on suddenly – often overnight –" in gout.summary
    assert gout.faqs[-1].question == "How much can a purée of vegetables help?"
