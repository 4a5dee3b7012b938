"""Where a learner stands in each class, as AMBOSS does: a percentile of quiz scores weighted by question
difficulty, among classmates who answered enough of the same questions.

`percentile` is pure; `class_percentiles` reads the answers (one query for all the learner's classes)."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import F

from quizzes.models import Attempt, AttemptAnswer, Classroom

MIN_SHARED = 10  # questions both learners answered before they are compared


@dataclass(frozen=True)
class Standing:
    classroom: Classroom
    percentile: int | None  # None: too few classmates with enough shared questions
    peers: int  # classmates compared
    answered: int  # questions the learner answered in this class


def weighted_score(
    answers: dict[int, bool], difficulty: dict[int, float], only: set[int] | None = None
) -> float:
    """Share of the weight answered right; a question weighs 1 + its difficulty (share of answers that were wrong),
    so a hard question answered right counts more than an easy one."""
    total = right = 0.0
    for question, correct in answers.items():
        if only is not None and question not in only:
            continue
        weight = 1 + difficulty.get(question, 0.0)
        total += weight
        right += weight if correct else 0.0
    return right / total if total else 0.0


def percentile(
    me: int, answers: dict[int, dict[int, bool]], *, min_shared: int = MIN_SHARED
) -> tuple[int | None, int]:
    """(percentile of `me` among learners sharing at least `min_shared` answered questions, how many such peers).
    Each comparison scores both learners on the questions they share, so an easy quiz one of them skipped does not
    tilt it. Ties count half."""
    mine = answers.get(me, {})
    tallies: dict[int, list[bool]] = defaultdict(list)
    for per_question in answers.values():
        for question, correct in per_question.items():
            tallies[question].append(correct)
    difficulty = {q: 1 - sum(c) / len(c) for q, c in tallies.items()}
    below = ties = peers = 0
    for other, theirs in answers.items():
        if other == me:
            continue
        shared = set(mine) & set(theirs)
        if len(shared) < min_shared:
            continue
        peers += 1
        a = weighted_score(mine, difficulty, shared)
        b = weighted_score(theirs, difficulty, shared)
        below += a > b
        ties += a == b
    if not peers:
        return None, 0
    return round(100 * (below + ties / 2) / peers), peers


def class_percentiles(user, now: dt.datetime) -> list[Standing]:
    """The learner's standing in each class that shows its average (the instructor's choice covers this too)."""
    classes = list(
        Classroom.objects.joined_by(user).active().filter(show_class_average=True).order_by("name")
    )
    if not classes:
        return []
    rows = (
        AttemptAnswer.objects.filter(
            attempt__assignment__classroom__in=classes,
            attempt__assignment__archived_at__isnull=True,
            attempt__user__memberships__classroom=F("attempt__assignment__classroom"),
            chosen__isnull=False,
        )
        .exclude(attempt__status=Attempt.Status.IN_PROGRESS)
        .order_by("attempt__started_at", "position")
        .values_list("attempt__assignment__classroom_id", "attempt__user_id", "question_id", "is_correct")
    )
    by_class: dict[int, dict[int, dict[int, bool]]] = defaultdict(lambda: defaultdict(dict))
    for class_id, user_id, question_id, correct in rows:
        # A learner's latest answer to a question counts (retries of the same frozen question).
        by_class[class_id][user_id][question_id] = bool(correct)
    out = []
    for classroom in classes:
        answers = by_class.get(classroom.pk, {})
        value, peers = percentile(user.pk, answers)
        out.append(Standing(classroom, value, peers, len(answers.get(user.pk, {}))))
    return out
