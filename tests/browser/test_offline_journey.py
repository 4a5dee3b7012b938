"""Installable, then offline: a learner reviews ten cards without a network, comes back online, and the server
records exactly those ten answers once, however often the queue is sent again."""

import datetime as dt
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

KEPT = "key => localStorage.getItem(key) !== null"
# The study page as the service worker keeps it, and the CSRF token in it (masked afresh on every render, so it
# tells the kept copy from a page the server renders now).
KEPT_PAGE_TOKEN = """() => caches.match('/study/', {ignoreSearch: true, ignoreVary: true})
  .then(r => r ? r.text() : '')
  .then(html => (html.match(/&quot;x-csrftoken&quot;: &quot;([^&]+)&quot;|"x-csrftoken": "([^"]+)"/) || [])
    .slice(1).find(Boolean) || null)"""
PAGE_TOKEN = "() => JSON.parse(document.body.getAttribute('hx-headers'))['x-csrftoken']"

REPLAY = """(queue) => fetch('/api/v1/study/sync', {
  method: 'POST', credentials: 'same-origin',
  headers: {'Content-Type': 'application/json',
            'X-CSRFToken': JSON.parse(document.body.getAttribute('hx-headers'))['x-csrftoken']},
  body: JSON.stringify({answers: queue})}).then(r => r.json())"""


def _student_with_drug_cards():
    """alice studies one card per drug ("Ibuprofen: drug class?" and so on), all new."""
    student = factories.make_user("alice")
    deck = factories.make_deck(title="Foraminal narrowing")
    deck.disabled_card_templates = ["gloss_items", "group_members", "cloze", "list_recall", "faq"]
    deck.save()
    drugs = factories.make_section(deck, kind="drugs", heading="Drug Treatments")
    for n, (term, gloss) in enumerate(DRUGS):
        factories.make_item(drugs, term, gloss=gloss, position=n)
    factories.study_deck(student, deck)
    sync_cards(deck)
    return student


def _wait_until(page, script: str, arg, what: str) -> None:
    """Polled from Python: wait_for_function would evaluate a string, which our CSP (rightly) forbids."""
    for _ in range(100):
        if page.evaluate(script, arg):
            return
        page.wait_for_timeout(50)
    raise AssertionError(what)


def test_install_go_offline_review_ten_cards_and_sync_them_once(page, transactional_db):
    student = _student_with_drug_cards()
    login(page, "alice")
    page.goto("/study/")
    expect(page.locator("#card-front")).to_have_text("Ibuprofen: drug class?")

    # The manifest parses cleanly and the worker runs (installability itself: the test below, since
    # Playwright's contexts are incognito and Chromium never offers to install from one).
    cdp = page.context.new_cdp_session(page)
    assert cdp.send("Page.getAppManifest")["errors"] == []
    assert page.evaluate("navigator.serviceWorker.ready.then(r => r.active.scriptURL)").endswith("/sw.js")

    package_key = f"studyapp:{student.pk}:package"
    _wait_until(page, KEPT, package_key, "the study page did not keep the cards for offline use")

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


def test_cold_start_offline_opens_the_kept_study_page_and_its_answers_reach_the_server_once(
    page, transactional_db
):
    student = _student_with_drug_cards()
    login(page, "alice")
    page.goto("/study/")  # online once: the worker, the page and the cards are kept on this device
    expect(page.locator("#card-front")).to_have_text("Ibuprofen: drug class?")
    _wait_until(page, KEPT, f"studyapp:{student.pk}:package", "the cards were not kept for offline use")
    _wait_until(
        page, "() => navigator.serviceWorker.controller !== null", None, "no worker controls the page"
    )
    kept_token = None
    for _ in range(100):
        kept_token = page.evaluate(KEPT_PAGE_TOKEN)
        if kept_token:
            break
        page.wait_for_timeout(50)
    assert kept_token, "the worker did not keep the study page"

    # The app opened again with no network: the page comes from the worker's cache, the cards from this device.
    page.context.set_offline(True)
    page.reload()
    assert page.evaluate(PAGE_TOKEN) == kept_token
    expect(page.locator("#offline-review")).to_be_visible()
    expect(page.locator("#review-card")).to_be_hidden()
    expect(page.locator("#offline-left")).to_have_text(f"{len(DRUGS)} left offline")
    front = page.locator("#offline-front")
    for term, gloss in DRUGS[:2]:
        expect(front).to_have_text(f"{term}: drug class?")
        page.keyboard.press("Space")
        expect(page.locator("#offline-back")).to_have_text(gloss)
        page.keyboard.press("3")
    expect(page.locator("#offline-queued")).to_have_text("2 answers waiting to be sent")
    assert Review.objects.count() == 0

    queue = json.loads(page.evaluate(f"localStorage.getItem('studyapp:{student.pk}:queue')"))
    page.context.set_offline(False)
    expect(page.locator("#offline-status")).to_have_text(
        "Back online: 2 answers sent, 2 applied, 0 skipped (cards that changed meanwhile)."
    )
    reviews = list(Review.objects.filter(user=student).order_by("pk").values_list("card__front", "rating"))
    assert reviews == [("Ibuprofen: drug class?", 3), ("Celecoxib: drug class?", 3)]
    assert page.evaluate(f"localStorage.getItem('studyapp:{student.pk}:queue')") == "[]"
    replay = page.evaluate(REPLAY, queue)
    assert (replay["applied"], replay["skipped"]) == (0, 2)
    assert Review.objects.filter(user=student).count() == 2


def test_while_catching_up_offline_shows_the_review_pages_cards_within_the_cap_and_no_new_ones(
    page, transactional_db
):
    from django.utils import timezone

    from studyapp import plans, queue

    student = _student_with_drug_cards()
    now = timezone.now()
    states = list(CardState.objects.filter(user=student).order_by("card__position"))
    for i, state in enumerate(states[:8]):  # after a break: overdue, recall spread from lost to safe
        state.state, state.stability, state.difficulty, state.reps = (
            CardState.State.REVIEW,
            1.0 + 4 * i,
            5.0,
            3,
        )
        state.last_review = now - dt.timedelta(days=20 + i % 3)
        state.due = now - dt.timedelta(days=1 + i % 5)
        state.save()
    plans.start_backlog_plan(user=student, now=now, cap=3)
    _counts, online = queue.due_cards(student, now)
    expected = [s.card.front for s in online]
    assert len(expected) == 3  # the cap, and the four new cards wait

    login(page, "alice")
    page.goto("/study/")
    expect(page.locator("#card-front")).to_have_text(expected[0])
    _wait_until(page, KEPT, f"studyapp:{student.pk}:package", "the cards were not kept for offline use")
    page.context.set_offline(True)
    expect(page.locator("#offline-left")).to_have_text("3 left offline")
    for front in expected:
        expect(page.locator("#offline-front")).to_have_text(front)
        page.keyboard.press("Space")
        page.keyboard.press("3")
    expect(page.locator("#offline-empty")).to_be_visible()
    expect(page.locator("#offline-queued")).to_have_text("3 answers waiting to be sent")
