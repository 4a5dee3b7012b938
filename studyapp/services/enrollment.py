"""Adding a deck to a learner's studies and taking it out again."""

from django.db import transaction
from django.http import Http404

from studyapp.models import Card, CardState, Deck, Enrollment, User
from studyapp.services.answer_counts import cards_changed
from studyapp.services.cards import new_state


def add_deck_to_studies(*, user: User, deck: Deck) -> Enrollment:
    """Enrol `user` in a deck they can see; its active cards they have no state for start as new.

    Raises Http404 for a deck the user may not see, so a view can let it propagate."""
    if not Deck.objects.visible_to(user).filter(pk=deck.pk).exists():
        raise Http404("No such deck.")
    with transaction.atomic():
        enrollment, created = Enrollment.objects.get_or_create(user=user, deck=deck)
        if not created and not enrollment.active:
            enrollment.active = True
            enrollment.save(update_fields=["active"])
        have = CardState.objects.filter(user=user, card__deck=deck).values("card_id")
        missing = (
            Card.objects.filter(deck=deck, is_active=True).exclude(pk__in=have).values_list("pk", "position")
        )
        CardState.objects.bulk_create(
            [new_state(user.pk, card_id, position) for card_id, position in missing], ignore_conflicts=True
        )
        cards_changed(user_ids=[user.pk])
    return enrollment


def remove_deck_from_studies(*, user: User, deck: Deck) -> None:
    """Stop studying a deck; its card states and review history are kept for a later return."""
    Enrollment.objects.filter(user=user, deck=deck, active=True).update(active=False)
    cards_changed(user_ids=[user.pk])
