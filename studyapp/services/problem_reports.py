"""Learners report problems with a card or a quiz question; the deck's editors fix, retire or dismiss them.

The reporter stops seeing what they reported: a card is suspended for them at once (and given back when an
editor marks the report fixed); a quiz question is skipped in their later quizzes (quizzes passes the reported
stems and answers to the generator).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from studyapp.models import CardState, Deck, Item, ProblemReport
from studyapp.services import items as item_service
from studyapp.services.answer_counts import cards_changed

MAX_COMMENT = 2000


def _clean(reason: str, comment: str) -> tuple[str, str]:
    if reason not in ProblemReport.Reason.values:
        raise ValidationError("Pick what is wrong.")
    return reason, comment.strip()[:MAX_COMMENT]


@transaction.atomic
def report_card(*, user, card_state: CardState, reason: str, comment: str = "") -> ProblemReport:
    """A report on one of the learner's own cards; the card is suspended for them."""
    reason, comment = _clean(reason, comment)
    card = card_state.card
    report = ProblemReport.objects.create(
        reporter=user,
        deck_id=card.deck_id,
        item_id=card.item_id,
        card=card,
        prompt=card.front,
        shown_answer=card.back,
        reason=reason,
        comment=comment,
    )
    CardState.objects.filter(pk=card_state.pk, user=user).update(suspended=True, version=F("version") + 1)
    cards_changed(user_ids=[user.pk])
    return report


def report_question(
    *,
    user,
    deck: Deck,
    question_id: int,
    stem: str,
    answer: str,
    item_ids: Iterable[int],
    reason: str,
    comment: str = "",
) -> ProblemReport:
    """A report on a quiz question about `deck` (the quiz app passes the question's own text)."""
    reason, comment = _clean(reason, comment)
    item = Item.objects.filter(deck=deck, pk__in=list(item_ids)).order_by("pk").first()
    report, _ = ProblemReport.objects.get_or_create(
        reporter=user,
        question_id=question_id,
        status=ProblemReport.Status.OPEN,
        defaults={
            "deck": deck,
            "item": item,
            "prompt": stem,
            "shown_answer": answer,
            "reason": reason,
            "comment": comment,
        },
    )
    return report


def reported_questions(user) -> set[tuple[str, str]]:
    """(stem, answer) of every question the learner has reported: their quizzes skip them."""
    return set(
        ProblemReport.objects.filter(reporter=user, question_id__isnull=False).values_list(
            "prompt", "shown_answer"
        )
    )


@dataclass
class ReportGroup:
    """Open reports on one prompt (a card, or a question as worded), for the editor to answer at once."""

    prompt: str
    shown_answer: str
    item: Item | None
    kind: str  # "card" or "question"
    reports: list[ProblemReport] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.reports)

    @property
    def ids(self) -> str:
        return ",".join(str(r.pk) for r in self.reports)

    @property
    def reasons(self) -> list[tuple[str, int]]:
        counted = Counter(r.get_reason_display() for r in self.reports)
        return counted.most_common()

    @property
    def comments(self) -> list[str]:
        return [r.comment for r in self.reports if r.comment]


def open_report_groups(deck: Deck) -> list[ReportGroup]:
    """Open reports of the deck grouped by what was reported, most reported first (one query)."""
    groups: dict[tuple, ReportGroup] = {}
    reports = ProblemReport.objects.open().filter(deck=deck).select_related("item").order_by("created_at")
    for report in reports:
        kind = "card" if report.card_id else "question"
        key = (kind, report.card_id or report.prompt, report.shown_answer)
        group = groups.get(key)
        if group is None:
            group = groups[key] = ReportGroup(report.prompt, report.shown_answer, report.item, kind)
        group.reports.append(report)
    return sorted(groups.values(), key=lambda g: -g.count)


class Resolution:
    FIXED = ProblemReport.Status.FIXED
    RETIRED = ProblemReport.Status.RETIRED
    DISMISSED = ProblemReport.Status.DISMISSED
    CHOICES = (FIXED, RETIRED, DISMISSED)


@transaction.atomic
def resolve_reports(*, editor, deck: Deck, report_ids: Iterable[int], action: str) -> int:
    """Close open reports of `deck`: fixed (the editor corrected the item; reporters get their card back),
    retired (the item leaves the deck, with its cards) or dismissed. Returns how many were closed."""
    if action not in Resolution.CHOICES:
        raise ValidationError("Choose fixed, retire or dismiss.")
    reports = list(
        ProblemReport.objects.open().select_for_update().filter(deck=deck, pk__in=list(report_ids))
    )
    if not reports:
        return 0
    if action == Resolution.RETIRED:
        for item in {r.item for r in reports if r.item is not None}:
            item_service.retire_item(item=item)
    if action == Resolution.FIXED:
        for report in reports:
            if report.card_id:
                CardState.objects.filter(user_id=report.reporter_id, card_id=report.card_id).update(
                    suspended=False
                )
        cards_changed(user_ids={r.reporter_id for r in reports if r.card_id})
    now = timezone.now()
    ProblemReport.objects.filter(pk__in=[r.pk for r in reports]).update(
        status=action, resolved_at=now, resolved_by=editor
    )
    return len(reports)


def open_counts_by_question(question_ids: Iterable[int]) -> dict[int, int]:
    """Open reports per quiz question id (item analysis)."""
    counts: Counter[int] = Counter(
        ProblemReport.objects.open()
        .filter(question_id__in=list(question_ids))
        .values_list("question_id", flat=True)
    )
    return dict(counts)
