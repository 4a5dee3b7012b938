"""The learner dashboard at `/`: the learner's own figures, a fragment for htmx, and a fixed query count."""

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse

from studyapp.models import CardState
from tests import factories

NOW = dt.datetime(2026, 6, 10, 15, 0, tzinfo=dt.UTC)
REVIEW = CardState.State.REVIEW


def studied_deck(user, *, reviews: int, cards: int = 5, term: str = "Metastasis"):
    deck = factories.make_deck(title=f"{user.username}'s deck")
    factories.enroll(user, deck)
    section = factories.make_section(deck, kind="causes")
    made = []
    for i in range(cards):
        item = factories.make_item(section, f"{term} {i}", gloss="spread")
        card = factories.make_card(deck, item=item)
        factories.make_card_state(
            user,
            card,
            state=REVIEW,
            stability=3.0 + i * 10,
            last_review=NOW - dt.timedelta(days=2),
            lapses=i,
            due=NOW + dt.timedelta(days=i),
        )
        made.append(card)
    for n in range(reviews):
        factories.make_review(
            user,
            made[n % cards],
            reviewed_at=NOW - dt.timedelta(hours=7 * n),
            rating=1 + n % 4,
            last_interval_days=n % 40,
            duration_ms=30_000,
        )
    return deck


def quizzed(user, classmate, *, attempts: int) -> None:
    """`attempts` finished quizzes for the learner, practice and assigned by turns, on two assignments of a class
    that shows its average; the classmate has as many."""
    instructor = factories.make_instructor()
    classroom = factories.make_classroom(instructor, students=(user, classmate))
    assignments = [
        factories.make_assignment(
            classroom=classroom, max_attempts=attempts, opens_at=NOW - dt.timedelta(days=30)
        )
        for _ in range(2)
    ]
    for n in range(attempts):
        when = NOW - dt.timedelta(hours=5 * n + 1)
        for learner in (user, classmate):
            assignment = None if n % 2 else assignments[n % 4 // 2]
            factories.make_finished_attempt(learner, assignment, score=(n % 5) / 4, submitted_at=when)


def text_of(html: str, element_id: str) -> str:
    match = re.search(rf'id="{element_id}"[^>]*>(.*?)</', html, re.S)
    assert match, element_id
    return match.group(1).strip()


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_dashboard_shows_todays_figures_and_links_to_study(student_client, student):
    studied_deck(student, reviews=3)
    html = student_client.get(reverse("home")).content.decode()
    # 3 reviews at 15:00, 08:00 and 01:00 UTC: the learner's day (UTC, from 4 AM) holds the first two
    assert text_of(html, "today-reviews") == "2"
    assert text_of(html, "today-minutes") == "1"
    assert text_of(html, "today-due") == "1"  # the card due now; the others come due on later days
    assert text_of(html, "streak") == "2"
    weakest = re.search(r'href="/study/\?items=([0-9%C,]+)"', html)
    assert 'href="/study/"' in html and weakest  # "Study just these" names the weakest items
    assert "Metastasis 0" in html  # weakest item: lowest stability


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_a_student_never_sees_another_students_progress(client, student, other_student):
    studied_deck(student, reviews=5, term="Alice-only term")
    client.force_login(other_student)
    html = client.get(reverse("home")).content.decode()
    assert "Alice-only term" not in html and "alice&#x27;s deck" not in html
    assert text_of(html, "today-reviews") == "0"
    assert text_of(html, "streak") == "0"


@pytest.mark.django_db
def test_anonymous_visitors_read_what_the_app_is(client):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "Remember the lists medicine asks of you" in response.text
    assert reverse("signup") in response.text and reverse("login") in response.text


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_item_text_is_escaped(student_client, student):
    studied_deck(student, reviews=1, term="<script>x</script>")
    html = student_client.get(reverse("home")).content.decode()
    assert "<script>x</script>" not in html and "&lt;script&gt;x&lt;/script&gt;" in html


@pytest.mark.django_db
def test_htmx_request_gets_the_dashboard_fragment_only(student_client):
    response = student_client.get(reverse("home"), headers={"HX-Request": "true"})
    html = response.content.decode()
    assert 'id="dashboard"' in html and "<html" not in html
    assert "HX-Request" in response["Vary"]
    full = student_client.get(reverse("home")).content.decode()
    assert "<html" in full and 'id="dashboard"' in full


@pytest.mark.django_db
def test_charts_are_svg_with_titles_and_table_alternatives_without_inline_style(student_client):
    html = student_client.get(reverse("home")).content.decode()
    assert html.count("<svg") == 2
    assert 'aria-labelledby="heatmap-title"' in html and 'aria-labelledby="forecast-title"' in html
    for table in ("activity-table", "forecast-table", "retention-table", "mastery-decks", "mastery-lists"):
        assert f'id="{table}"' in html
    assert "style=" not in html
    assert html.count('class="heat-') == 365


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(("reviews", "attempts"), [(10, 1), (200, 10)])
def test_dashboard_query_count_does_not_grow_with_reviews(
    student_client, student, other_student, reviews, attempts, django_assert_num_queries
):
    studied_deck(student, reviews=reviews, cards=reviews // 10)
    quizzed(student, other_student, attempts=attempts)
    student_client.get(reverse("home"))  # the first visit of the day sums the closed days, once
    # session + user (with the latest fitted parameters, and no backlog plan: the daily limits need no query),
    # summary mark (with reviews added since); one batch (one round trip on PostgreSQL) of closed days, today's
    # reviews, mastery (by deck and list in one scan), forecast, the weakest items' top cards; a second of the
    # cards available today and the weakest items; plans: upcoming exams, backlog plan; quizzes: abandoned
    # attempts to close, scores by day, assignments, grades; study next: quiz mistakes by list, assignments
    # closing soon, coming releases; percentile: classes, answers
    with django_assert_num_queries(16):
        assert student_client.get(reverse("home")).status_code == 200
