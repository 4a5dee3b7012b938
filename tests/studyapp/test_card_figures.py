"""The dashboard's card-state figures in SQL (card_figures) against the same figures computed card by card in
Python from `scheduling.forgetting_curve`, on a seeded collection with ties."""

import datetime as dt
import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from studyapp import card_figures, stats
from studyapp.models import CardState
from studyapp.scheduling import DEFAULT_DECAY, forgetting_curve
from tests import factories

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 6, 10, 15, 0, tzinfo=dt.UTC)
REVIEW = CardState.State.REVIEW


@pytest.fixture
def collection():
    """180 items over two lists, a third with a second card; few distinct stabilities and review times, so many
    cards share a recall (ties), and lapses break some of them."""
    rng = random.Random(7)
    learner = factories.make_user("many")
    deck = factories.make_deck(title="Big deck")
    factories.enroll(learner, deck)
    sections = [factories.make_section(deck, kind=kind) for kind in ("causes", "drugs")]
    for n in range(180):
        item = factories.make_item(sections[n % 2], f"Term {n:03d}", position=n)
        for copy in range(1 + (n % 3 == 0)):
            card = factories.make_card(deck, item=item, template=f"t{copy}")
            factories.make_card_state(
                learner,
                card,
                state=REVIEW,
                stability=rng.choice((0.5, 2.0, 10.0, 40.0)),
                difficulty=5.0,
                last_review=NOW - dt.timedelta(days=rng.choice((1, 3, 9))),
                due=NOW + dt.timedelta(days=rng.choice((-1, 2, 20))),
                lapses=rng.choice((0, 0, 1, 3)),
                suspended=rng.random() < 0.05,
            )
    # A deck the learner left, its cards the most forgotten of all: first by t / S, but never shown
    dropped = factories.make_deck(title="Dropped")
    factories.enroll(learner, dropped, active=False)
    left = factories.make_section(dropped, kind="causes")
    for n in range(30):
        card = factories.make_card(dropped, item=factories.make_item(left, f"Left {n}", position=n))
        factories.make_card_state(
            learner, card, state=REVIEW, stability=0.1, last_review=NOW - dt.timedelta(days=30), lapses=5
        )
    return learner


def direct_weakest(learner, limit=10):
    items: dict[int, dict] = {}
    live = CardState.objects.filter(user=learner, suspended=False, card__deck__title="Big deck")
    for s in live.select_related("card__item", "card__deck"):
        elapsed = (NOW - s.last_review).total_seconds() / 86400
        entry = items.setdefault(
            s.card.item_id, {"term": s.card.item.term, "now": 1.0, "tomorrow": 1.0, "lapses": 0}
        )
        entry["now"] = min(entry["now"], forgetting_curve(elapsed, s.stability))
        entry["tomorrow"] = min(entry["tomorrow"], forgetting_curve(elapsed + 1, s.stability))
        entry["lapses"] += s.lapses
    ranked = sorted(items.values(), key=lambda e: (e["tomorrow"], -e["lapses"], e["term"]))[:limit]
    return [(e["term"], e["now"], e["lapses"]) for e in ranked]


@pytest.mark.parametrize("limit", [1, 10, 40, 100])
def test_weakest_items_read_from_the_top_cards_equal_all_items_grouped_and_the_direct_ranking(
    collection, limit, monkeypatch
):
    with CaptureQueriesContext(connection) as queries:
        bounded = card_figures.weakest_items(collection, NOW, DEFAULT_DECAY, limit)
    # Up to 40 items: read from the top 100 cards; 100 items cannot come from 100 cards: all are grouped
    assert ("c.item_id IN (" in queries[-1]["sql"]) == (limit < 100)
    monkeypatch.setattr(card_figures, "CANDIDATE_CARDS", 10**6)
    grouped = card_figures.weakest_items(collection, NOW, DEFAULT_DECAY, limit)
    assert bounded == grouped
    expected = direct_weakest(collection, limit)
    assert [(w.term, w.lapses) for w in bounded] == [(term, lapses) for term, _, lapses in expected]
    assert [w.recall for w in bounded] == pytest.approx([recall for _, recall, _ in expected], abs=1e-9)


def test_mastery_and_todays_counts_equal_the_cards_counted_one_by_one(collection):
    states = list(
        CardState.objects.filter(user=collection, card__deck__title="Big deck").select_related(
            "card__section"
        )
    )
    by_deck, by_list = card_figures.mastery(collection, NOW, DEFAULT_DECAY)
    for rows, group in ((by_deck, lambda s: s.card.deck_id), (by_list, lambda s: s.card.section.kind)):
        for m in rows:
            mine = [s for s in states if group(s) == m.key]
            recalls = [
                forgetting_curve((NOW - s.last_review).total_seconds() / 86400, s.stability) for s in mine
            ]
            assert (m.cards, m.mastered, m.studied) == (
                len(mine),
                sum(s.stability >= stats.MATURE_DAYS for s in mine),
                len(mine),
            )
            assert m.recall == pytest.approx(sum(recalls) / len(recalls), abs=1e-9)
    shown = [s for s in states if not s.suspended]
    due_today = sum(s.due < collection.day_bounds(collection.study_date(NOW))[1] for s in shown)
    assert due_today > 5
    limits = type("Limits", (), {"review": 5, "new": 0})
    assert card_figures.available_today(collection, NOW, limits) == card_figures.Available(5, 0, 0)
    limits.review = 10_000
    assert card_figures.available_today(collection, NOW, limits).due == due_today
