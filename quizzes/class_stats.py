"""An instructor's view of one class: reads only, a fixed number of grouped queries whatever the class size.

Only the class's decks count (library decks and the instructor's own): a student's personal decks stay private.
"Last N days" here is a rolling window from now, since the students of a class may live in different time zones.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from quizzes.models import Classroom
from studyapp.models import CardState, Review, SectionKind, User, card_list_kind, class_cards
from studyapp.spreadsheets import csv_safe
from studyapp.stats import MATURE_DAYS

State = CardState.State
REVIEWS_WINDOW_DAYS = 7
RETENTION_WINDOW_DAYS = 30


@dataclass
class StudentRow:
    id: int
    username: str
    name: str
    reviews_7d: int = 0
    reviews_today: int = 0  # since the day began in the instructor's time zone
    retention_passed: int = 0
    retention_total: int = 0
    overdue: int = 0
    cards: int = 0
    # section kind -> (mastered, cards)
    mastery: dict[str, tuple[int, int]] = field(default_factory=dict)

    @property
    def retention(self) -> float | None:
        return self.retention_passed / self.retention_total if self.retention_total else None

    def mastery_share(self, kind: str) -> float | None:
        mastered, cards = self.mastery.get(kind, (0, 0))
        return mastered / cards if cards else None


@dataclass
class ItemRow:
    id: int
    term: str
    gloss: str
    deck: str
    list_label: str
    learners: int = 0
    mastered: int = 0
    lapses: int = 0
    passed: int = 0
    judged: int = 0

    @property
    def retention(self) -> float | None:
        return self.passed / self.judged if self.judged else None

    @property
    def mastered_share(self) -> float | None:
        return self.mastered / self.learners if self.learners else None


@dataclass(frozen=True)
class ClassDashboard:
    classroom: Classroom
    students: list[StudentRow]
    kinds: list[tuple[str, str]]  # the lists any student has cards in, in article order
    items: list[ItemRow]

    def mastery_columns(self, student: StudentRow) -> list[float | None]:
        return [student.mastery_share(kind) for kind, _ in self.kinds]


def class_dashboard(
    classroom: Classroom, now: dt.datetime, day_start: dt.datetime | None = None
) -> ClassDashboard:
    """`day_start`: when "today" began for the reader (the instructor's day); UTC midnight when not given."""
    if day_start is None:
        day_start = now.astimezone(dt.UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    students = {
        u.id: StudentRow(u.id, u.username, u.get_full_name())
        for u in User.objects.filter(memberships__classroom=classroom).order_by("username")
    }
    members = User.objects.filter(memberships__classroom=classroom).values("id")
    recent = Review.objects.filter(
        class_cards(learner_ids=members, instructor_id=classroom.instructor_id),
        source=Review.Source.REVIEW,
        reviewed_at__gte=now - dt.timedelta(days=RETENTION_WINDOW_DAYS),
        reviewed_at__lte=now,
    )
    states: QuerySet = CardState.objects.in_class(
        learner_ids=members, instructor_id=classroom.instructor_id
    ).live()
    _add_review_figures(students, recent, now, day_start)
    kinds = _add_card_figures(students, states, now)
    return ClassDashboard(classroom, list(students.values()), kinds, _item_rows(states, recent))


JUDGED = Q(state_before=State.REVIEW)  # a review of a card in review: it counts for retention


def _add_review_figures(
    students: dict[int, StudentRow], recent: QuerySet, now: dt.datetime, day_start: dt.datetime
) -> None:
    """Reviews today and in the last week, and retention over the window, per student: one grouped query."""
    for row in (
        recent.values("user_id")
        .annotate(
            week=Count("id", filter=Q(reviewed_at__gte=now - dt.timedelta(days=REVIEWS_WINDOW_DAYS))),
            today=Count("id", filter=Q(reviewed_at__gte=day_start)),
            passed=Count("id", filter=JUDGED & Q(rating__gt=1)),
            judged=Count("id", filter=JUDGED),
        )
        .order_by()
    ):
        student = students[row["user_id"]]
        student.reviews_today = row["today"]
        student.reviews_7d, student.retention_passed, student.retention_total = (
            row["week"],
            row["passed"],
            row["judged"],
        )


def _add_card_figures(
    students: dict[int, StudentRow], states: QuerySet, now: dt.datetime
) -> list[tuple[str, str]]:
    """Cards, overdue cards and mastery by list per student (one grouped query); returns the lists seen."""
    overdue = Q(suspended=False, due__lt=now) & ~Q(state=State.NEW)
    seen_kinds: set[str] = set()
    for row in (
        states.annotate(kind=card_list_kind())
        .values("user_id", "kind")
        .annotate(
            cards=Count("id"),
            mastered=Count("id", filter=Q(stability__gte=MATURE_DAYS)),
            overdue=Count("id", filter=overdue),
        )
        .order_by()
    ):
        student = students[row["user_id"]]
        student.mastery[row["kind"]] = (row["mastered"], row["cards"])
        student.cards += row["cards"]
        student.overdue += row["overdue"]
        seen_kinds.add(row["kind"])
    return [(value, label) for value, label in SectionKind.choices if value in seen_kinds]


def _item_rows(states: QuerySet, recent: QuerySet) -> list[ItemRow]:
    """The items any student has studied, hardest first (lowest retention, then most lapses): two queries."""
    labels = dict(SectionKind.choices)
    items: dict[int, ItemRow] = {}
    for row in (
        states.filter(card__item__isnull=False)
        .values(
            "card__item_id",
            "card__item__term",
            "card__item__gloss",
            "card__deck__title",
            "card__item__section__kind",
        )
        .annotate(
            learners=Count("user_id", distinct=True, filter=~Q(state=State.NEW)),
            mastered=Count("user_id", distinct=True, filter=Q(stability__gte=MATURE_DAYS)),
            lapses=Coalesce(Sum("lapses"), 0),
        )
        .order_by()
    ):
        items[row["card__item_id"]] = ItemRow(
            row["card__item_id"],
            row["card__item__term"],
            row["card__item__gloss"],
            row["card__deck__title"],
            labels.get(row["card__item__section__kind"], row["card__item__section__kind"]),
            row["learners"],
            row["mastered"],
            row["lapses"],
        )
    for row in (
        recent.filter(JUDGED, card__item__isnull=False)
        .values("card__item_id")
        .annotate(passed=Count("id", filter=Q(rating__gt=1)), judged=Count("id"))
        .order_by()
    ):
        if row["card__item_id"] in items:
            items[row["card__item_id"]].passed, items[row["card__item_id"]].judged = (
                row["passed"],
                row["judged"],
            )

    def hardest_first(item: ItemRow):
        return (item.retention is None, item.retention or 0.0, -item.lapses, item.term.lower())

    return sorted((i for i in items.values() if i.learners), key=hardest_first)


def _share(value: float | None) -> str:
    return "" if value is None else f"{value:.3f}"


def student_csv_rows(dashboard: ClassDashboard) -> list[list[object]]:
    header = ["username", "name", "reviews_last_7_days", "retention_last_30_days", "overdue", "cards"]
    header += [f"mastery_{kind}" for kind, _ in dashboard.kinds]
    rows: list[list[object]] = [header]
    for s in dashboard.students:
        row = [s.username, s.name, s.reviews_7d, _share(s.retention), s.overdue, s.cards]
        row += [_share(share) for share in dashboard.mastery_columns(s)]
        rows.append([csv_safe(v) for v in row])
    return rows


def item_csv_rows(dashboard: ClassDashboard) -> list[list[object]]:
    rows: list[list[object]] = [
        ["item", "gloss", "deck", "list", "learners", "mastered", "lapses", "retention_last_30_days"]
    ]
    for i in dashboard.items:
        row = [i.term, i.gloss, i.deck, i.list_label, i.learners, i.mastered, i.lapses, _share(i.retention)]
        rows.append([csv_safe(v) for v in row])
    return rows
