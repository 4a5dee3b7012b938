"""Installable, then offline: a learner reviews ten cards without a network, comes back online, and the server
records exactly those ten answers once, however often the queue is sent again."""

import json
import tempfile

from playwright.sync_api import expect

from studyapp.models import CardState, Review
from studyapp.services.cards import sync_cards
from tests import factories
from tests.browser.conftest import CHROMIUM, LAUNCH_ARGS, login

DRUGS = [
    ("Ibuprofen", "NSAID"),
    ("Celecoxib", "COX-2 inhibitor"),
    ("Tramadol", "opioid analgesic"),
    ("Amitriptyline", "TCA"),
    ("Gabapentin", "anticonvulsant"),
    ("Duloxetine", "SNRI"),
    ("Pregabalin", "gabapentinoid"),
    ("Naproxen", "NSAID, long-acting"),
    ("Prednisone", "corticosteroid"),
    ("Morphine", "opioid"),
    ("Baclofen", "muscle relaxant"),
    ("Lidocaine patch", "local anaesthetic"),
]

REPLAY = """(queue) => fetch('/api/v1/study/sync', {
  method: 'POST', credentials: 'same-origin',
  headers: {'Content-Type': 'application/json',
            'X-CSRFToken': JSON.parse(document.body.getAttribute('hx-headers'))['x-csrftoken']},
  body: JSON.stringify({answers: queue})}).then(r => r.json())"""


def test_install_go_offline_review_ten_cards_and_sync_them_once(page, transactional_db):
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
    page.goto("/study/")
    expect(page.locator("#card-front")).to_have_text("Ibuprofen: drug class?")

    # The manifest parses cleanly and the worker runs (installability itself: the test below, since
    # Playwright's contexts are incognito and Chromium never offers to install from one).
    cdp = page.context.new_cdp_session(page)
    assert cdp.send("Page.getAppManifest")["errors"] == []
    assert page.evaluate("navigator.serviceWorker.ready.then(r => r.active.scriptURL)").endswith("/sw.js")

    package_key = f"studyapp:{student.pk}:package"
    # Polled from Python: wait_for_function would evaluate a string, which our CSP (rightly) forbids.
    for _ in range(100):
        if page.evaluate("key => localStorage.getItem(key) !== null", package_key):
            break
        page.wait_for_timeout(50)
    else:
        raise AssertionError("the study page did not keep the cards for offline use")

    page.context.set_offline(True)
    expect(page.locator("#offline-review")).to_be_visible()
    expect(page.locator("#review-card")).to_be_hidden()
    front, back = page.locator("#offline-front"), page.locator("#offline-back")
    for n, (term, gloss) in enumerate(DRUGS[:10]):
        expect(front).to_have_text(f"{term}: drug class?")
        page.keyboard.press("Space" if n % 2 else "Enter")
        expect(back).to_be_visible()
        expect(back).to_have_text(gloss)
        expect(page.locator('#offline-grades [data-rating="3"]')).to_contain_text("Good · 10m")
        page.keyboard.press("3" if n != 4 else "1")
    expect(page.locator("#offline-queued")).to_have_text("10 answers waiting to be sent")
    expect(page.locator("#offline-left")).to_have_text("2 left offline")
    assert Review.objects.count() == 0
    queue = json.loads(page.evaluate(f"localStorage.getItem('studyapp:{student.pk}:queue')"))
    assert len(queue) == 10 and len({a["client_id"] for a in queue}) == 10

    page.context.set_offline(False)
    expect(page.locator("#offline-status")).to_have_text(
        "Back online: 10 answers sent, 10 applied, 0 skipped (cards that changed meanwhile)."
    )
    expect(page.locator("#review-card")).to_be_visible()
    reviews = list(Review.objects.filter(user=student).order_by("pk").values_list("card__front", "rating"))
    assert reviews == [(f"{term}: drug class?", 1 if n == 4 else 3) for n, (term, _) in enumerate(DRUGS[:10])]
    versions = dict(CardState.objects.filter(user=student).values_list("pk", "version"))

    replay = page.evaluate(REPLAY, queue)
    assert (replay["applied"], replay["skipped"]) == (0, 10)
    assert Review.objects.filter(user=student).count() == 10
    assert dict(CardState.objects.filter(user=student).values_list("pk", "version")) == versions


def test_chromium_finds_the_app_installable(playwright_driver, live_server, transactional_db):
    factories.make_user("alice")
    with tempfile.TemporaryDirectory() as profile:
        context = playwright_driver.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, args=LAUNCH_ARGS, base_url=live_server.url
        )
        try:
            page = context.pages[0] if context.pages else context.new_page()
            page.set_default_timeout(10_000)
            login(page, "alice")
            page.goto("/study/")
            page.evaluate("navigator.serviceWorker.ready")
            cdp = context.new_cdp_session(page)
            assert cdp.send("Page.getAppManifest")["errors"] == []
            assert cdp.send("Page.getInstallabilityErrors")["installabilityErrors"] == []
        finally:
            context.close()


def test_the_api_docs_render_under_our_content_security_policy(page, transactional_db):
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto("/api/v1/docs")
    expect(page.locator(".opblock").first).to_be_visible()
    expect(page.locator(".opblock-summary-path", has_text="/api/v1/study/sync")).to_have_count(1)
    assert errors == []
