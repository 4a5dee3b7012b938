"""The dashboard's per-day review sums (ReviewDay, filled lazily by stats.summarise_review_days) against the review
log read directly, day after day, and after what changes closed days: an imported history, undo, a new time zone."""

import datetime as dt
import random

import pytest
from django.db.models import Min

from studyapp import stats
from studyapp.models import CardState, Review, ReviewDay
from studyapp.scheduling import Rating
from studyapp.services import reviews
from studyapp.services.cards import sync_cards
from tests import factories

pytestmark = pytest.mark.django_db

NEW, LEARNING, REVIEW = CardState.State.NEW, CardState.State.LEARNING, CardState.State.REVIEW
NOW = dt.datetime(2026, 10, 22, 10, 0, tzinfo=dt.UTC)  # Berlin leaves summer time on 25 October


def direct_days(user, now, days=stats.HEATMAP_DAYS) -> dict[dt.date, stats.Day]:
    """What the dashboard must show, from every review one by one with `User.study_date`."""
    today = user.study_date(now)
    first = today - dt.timedelta(days=days - 1)
    sums: dict[dt.date, dict[str, int]] = {}
    for review in Review.objects.filter(user=user, source=Review.Source.REVIEW):
        day = user.study_date(review.reviewed_at)
        if not first <= day <= today:
            continue
        judged = review.state_before == REVIEW
        young = review.last_interval_days < stats.MATURE_DAYS
        passed = review.rating > 1
        s = sums.setdefault(day, dict.fromkeys(stats.DAY_FIELDS, 0))
        s["reviews"] += 1
        s["ms"] += review.duration_ms
        s["new"] += review.state_before == NEW
        s["review_state"] += judged
        s["young_passed"] += judged and young and passed
        s["young_total"] += judged and young
        s["mature_passed"] += judged and not young and passed
        s["mature_total"] += judged and not young
    return {day: stats.Day(**s) for day, s in sums.items()}


def add_reviews(user, card, rng, n, start, end, source=Review.Source.REVIEW):
    span = (end - start).total_seconds()
    Review.objects.bulk_create(
        Review(
            user=user,
            card=card,
            rating=rng.choice((1, 2, 3, 3, 4)),
            reviewed_at=start + dt.timedelta(seconds=rng.uniform(0, span)),
            duration_ms=rng.randint(1000, 30000),
            source=source,
            state_before=rng.choice((NEW, LEARNING, REVIEW, REVIEW)),
            state_after=REVIEW,
            last_interval_days=rng.uniform(0, 60),
            snapshot_before={},
        )
        for _ in range(n)
    )


@pytest.fixture
def berliner():
    return factories.make_user("berliner", time_zone="Europe/Berlin", day_start_hour=4)


@pytest.fixture
def card(berliner):
    deck = factories.make_deck()
    factories.enroll(berliner, deck)
    return factories.make_card(deck)


@pytest.fixture
def year_of_reviews(berliner, card):
    """1,200 flashcard reviews (and some quiz answers) over the 400 days before NOW, across two DST changes."""
    rng = random.Random(10)
    add_reviews(berliner, card, rng, 1200, NOW - dt.timedelta(days=400), NOW)
    add_reviews(berliner, card, rng, 60, NOW - dt.timedelta(days=40), NOW, source=Review.Source.QUIZ)
    return rng


def test_summed_days_equal_the_review_log_read_directly_day_after_day(berliner, card, year_of_reviews):
    rng = year_of_reviews
    now = NOW
    for _ in range(8):  # through the end of summer time, studying every day, before and after the day start
        assert stats.review_days(berliner, now) == direct_days(berliner, now)
        assert stats.review_days(berliner, now, days=7) == direct_days(berliner, now, days=7)
        add_reviews(berliner, card, rng, 15, now, now + dt.timedelta(hours=20))
        now += dt.timedelta(hours=20)
    assert ReviewDay.objects.filter(user=berliner).count() > 300


def test_todays_answers_count_at_once_and_the_closed_days_are_not_summed_again(
    berliner, card, year_of_reviews
):
    stats.review_days(berliner, NOW)
    summed = set(ReviewDay.objects.filter(user=berliner).values_list("id", flat=True))
    factories.make_review(berliner, card, reviewed_at=NOW + dt.timedelta(minutes=1))
    assert stats.review_days(berliner, NOW) == direct_days(berliner, NOW)
    assert set(ReviewDay.objects.filter(user=berliner).values_list("id", flat=True)) == summed


def test_an_import_with_past_times_resums_from_its_first_day_only(berliner, card, year_of_reviews):
    stats.review_days(berliner, NOW)
    day_ids = dict(ReviewDay.objects.filter(user=berliner).values_list("date", "id"))
    # An Anki history arrives: reviews from 30 to 20 days ago, written now (new ids, old times)
    add_reviews(
        berliner, card, random.Random(2), 200, NOW - dt.timedelta(days=30), NOW - dt.timedelta(days=20)
    )
    assert stats.review_days(berliner, NOW) == direct_days(berliner, NOW)
    first_imported = berliner.study_date(
        Review.objects.filter(user=berliner).order_by("-id")[:200].aggregate(m=Min("reviewed_at"))["m"]
    )
    kept = dict(ReviewDay.objects.filter(user=berliner, date__lt=first_imported).values_list("date", "id"))
    assert kept == {day: pk for day, pk in day_ids.items() if day < first_imported}  # earlier days untouched
    assert (
        ReviewDay.objects.filter(user=berliner, date__gte=first_imported)
        .exclude(id__in=day_ids.values())
        .exists()
    )


def test_a_new_time_zone_or_day_start_cuts_every_day_anew(berliner, card, year_of_reviews):
    stats.review_days(berliner, NOW)
    berliner.time_zone = "America/Los_Angeles"
    assert stats.review_days(berliner, NOW) == direct_days(berliner, NOW)
    berliner.day_start_hour = 0
    assert stats.review_days(berliner, NOW) == direct_days(berliner, NOW)
    assert stats.review_days(berliner, NOW + dt.timedelta(days=3)) == direct_days(
        berliner, NOW + dt.timedelta(days=3)
    )


@pytest.fixture
def studied(student):
    deck = factories.make_deck(title="Foraminal narrowing")
    drugs = factories.make_section(deck, kind="drugs", heading="Drug Treatments")
    for position, term in enumerate(["Ibuprofen", "Amitriptyline", "Nortriptyline"]):
        factories.make_item(drugs, term, gloss="drug", position=position)
    factories.study_deck(student, deck)
    sync_cards(deck)
    return CardState.objects.filter(user=student, card__template="item_gloss").order_by("card__position")


def grade(user, card_state, now):
    card_state.refresh_from_db()
    result = reviews.record_review(
        user=user,
        card_state_id=card_state.pk,
        rating=Rating.GOOD,
        shown_version=card_state.version,
        duration_ms=4200,
        now=now,
    )
    assert result.recorded


def test_undo_of_answers_on_closed_days_takes_them_off_those_days(student, studied):
    first, second = studied[0], studied[1]
    monday = dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC)
    grade(student, first, monday)
    grade(student, second, monday + dt.timedelta(days=1))
    thursday = monday + dt.timedelta(days=3)
    assert (
        sum(d.reviews for d in stats.review_days(student, thursday).values()) == 2
    )  # both summed, days closed
    # Undo reaches back past today: the newest answer (Tuesday's), then Monday's
    assert reviews.undo_last_review(user=student, now=thursday).card_state is not None
    assert stats.review_days(student, thursday) == direct_days(student, thursday)
    assert list(stats.review_days(student, thursday)) == [student.study_date(monday)]
    assert reviews.undo_last_review(user=student, now=thursday).card_state is not None
    assert stats.review_days(student, thursday) == {}
    grade(student, first, thursday)
    assert stats.review_days(student, thursday) == direct_days(student, thursday)


@pytest.mark.parametrize("n_reviews", [10, 1000])
def test_reading_the_days_costs_two_queries_whatever_the_history(
    berliner, card, n_reviews, django_assert_num_queries
):
    add_reviews(berliner, card, random.Random(1), n_reviews, NOW - dt.timedelta(days=300), NOW)
    stats.review_days(berliner, NOW)  # the first load of the day sums what closed since the last one
    factories.make_review(berliner, card, reviewed_at=NOW + dt.timedelta(minutes=1))
    expected = direct_days(berliner, NOW)
    # the summary's mark (with whether reviews were added since, and whether its newest is still there); the
    # closed days and today's reviews, sent together
    with django_assert_num_queries(2):
        assert stats.review_days(berliner, NOW + dt.timedelta(minutes=2)) == expected
