"""Deck tallies against a direct count of the card states, after each kind of change that moves the figures:
an answer, undo, time passing, suspending, retiring an item, leaving a deck (a quiz outcome: tests/quizzes)."""

import datetime as dt

import pytest
from django.db.models import Count, Q
from django.urls import reverse

from studyapp import tallies
from studyapp.models import CardState, Deck, DeckTally, card_list_kind
from studyapp.services import enrollment, items as item_service, reviews
from studyapp.stats import MATURE_DAYS
from tests import factories

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 6, 10, 15, 0, tzinfo=dt.UTC)
HOUR, DAY = dt.timedelta(hours=1), dt.timedelta(days=1)
NEW, REVIEW = CardState.State.NEW, CardState.State.REVIEW


@pytest.fixture
def course(student, other_student, instructor):
    """Two lists of two items; alice has an overdue card, one falling due in two hours, a mastered one and a new
    one; bob a suspended overdue card and one due next week. A personal deck of alice's stays out."""
    deck = factories.make_deck(title="Spine", owner=instructor)
    causes, drugs = factories.make_section(deck), factories.make_section(deck, kind="drugs", position=1)
    cards = [
        factories.make_card(deck, item=factories.make_item(section, term))
        for section, term in (
            (causes, "Metastasis"),
            (causes, "Abscess"),
            (drugs, "Dexamethasone"),
            (drugs, "Morphine"),
        )
    ]
    state = factories.make_card_state
    for learner in (student, other_student):
        factories.enroll(learner, deck)
    state(
        student,
        cards[0],
        state=REVIEW,
        stability=3.0,
        difficulty=5.0,
        last_review=NOW - 3 * DAY,
        due=NOW - DAY,
    )
    state(
        student,
        cards[1],
        state=REVIEW,
        stability=4.0,
        difficulty=5.0,
        last_review=NOW - 3 * DAY,
        due=NOW + 2 * HOUR,
    )
    state(
        student,
        cards[2],
        state=REVIEW,
        stability=40.0,
        difficulty=5.0,
        last_review=NOW - 3 * DAY,
        due=NOW + 20 * DAY,
    )
    state(student, cards[3], state=NEW)
    state(
        other_student,
        cards[0],
        state=REVIEW,
        stability=2.0,
        difficulty=5.0,
        last_review=NOW - 3 * DAY,
        due=NOW - DAY,
        suspended=True,
    )
    state(
        other_student,
        cards[2],
        state=REVIEW,
        stability=30.0,
        difficulty=5.0,
        last_review=NOW - 3 * DAY,
        due=NOW + 7 * DAY,
    )
    private = factories.make_deck(title="Alice private", owner=student)
    factories.enroll(student, private)
    state(
        student, factories.make_card(private, item=factories.make_item(factories.make_section(private), "X"))
    )
    return {"deck": deck, "cards": cards, "learners": [student, other_student]}


def _decks(instructor):
    return Deck.objects.filter(owner=instructor)


def _read(course, instructor, now):
    learners = [type(u).objects.get(pk=u.pk) for u in course["learners"]]  # fresh cards_version
    figures = tallies.learner_cards(learners=learners, decks=_decks(instructor), now=now)
    return {u: (f.cards, f.overdue, f.by_kind) for u, f in figures.items()}


def _direct(course, instructor, now):
    """The figures counted straight from the states, as the class dashboard did before tallies."""
    result = {u.pk: (0, 0, {}) for u in course["learners"]}
    overdue = Q(suspended=False, due__lt=now) & ~Q(state=NEW)
    for row in (
        CardState.objects.filter(user__in=course["learners"], card__deck__in=_decks(instructor))
        .live()
        .annotate(kind=card_list_kind())
        .values("user_id", "kind")
        .annotate(
            cards=Count("id"),
            mastered=Count("id", filter=Q(stability__gte=MATURE_DAYS)),
            overdue=Count("id", filter=overdue),
        )
    ):
        cards, late, by_kind = result[row["user_id"]]
        by_kind[row["kind"]] = [row["cards"], row["mastered"]]
        result[row["user_id"]] = (cards + row["cards"], late + row["overdue"], by_kind)
    return result


def _counted_at(user):
    return DeckTally.objects.get(user=user).counted_at


def test_tallies_match_a_direct_count_and_are_read_back_without_recounting(
    course, instructor, student, other_student, django_assert_num_queries
):
    learners = list(type(student).objects.filter(pk__in=[student.pk, other_student.pk]))
    # enrolments, deck fingerprints, tallies; then the grouped recount, the due times and the upsert
    with django_assert_num_queries(6):
        tallies.learner_cards(learners=learners, decks=_decks(instructor), now=NOW)
    cold = _read(course, instructor, NOW)
    assert cold == _direct(course, instructor, NOW)
    assert cold[student.pk] == (4, 1, {"causes": [2, 0], "drugs": [2, 1]})
    assert cold[other_student.pk] == (2, 0, {"causes": [1, 0], "drugs": [1, 1]})
    with django_assert_num_queries(3):
        tallies.learner_cards(learners=learners, decks=_decks(instructor), now=NOW + HOUR)


def test_an_answer_recounts_only_its_learner(course, instructor, student, other_student):
    _read(course, instructor, NOW)
    state = CardState.objects.get(user=student, card=course["cards"][0])
    later = NOW + HOUR
    result = reviews.record_review(
        user=student,
        card_state_id=state.pk,
        rating=3,
        shown_version=state.version,
        duration_ms=1000,
        now=later,
    )
    assert result.review is not None
    assert _read(course, instructor, later) == _direct(course, instructor, later)
    assert _counted_at(student) == later and _counted_at(other_student) == NOW


def test_undoing_an_answer_recounts(course, instructor, student):
    state = CardState.objects.get(user=student, card=course["cards"][0])
    reviews.record_review(
        user=student, card_state_id=state.pk, rating=3, shown_version=state.version, duration_ms=1000, now=NOW
    )
    answered = _read(course, instructor, NOW + HOUR)
    reviews.undo_last_review(user=type(student).objects.get(pk=student.pk), now=NOW + HOUR)
    undone = _read(course, instructor, NOW + HOUR)
    assert undone == _direct(course, instructor, NOW + HOUR) and undone != answered


def test_cards_falling_due_count_as_overdue_without_a_recount_until_the_horizon(course, instructor, student):
    assert _read(course, instructor, NOW)[student.pk][1] == 1
    in_three_hours = NOW + 3 * HOUR
    assert _read(course, instructor, in_three_hours) == _direct(course, instructor, in_three_hours)
    assert _read(course, instructor, in_three_hours)[student.pk][1] == 2
    assert _counted_at(student) == NOW
    after_horizon = NOW + tallies.HORIZON + HOUR
    assert _read(course, instructor, after_horizon) == _direct(course, instructor, after_horizon)
    assert _counted_at(student) == after_horizon


def test_suspending_from_the_review_screen_recounts(client, course, instructor, student):
    _read(course, instructor, NOW)
    state = CardState.objects.get(user=student, card=course["cards"][0])
    client.force_login(student)
    client.post(reverse("studyapp:card-action"), {"card_state": state.pk, "action": "suspend"})
    assert CardState.objects.get(pk=state.pk).suspended
    assert _read(course, instructor, NOW) == _direct(course, instructor, NOW)
    assert _read(course, instructor, NOW)[student.pk][1] == 0


def test_retiring_an_item_and_leaving_the_deck_recount(course, instructor, student, other_student):
    _read(course, instructor, NOW)
    item_service.retire_item(item=course["cards"][2].item)
    assert _read(course, instructor, NOW) == _direct(course, instructor, NOW)
    assert _read(course, instructor, NOW)[other_student.pk][0] == 1
    enrollment.remove_deck_from_studies(user=student, deck=course["deck"])
    assert _read(course, instructor, NOW) == _direct(course, instructor, NOW)
    assert _read(course, instructor, NOW)[student.pk] == (0, 0, {})


def test_the_worker_recounts_tallies_before_their_window_ends_so_readers_need_no_recount(
    course, instructor, student, other_student, django_assert_num_queries
):
    _read(course, instructor, NOW)
    shortly_before = NOW + tallies.HORIZON - tallies.REFRESH_AHEAD / 2
    assert tallies.refresh_expiring(now=shortly_before) == 2
    assert _counted_at(student) == shortly_before
    assert tallies.refresh_expiring(now=shortly_before + HOUR / 4) == 0  # nothing left to do
    after_old_window = NOW + tallies.HORIZON + HOUR
    learners = list(type(student).objects.filter(pk__in=[student.pk, other_student.pk]))
    with django_assert_num_queries(3):  # enrolments, deck fingerprints, tallies: no recount
        tallies.learner_cards(learners=learners, decks=_decks(instructor), now=after_old_window)
    assert _read(course, instructor, after_old_window) == _direct(course, instructor, after_old_window)


def test_past_the_recount_limit_figures_are_the_last_count_marked_with_its_time(
    course, instructor, student, other_student
):
    earlier = _read(course, instructor, NOW)
    state = CardState.objects.get(user=student, card=course["cards"][0])  # overdue: answered, due later
    reviews.record_review(
        user=student, card_state_id=state.pk, rating=3, shown_version=state.version, duration_ms=1000, now=NOW
    )
    learners = list(type(student).objects.filter(pk__in=[student.pk, other_student.pk]))
    later = NOW + HOUR
    figures = tallies.learner_cards(learners=learners, decks=_decks(instructor), now=later, recount_limit=0)
    behind = figures[student.pk]
    assert behind.as_of == NOW and not behind.current
    assert (behind.cards, behind.overdue, behind.by_kind) == earlier[student.pk]  # overdue 1, as counted
    assert figures[other_student.pk].current
    assert _read(course, instructor, later)[student.pk][1] == 0  # without a limit: recounted
