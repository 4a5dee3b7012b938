"""A learner reviews five cards with the keyboard only, undoing one answer on the way."""

from playwright.sync_api import expect

from studyapp.models import Review
from studyapp.services.cards import sync_cards
from tests import factories
from tests.browser.conftest import login

DRUGS = [
    ("Ibuprofen", "NSAID"),
    ("Celecoxib", "COX-2 inhibitor"),
    ("Tramadol", "opioid analgesic"),
    ("Amitriptyline", "TCA"),
    ("Gabapentin", "anticonvulsant"),
    ("Duloxetine", "SNRI"),
]


def test_review_five_cards_with_the_keyboard_including_an_undo(page, transactional_db):
    student = factories.make_user("alice")
    deck = factories.make_deck(title="Foraminal narrowing")
    deck.disabled_card_templates = ["gloss_items", "group_members", "cloze", "list_recall", "faq"]
    deck.save()
    drugs = factories.make_section(deck, kind="drugs", heading="Drug Treatments")
    for n, (term, gloss) in enumerate(DRUGS):
        factories.make_item(drugs, term, gloss=gloss, position=n)
    factories.study_deck(student, deck)
    sync_cards(deck)

    login(page, "alice")
    page.get_by_role("link", name="Study", exact=True).click()
    front, back = page.locator("#card-front"), page.locator("#card-back")
    counts = page.locator(".review-counts")
    expect(front).to_have_text("Ibuprofen: drug class?")
    expect(counts).to_contain_text("6 new")

    def answer(expected_front: str, expected_back: str, show_key: str, grade_key: str) -> None:
        expect(front).to_have_text(expected_front)
        # When a key took the no-JavaScript path (a full page load), the text can show before the deferred
        # scripts run; a person is never that fast, so wait for the page to finish loading before each key.
        page.wait_for_load_state()
        page.keyboard.press(show_key)
        expect(back).to_have_text(expected_back)
        expect(page.locator("button.grade-3")).to_contain_text("Good · 10m")
        page.wait_for_load_state()
        page.keyboard.press(grade_key)
        expect(back).to_have_count(0)

    answer("Ibuprofen: drug class?", "NSAID", "Space", "3")
    answer("Celecoxib: drug class?", "COX-2 inhibitor", "Enter", "3")
    answer("Tramadol: drug class?", "opioid analgesic", "Space", "1")
    expect(counts).to_contain_text("3 new")
    expect(counts).to_contain_text("3 learning")

    page.wait_for_load_state()
    page.keyboard.press("u")
    # A key pressed before htmx has wired the fresh fragment submits the plain form instead: both paths tell.
    expect(page.locator("main")).to_contain_text("Undone")
    expect(front).to_have_text("Tramadol: drug class?")
    expect(counts).to_contain_text("4 new")
    assert Review.objects.count() == 2

    answer("Tramadol: drug class?", "opioid analgesic", "Space", "4")
    answer("Amitriptyline: drug class?", "TCA", "Space", "3")
    answer("Gabapentin: drug class?", "anticonvulsant", "Space", "2")
    expect(counts).to_contain_text("1 new")
    assert list(Review.objects.order_by("pk").values_list("card__front", "rating")) == [
        ("Ibuprofen: drug class?", 3),
        ("Celecoxib: drug class?", 3),
        ("Tramadol: drug class?", 4),
        ("Amitriptyline: drug class?", 3),
        ("Gabapentin: drug class?", 2),
    ]


def test_on_a_phone_the_answer_buttons_are_big_enough_to_tap(phone_page, transactional_db):
    student = factories.make_user("alice")
    deck = factories.make_deck(title="Foraminal narrowing")
    drugs = factories.make_section(deck, kind="drugs", heading="Drug Treatments")
    factories.make_item(drugs, "Ibuprofen", gloss="NSAID")
    factories.study_deck(student, deck)
    sync_cards(deck)
    login(phone_page, "alice")
    phone_page.goto("/study/")
    phone_page.get_by_role("link", name="Show answer").tap()
    buttons = phone_page.locator("button.grade")
    expect(buttons).to_have_count(4)
    for n in range(4):
        box = buttons.nth(n).bounding_box()
        assert box["height"] >= 48 and box["width"] >= 150, box
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    buttons.nth(2).tap()
    expect(phone_page.locator("#card-back")).to_have_count(0)
    assert Review.objects.get().rating == 3
