from io import StringIO

import pytest
from django.core.management import call_command

from quizzes.models import ClassMembership
from studyapp.models import CardState, Deck, User


@pytest.mark.django_db
def test_setup_demo_loads_the_deck_and_makes_a_student_ready_to_study():
    out = StringIO()
    call_command("setup_demo", stdout=out)
    assert "Demo student login: student / " in out.getvalue()
    student, instructor = User.objects.get(username="student"), User.objects.get(username="instructor")
    assert instructor.is_instructor and not student.is_instructor
    assert ClassMembership.objects.filter(student=student, classroom__instructor=instructor).exists()
    deck = Deck.objects.get(slug="neoplastic-foraminal-narrowing")
    assert (
        CardState.objects.filter(user=student, card__deck=deck).count()
        == deck.cards.filter(is_active=True).count()
        > 100
    )


@pytest.mark.django_db
def test_setup_demo_twice_keeps_the_passwords_and_changes_nothing():
    call_command("setup_demo", stdout=StringIO())
    states = CardState.objects.count()
    out = StringIO()
    call_command("setup_demo", stdout=out)
    assert "Demo student login" not in out.getvalue()
    assert CardState.objects.count() == states
