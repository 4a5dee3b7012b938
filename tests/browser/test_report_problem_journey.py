"""A learner reports a problem with a quiz question; the deck's editor sees the report and dismisses it."""

from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import login


def test_a_reported_question_reaches_the_editor_of_its_deck(page, transactional_db):
    instructor = factories.make_instructor("dr_carter")
    student = factories.make_user("alice")
    deck = factories.make_deck(title="Carpal tunnel syndrome", owner=instructor)
    drugs = factories.make_section(deck, kind="drugs", heading="Medications")
    item = factories.make_item(drugs, "Ibuprofen", gloss="NSAID")
    question = factories.make_question(
        stem="Ibuprofen is best described as?",
        options=("NSAID", "TCA", "SNRI", "opioid"),
        deck=deck,
        item_ids=(item.pk,),
        kind="item_to_gloss",
    )
    quiz_set = factories.make_quiz_set(instructor, title="Drug classes", questions=(question,))
    factories.make_assignment(instructor, quiz_set=quiz_set, students=(student,))

    # The student starts the quiz and reports the question.
    login(page, "alice")
    page.goto("/quizzes/")
    page.click("text=Drug classes")
    page.click("button:has-text('Start attempt')")
    expect(page.locator("#attempt-question")).to_contain_text("Ibuprofen is best described as?")
    page.click("text=Report a problem with this question")
    page.select_option("select[name=reason]", "ambiguous")
    page.fill("textarea[name=comment]", "Ibuprofen is also an analgesic")
    page.click("button:has-text('Send report')")
    expect(page.locator("#messages")).to_contain_text("the question is reported")
    page.click("text=Log out")

    # The deck's editor sees the report, with its count and comment, on the deck page, and dismisses it.
    login(page, "dr_carter")
    page.goto(f"/decks/{deck.pk}/")
    reports = page.locator("#reports")
    expect(reports).to_contain_text("1 report on a question")
    expect(reports).to_contain_text("Ibuprofen is best described as?")
    expect(reports).to_contain_text("Ambiguous: more than one answer fits ×1")
    expect(reports).to_contain_text("Ibuprofen is also an analgesic")
    reports.get_by_role("button", name="Dismiss").click()
    expect(page.locator("#messages")).to_contain_text("1 report dismissed")
    expect(page.locator("#reports")).to_contain_text("No open reports.")
