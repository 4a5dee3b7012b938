"""What a learner should study next: lists ranked by predicted recall, recent quiz mistakes, and what is coming
(an assignment closing soon, new cards released soon). Reads; combines the study core's figures with the quiz
app's, so it lives on the quiz side (quizzes may read the core, never the reverse)."""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count

from quizzes.models import Assignment, AttemptAnswer
from studyapp import releases
from studyapp.models import SectionKind
from studyapp.stats import Mastery

MISTAKES_WINDOW = dt.timedelta(days=30)
SOON = dt.timedelta(days=7)
LIMIT = 5


@dataclass
class Suggestion:
    kind: str
    label: str
    recall: float | None = None
    mistakes: int = 0
    reasons: list[str] = field(default_factory=list)
    score: float = 0.0


def study_next(user, now: dt.datetime, by_list: list[Mastery]) -> list[Suggestion]:
    """Up to five lists, most urgent first, each with why. Three queries (mistakes, assignments, releases)."""
    labels = dict(SectionKind.choices)
    found: dict[str, Suggestion] = {}

    def suggestion(kind: str) -> Suggestion:
        return found.setdefault(kind, Suggestion(kind=kind, label=labels.get(kind, kind)))

    for mastery in by_list:
        if mastery.recall is not None and mastery.recall < 0.9:
            s = suggestion(mastery.key)
            s.recall = mastery.recall
            s.score += 1 - mastery.recall
            s.reasons.append(f"predicted recall {round(mastery.recall * 100)} %")
    mistakes = (
        AttemptAnswer.objects.filter(
            attempt__user=user, is_correct=False, answered_at__gte=now - MISTAKES_WINDOW
        )
        .exclude(question__section=None)
        .values("question__section")
        .annotate(n=Count("pk"))
    )
    for row in mistakes:
        s = suggestion(row["question__section"])
        s.mistakes = row["n"]
        s.score += 0.05 * row["n"]
        s.reasons.append(f"{row['n']} quiz mistake{'s' if row['n'] != 1 else ''} in 30 days")
    closing = (
        Assignment.objects.for_student(user)
        .filter(opens_at__lte=now, closes_at__gt=now, closes_at__lte=now + SOON)
        .select_related("quiz_set")
        .distinct()
    )
    for assignment in closing:
        for kind in assignment.quiz_set.section_kinds:
            s = suggestion(kind)
            s.score += 0.3
            s.reasons.append(f"{assignment.quiz_set.title} closes {assignment.closes_at:%a %-d %b}")
    for release in releases.coming_up(user, now):
        kind = release.section_kind
        if kind and release.available_from <= now + SOON:
            s = suggestion(kind)
            s.score += 0.1
            s.reasons.append(f"new cards from {release.available_from:%a %-d %b}")
    return sorted(found.values(), key=lambda s: (-s.score, s.label))[:LIMIT]
