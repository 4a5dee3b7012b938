"""The learner's running answer counters (User.reviews_since_fit, today's new and review answers), kept in the
transaction that writes or deletes the answer, so neither the daily limits nor the refit trigger ever count the
review log on a request."""

from __future__ import annotations

import datetime as dt

from django.db.models import Case, F, PositiveIntegerField, Value, When

from studyapp import review_sql
from studyapp.models import CardState, Review, User

_COUNT = PositiveIntegerField()


def count_answer(*, user: User, state_before: int, now: dt.datetime) -> None:
    """One more flashcard answer: one UPDATE of the learner's row, and the same change on `user` in memory
    (the queue shown after the answer reads it)."""
    day = user.study_date(now)
    review_sql.count_answer(
        user_id=user.pk,
        day=day,
        new=int(state_before == CardState.State.NEW),
        review=int(state_before == CardState.State.REVIEW),
    )
    new, reviews = user.answered_on(day)
    user.reviews_since_fit += 1
    user.answers_day = day
    user.new_answered = new + (state_before == CardState.State.NEW)
    user.reviews_answered = reviews + (state_before == CardState.State.REVIEW)


def uncount_answer(*, user: User, review: Review) -> None:
    """An undone answer gives back what it used: the refit count and, on the day it was given, the limit."""
    day = user.study_date(review.reviewed_at)
    fields = {
        "reviews_since_fit": Case(
            When(reviews_since_fit__gt=0, then=F("reviews_since_fit") - 1),
            default=Value(0),
            output_field=_COUNT,
        )
    }
    if review.state_before == CardState.State.NEW:
        fields["new_answered"] = Case(
            When(answers_day=day, new_answered__gt=0, then=F("new_answered") - 1),
            default=F("new_answered"),
            output_field=_COUNT,
        )
    elif review.state_before == CardState.State.REVIEW:
        fields["reviews_answered"] = Case(
            When(answers_day=day, reviews_answered__gt=0, then=F("reviews_answered") - 1),
            default=F("reviews_answered"),
            output_field=_COUNT,
        )
    User.objects.filter(pk=user.pk).update(**fields)
    user.reviews_since_fit = max(0, user.reviews_since_fit - 1)
    if user.answers_day == day:
        if review.state_before == CardState.State.NEW:
            user.new_answered = max(0, user.new_answered - 1)
        elif review.state_before == CardState.State.REVIEW:
            user.reviews_answered = max(0, user.reviews_answered - 1)
