"""Plain builders for test data. Each returns a saved object; pass what matters to the test."""

import itertools

from quizzes.models import ClassMembership, Classroom
from studyapp.models import Deck, Item, ItemGroup, Section, User

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


def enroll(user: User, deck: Deck):
    """The learner adds the deck and gets a new state for each of its active cards."""
    from studyapp.models import Enrollment
    from studyapp.services.cards import create_missing_states

    enrollment, _ = Enrollment.objects.get_or_create(user=user, deck=deck)
    create_missing_states(deck)
    return enrollment


def make_group(section: Section, name: str, *, position: int = 0) -> ItemGroup:
    return ItemGroup.objects.create(section=section, name=name, position=position)
