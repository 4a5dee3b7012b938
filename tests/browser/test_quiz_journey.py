import datetime as dt
import re

from django.utils import timezone
from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import login


def _local(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M")


def test_class_assignment_timed_attempt_and_gradebook(page, transactional_db):
    instructor = factories.make_instructor("dr_carter")
    factories.make_user("alice")
    factories.make_quiz_set(instructor, title="Spine causes")

    # The instructor creates a class and assigns the quiz set with a time limit.
    login(page, "dr_carter")
    page.goto("/quizzes/")
    page.click("text=New class")
    page.fill("input[name=name]", "Neuro block")
    page.click("button:has-text('Create class')")
    code = page.locator("#join-code").inner_text()
    assert re.fullmatch(r"[A-Z2-9]{8}", code)
    page.click("text=Assign a quiz set")
    page.select_option("select[name=quiz_set]", label="Spine causes")
    now = timezone.now()
    page.fill("input[name=opens_at]", _local(now - dt.timedelta(hours=1)))
    page.fill("input[name=closes_at]", _local(now + dt.timedelta(days=1)))
    page.fill("input[name=time_limit_minutes]", "5")
    page.uncheck("input[name=shuffle_questions]")
    page.click("button:has-text('Assign')")
    expect(page.locator("main")).to_contain_text("Spine causes assigned to Neuro block")
    page.click("text=Log out")

    # The student joins with the code and takes the quiz against the clock.
    login(page, "alice")
    page.goto("/quizzes/")
    page.fill("input[name=code]", code)
    page.click("button:has-text('Join')")
    expect(page.locator("main")).to_contain_text("You joined Neuro block")
    page.click("text=Spine causes")
    page.click("button:has-text('Start attempt')")
    expect(page.locator("#countdown")).to_contain_text(re.compile(r"Time left: [45]:\d\d"))
    page.click("label:has-text('Right 1')")
    page.click("button:has-text('Save and next')")
    expect(page.locator("#answered-count")).to_have_text("1 of 2 answered")
    expect(page.locator("#attempt-question")).to_contain_text("Question 2?")
    page.click("label:has-text('Wrong 2a')")
    page.click("button:has-text('Save answer')")
    expect(page.locator("#answered-count")).to_have_text("2 of 2 answered")
    page.reload()
    expect(page.locator("#answered-count")).to_have_text("2 of 2 answered")
    page.click("button:has-text('Submit all answers')")
    expect(page.locator("#score")).to_have_text("Score: 1 / 2 (50%)")
    page.click("text=Log out")

    # The instructor sees it in the gradebook.
    login(page, "dr_carter")
    page.goto("/quizzes/")
    page.click("text=Neuro block")
    page.click("text=Gradebook")
    row = page.locator("#gradebook tbody tr", has_text="alice")
    expect(row).to_contain_text("50%")
    expect(row).to_contain_text("#1: 1/2 (50%)")


def test_without_javascript_the_server_closes_the_attempt_at_the_time_limit(
    browser, live_server, transactional_db
):
    import time_machine

    instructor = factories.make_instructor("dr_carter")
    student = factories.make_user("alice")
    factories.make_assignment(instructor, students=(student,), time_limit_minutes=5)
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        login(page, "alice")
        page.goto("/quizzes/")
        page.click("text=Week 1 quiz")
        page.click("button:has-text('Start attempt')")
        expect(page.locator("#countdown")).to_contain_text("Time left: 5 min")
        page.click("label:has-text('Right 1')")
        page.click("button:has-text('Save and next')")
        expect(page).to_have_url(re.compile(r"\?q=2$"))
        expect(page.locator("#answered-count")).to_have_text("1 of 2 answered")
        with time_machine.travel(timezone.now() + dt.timedelta(minutes=6)):
            page.reload()
            expect(page.locator("#score")).to_have_text("Score: 1 / 2 (50%)")
            expect(page.locator("main")).to_contain_text("Closed by the server at the time limit")
    finally:
        context.close()
