"""Closing an account."""

from django.db import transaction


@transaction.atomic
def delete_account(*, user) -> None:
    """Delete the learner and everything of theirs: study states, reviews, tokens, reminders, quiz attempts,
    class memberships, and the decks, quiz sets and classes they own (their classes' students lose those)."""
    user.delete()
