"""The import preview says what the parser guessed, line by line, in the reader's words; renames are named."""

import pytest
from django.urls import reverse

from studyapp.importers.decoding import decode_upload
from studyapp.models import Deck, Item
from studyapp.services.imports import import_article
from tests.paths import ARTICLES, FAMILY

pytestmark = pytest.mark.django_db

ARTICLE = """Sciatica
Sciatica is pain along the sciatic nerve, from the lower back down the leg. NHS
Types
By Severity
Mild: intermittent numbness, normal strength
Severe: constant pain
Symptoms
Leg pain
Tingling in the foot
Diagnostic Tests
MRI
Straight leg raise test
Non-Pharmacological Treatments
Heat packs
Walking
Drug Treatments
Ibuprofen (NSAID)
Naproxen (NSAID)
Last Updated: May 1, 2025.
"""


def _preview(client, text: str) -> str:
    return client.post(reverse("studyapp:import-article"), {"text": text, "preview": "1"}).content.decode()


def test_a_split_line_is_named_with_its_line_and_what_it_became(client, instructor):
    client.force_login(instructor)
    html = _preview(client, ARTICLE)
    assert (
        "Line 5: “Mild: intermittent numbness, normal strength” split into 2 items of the “Mild” group"
        in html
    )
    assert "No problems found" not in html


def test_a_plain_article_is_said_to_have_no_problems(client, instructor):
    plain = ARTICLE.replace(
        "By Severity\nMild: intermittent numbness, normal strength\nSevere: constant pain\n", ""
    )
    plain = plain.replace("Types\n", "")
    client.force_login(instructor)
    html = _preview(client, plain)
    assert "No problems found: every line was read as written." in html


def test_headings_show_friendly_names_not_internal_kinds_or_slugs(client, instructor):
    client.force_login(instructor)
    html = _preview(client, ARTICLE)
    assert "(Non-drug treatments, 2 items)" in html and "(Drug treatments, 2 items)" in html
    assert "non_drug_treatments" not in html and "Slug" not in html


def test_the_import_button_is_also_below_the_preview(client, instructor):
    client.force_login(instructor)
    html = _preview(client, ARTICLE)
    preview_at = html.index('id="import-preview"')
    assert html.index('id="import-confirm-bottom"') > html.index("Naproxen", preview_at)
    response = client.post(reverse("studyapp:import-article"), {"text": ARTICLE, "confirm": "1"})
    assert response.status_code == 302 and Deck.objects.get().title == "Sciatica"


def test_renaming_mri_updates_the_item_in_place_with_a_note_in_the_preview(client, instructor):
    first = import_article(text=ARTICLE, owner=instructor, scope=Deck.Scope.INSTRUCTOR)
    mri = Item.objects.get(deck=first.deck, term="MRI")
    edited = ARTICLE.replace("\nMRI\n", "\nMagnetic resonance imaging\n")
    client.force_login(instructor)
    html = _preview(client, edited)
    assert "Renamed in place" in html and "“MRI” → “Magnetic resonance imaging”" in html

    result = import_article(text=edited, owner=instructor, scope=Deck.Scope.INSTRUCTOR)
    assert (result.added, result.retired, result.renamed) == (0, 0, [("MRI", "Magnetic resonance imaging")])
    mri.refresh_from_db()
    assert (mri.term, mri.retired_at) == ("Magnetic resonance imaging", None)
    again = import_article(text=edited, owner=instructor, scope=Deck.Scope.INSTRUCTOR)
    assert not again.changed


def test_a_narrower_name_is_not_a_rename(instructor):
    first = import_article(text=ARTICLE, owner=instructor, scope=Deck.Scope.INSTRUCTOR)
    edited = ARTICLE.replace("\nMRI\n", "\nMRI of the lumbar spine\n")
    result = import_article(text=edited, owner=instructor, scope=Deck.Scope.INSTRUCTOR)
    assert (result.added, result.retired, result.renamed) == (1, 1, [])
    assert Item.objects.get(deck=first.deck, term="MRI").retired_at is not None


def test_the_test_articles_preview_without_internal_kinds(client, instructor):
    client.force_login(instructor)
    for path in sorted(ARTICLES.glob("*.txt")):
        html = _preview(client, path.read_text(encoding="utf-8"))
        assert "non_drug_treatments" not in html and "when_to_see_doctor" not in html, path.name


def test_the_family_articles_preview_with_every_reading_said(client, instructor):
    """Each article of the template's family previews without internal kinds, and the lines it re-read are
    named (the restated `Classification` heading, a type read with its features)."""
    client.force_login(instructor)
    pages = {}
    for path in sorted(FAMILY.glob("*.txt")):
        html = _preview(client, decode_upload(path.read_bytes()))
        assert "non_drug_treatments" not in html and "when_to_see_doctor" not in html, path.name
        # Every family article has lines read otherwise than as written (notes, glosses after a label).
        assert "No problems found" not in html, path.name
        pages[path.stem] = html
    assert (
        "The heading &#x27;Classification&#x27; repeats &#x27;Types&#x27;"
        in pages["rotator-cuff-tendinopathy"]
    )
    assert "read as the item “Allergic asthma”" in pages["asthma"]
