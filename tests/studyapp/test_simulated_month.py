"""A learner studies a deck shaped like the seed article every day for a month, answering everything due with a
fixed pattern of ratings. Every rule of the daily loop holds on every day."""

import datetime as dt
from collections import defaultdict
from itertools import pairwise

import pytest
import time_machine
from django.utils import timezone

from studyapp import queue
from studyapp.models import CardState, Review
from studyapp.scheduling import Rating
from studyapp.services import reviews
from studyapp.services.cards import sync_cards
from tests import factories

pytestmark = pytest.mark.django_db

TYPES = {
    "Primary benign tumors": ["Schwannoma", "Neurofibroma", "Meningioma"],
    "Primary malignant tumors": ["Sarcoma", "Chordoma"],
    "Secondary (metastatic) tumors": ["Breast", "Prostate", "Lung", "Renal cell carcinoma"],
}
DRUGS = [
    ("Ibuprofen", "NSAID"),
    ("Naproxen", "NSAID"),
    ("Diclofenac", "NSAID"),
    ("Celecoxib", "COX-2 inhibitor"),
    ("Tramadol", "opioid analgesic"),
    ("Amitriptyline", "TCA"),
    ("Nortriptyline", "TCA"),
    ("Gabapentin", "anticonvulsant"),
    ("Pregabalin", "anticonvulsant"),
]
TESTS = [
    ("MRI of the spine", "soft tissue, nerve root visualization"),
    ("CT scan", "bone detail, bony invasion"),
    ("Bone scan", "osteoblastic activity"),
    ("Serum protein electrophoresis", "myeloma"),
    ("Electromyography", ""),
    ("CT-guided percutaneous biopsy", "tissue diagnosis"),
]
SYMPTOMS = [
    "Localized pain",
    "Radiating pain",
    "Numbness",
    "Tingling",
    "Muscle weakness",
    "Muscle atrophy",
    "Hyporeflexia",
    "Gait disturbance",
    "Weak grip strength",
    "Foot drop",
    "Night pain",
]
RATINGS = [
    Rating.GOOD,
    Rating.GOOD,
    Rating.AGAIN,
    Rating.GOOD,
    Rating.HARD,
    Rating.GOOD,
    Rating.GOOD,
    Rating.EASY,
]


def seed_shaped_deck():
    deck = factories.make_deck(title="Neoplastic foraminal narrowing")
    types = factories.make_section(deck, kind="types", heading="By Tumor Origin", position=0)
    position = 0
    for g, (name, members) in enumerate(TYPES.items()):
        group = factories.make_group(types, name, position=g)
        for term in members:
            factories.make_item(types, term, group=group, position=position)
            position += 1
    drugs = factories.make_section(deck, kind="drugs", heading="Drug Treatments", position=1)
    for n, (term, gloss) in enumerate(DRUGS):
        factories.make_item(drugs, term, gloss=gloss, position=n)
    tests = factories.make_section(deck, kind="diagnostic_tests", heading="Diagnostic Tests", position=2)
    for n, (term, gloss) in enumerate(TESTS):
        factories.make_item(tests, term, gloss=gloss, position=n)
    symptoms = factories.make_section(deck, kind="symptoms", heading="Symptoms", position=3)
    for n, term in enumerate(SYMPTOMS):
        factories.make_item(symptoms, term, position=n)
    faq = factories.make_section(deck, kind="faq", heading="FAQ", position=4)
    factories.make_item(faq, "Is neoplastic foraminal narrowing common?", answer="No.", position=0)
    return deck


def test_a_month_of_daily_study_keeps_every_rule(student):
    student.time_zone, student.day_start_hour = "Europe/Berlin", 4
    student.new_cards_per_day, student.reviews_per_day = 8, 12
    student.save()
    deck = seed_shaped_deck()
    factories.study_deck(student, deck)
    sync_cards(deck)
    total_cards = CardState.objects.filter(user=student).count()
    assert total_cards == 60

    answered = 0
    first_day = dt.date(2026, 3, 2)
    for offset in range(30):
        day = first_day + dt.timedelta(days=offset)
        # 07:30 in Berlin; the clock moves 20 seconds per answer, so learning steps come due within the session.
        moment = dt.datetime.combine(day, dt.time(7, 30), tzinfo=student.tzinfo)
        with time_machine.travel(moment, tick=False) as clock:
            opening = queue.build_queue(student, timezone.now()).counts
            assert opening.new <= 8 and opening.review <= 12
            for _ in range(500):
                built = queue.build_queue(student, timezone.now())
                if built.card_state is None:
                    break
                card_state = built.card_state
                result = reviews.record_review(
                    user=student,
                    card_state_id=card_state.pk,
                    rating=RATINGS[answered % len(RATINGS)],
                    shown_version=card_state.version,
                    duration_ms=5000,
                    now=timezone.now(),
                )
                assert result.recorded
                answered += 1
                clock.shift(dt.timedelta(seconds=20))
            else:
                pytest.fail(f"{day}: the queue never emptied")
            closing = queue.build_queue(student, timezone.now()).counts
            assert closing.total == 0

        start, end = student.day_bounds(day)
        todays = Review.objects.filter(user=student, reviewed_at__gte=start, reviewed_at__lt=end)
        assert todays.filter(state_before=CardState.State.NEW).count() <= 8, day
        assert todays.filter(state_before=CardState.State.REVIEW).count() <= 12, day
        cards_per_item = defaultdict(set)
        for card_id, item_id in todays.values_list("card_id", "card__item_id"):
            if item_id is not None:
                cards_per_item[item_id].add(card_id)
        assert all(len(cards) == 1 for cards in cards_per_item.values()), f"{day}: siblings on the same day"

    introduced = Review.objects.filter(user=student, state_before=CardState.State.NEW).count()
    assert introduced == min(total_cards, 8 * 30) == 60  # every card was introduced, eight a day
    assert Review.objects.filter(user=student).count() == answered
    states = CardState.objects.filter(user=student)
    assert sum(s.reps for s in states) == answered
    assert not states.filter(state=CardState.State.NEW).exists()
    assert_intervals_grow_on_success(student)


def assert_intervals_grow_on_success(student):
    """In review, a card's stability grows with every Good or Easy that follows a success; its interval is fuzzed,
    so it is compared across each run of three or more successes: the run ends no closer, and almost always
    further apart, than it began."""
    by_card = defaultdict(list)
    for review in Review.objects.filter(user=student, state_before=CardState.State.REVIEW).order_by(
        "reviewed_at"
    ):
        by_card[review.card_id].append(review)
    pairs, runs = 0, []
    for history in by_card.values():
        for previous, current in pairwise(history):
            if previous.rating >= Rating.GOOD and current.rating >= Rating.GOOD:
                assert current.stability_after > previous.stability_after
                pairs += 1
        run: list[float] = []
        for review in [*history, None]:
            if review is not None and review.rating >= Rating.GOOD:
                run.append(review.scheduled_days)
                continue
            if len(run) >= 3:
                runs.append(run)
            run = []
    assert pairs >= 50 and len(runs) >= 5
    # A card made hard by lapses (difficulty near 10) may hold at a day or two while its stability climbs.
    assert all(run[-1] >= run[0] for run in runs), runs
    assert sum(run[-1] > run[0] for run in runs) >= 0.8 * len(runs), runs
    assert max(run[-1] for run in runs) > 14
