import datetime as dt
import re

from django.utils import timezone
from playwright.sync_api import expect

from studyapp.models import CardState
from tests import factories
from tests.browser.conftest import ARTIFACTS, login


def test_learner_reads_the_dashboard_after_some_reviews(page, transactional_db):
    # The live server runs on the real clock: start the learner's day 12 hours away from now, so the reviews
    # made "now minus whole days" fall on distinct learner days whatever the hour.
    berlin_hour = timezone.now().astimezone(dt.timezone(dt.timedelta(hours=1))).hour
    learner = factories.make_user("reader", time_zone="Etc/GMT-1", day_start_hour=(berlin_hour + 12) % 24)
    deck = factories.make_deck(title="Foraminal narrowing")
    factories.enroll(learner, deck)
    causes = factories.make_section(deck, kind="causes")
    now = timezone.now()
    cards = []
    for i, term in enumerate(["Metastasis", "Multiple myeloma", "Lymphoma", "Chordoma"]):
        card = factories.make_card(deck, item=factories.make_item(causes, term))
        factories.make_card_state(
            learner,
            card,
            state=CardState.State.REVIEW,
            stability=4.0 + 10 * i,
            lapses=3 - i,
            last_review=now - dt.timedelta(days=3),
            due=now + dt.timedelta(days=i + 1),
        )
        cards.append(card)
    for day in range(6):
        for n in range(day + 1):
            factories.make_review(
                learner,
                cards[n % 4],
                reviewed_at=now - dt.timedelta(days=day, minutes=n),
                rating=1 + n % 4,
                last_interval_days=5 + 10 * n,
                duration_ms=20_000,
            )
    instructor = factories.make_instructor("dr_carter")
    classmate = factories.make_user("classmate")
    assignment = factories.make_assignment(instructor, students=(learner, classmate))
    factories.make_finished_attempt(classmate, assignment, score=1.0, submitted_at=now)
    csp_errors = []
    page.on(
        "console", lambda msg: csp_errors.append(msg.text) if "Content Security Policy" in msg.text else None
    )

    login(page, "reader")
    expect(page.locator("h1")).to_contain_text("Hello, reader")
    expect(page.locator("#today-reviews")).to_have_text("1")
    expect(page.locator("#streak")).to_have_text("6")
    expect(page.locator("#weakest-table tbody tr").first).to_contain_text("Metastasis")
    heat = page.locator("svg.heatmap rect.heat-4")
    expect(heat).to_have_count(1)
    box = page.locator("svg.forecast").bounding_box()
    assert box and box["height"] > 50  # drawn, not collapsed by a blocked style
    assert csp_errors == []
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "dashboard.png"), full_page=True)

    page.get_by_text("Forecast as a table").click()
    expect(page.locator("#forecast-table tbody tr")).to_have_count(30)
    expect(page.get_by_role("link", name="Study now")).to_have_attribute("href", "/study/")
    expect(page.get_by_role("link", name="Study just these")).to_have_attribute(
        "href", re.compile(r"/study/\?items=")
    )

    # A quiz: the learner takes the assigned one and finds it on the dashboard, beside the class average.
    page.goto("/quizzes/")
    page.click("text=Week 1 quiz")
    page.click("button:has-text('Start attempt')")
    page.click("label:has-text('Right 1')")
    page.click("button:has-text('Save and next')")
    page.click("label:has-text('Wrong 2a')")
    page.click("button:has-text('Save answer')")
    page.click("button:has-text('Submit all answers')")
    expect(page.locator("#score")).to_have_text("Score: 1 / 2 (50%)")
    page.click("nav >> text=Dashboard")
    row = page.locator(f"#quiz-assignment-{assignment.pk}")
    expect(row.locator(".quiz-grade")).to_contain_text("50 %")
    expect(row.locator(".quiz-attempts")).to_have_text("1 / 1")
    expect(row.locator(".quiz-average")).to_contain_text("75 % (2 graded)")
    expect(page.locator("svg.quiz-scores rect.score-dot.assigned")).to_have_count(
        2
    )  # the point and the legend
    box = page.locator("svg.quiz-scores").bounding_box()
    assert box and box["height"] > 50
    page.get_by_text("Quiz scores as a table").click()
    expect(page.locator("#quiz-scores-table tbody tr")).to_have_count(1)
    expect(page.locator("#quiz-scores-table tbody tr")).to_contain_text("50 % (1)")
    assert csp_errors == []
    page.locator("#quiz-scores-panel").scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "dashboard-after-quiz.png"), full_page=True)


def test_dashboard_fits_a_phone_screen(phone_page, transactional_db):
    learner = factories.make_user("pocket")
    deck = factories.make_deck(title="Foraminal narrowing")
    factories.enroll(learner, deck)
    card = factories.make_card(deck, item=factories.make_item(factories.make_section(deck), "Metastasis"))
    factories.make_card_state(
        learner, card, state=CardState.State.REVIEW, stability=3.0, last_review=timezone.now()
    )
    factories.make_review(learner, card, reviewed_at=timezone.now())

    login(phone_page, "pocket")
    expect(phone_page.locator("#today-reviews")).to_have_text("1")
    # The page itself never scrolls sideways; only the heatmap scrolls inside its own box
    ARTIFACTS.mkdir(exist_ok=True)
    phone_page.screenshot(path=str(ARTIFACTS / "dashboard-phone.png"), full_page=True)
    wide = phone_page.evaluate(
        "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 391)"
        ".map(e => e.tagName + '#' + e.id + '.' + e.className).slice(0, 8)"
    )
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390, wide


def test_instructor_opens_a_class_dashboard_from_the_classes_page(page, transactional_db):
    teacher = factories.make_instructor("dr_lee")
    student = factories.make_user("kim")
    factories.make_classroom(teacher, name="Spine block", students=(student,))
    deck = factories.make_deck(title="Spine", owner=teacher)
    factories.enroll(student, deck)
    card = factories.make_card(deck, item=factories.make_item(factories.make_section(deck), "Chordoma"))
    factories.make_card_state(student, card, state=CardState.State.REVIEW, stability=30.0, due=timezone.now())
    factories.make_review(student, card, reviewed_at=timezone.now() - dt.timedelta(hours=1), rating=3)

    login(page, "dr_lee")
    page.goto("/quizzes/")
    page.get_by_role("link", name="Dashboard").last.click()
    expect(page.locator("h1")).to_have_text("Spine block")
    expect(page.locator("#students-table tbody tr")).to_have_count(1)
    expect(page.locator("#students-table tbody tr")).to_contain_text("kim")
    expect(page.locator("#items-table tbody tr")).to_contain_text("Chordoma")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "class-dashboard.png"), full_page=True)
