"""An instructor's view of one class: reads only, a fixed number of grouped queries whatever the class size.

Only the class's decks count (library decks and the instructor's own): a student's personal decks stay private.
"Last N days" here is a rolling window from now, since the students of a class may live in different time zones.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import dateformat, timezone

from quizzes.models import Classroom
from studyapp import tallies
from studyapp.models import Card, CardState, Deck, Review, SectionKind, User, class_cards
from studyapp.spreadsheets import csv_safe
from studyapp.stats import MATURE_DAYS
from studyapp.templatetags.dashboard import heat, percent

State = CardState.State
REVIEWS_WINDOW_DAYS = 7
RETENTION_WINDOW_DAYS = 30
HARDEST_SHOWN = 25  # items on the dashboard; the export lists them all
# Students whose card figures the page recounts itself (a few answered since the last look); beyond that it
# shows the last count with its time and a background task recounts (tasks.recount_class_tallies_task): a
# recount costs ~10-30 ms per student of 2,000 cards, a whole class seconds.
RECOUNT_ON_PAGE = 3


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
    # Card figures (cards, overdue, mastery) left for the background recount: as counted at `as_of`, or not
    # counted yet (`uncounted`: a new student on a page that recounted its limit).
    as_of: dt.datetime | None = None
    uncounted: bool = False

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

    @property
    def behind(self) -> list[StudentRow]:
        """The students whose card figures are from earlier or not counted yet."""
        return [s for s in self.students if s.as_of is not None or s.uncounted]

    @property
    def as_of(self) -> dt.datetime | None:
        """When the oldest card figures shown were counted, if any is not current."""
        return min((s.as_of for s in self.students if s.as_of is not None), default=None)


@dataclass(frozen=True)
class StudentLine:
    """A student's rows on the page (figures, and grades per assignment), their texts made here as the
    gradebook makes its attempt cells: for a class of hundreds the template's filters per cell cost more than
    the page's queries."""

    student: StudentRow
    retention: str
    quiz_average: str
    as_of: str  # when its card figures were counted, if not current: "3 Mar 14:05" in the reader's zone
    mastery: list[tuple[str, str]]  # per list: (heat class, share)
    grades: list[tuple[str, str, int]]  # per assignment: (grade, "(2 attempts)", late attempts); "" if none


def student_lines(dashboard: "ClassDashboard", scores) -> list[StudentLine]:
    """`scores`: quizzes.stats.class_scores of the dashboard's students. The quiz average is the mean of the
    student's grades over the assignments they have one on."""
    lines = []
    for student, cells in scores.rows:
        graded = [c.grade for c in cells if c is not None and c.grade is not None]
        shares = dashboard.mastery_columns(student)
        lines.append(
            StudentLine(
                student,
                percent(student.retention),
                percent(sum(graded) / len(graded) if graded else None),
                ""
                if student.as_of is None
                else dateformat.format(timezone.localtime(student.as_of), "j M H:i"),
                [(heat(share), percent(share)) for share in shares],
                [
                    ("", "", 0)
                    if c is None
                    else (percent(c.grade), f"({c.used} attempt{'' if c.used == 1 else 's'})", c.late)
                    for c in cells
                ],
            )
        )
    return lines


def class_dashboard(
    classroom: Classroom,
    now: dt.datetime,
    day_start: dt.datetime | None = None,
    *,
    with_items: bool = True,
    recount_limit: int | None = None,
) -> ClassDashboard:
    """`day_start`: when "today" began for the reader (the instructor's day); UTC midnight when not given.
    Items: the HARDEST_SHOWN hardest of those reviewed in the retention window (`class_items` lists all).
    `recount_limit`: recount the card figures of at most that many students whose figures are out of date;
    the others keep their last count, marked (`ClassDashboard.behind`). None: every figure current."""
    if day_start is None:
        day_start = now.astimezone(dt.UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    members = list(User.objects.filter(memberships__classroom=classroom).order_by("username"))
    students = {u.id: StudentRow(u.id, u.username, u.get_full_name()) for u in members}
    recent = _recent_reviews(classroom, now)
    _add_review_figures(students, recent, now, day_start)
    studies = _add_card_figures(students, members, classroom, now, recount_limit)
    kinds = [
        (value, label)
        for value, label in SectionKind.choices
        if any(value in s.mastery for s in students.values())
    ]
    items = _hardest_items(classroom, studies, recent, HARDEST_SHOWN) if with_items else []
    return ClassDashboard(classroom, list(students.values()), kinds, items)


def class_items(classroom: Classroom, now: dt.datetime) -> list[ItemRow]:
    """Every item any student has studied, hardest first: for the export, it counts every card state."""
    return _item_rows(_class_states(classroom), _item_retention(_recent_reviews(classroom, now)))


def _members(classroom: Classroom) -> QuerySet:
    return User.objects.filter(memberships__classroom=classroom).values("id")


def _recent_reviews(classroom: Classroom, now: dt.datetime) -> QuerySet:
    return Review.objects.filter(
        class_cards(learner_ids=_members(classroom), instructor_id=classroom.instructor_id),
        source=Review.Source.REVIEW,
        reviewed_at__gte=now - dt.timedelta(days=RETENTION_WINDOW_DAYS),
        reviewed_at__lte=now,
    )


def _class_states(classroom: Classroom) -> QuerySet:
    return CardState.objects.in_class(
        learner_ids=_members(classroom), instructor_id=classroom.instructor_id
    ).live()


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


def _class_decks(classroom: Classroom) -> QuerySet:
    return Deck.objects.filter(Q(scope=Deck.Scope.LIBRARY) | Q(owner_id=classroom.instructor_id))


def recount_tallies(classroom: Classroom, now: dt.datetime) -> int:
    """Bring every member's card figures up to date (the background task's work); how many students."""
    members = list(User.objects.filter(memberships__classroom=classroom).only("id", "cards_version"))
    return len(tallies.learner_cards(learners=members, decks=_class_decks(classroom), now=now))


def _add_card_figures(
    students: dict[int, StudentRow],
    members: list[User],
    classroom: Classroom,
    now: dt.datetime,
    recount_limit: int | None,
) -> dict[int, set[int]]:
    """Cards, overdue cards and mastery by list per student, from their deck tallies; returns the class decks
    each student studies."""
    studies = {}
    for user_id, figures in tallies.learner_cards(
        learners=members, decks=_class_decks(classroom), now=now, recount_limit=recount_limit
    ).items():
        student = students[user_id]
        student.cards, student.overdue = figures.cards, figures.overdue
        student.as_of, student.uncounted = figures.as_of, figures.uncounted
        for kind, (cards, mastered) in figures.by_kind.items():
            student.mastery[kind] = (mastered, cards)
        studies[user_id] = figures.decks
    return studies


def _item_retention(recent: QuerySet) -> dict[int, tuple[int, int]]:
    """Item id -> (passed, judged) over the window's reviews of cards in review: one grouped query."""
    return {
        row["card__item_id"]: (row["passed"], row["judged"])
        for row in recent.filter(JUDGED, card__item__isnull=False)
        .values("card__item_id")
        .annotate(passed=Count("id", filter=Q(rating__gt=1)), judged=Count("id"))
        .order_by()
    }


def _hardest_items(
    classroom: Classroom, studies: dict[int, set[int]], recent: QuerySet, limit: int
) -> list[ItemRow]:
    """The `limit` hardest items among those judged in the window, exactly as `class_items` ranks them.

    Their retention comes from the window's reviews; the card figures (which also break ties) are read only
    for the items at or below the retention of the last one shown, summed by the database from the (card, user,
    ...) index alone, so the cost follows the class's recent reviews and `limit`, not the size of its collection.
    `studies`: student id -> the class decks they study (an inactive enrolment hides a deck's states).
    Three queries."""
    retention = _item_retention(recent)
    ranked = sorted(retention, key=lambda item_id: retention[item_id][0] / retention[item_id][1])
    if len(ranked) > limit:
        passed, judged = retention[ranked[limit - 1]]
        ranked = [i for i in ranked if retention[i][0] / retention[i][1] <= passed / judged]
    if not ranked:
        return []
    labels = dict(SectionKind.choices)
    cards = {
        row["id"]: row
        for row in Card.objects.filter(
            Q(deck__scope=Deck.Scope.LIBRARY) | Q(deck__owner_id=classroom.instructor_id),
            item_id__in=ranked,
            item__retired_at__isnull=True,
            is_active=True,
        ).values(
            "id", "deck_id", "item_id", "item__term", "item__gloss", "deck__title", "item__section__kind"
        )
    }
    # Each deck's states counted for the students who study it (an inactive enrolment hides a deck's states).
    students_of: dict[int, list[int]] = {}
    for user_id, decks in studies.items():
        for deck_id in decks:
            students_of.setdefault(deck_id, []).append(user_id)
    shown = Q(pk__in=[])
    for deck_id in {card["deck_id"] for card in cards.values()}:
        shown |= Q(card__deck_id=deck_id, user_id__in=students_of.get(deck_id, []))
    card_of_item = {card["item_id"]: card for card in cards.values()}
    items: dict[int, ItemRow] = {}
    for row in (
        CardState.objects.filter(shown, card_id__in=list(cards))
        .values("card__item_id")
        .annotate(
            learners=Count("user_id", distinct=True, filter=~Q(state=State.NEW)),
            mastered=Count("user_id", distinct=True, filter=Q(stability__gte=MATURE_DAYS)),
            lapses=Coalesce(Sum("lapses"), 0),
        )
        .order_by()
    ):
        item_id = row["card__item_id"]
        card = card_of_item[item_id]
        kind = card["item__section__kind"]
        items[item_id] = ItemRow(
            item_id,
            card["item__term"],
            card["item__gloss"],
            card["deck__title"],
            labels.get(kind, kind),
            row["learners"],
            row["mastered"],
            row["lapses"],
            *retention[item_id],
        )
    return sorted((i for i in items.values() if i.learners), key=_hardest_first)[:limit]


def _item_rows(states: QuerySet, retention: dict[int, tuple[int, int]]) -> list[ItemRow]:
    """The items any student has studied, hardest first (lowest retention, then most lapses): one query."""
    labels = dict(SectionKind.choices)
    items: list[ItemRow] = []
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
        if not row["learners"]:
            continue
        passed, judged = retention.get(row["card__item_id"], (0, 0))
        items.append(
            ItemRow(
                row["card__item_id"],
                row["card__item__term"],
                row["card__item__gloss"],
                row["card__deck__title"],
                labels.get(row["card__item__section__kind"], row["card__item__section__kind"]),
                row["learners"],
                row["mastered"],
                row["lapses"],
                passed,
                judged,
            )
        )

    return sorted(items, key=_hardest_first)


def _hardest_first(item: ItemRow):
    return (item.retention is None, item.retention or 0.0, -item.lapses, item.term.lower())


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


def item_csv_rows(items: list[ItemRow]) -> list[list[object]]:
    rows: list[list[object]] = [
        ["item", "gloss", "deck", "list", "learners", "mastered", "lapses", "retention_last_30_days"]
    ]
    for i in items:
        row = [i.term, i.gloss, i.deck, i.list_label, i.learners, i.mastered, i.lapses, _share(i.retention)]
        rows.append([csv_safe(v) for v in row])
    return rows
