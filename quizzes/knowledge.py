"""The knowledge base as plain values, independent of the ORM, so question generation stays pure.

A KnowledgeBase holds decks → sections → items. `load_knowledge_base` reads it from the database in a constant
number of queries; tests build one directly from the value types.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field


@dataclass(frozen=True)
class KnowledgeItem:
    id: int
    term: str
    gloss: str = ""
    group: str = ""
    section_kind: str = ""
    deck_slug: str = ""
    answer: str = ""
    section_heading: str = ""


@dataclass(frozen=True)
class KnowledgeSection:
    kind: str
    heading: str
    deck_slug: str
    items: tuple[KnowledgeItem, ...] = ()


@dataclass(frozen=True)
class KnowledgeDeck:
    slug: str
    title: str
    sections: tuple[KnowledgeSection, ...] = ()

    def items(self) -> Iterator[KnowledgeItem]:
        for section in self.sections:
            yield from section.items


@dataclass(frozen=True)
class KnowledgeBase:
    decks: tuple[KnowledgeDeck, ...] = ()
    _by_slug: dict[str, KnowledgeDeck] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_slug", {deck.slug: deck for deck in self.decks})

    def deck(self, slug: str) -> KnowledgeDeck | None:
        return self._by_slug.get(slug)

    def items(self) -> Iterator[KnowledgeItem]:
        for deck in self.decks:
            yield from deck.items()

    def item(self, item_id: int) -> KnowledgeItem | None:
        return next((item for item in self.items() if item.id == item_id), None)


def build_deck(
    slug: str, title: str, sections: Iterable[tuple[str, str, Iterable[KnowledgeItem]]]
) -> KnowledgeDeck:
    """Assemble a deck from (kind, heading, items); items get the section's kind, heading and the deck slug."""
    built = []
    for kind, heading, items in sections:
        stamped = tuple(
            KnowledgeItem(
                id=item.id,
                term=item.term,
                gloss=item.gloss,
                group=item.group,
                section_kind=kind,
                deck_slug=slug,
                answer=item.answer,
                section_heading=heading,
            )
            for item in items
        )
        built.append(KnowledgeSection(kind=kind, heading=heading, deck_slug=slug, items=stamped))
    return KnowledgeDeck(slug=slug, title=title, sections=tuple(built))


def load_knowledge_base(decks) -> KnowledgeBase:
    """Read the active items of `decks` (a Deck queryset or an iterable of Decks) in at most three queries,
    through the study core's one loader (`Section.objects.with_active_items`)."""
    from studyapp.models import Section

    deck_list = list(decks)
    sections = Section.objects.filter(deck_id__in=[deck.pk for deck in deck_list]).with_active_items()
    slug_of = {deck.pk: deck.slug for deck in deck_list}
    sections_by_deck: dict[int, list[KnowledgeSection]] = {}
    for section in sections:
        slug = slug_of[section.deck_id]
        section_items = tuple(
            KnowledgeItem(
                id=item.pk,
                term=item.term,
                gloss=item.gloss,
                group=item.group.name if item.group else "",
                section_kind=section.kind,
                deck_slug=slug,
                answer=item.answer,
                section_heading=section.heading,
            )
            for item in section.active_items
        )
        sections_by_deck.setdefault(section.deck_id, []).append(
            KnowledgeSection(kind=section.kind, heading=section.heading, deck_slug=slug, items=section_items)
        )
    return KnowledgeBase(
        decks=tuple(
            KnowledgeDeck(slug=deck.slug, title=deck.title, sections=tuple(sections_by_deck.get(deck.pk, [])))
            for deck in deck_list
        )
    )
