import re

from playwright.sync_api import expect

from studyapp.models import Card, Deck
from tests import factories
from tests.browser.conftest import login


def test_instructor_imports_an_anki_package_then_corrects_a_card(page, transactional_db):
    instructor = factories.make_instructor("dr_carter")
    package = factories.make_apkg([(("Ibuprofen", "NSAID"), "drugs"), (("Sumatriptan", "Ergot"), "drugs")])
    login(page, instructor.username)
    page.goto("/decks/")
    page.click("text=Import an Anki package")
    page.set_input_files(
        "input[name=file]",
        files=[{"name": "migraine-drugs.apkg", "mimeType": "application/octet-stream", "buffer": package}],
    )
    page.click("button[name=preview]")
    expect(page.locator("#anki-preview")).to_contain_text("2 notes.")
    expect(page.locator("input[name=title]")).to_have_value("Migraine drugs")
    assert Deck.objects.count() == 0

    page.click("button[name=confirm]")
    expect(page).to_have_url(re.compile(r"/decks/\d+/$"))
    expect(page.locator("h1")).to_have_text("Migraine drugs")

    page.get_by_role("link", name="Edit Sumatriptan").click()
    page.fill("textarea[name=answer]", "Triptan")
    page.click("button[name=save]")
    expect(page.locator("#messages")).to_contain_text("its cards now show the correction")
    expect(page.locator("main")).to_contain_text("Sumatriptan: Triptan")
    assert Card.objects.get(front="Sumatriptan").back == "Triptan"
