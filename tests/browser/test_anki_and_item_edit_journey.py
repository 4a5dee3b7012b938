import re

from playwright.sync_api import expect

from studyapp.models import Card, Deck
from tests import factories
from tests.browser.conftest import login


def test_instructor_imports_an_anki_package_and_sees_the_progress_through_to_the_deck(
    page, transactional_db, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ANKI_UPLOAD_DIR = tmp_path / "uploads"
    instructor = factories.make_instructor("dr_carter")
    package = factories.make_apkg(
        [(("Ibuprofen", "<b>NSAID</b>"), "drugs"), (("Sumatriptan", "Ergot"), "drugs")]
    )
    login(page, instructor.username)
    page.goto("/decks/")
    page.click("text=Import an Anki package")
    page.set_input_files(
        "input[name=file]",
        files=[{"name": "migraine-drugs.apkg", "mimeType": "application/octet-stream", "buffer": package}],
    )
    page.click("button[name=preview]")
    expect(page.locator("#anki-preview")).to_contain_text("2 notes give 2 cards")
    assert Deck.objects.count() == 0

    page.get_by_role("button", name="Import “Migraine drugs”").click()
    expect(page).to_have_url(re.compile(r"/decks/import/anki/\d+/$"))
    expect(page.locator("#anki-import-status")).to_contain_text("Imported")
    page.get_by_role("link", name="Open the deck").click()
    expect(page.locator("h1")).to_have_text("Migraine drugs")
    assert Card.objects.get(front="Ibuprofen").back == "<b>NSAID</b>"
