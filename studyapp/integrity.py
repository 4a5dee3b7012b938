"""Checks that a learner's review log and card schedules agree (used by the load test after a run).

The log is a chain per card: the k-th surviving review was made from a card with k earlier repetitions, each
review starts from the state the previous one left, and the card today is what the last review made of it (or
untouched when no review is left). A grade recorded twice, a lost review or an undo that restored the wrong
snapshot each break one of these links.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable

from studyapp.models import CardState, Review

NEW = CardState.State.NEW


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def review_log_violations(user_ids: Iterable[int]) -> list[str]:
    """Every broken link between the review log and the card schedules of these learners, in words."""
    user_ids = list(user_ids)
    logs: dict[tuple[int, int], list[Review]] = defaultdict(list)
    reviews = Review.objects.filter(user_id__in=user_ids).order_by("user_id", "card_id", "pk")
    for review in reviews.only(
        "pk", "user_id", "card_id", "state_before", "state_after", "stability_after", "snapshot_before"
    ).iterator(chunk_size=2000):
        logs[(review.user_id, review.card_id)].append(review)
    problems = []
    states = CardState.objects.filter(user_id__in=user_ids).only(
        "pk", "user_id", "card_id", "state", "stability", "reps"
    )
    for card_state in states.iterator(chunk_size=2000):
        log = logs.pop((card_state.user_id, card_state.card_id), [])
        where = f"card state {card_state.pk}"
        if card_state.reps != len(log):
            problems.append(f"{where}: reps {card_state.reps} but {len(log)} reviews")
        previous = None
        for index, review in enumerate(log):
            before = review.snapshot_before or {}
            if before.get("reps") != index:
                problems.append(
                    f"{where}: review {review.pk} made at reps {before.get('reps')}, expected {index}"
                )
            if previous is not None and (
                before.get("state") != previous.state_after
                or not _close(before.get("stability"), previous.stability_after)
            ):
                problems.append(
                    f"{where}: review {review.pk} does not start where review {previous.pk} ended"
                )
            previous = review
        if previous is None:
            if card_state.state != NEW or card_state.stability is not None:
                problems.append(f"{where}: no review left but the card is not new")
        elif card_state.state != previous.state_after or not _close(
            card_state.stability, previous.stability_after
        ):
            problems.append(f"{where}: the card is not what its last review {previous.pk} made of it")
    for (user_id, card_id), log in logs.items():
        problems.append(f"learner {user_id}, card {card_id}: {len(log)} reviews but no card state")
    return problems
