import re

from playwright.sync_api import expect

from studyapp.models import Deck, Enrollment
from tests import factories
from tests.browser.conftest import login
from tests.paths import ARTICLES

MIGRAINE = (ARTICLES / "migraine.txt").read_text(encoding="utf-8")


def test_instructor_previews_then_imports_an_article_and_adds_it_to_studies(page, transactional_db):
    instructor = factories.make_instructor("dr_carter")
    login(page, instructor.username)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Decks").click()
    page.click("text=Import an article")
    page.fill("textarea[name=text]", MIGRAINE)
    page.click("button[name=preview]")
    expect(page.locator("#import-preview")).to_contain_text("Preview: Migraine")
    expect(page.locator("#import-preview")).to_contain_text("Sumatriptan (triptan)")
    assert Deck.objects.count() == 0

    page.click("button[name=confirm]")
    expect(page).to_have_url(re.compile(r"/decks/\d+/$"))
    expect(page.locator("h1")).to_have_text("Migraine")
    expect(page.locator("#section-drugs")).to_contain_text("Topiramate (anticonvulsant)")

    page.goto("/decks/")
    page.click("text=Add to my studies")
    expect(page.locator("#deck-library")).to_contain_text("In my studies")
    assert Enrollment.objects.get(user=instructor).active
