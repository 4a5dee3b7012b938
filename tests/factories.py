"""Plain builders for test data. Each returns a saved object; pass what matters to the test."""

import itertools

from quizzes.models import ClassMembership, Classroom
from studyapp.models import Card, CardState, Deck, Enrollment, Item, ItemGroup, Review, Section, User

_counter = itertools.count(1)


def make_user(username: str | None = None, *, role: str = User.Role.STUDENT, **fields) -> User:
    username = username or f"user{next(_counter)}"
    user = User(username=username, role=role, email=f"{username}@example.com", **fields)
    user.set_password("correct horse battery staple")
    user.save()
    return user


def make_instructor(username: str | None = None, **fields) -> User:
    return make_user(username or f"instructor{next(_counter)}", role=User.Role.INSTRUCTOR, **fields)


def make_deck(
    *, title: str | None = None, owner: User | None = None, scope: str | None = None, **fields
) -> Deck:
    n = next(_counter)
    title = title or f"Deck {n}"
    if scope is None:
        if owner is None:
            scope = Deck.Scope.LIBRARY
        else:
            scope = Deck.Scope.INSTRUCTOR if owner.is_instructor else Deck.Scope.PERSONAL
    return Deck.objects.create(title=title, slug=f"deck-{n}", owner=owner, scope=scope, **fields)


def make_section(
    deck: Deck, *, kind: str = "causes", heading: str | None = None, position: int = 0
) -> Section:
    return Section.objects.create(
        deck=deck, kind=kind, heading=heading or kind.replace("_", " ").title(), position=position
    )


def make_item(
    section: Section,
    term: str,
    *,
    gloss: str = "",
    group: ItemGroup | None = None,
    position: int = 0,
    answer: str = "",
) -> Item:
    key = f"{section.kind}:{term.lower()}"
    return Item.objects.create(
        deck=section.deck,
        section=section,
        group=group,
        key=key,
        term=term,
        gloss=gloss,
        text=f"{term} ({gloss})" if gloss else term,
        position=position,
        answer=answer,
    )


def make_classroom(
    instructor: User, *, name: str = "Neuro block", students: tuple[User, ...] = ()
) -> Classroom:
    classroom = Classroom.objects.create(instructor=instructor, name=name)
    for student in students:
        ClassMembership.objects.create(classroom=classroom, student=student)
    return classroom


def make_card(deck: Deck, *, item: Item | None = None, template: str = "term-gloss", **fields) -> Card:
    n = next(_counter)
    section = item.section if item is not None else fields.pop("section", None)
    return Card.objects.create(
        deck=deck,
        item=item,
        section=section,
        template=template,
        key=f"{template}:{n}",
        front=fields.pop("front", item.term if item else f"Front {n}"),
        back=fields.pop("back", item.gloss if item else f"Back {n}"),
        **fields,
    )


def enroll(user: User, deck: Deck, *, active: bool = True) -> Enrollment:
    return Enrollment.objects.create(user=user, deck=deck, active=active)


def make_card_state(user: User, card: Card, *, state: int = CardState.State.NEW, **fields) -> CardState:
    fields.setdefault("position", card.position)  # as services.cards.new_state places it
    return CardState.objects.create(user=user, card=card, state=state, **fields)


def make_review(
    user: User,
    card: Card,
    *,
    reviewed_at,
    rating: int = 3,
    state_before: int = CardState.State.REVIEW,
    state_after: int | None = None,
    last_interval_days: float = 0,
    duration_ms: int = 0,
    source: str = Review.Source.REVIEW,
) -> Review:
    if state_after is None:
        state_after = CardState.State.RELEARNING if rating == 1 else CardState.State.REVIEW
    return Review.objects.create(
        user=user,
        card=card,
        rating=rating,
        reviewed_at=reviewed_at,
        duration_ms=duration_ms,
        source=source,
        state_before=state_before,
        state_after=state_after,
        last_interval_days=last_interval_days,
        snapshot_before={},
    )


def study_deck(user: User, deck: Deck):
    """The learner adds the deck and gets a new state for each of its active cards."""
    from studyapp.models import Enrollment
    from studyapp.services.cards import create_missing_states

    enrollment, _ = Enrollment.objects.get_or_create(user=user, deck=deck)
    create_missing_states(deck)
    return enrollment


def make_group(section: Section, name: str, *, position: int = 0) -> ItemGroup:
    return ItemGroup.objects.create(section=section, name=name, position=position)


def make_apkg(notes, *, name: str = "deck") -> bytes:
    """A real Anki package made with genanki: Basic notes of (front, back) with space-separated tags, each
    note's GUID taken from its front (so building it again gives the same notes)."""
    import tempfile
    import time
    from pathlib import Path

    import genanki

    model = genanki.Model(
        1607392319,
        "Basic (genanki)",
        fields=[{"name": "Front"}, {"name": "Back"}],
        templates=[{"name": "Card 1", "qfmt": "{{Front}}", "afmt": "{{FrontSide}}<hr id=answer>{{Back}}"}],
    )
    deck = genanki.Deck(2059400110, name)
    for (front, back), tags in notes:
        deck.add_note(
            genanki.Note(model=model, fields=[front, back], tags=tags.split(), guid=genanki.guid_for(front))
        )
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "deck.apkg"
        genanki.Package(deck).write_to_file(str(path), timestamp=time.time())
        return path.read_bytes()


def make_question(
    *,
    stem: str = "Which of these is a cause of foraminal narrowing?",
    options: tuple[str, ...] = ("Metastasis", "Aspirin", "Walking", "Sunlight"),
    answer: int = 0,
    deck: Deck | None = None,
    item_ids: tuple[int, ...] = (),
    kind: str = "member",
):
    from quizzes.models import Question

    return Question.objects.create(
        deck=deck,
        kind=kind,
        stem=stem,
        options=list(options),
        answer=answer,
        section="causes",
        correct_terms=[options[answer]],
        item_ids=list(item_ids),
        explanation=f"From the list of causes: {options[answer]}.",
    )


def make_quiz_set(owner: User, *, questions=(), title: str = "Week 1 quiz", **fields):
    from quizzes.models import QuizSet

    quiz_set = QuizSet.objects.create(owner=owner, title=title, mode=QuizSet.Mode.PICKED, **fields)
    questions = list(questions) or [
        make_question(stem=f"Question {n}?", options=(f"Right {n}", f"Wrong {n}a", f"Wrong {n}b"))
        for n in (1, 2)
    ]
    quiz_set.questions.add(*questions)
    return quiz_set


def make_assignment(
    instructor: User | None = None,
    *,
    classroom: Classroom | None = None,
    quiz_set=None,
    students: tuple[User, ...] = (),
    opens_at=None,
    closes_at=None,
    **fields,
):
    import datetime as dt

    from django.utils import timezone

    from quizzes.models import Assignment

    classroom = classroom or make_classroom(instructor, students=students)
    quiz_set = quiz_set or make_quiz_set(classroom.instructor)
    now = timezone.now()
    fields.setdefault("shuffle_questions", False)
    fields.setdefault("shuffle_options", False)
    return Assignment.objects.create(
        quiz_set=quiz_set,
        classroom=classroom,
        opens_at=opens_at or now - dt.timedelta(days=1),
        closes_at=closes_at or now + dt.timedelta(days=7),
        **fields,
    )


def make_attempt(student: User, assignment=None, **fields):
    """A started attempt (through the service, so it has its answer rows)."""
    from django.utils import timezone

    from quizzes import services

    assignment = assignment or make_assignment(make_instructor(), students=(student,))
    return services.start_attempt(user=student, assignment=assignment, now=fields.pop("now", timezone.now()))


def make_finished_attempt(student: User, assignment=None, *, score: float, submitted_at, **fields):
    """A finished attempt with a known score and no answer rows: for grades and dashboards."""
    import datetime as dt

    from quizzes.models import Attempt

    fields.setdefault("status", Attempt.Status.SUBMITTED)
    fields.setdefault("started_at", submitted_at - dt.timedelta(minutes=10))
    fields.setdefault("question_count", 20)
    return Attempt.objects.create(
        user=student,
        assignment=assignment,
        submitted_at=submitted_at,
        score=score,
        correct_count=round(score * fields["question_count"]),
        **fields,
    )
