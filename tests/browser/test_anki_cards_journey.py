"""A learner's imported Anki cards look right in a real browser under the strict CSP: the image loads from the
deck's media URL, image-occlusion masks sit over it, maths renders as MathML, and nothing is blocked."""

from playwright.sync_api import expect

from studyapp.importers.anki import read_anki
from studyapp.models import Card, CardState
from studyapp.services.anki import save_anki
from tests import anki_fixtures, factories
from tests.browser.conftest import login


def test_image_occlusion_and_maths_render_from_deck_media(page, transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    student = factories.make_user("alice")
    col = anki_fixtures.rich_collection(tmp_path, history=False)
    package = anki_fixtures.export_all(col, tmp_path)["apkg"]
    (tmp_path / "w").mkdir()
    parsed = read_anki(package, tmp_path / "w")
    deck = save_anki(
        parsed=parsed,
        package_path=package,
        owner=student,
        scope="personal",
        title="Cardio",
        with_scheduling=True,
    ).deck
    # Only the first image-occlusion card and the maths card are due, so the review shows them in turn.
    wanted = Card.objects.filter(deck=deck).filter(template="anki").order_by("position")
    occlusion = next(c for c in wanted if "io-masks" in c.front and "io-asked" in c.front)
    maths = next(c for c in wanted if "<math" in c.front)
    CardState.objects.filter(user=student).exclude(card__in=[occlusion, maths]).update(suspended=True)

    blocked = []
    page.on(
        "console",
        lambda message: blocked.append(message.text) if "Content Security Policy" in message.text else None,
    )
    login(page, student.username)
    page.goto("/study/")
    front = page.locator("#card-front")
    expect(front).to_be_visible()
    if front.locator("svg.io-masks").count() == 0:
        expect(front.locator("math")).to_be_visible()
        page.keyboard.press("Space")
        expect(page.locator("#card-back")).to_contain_text("120")
        page.keyboard.press("3")
    expect(front.locator("svg.io-masks rect.io-asked")).to_have_count(1, timeout=10_000)
    # Wait for the image rather than sample it: with the service worker controlling the page, every request
    # passes through it first, so the image may still be on its way when the mask is already drawn.
    loaded = front.locator(".io img").evaluate(
        "img => img.complete ? img.naturalWidth > 0 : new Promise(done => {"
        " img.addEventListener('load', () => done(img.naturalWidth > 0));"
        " img.addEventListener('error', () => done(false)); })"
    )
    assert loaded, "the occlusion image did not load from the deck's media URL"
    mask = front.locator("svg.io-masks").bounding_box()
    image = front.locator(".io img").bounding_box()
    assert abs(mask["width"] - image["width"]) < 2 and abs(mask["height"] - image["height"]) < 2
    assert blocked == []


def test_type_in_answer_is_compared_on_the_back(page, transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    student = factories.make_user("alice")
    col = anki_fixtures.rich_collection(tmp_path, history=False)
    package = anki_fixtures.export_all(col, tmp_path)["apkg"]
    (tmp_path / "w").mkdir()
    parsed = read_anki(package, tmp_path / "w")
    deck = save_anki(
        parsed=parsed,
        package_path=package,
        owner=student,
        scope="personal",
        title="Cardio",
        with_scheduling=True,
    ).deck
    typed = Card.objects.get(deck=deck, front__contains='class="type-in"')
    CardState.objects.filter(user=student).exclude(card=typed).update(suspended=True)
    login(page, student.username)
    page.goto("/study/")
    page.wait_for_load_state("load")  # app.js handles Enter in the box
    box = page.locator("#card-front input.type-in")
    box.fill("  protamine ")
    box.press("Enter")
    expect(page.locator("#card-back .type-verdict")).to_contain_text("✓ You typed:", timeout=10_000)
    expect(page.locator("#card-back .type-verdict")).to_contain_text("protamine")
