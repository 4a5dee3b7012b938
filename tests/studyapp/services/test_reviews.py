"""record_review, undo, leeches, card actions and quiz outcomes."""

import datetime as dt

import pytest

from studyapp.models import Card, CardState, ParameterFit, Review
from studyapp.scheduling import DEFAULT_PARAMETERS, Rating
from studyapp.services import reviews
from studyapp.services.cards import sync_cards
from tests import factories

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def deck(student):
    deck = factories.make_deck(title="Foraminal narrowing")
    drugs = factories.make_section(deck, kind="drugs", heading="Drug Treatments")
    factories.make_item(drugs, "Ibuprofen", gloss="NSAID", position=0)
    factories.make_item(drugs, "Amitriptyline", gloss="TCA", position=1)
    factories.make_item(drugs, "Nortriptyline", gloss="TCA", position=2)
    factories.study_deck(student, deck)
    sync_cards(deck)
    return deck


def state_of(user, key: str) -> CardState:
    return CardState.objects.get(user=user, card__key=key)


def grade(user, card_state, rating, now=NOW, version=None):
    return reviews.record_review(
        user=user,
        card_state_id=card_state.pk,
        rating=rating,
        shown_version=card_state.version if version is None else version,
        duration_ms=4200,
        now=now,
    )


def test_good_on_a_new_card_moves_it_to_the_second_learning_step_and_logs_it(student, deck):
    card_state = state_of(student, "item_gloss:drugs:ibuprofen")
    result = grade(student, card_state, Rating.GOOD)
    card_state.refresh_from_db()
    assert result.recorded
    assert (card_state.state, card_state.step, card_state.reps, card_state.version) == (1, 1, 1, 1)
    assert card_state.due == NOW + dt.timedelta(minutes=10)
    review = Review.objects.get()
    assert (review.rating, review.state_before, review.state_after, review.duration_ms) == (3, 0, 1, 4200)
    assert review.scheduled_days == round(10 / 1440, 4)
    assert review.snapshot_before["version"] == 0


def test_a_review_logs_the_interval_the_card_had_so_the_dashboard_can_tell_young_from_mature(student, deck):
    card_state = state_of(student, "item_gloss:drugs:ibuprofen")
    CardState.objects.filter(pk=card_state.pk).update(
        state=CardState.State.REVIEW,
        stability=25.0,
        difficulty=5.0,
        last_review=NOW - dt.timedelta(days=30),
        due=NOW - dt.timedelta(days=2),
    )
    card_state.refresh_from_db()
    grade(student, card_state, Rating.GOOD)
    review = Review.objects.get()
    assert review.last_interval_days == 28
    assert review.elapsed_days == 30


def test_the_same_version_answered_twice_schedules_once(student, deck):
    card_state = state_of(student, "item_gloss:drugs:ibuprofen")
    first = grade(student, card_state, Rating.GOOD)
    second = grade(student, card_state, Rating.EASY, version=0)
    assert first.recorded and not second.recorded
    assert "already answered" in second.message
    assert Review.objects.count() == 1
    card_state.refresh_from_db()
    assert (card_state.state, card_state.version) == (1, 1)


def test_answering_another_learners_card_is_refused(student, other_student, deck):
    card_state = state_of(student, "item_gloss:drugs:ibuprofen")
    with pytest.raises(CardState.DoesNotExist):
        grade(other_student, card_state, Rating.GOOD)
    assert not Review.objects.exists()


def test_answering_one_sibling_buries_the_others_until_tomorrow(student, deck):
    grade(student, state_of(student, "item_gloss:drugs:ibuprofen"), Rating.GOOD)
    sibling = state_of(student, "cloze:drugs:ibuprofen")
    assert sibling.buried_until == dt.date(2026, 3, 3)
    assert state_of(student, "cloze:drugs:amitriptyline").buried_until is None


def test_undo_restores_the_card_and_its_siblings_exactly_and_removes_the_review(student, deck):
    card_state = state_of(student, "item_gloss:drugs:ibuprofen")
    grade(student, card_state, Rating.GOOD, now=NOW)
    card_state.refresh_from_db()
    expected = reviews.snapshot(card_state)
    grade(student, card_state, Rating.GOOD, now=NOW + dt.timedelta(minutes=11))
    result = reviews.undo_last_review(user=student, now=NOW + dt.timedelta(minutes=12))
    restored = CardState.objects.get(pk=card_state.pk)
    assert result.card_state.pk == card_state.pk
    assert reviews.snapshot(restored) == expected
    assert Review.objects.count() == 1
    reviews.undo_last_review(user=student, now=NOW + dt.timedelta(minutes=13))
    restored.refresh_from_db()
    assert (restored.state, restored.step, restored.reps, restored.due, restored.stability) == (
        0,
        None,
        0,
        None,
        None,
    )
    assert state_of(student, "cloze:drugs:ibuprofen").buried_until is None
    assert not Review.objects.exists()


def test_undo_makes_the_form_shown_before_it_stale(student, deck):
    card_state = state_of(student, "item_gloss:drugs:ibuprofen")
    grade(student, card_state, Rating.GOOD)
    reviews.undo_last_review(user=student, now=NOW)
    assert not grade(student, card_state, Rating.GOOD, version=1).recorded
    assert Review.objects.count() == 0


def test_undo_touches_only_the_learners_own_answers(student, other_student, deck):
    factories.study_deck(other_student, deck)
    grade(student, state_of(student, "item_gloss:drugs:ibuprofen"), Rating.GOOD)
    assert reviews.undo_last_review(user=other_student, now=NOW).card_state is None
    assert Review.objects.count() == 1


def test_eighth_lapse_tags_and_suspends_the_leech_and_tells_the_learner(student, deck):
    card_state = state_of(student, "item_gloss:drugs:ibuprofen")
    now = NOW
    messages = []
    for _ in range(8):
        card_state.state, card_state.step = CardState.State.REVIEW, None
        card_state.stability, card_state.difficulty = 5.0, 5.0
        card_state.due, card_state.last_review = now, now - dt.timedelta(days=5)
        card_state.save()
        messages.append(grade(student, card_state, Rating.AGAIN, now=now).message)
        card_state.refresh_from_db()
        now += dt.timedelta(days=5)
    assert card_state.lapses == 8
    assert card_state.is_leech and card_state.suspended
    assert messages[:7] == [""] * 7
    assert "leech" in messages[7] and "suspended" in messages[7]


def test_a_learner_may_keep_leeches_unsuspended(student, deck):
    student.leech_threshold, student.leech_suspends = 1, False
    student.save()
    card_state = state_of(student, "item_gloss:drugs:ibuprofen")
    CardState.objects.filter(pk=card_state.pk).update(
        state=2, stability=5.0, difficulty=5.0, due=NOW, last_review=NOW - dt.timedelta(days=5)
    )
    card_state.refresh_from_db()
    result = grade(student, card_state, Rating.AGAIN)
    card_state.refresh_from_db()
    assert result.became_leech and card_state.is_leech and not card_state.suspended


def test_config_uses_the_learners_settings_and_latest_fitted_parameters(student):
    student.desired_retention, student.learning_steps, student.maximum_interval_days = 0.85, "30s 5m 1h", 365
    student.save()
    assert reviews.config_for(student).parameters == tuple(DEFAULT_PARAMETERS)
    fitted = [round(p * 1.01, 4) for p in DEFAULT_PARAMETERS]
    ParameterFit.objects.create(user=student, parameters=[1.0] * 21, review_count=500, fitted_at=NOW)
    ParameterFit.objects.create(
        user=student, parameters=fitted, review_count=900, fitted_at=NOW + dt.timedelta(days=1)
    )
    config = reviews.config_for(student)
    assert config.parameters == tuple(fitted)
    assert config.desired_retention == 0.85
    assert config.learning_steps == (dt.timedelta(seconds=30), dt.timedelta(minutes=5), dt.timedelta(hours=1))
    assert config.maximum_interval == 365


def test_suspend_bury_and_flag_change_the_card_and_its_version(student, deck):
    card_state = state_of(student, "item_gloss:drugs:ibuprofen")
    reviews.suspend(user=student, card_state_id=card_state.pk)
    reviews.bury(user=student, card_state_id=card_state.pk, now=NOW)
    reviews.flag(user=student, card_state_id=card_state.pk, flag=CardState.Flag.RED)
    card_state.refresh_from_db()
    assert card_state.suspended and card_state.buried_until == dt.date(2026, 3, 3)
    assert (card_state.flag, card_state.version) == (CardState.Flag.RED, 3)


def test_a_quiz_answer_grades_the_cards_of_its_items_the_learner_has_started(student, deck):
    ibuprofen = Card.objects.get(key="item_gloss:drugs:ibuprofen").item
    started = state_of(student, "item_gloss:drugs:ibuprofen")
    grade(student, started, Rating.GOOD)
    logged = reviews.record_item_outcome(
        user=student, item_ids=[ibuprofen.pk], correct=False, now=NOW + dt.timedelta(hours=1)
    )
    assert [(r.card.key, r.rating, r.source) for r in logged] == [("item_gloss:drugs:ibuprofen", 1, "quiz")]
    assert state_of(student, "cloze:drugs:ibuprofen").state == CardState.State.NEW
