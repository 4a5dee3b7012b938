import pytest
from django.http import Http404

from studyapp.models import Card, CardState, Deck, Enrollment
from studyapp.services.enrollment import add_deck_to_studies, remove_deck_from_studies
from tests import factories

pytestmark = pytest.mark.django_db


def _cards(deck, n, *, active=True):
    return [
        Card.objects.create(
            deck=deck, template="t", key=f"k{i}-{active}", front="f", back="b", is_active=active
        )
        for i in range(n)
    ]


def test_library_decks_are_visible_to_every_learner(student, instructor):
    deck = factories.make_deck()
    assert list(Deck.objects.visible_to(student)) == [deck]
    assert list(Deck.objects.visible_to(instructor)) == [deck]


def test_instructor_deck_is_visible_to_the_instructor_and_their_students_only(
    student, other_student, instructor, other_instructor
):
    deck = factories.make_deck(owner=instructor)
    factories.make_classroom(instructor, students=(student,))
    factories.make_classroom(other_instructor, students=(other_student,))
    assert [
        u
        for u in (student, other_student, instructor, other_instructor)
        if deck in Deck.objects.visible_to(u)
    ] == [
        student,
        instructor,
    ]


def test_student_in_two_of_the_instructors_classes_sees_the_deck_once(student, instructor):
    deck = factories.make_deck(owner=instructor)
    factories.make_classroom(instructor, name="A", students=(student,))
    factories.make_classroom(instructor, name="B", students=(student,))
    assert list(Deck.objects.visible_to(student)) == [deck]


def test_personal_deck_is_visible_to_its_owner_only(student, other_student, instructor):
    deck = factories.make_deck(owner=student)
    factories.make_classroom(instructor, students=(student, other_student))
    assert [u for u in (student, other_student, instructor) if deck in Deck.objects.visible_to(u)] == [
        student
    ]


def test_adding_a_deck_creates_new_states_for_its_active_cards(student):
    deck = factories.make_deck()
    active = _cards(deck, 3)
    _cards(deck, 2, active=False)
    enrollment = add_deck_to_studies(user=student, deck=deck)
    assert enrollment.active
    states = CardState.objects.filter(user=student)
    assert sorted(s.card_id for s in states) == sorted(c.pk for c in active)
    assert {s.state for s in states} == {CardState.State.NEW}


def test_removing_keeps_history_and_adding_again_only_fills_gaps(student):
    deck = factories.make_deck()
    first, _second = _cards(deck, 2)
    add_deck_to_studies(user=student, deck=deck)
    CardState.objects.filter(user=student, card=first).update(state=CardState.State.REVIEW, reps=5)
    remove_deck_from_studies(user=student, deck=deck)
    assert Enrollment.objects.get(user=student, deck=deck).active is False
    assert CardState.objects.filter(user=student).count() == 2
    third = Card.objects.create(deck=deck, template="t", key="new", front="f", back="b")
    add_deck_to_studies(user=student, deck=deck)
    assert Enrollment.objects.get(user=student, deck=deck).active is True
    assert CardState.objects.get(user=student, card=first).reps == 5
    assert CardState.objects.filter(user=student).count() == 3
    assert CardState.objects.get(user=student, card=third).state == CardState.State.NEW


def test_a_deck_the_learner_cannot_see_cannot_be_added(student, other_student, instructor):
    for deck in (factories.make_deck(owner=other_student), factories.make_deck(owner=instructor)):
        with pytest.raises(Http404):
            add_deck_to_studies(user=student, deck=deck)
    assert Enrollment.objects.count() == 0


def test_other_learners_states_do_not_count_as_mine(student, other_student):
    deck = factories.make_deck()
    _cards(deck, 2)
    add_deck_to_studies(user=other_student, deck=deck)
    add_deck_to_studies(user=student, deck=deck)
    assert CardState.objects.filter(user=student).count() == 2
