"""A learner sets an exam date: the plan shows its predicted daily load before it is saved, then the dashboard
counts down to it; the workload simulator loads into the plans page."""

import datetime as dt

from django.utils import timezone
from playwright.sync_api import expect

from studyapp.models import CardState, ExamPlan
from tests import factories
from tests.browser.conftest import login


def test_learner_previews_an_exam_plan_then_commits_to_it(page, transactional_db):
    learner = factories.make_user("planner")
    deck = factories.make_deck(title="Foraminal narrowing")
    drugs = factories.make_section(deck, kind="drugs", heading="Drug Treatments")
    factories.enroll(learner, deck)
    now = timezone.now()
    for i in range(20):
        card = factories.make_card(deck, section=drugs, position=i)
        fields = {}
        if i < 8:  # learned a while ago, due after the exam
            fields = {
                "state": CardState.State.REVIEW,
                "stability": 30.0,
                "difficulty": 5.0,
                "last_review": now - dt.timedelta(days=2),
                "due": now + dt.timedelta(days=28),
            }
        factories.make_card_state(learner, card, **fields)
    exam_day = learner.study_date(now) + dt.timedelta(days=21)

    login(page, "planner")
    page.goto("/accounts/settings/")
    page.get_by_role("link", name="Plans").click()
    expect(page.locator("h1")).to_have_text("Plans")
    expect(page.locator("#simulator-table")).to_be_visible()  # loaded by htmx
    expect(page.locator("#simulator-table tbody tr")).to_have_count(3)

    page.select_option("select[name=material]", label="Foraminal narrowing — Drug Treatments")
    page.fill("input[name=exam_date]", exam_day.isoformat())
    page.get_by_role("button", name="Show the predicted load").click()
    preview = page.locator("#exam-preview")
    expect(preview).to_contain_text("Predicted load until")
    expect(preview).to_contain_text("20 cards")
    expect(preview).to_contain_text("minutes a day")
    expect(preview.locator("svg rect.bar")).to_have_count(22)
    assert not ExamPlan.objects.exists()  # a preview commits nothing

    page.get_by_role("button", name="Save this exam plan").click()
    expect(page.locator("#messages")).to_contain_text("Exam plan saved: Foraminal narrowing: Drug Treatments")
    expect(page.locator("#exam-plans")).to_contain_text(exam_day.strftime("%a %-d %b %Y"))
    plan = ExamPlan.objects.get(user=learner)
    assert (plan.section, plan.exam_date) == (drugs, exam_day)
    # the learned cards that would have reached the exam below the target now come before it
    assert all(learner.study_date(s.due) < exam_day for s in CardState.objects.filter(user=learner, state=2))

    page.goto("/")
    expect(page.locator("#exam-list")).to_contain_text("Exam on Drug Treatments")
