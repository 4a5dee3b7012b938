"""The review screen: scope and ownership, htmx fragments and full pages, idempotent answers, a constant
number of queries per answer."""

import datetime as dt
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from studyapp.models import Card, CardState, Review
from studyapp.scheduling import Rating
from studyapp.services import reviews
from studyapp.services.cards import sync_cards
from tests import factories

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 2, 15, 0, tzinfo=dt.UTC)
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def make_deck(owner=None, n_items: int = 3, title="Foraminal narrowing", per_list: int = 15):
    """Lists of up to `per_list` drugs, so a bigger deck has more lists of the same shape."""
    deck = factories.make_deck(title=title, owner=owner)
    for n in range(n_items):
        if n % per_list == 0:
            drugs = factories.make_section(deck, kind="drugs", heading=f"Drug Treatments {n}", position=n)
        factories.make_item(drugs, f"Drug {n}", gloss=f"Class {n % 2}", position=n)
    return deck


@pytest.fixture
def deck(student):
    deck = make_deck()
    factories.study_deck(student, deck)
    sync_cards(deck)
    return deck


def first_state(user) -> CardState:
    return CardState.objects.filter(user=user).order_by("card__position").first()


def answer(client, card_state, rating=3, version=None, **extra):
    data = {
        "card_state": card_state.pk,
        "version": card_state.version if version is None else version,
        "rating": rating,
        "shown_at": int(NOW.timestamp() * 1000) - 3000,
        **extra,
    }
    return client.post(reverse("studyapp:answer"), data, **extra.pop("headers", {}))


def test_the_review_page_shows_the_first_new_card_and_the_counts(student_client, deck):
    html = student_client.get(reverse("studyapp:review")).content.decode()
    assert "<html" in html and 'id="review-card"' in html
    assert "Drug 0: drug class?" in html
    assert "8 new" in html and "0 learning" in html and "0 to review" in html
    assert "Show answer" in html and "Class 0" not in html


def test_show_answer_reveals_the_back_and_buttons_with_their_intervals(student_client, deck):
    card_state = first_state(deck.enrollments.get().user)
    html = student_client.get(reverse("studyapp:review"), {"show": card_state.pk}).content.decode()
    assert "Class 0" in html
    labels = re.findall(r'data-key="(\d)"\s+class="grade grade-\d">([^<]+)<', html)
    # Easy's interval is fuzzed by a seed of card id and review count, so it is read from the scheduler.
    easy = reviews.preview_for(card_state, NOW, reviews.config_for(card_state.user))[Rating.EASY].label
    assert easy in {f"{days}d" for days in range(5, 12)}  # 8.3 days, give or take FSRS's fuzz
    assert labels == [("1", "Again · 1m"), ("2", "Hard · 6m"), ("3", "Good · 10m"), ("4", f"Easy · {easy}")]
    assert f'name="version" value="{card_state.version}"' in html


def test_htmx_requests_get_only_the_review_card_fragment(student_client, deck):
    response = student_client.get(reverse("studyapp:review"), **HTMX)
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="review-card"')
    assert "<html" not in html
    assert "HX-Request" in response["Vary"]


def test_a_plain_answer_redirects_back_to_the_review_page(student, student_client, deck):
    card_state = first_state(student)
    response = answer(student_client, card_state, rating=3)
    assert response.status_code == 302 and response["Location"] == reverse("studyapp:review")
    review = Review.objects.get()
    assert (review.rating, review.duration_ms) == (3, 3000)


def test_an_htmx_answer_returns_the_next_card(student, student_client, deck):
    card_state = first_state(student)
    html = answer(student_client, card_state, headers=HTMX).content.decode()
    assert "<html" not in html
    assert "Drug 1: drug class?" in html
    assert "6 new" in html and "1 learning" in html


def test_a_double_click_schedules_once_and_says_so(student, student_client, deck):
    card_state = first_state(student)
    answer(student_client, card_state, headers=HTMX)
    html = answer(student_client, card_state, rating=4, headers=HTMX).content.decode()
    assert "already answered" in html
    assert Review.objects.count() == 1


def test_undo_brings_the_answered_card_back_first(student, student_client, deck):
    card_state = first_state(student)
    answer(student_client, card_state)
    html = student_client.post(reverse("studyapp:undo"), **HTMX).content.decode()
    assert "Drug 0: drug class?" in html and "8 new" in html
    assert not Review.objects.exists()
    plain = student_client.post(reverse("studyapp:undo"))
    assert plain.status_code == 302


def test_card_actions_bury_suspend_and_flag(student, student_client, deck):
    card_state = first_state(student)
    url = reverse("studyapp:card-action")
    student_client.post(url, {"card_state": card_state.pk, "action": "flag", "flag": 1})
    student_client.post(url, {"card_state": card_state.pk, "action": "bury"})
    card_state.refresh_from_db()
    assert card_state.flag == 1 and card_state.buried_until == dt.date(2026, 3, 3)
    other = first_state(student).__class__.objects.exclude(pk=card_state.pk).filter(user=student).first()
    student_client.post(url, {"card_state": other.pk, "action": "suspend"})
    other.refresh_from_db()
    assert other.suspended


def test_card_actions_on_another_learners_card_are_404(student, other_student, client, deck):
    client.force_login(other_student)
    url = reverse("studyapp:card-action")
    response = client.post(url, {"card_state": first_state(student).pk, "action": "suspend"})
    assert response.status_code == 404
    assert answer(client, first_state(student)).status_code == 404
    assert not first_state(student).suspended


def test_scoping_to_a_deck_or_list_the_learner_cannot_see_is_404(student_client, other_student):
    private = make_deck(owner=other_student)
    url = reverse("studyapp:review")
    assert student_client.get(url, {"deck": private.pk}).status_code == 404
    assert student_client.get(url, {"section": private.sections.get().pk}).status_code == 404
    assert student_client.get(url, {"deck": "x"}).status_code == 404


def test_scoping_to_one_list_shows_only_its_cards(student, student_client, deck):
    other = factories.make_section(deck, kind="causes", heading="Causes", position=1)
    factories.make_item(other, "Schwannoma", gloss="benign", position=0)
    sync_cards(deck)
    html = student_client.get(reverse("studyapp:review"), {"section": other.pk}).content.decode()
    assert "Schwannoma: what kind of cause?" in html and "1 new" in html
    assert f'name="section" value="{other.pk}"' in html
    shown = CardState.objects.get(user=student, card__section=other)
    assert f'href="{reverse("studyapp:review")}?section={other.pk}&amp;show={shown.pk}&amp;shown=' in html


def test_the_flag_menu_offers_every_colour_and_selects_the_cards_flag(student, student_client, deck):
    card_state = first_state(student)
    response = student_client.post(
        reverse("studyapp:card-action"), {"card_state": card_state.pk, "action": "flag", "flag": 2}, **HTMX
    )
    html = response.content.decode()
    options = re.findall(
        r'<option value="(\d)"( selected)?>([^<]+)</option>', html.split('id="flag-choice"')[1]
    )
    assert options == [
        ("0", "", "No flag"),
        ("1", "", "Red"),
        ("2", " selected", "Orange"),
        ("3", "", "Green"),
        ("4", "", "Blue"),
    ]


def test_anonymous_learners_are_sent_to_log_in(client):
    response = client.get(reverse("studyapp:review"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def statements(captured) -> list[str]:
    """Each SQL statement as "VERB table", transaction control (SAVEPOINT/RELEASE here, BEGIN/COMMIT in
    production) left out."""
    named = []
    for query in captured:
        sql = query["sql"]
        verb = sql.split()[0].upper()
        if verb in {"SAVEPOINT", "RELEASE", "BEGIN", "COMMIT"}:
            continue
        while re.search(r"\([^()]*\)", sql):  # drop subqueries and column lists: the statement's own table
            sql = re.sub(r"\([^()]*\)", "", sql)
        table = re.search(r'(?:FROM|UPDATE|INTO)\s+"?(\w+)"?', sql).group(1)
        named.append(f"{verb} {table}")
    return named


@pytest.mark.parametrize("size", [5, 200])
def test_grade_and_next_card_cost_eight_statements_whatever_the_collection_size(
    student, student_client, size
):
    deck = make_deck(n_items=size, per_list=5)
    factories.study_deck(student, deck)
    sync_cards(deck)
    card_state = first_state(student)
    with CaptureQueriesContext(connection) as captured:
        response = answer(student_client, card_state, headers=HTMX)
    assert response.status_code == 200 and Review.objects.count() == 1
    assert statements(captured.captured_queries) == ANSWER_STATEMENTS
    assert len(captured) == len(ANSWER_STATEMENTS) + 2  # one SAVEPOINT and its RELEASE


ANSWER_STATEMENTS = [
    "SELECT django_session",
    "SELECT studyapp_user",  # with the latest fitted parameters and the answer counters
    "SELECT studyapp_cardstate",  # the card and its siblings, locked; is the card shown now
    "UPDATE studyapp_cardstate",  # bury the siblings
    "UPDATE studyapp_cardstate",  # the card's new schedule
    "INSERT studyapp_review",
    "UPDATE studyapp_user",  # the learner's answer counters
    "SELECT studyapp_cardstate",  # the queue: counts and the next card
]


def test_the_deck_owner_can_switch_templates_off(instructor, client):
    deck = make_deck(owner=instructor)
    sync_cards(deck)
    client.force_login(instructor)
    url = reverse("studyapp:deck-templates", kwargs={"deck_id": deck.pk})
    assert "Overlapping cloze" in client.get(url).content.decode()
    response = client.post(url, {"templates": ["item_gloss", "faq"]})
    assert response.status_code == 302
    deck.refresh_from_db()
    assert deck.disabled_card_templates == [
        "gloss_items",
        "group_members",
        "cloze",
        "list_recall",
        "front_back",
        "anki",
    ]
    assert set(Card.objects.filter(deck=deck, is_active=True).values_list("template", flat=True)) == {
        "item_gloss"
    }


def test_learners_cannot_change_a_library_decks_templates(student_client, deck):
    url = reverse("studyapp:deck-templates", kwargs={"deck_id": deck.pk})
    assert student_client.get(url).status_code == 404
    assert student_client.post(url, {"templates": []}).status_code == 404


def test_the_full_page_links_to_each_enrolled_deck_and_list_and_the_fragment_does_not(
    student_client, deck, other_student
):
    make_deck(owner=other_student, title="Someone else's deck")
    section = deck.sections.get()
    html = student_client.get(reverse("studyapp:review")).content.decode()
    assert f'href="/study/?deck={deck.pk}"' in html
    assert f'href="/study/?section={section.pk}"' in html
    assert "Someone else" not in html
    assert "?section=" not in student_client.get(reverse("studyapp:review"), **HTMX).content.decode()


def test_the_learner_is_told_when_an_answer_makes_a_card_a_leech(student, student_client, deck):
    student.leech_threshold = 1
    student.save()
    card_state = first_state(student)
    CardState.objects.filter(pk=card_state.pk).update(
        state=2, stability=5.0, difficulty=5.0, due=NOW, last_review=NOW - dt.timedelta(days=5)
    )
    html = answer(student_client, card_state, rating=1, headers=HTMX).content.decode()
    assert "has become a leech" in html and "suspended" in html
    assert CardState.objects.get(pk=card_state.pk).suspended


def test_without_javascript_a_learner_shows_the_answer_and_grades_by_plain_link_and_form(
    student_client, deck
):
    page = student_client.get(reverse("studyapp:review")).content.decode()
    show_url = re.search(r'<a class="button primary show-answer" href="([^"]+)"', page).group(1)
    page = student_client.get(show_url.replace("&amp;", "&")).content.decode()
    assert 'id="card-back"' in page and "Class 0" in page
    fields = dict(
        re.findall(r'<input type="hidden" name="(card_state|version|shown_at)" value="(\d+)">', page)
    )
    response = student_client.post(reverse("studyapp:answer"), {**fields, "rating": "3"}, follow=True)
    html = response.content.decode()
    assert response.redirect_chain == [(reverse("studyapp:review"), 302)]
    assert "Drug 1: drug class?" in html and "1 learning" in html
    assert Review.objects.get().rating == 3


def test_studying_chosen_items_shows_their_card_and_keeps_the_choice_in_the_answer_form(
    student, student_client, deck
):
    item = deck.items.order_by("position")[1]

    response = student_client.get(reverse("studyapp:review") + f"?items={item.pk}")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Drug 1" in html
    assert f'<input type="hidden" name="items" value="{item.pk}">' in html


def test_item_ids_that_are_not_plain_numbers_are_ignored(student, student_client, deck):
    response = student_client.get(reverse("studyapp:review") + "?items=%C2%B2,x,,")

    assert response.status_code == 200
    assert 'name="items"' not in response.content.decode()
