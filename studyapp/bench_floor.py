"""The raw-SQL grade served over HTTP: the floor `bench_review` compares our grade with (issue 10).

The smallest Django view that grades a card: the session authenticates the learner (the same middleware as
every page), then raw SQL in one transaction does the grade's writes (`floor_writes`). It returns no next card
and no template. It is reachable only through `urlpatterns` below, which bench_review installs with
`override_settings(ROOT_URLCONF="studyapp.bench_floor")`; the app's own URLconf never routes to it."""

from __future__ import annotations

import datetime as dt
import json

from django.db import connection, transaction
from django.http import HttpResponse, HttpResponseForbidden
from django.urls import include, path
from django.utils import timezone
from django.views.decorators.http import require_POST

from studyapp import scheduling
from studyapp.models import Review
from studyapp.services.reviews import config_for

FLOOR_URL = "/bench-floor/grade/"


@require_POST
def floor_grade_view(request):
    user = request.user
    if not user.is_authenticated:
        return HttpResponseForbidden()
    floor_writes(
        user_id=user.pk,
        card_state_id=int(request.POST["card_state"]),
        rating=int(request.POST["rating"]),
        config=config_for(user),
    )
    return HttpResponse(status=204)


def floor_writes(*, user_id: int, card_state_id: int, rating: int, config: scheduling.Config) -> None:
    """The grade's writes in raw SQL, in one transaction: lock the card's state, schedule it, bury its
    siblings, save it, append the review with its undo snapshot. Shared by both floors."""
    adapt = connection.ops.adapt_datetimefield_value
    lock = " FOR UPDATE OF cs" if connection.features.has_select_for_update_of else ""
    now = timezone.now()
    with connection.cursor() as cursor, transaction.atomic():
        cursor.execute(
            "SELECT cs.state, cs.step, cs.stability, cs.difficulty, cs.due, cs.last_review, cs.reps,"
            " cs.card_id, c.item_id FROM studyapp_cardstate cs JOIN studyapp_card c ON c.id = cs.card_id"
            f" WHERE cs.id = %s AND cs.user_id = %s{lock}",
            [card_state_id, user_id],
        )
        state, step, stability, difficulty, due, last_review, reps, card_id, item_id = cursor.fetchone()
        due, last_review = _aware(due), _aware(last_review)
        memory = scheduling.Memory(
            state=state,
            step=step,
            stability=stability,
            difficulty=difficulty,
            due=due,
            last_review=last_review,
        )
        outcome = scheduling.answer(memory, scheduling.Rating(rating), now, config, f"{card_id}:{reps}")
        after = outcome.memory
        # The answer counter's UPDATE (one row, as ours); the day's limit counts are left alone so the
        # floors do not use up the learner's daily reviews that the view's grades need.
        cursor.execute(
            "UPDATE studyapp_user SET reviews_since_fit = reviews_since_fit + 1 WHERE id = %s", [user_id]
        )
        tomorrow = (now + dt.timedelta(days=1)).date()
        cursor.execute(
            "UPDATE studyapp_cardstate SET buried_until = %s WHERE user_id = %s AND id <> %s AND card_id IN"
            " (SELECT id FROM studyapp_card WHERE item_id = %s)",
            [tomorrow, user_id, card_state_id, item_id],
        )
        cursor.execute(
            "UPDATE studyapp_cardstate SET state = %s, step = %s, stability = %s, difficulty = %s, due = %s,"
            " last_review = %s, reps = reps + 1, version = version + 1 WHERE id = %s",
            [
                after.state,
                after.step,
                after.stability,
                after.difficulty,
                adapt(after.due),
                adapt(after.last_review),
                card_state_id,
            ],
        )
        snapshot = json.dumps({"state": state, "step": step, "stability": stability, "reps": reps})
        cursor.execute(
            "INSERT INTO studyapp_review (user_id, card_id, rating, reviewed_at, duration_ms, source,"
            " state_before, state_after, stability_after, difficulty_after, elapsed_days, scheduled_days,"
            " last_interval_days, snapshot_before) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s,"
            " %s, %s)",
            [
                user_id,
                card_id,
                rating,
                adapt(now),
                3000,
                Review.Source.REVIEW,
                state,
                after.state,
                after.stability,
                after.difficulty,
                outcome.elapsed_days,
                outcome.scheduled_days,
                0.0,
                snapshot,
            ],
        )


def _aware(value):
    if value is None:
        return None
    if isinstance(value, str):  # SQLite hands raw datetimes back as text
        value = dt.datetime.fromisoformat(value)
    return value if timezone.is_aware(value) else value.replace(tzinfo=dt.UTC)


urlpatterns = [
    path(FLOOR_URL.strip("/") + "/", floor_grade_view),
    path("", include("studyapp.urls")),
]
