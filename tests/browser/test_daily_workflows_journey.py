"""Issue 14's journeys, each at laptop and phone size, with no console error and no serious or critical axe-core
violation on any page visited. Screenshots of every checked page go to tests/browser/artifacts/."""

import datetime as dt
import re

import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from quizzes import services
from studyapp.models import CardState
from tests import factories
from tests.browser.conftest import login


def _fits(page, width: int) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth")
    assert overflow <= width, f"{page.url} is {overflow}px wide in a {width}px screen"


def _nav_in_one_row(page) -> None:
    boxes = page.locator(".nav-links a").evaluate_all(
        "links => links.map(a => { const r = a.getBoundingClientRect(); return [r.top, r.bottom]; })"
    )
    first_top, first_bottom = boxes[0]
    middles = [(top + bottom) / 2 for top, bottom in boxes]
    assert all(first_top <= m <= first_bottom for m in middles), f"the navigation wraps: {boxes}"


def test_instructor_edits_and_duplicates_an_assignment_with_attempts(
    laptop, phone, transactional_db, fake_generator
):
    teacher = factories.make_instructor("dr_carter")
    alice = factories.make_user("alice")
    classroom = factories.make_classroom(teacher, name="Neuro block", students=(alice,))
    factories.make_classroom(teacher, name="Cardio block")
    now = timezone.now()
    assignment = factories.make_assignment(
        classroom=classroom,
        opens_at=now - dt.timedelta(days=1),
        closes_at=now + dt.timedelta(days=3),
        max_attempts=2,
    )
    for n, score in enumerate((0.9, 0.4), start=1):
        factories.make_finished_attempt(
            alice, assignment, score=score, submitted_at=now - dt.timedelta(hours=3 - n), number=n
        )

    page = laptop.page
    login(page, "dr_carter")
    expect(page.locator("h1")).to_have_text("Your classes")
    laptop.check("instructor-home")
    page.click("text=Neuro block")
    laptop.check("class")
    page.click("#main >> text=Week 1 quiz")
    expect(page.locator("#attempted-heading")).to_have_text("Who attempted it (1 of 1)")
    laptop.check("assignment")
    page.click("text=Edit")
    expect(page.locator("#attempts-warning")).to_be_visible()
    laptop.check("assignment-edit")
    page.select_option("select[name=grading]", "last")
    page.click("button:has-text('Save assignment')")
    expect(page.locator("#messages")).to_contain_text(
        "Grades recomputed by last attempt for 1 student: 1 changed."
    )
    expect(page.locator("#assignment-grading")).to_have_text("Last attempt")
    page.click("text=Duplicate")
    page.select_option("select[name=classroom]", label="Cardio block")
    laptop.check("assignment-duplicate")
    page.click("button:has-text('Create the copy')")
    expect(page.locator("#messages")).to_contain_text("Week 1 quiz assigned again to Cardio block")
    page.click("text=Gradebook")
    expect(page.locator("#gradebook")).to_contain_text("No students in this class yet.")
    laptop.check("gradebook")
    # htmx swaps on the quiz set page (drawing and removing questions) must not break the CSP.
    assignment.quiz_set.decks.add(factories.make_deck(owner=teacher))
    page.goto(f"/quizzes/sets/{assignment.quiz_set_id}/")
    page.fill("input[name=count]", "2")
    page.click("button:has-text('Add questions')")
    expect(page.locator("#questions-heading")).to_have_text("Hand-picked questions (4)")
    page.locator("#quiz-set-questions button:has-text('Remove')").first.click()
    expect(page.locator("#questions-heading")).to_have_text("Hand-picked questions (3)")
    laptop.check("quiz-set")
    laptop.assert_clean()

    login(phone.page, "dr_carter")
    phone.page.goto(f"/quizzes/classes/{classroom.pk}/")
    _fits(phone.page, 390)
    _nav_in_one_row(phone.page)
    phone.check("class")
    phone.page.goto(f"/quizzes/assignments/{assignment.pk}/")
    _fits(phone.page, 390)
    phone.check("assignment")
    phone.page.goto(f"/quizzes/classes/{classroom.pk}/dashboard/")
    _fits(phone.page, 390)
    phone.check("class-dashboard")
    phone.assert_clean()


def test_a_release_date_passing_brings_the_cards_into_the_students_queue(laptop, phone, transactional_db):
    teacher = factories.make_instructor("dr_carter")
    alice = factories.make_user("alice")
    deck = factories.make_deck(owner=teacher, title="Foraminal narrowing")
    causes = factories.make_section(deck, kind="causes", position=0)
    drugs = factories.make_section(deck, kind="drugs", heading="Drug Treatments", position=1)
    factories.make_card(deck, item=factories.make_item(causes, "Metastasis"), front="Metastasis: a cause of?")
    factories.make_card(deck, item=factories.make_item(drugs, "Ibuprofen"), front="Ibuprofen: drug class?")
    classroom = factories.make_classroom(teacher, students=(alice,))
    release_at = timezone.now() + dt.timedelta(days=2)
    services.schedule_release(classroom=classroom, deck=deck, section=drugs, release_at=release_at)

    page = laptop.page
    login(page, "alice")
    page.goto("/study/")
    expect(page.locator("#card-front")).to_contain_text("Metastasis")
    expect(page.locator(".count-new")).to_have_text("1 new")
    laptop.check("before-release")
    with time_machine.travel(release_at + dt.timedelta(hours=1)):
        page.goto("/study/")
        expect(page.locator(".count-new")).to_have_text("2 new")
        expect(page.locator("#new-this-week")).to_contain_text("Drug treatments of Foraminal narrowing")
        laptop.check("after-release")
        page.click("#new-this-week >> text=Drug treatments of Foraminal narrowing")
        expect(page.locator("#card-front")).to_contain_text("Ibuprofen")
        laptop.check("released-list")
        login(phone.page, "alice")
        phone.page.goto("/study/")
        expect(phone.page.locator("#new-this-week")).to_be_visible()
        _fits(phone.page, 390)
        phone.check("after-release")
    laptop.assert_clean()
    phone.assert_clean()


def test_student_uses_custom_study_and_follows_the_quiz_result_links(
    laptop, phone, transactional_db, fake_generator
):
    alice = factories.make_user("alice")
    deck = factories.make_deck(owner=alice, title="Spine")
    section = factories.make_section(deck, kind="causes")
    now = timezone.now()
    for n in range(2):
        card = factories.make_card(deck, item=factories.make_item(section, f"Cause {n + 1}", position=n))
    factories.enroll(alice, deck)
    for state_card in deck.cards.all():
        factories.make_card_state(
            alice,
            state_card,
            state=CardState.State.REVIEW,
            stability=5.0,
            difficulty=5.0,
            due=now + dt.timedelta(days=2),
            last_review=now - dt.timedelta(days=3),
        )
    assert card is not None

    page = laptop.page
    login(page, "alice")
    page.goto("/study/")
    expect(page.locator("#custom-study")).to_contain_text("Nothing is due right now")
    laptop.check("nothing-due")
    page.click("text=Study ahead: 2 cards due in the next 3 days")
    expect(page.locator("#card-front")).to_contain_text("Cause")
    laptop.check("study-ahead")
    page.goto("/study/")
    page.click("#custom-study >> text=Causes")
    expect(page.locator("input[name=decks]")).to_be_checked()
    expect(page.locator("input[name=section_kinds][value=causes]")).to_be_checked()
    laptop.check("practice-form")
    page.fill("input[name=count]", "2")
    page.click("button:has-text('Start')")
    page.click("label:has-text('Drug 1')")
    page.click("button:has-text('Save answer')")
    expect(page.locator("#answered-count")).to_have_text("1 of 2 answered")
    laptop.check("tutor-feedback")
    page.click("button:has-text('Submit and finish')")
    expect(page.locator("#score")).to_contain_text("Score: 0 / 2")
    laptop.check("result")
    page.click("text=Review the missed items as flashcards")
    # The stand-in generator names items 1 and 2; the page is the flashcard session scoped to them.
    expect(page).to_have_url(re.compile(r"/study/\?items=1%2C2$"))
    expect(page.locator("h1")).to_have_text("Review")
    page.go_back()
    page.click("text=Back to your dashboard")
    expect(page.locator("h1")).to_contain_text("Hello, alice")
    laptop.check("dashboard")
    laptop.assert_clean()

    login(phone.page, "alice")
    phone.page.goto("/study/")
    _fits(phone.page, 390)
    phone.check("nothing-due")
    phone.page.goto("/")
    _fits(phone.page, 390)
    # The year-long heatmap opens scrolled to today (its right end), not to a year ago.
    heatmap = phone.page.locator("[data-scroll-end]")
    assert heatmap.evaluate("el => el.scrollWidth > el.clientWidth && el.scrollLeft > 0")
    phone.check("dashboard")
    phone.assert_clean()


def test_sign_up_takes_the_browsers_time_zone(browser, live_server, transactional_db):
    context = browser.new_context(base_url=live_server.url, timezone_id="America/Chicago")
    page = context.new_page()
    page.goto("/accounts/signup/")
    expect(page.locator("select[name=time_zone]")).to_have_value("America/Chicago")
    context.close()


def test_refused_and_missing_pages_keep_the_navigation(laptop, phone, transactional_db):
    factories.make_user("alice")
    for journey in (laptop, phone):
        page = journey.page
        page.goto("/")
        expect(page.locator("h1")).to_have_text("Remember the lists medicine asks of you")
        journey.check("landing")
        login(page, "alice")
        page.goto("/quizzes/classes/new/")
        expect(page.locator("h1")).to_have_text("You may not open this page")
        journey.check("403")
        page.goto("/no-such-page/")
        expect(page.locator("h1")).to_have_text("We could not find that page")
        journey.check("404")
        page.click("text=Go to your home page")
        expect(page.locator("h1")).to_contain_text("Hello, alice")
        _fits(page, 390 if journey is phone else 1280)
        # The browser reports the refused and missing documents themselves as failed loads; nothing else.
        journey.assert_clean(allow=("status of 403", "status of 404"))


def test_back_and_forward_after_grading_show_the_current_card(laptop, transactional_db):
    alice = factories.make_user("alice")
    deck = factories.make_deck(owner=alice, title="Spine")
    section = factories.make_section(deck, kind="causes")
    for n, term in enumerate(("Metastasis", "Myeloma")):
        factories.make_card(
            deck,
            item=factories.make_item(section, term, position=n),
            front=f"{term}?",
            back="A cause",
            position=n,
        )
    factories.study_deck(alice, deck)
    page = laptop.page
    login(page, "alice")
    page.goto("/decks/")
    page.goto("/study/")
    expect(page.locator("#card-front")).to_have_text("Metastasis?")
    page.keyboard.press("Space")
    expect(page.locator("#card-back")).to_be_visible()
    page.keyboard.press("3")
    expect(page.locator("#card-front")).to_have_text("Myeloma?")
    page.go_back()
    page.go_forward()
    # Not the card already graded, nor its old count.
    expect(page.locator("#card-front")).not_to_have_text("Metastasis?")
    expect(page.locator(".count-new")).to_have_text("1 new")
    laptop.check("after-back-forward")
    laptop.assert_clean()
