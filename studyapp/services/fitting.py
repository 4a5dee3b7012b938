"""Fitting a learner's personal FSRS parameters from their own review log."""

import datetime as dt

from django.db.models import DateTimeField, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from studyapp import optimizing
from studyapp.models import CardState, ParameterFit, Review, User

# Our state before an answer, as the revlog review kind the optimiser's replay rules speak of: a new card's
# first answer is a learning review, as in Anki.
_REVIEW_KIND = {
    CardState.State.NEW: optimizing.LEARN,
    CardState.State.LEARNING: optimizing.LEARN,
    CardState.State.REVIEW: optimizing.REVIEW,
    CardState.State.RELEARNING: optimizing.RELEARN,
}

# A refit is worth its cost once this many answers have come in since the last fit (or since the start).
REFIT_AFTER_REVIEWS = 200

_BEGINNING = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def learner_review_log(user: User) -> list[optimizing.LoggedReview]:
    """The learner's flashcard answers (quiz answers are another kind of event) as a review log."""
    rows = (
        Review.objects.filter(user=user, source=Review.Source.REVIEW)
        .order_by("reviewed_at", "id")
        .values_list("card_id", "reviewed_at", "rating", "state_before")
    )
    return [
        optimizing.LoggedReview(
            card_id=card_id, reviewed_at=reviewed_at, rating=rating, kind=_REVIEW_KIND[state]
        )
        for card_id, reviewed_at, rating, state in rows
    ]


def fit_learner_parameters(*, user: User) -> ParameterFit | None:
    """Fit and record the learner's parameters; None (the defaults stay) while their history is too short."""
    fit = optimizing.fit_parameters(learner_review_log(user))
    if not fit.fitted:
        return None
    return ParameterFit.objects.create(
        user=user, parameters=list(fit.parameters), review_count=fit.review_count, fitted_at=timezone.now()
    )


def reviews_since_last_fit(user: User) -> int:
    """Flashcard answers after the learner's latest fit (all of them before a first fit): one COUNT query."""
    last_fit = ParameterFit.objects.filter(user=user).order_by("-fitted_at").values("fitted_at")[:1]
    since = Coalesce(Subquery(last_fit), Value(_BEGINNING, output_field=DateTimeField()))
    return Review.objects.filter(user=user, source=Review.Source.REVIEW, reviewed_at__gt=since).count()


def latest_parameters(user) -> tuple[float, ...] | None:
    """The learner's most recent fitted parameters, clamped as the scheduler accepts them, or None while they
    run on the defaults. Every reader of a learner's parameters (review path, dashboards) asks here."""
    fit = ParameterFit.objects.filter(user=user).order_by("-fitted_at", "-id").first()
    if fit is None:
        return None
    return optimizing.clamp_parameters(fit.parameters)
