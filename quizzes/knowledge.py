"""The knowledge base as plain values, independent of the ORM, so question generation stays pure.

A KnowledgeBase holds decks → sections → items. `knowledge_loader.load_knowledge_base` reads it from the
database in a constant number of queries; tests build one directly from the value types.
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


def knowledge_deck_from_parsed(parsed, *, first_id: int = 1) -> KnowledgeDeck:
    """A parsed article (studyapp.importers.article.ParsedArticle) as knowledge values, ids counted from
    `first_id`: benchmarks and quality measures run on articles without a database."""
    ids = iter(range(first_id, first_id + 10**9))
    sections = [
        (
            section.kind,
            section.heading,
            [KnowledgeItem(id=next(ids), term=i.term, gloss=i.gloss, group=i.group) for i in section.items],
        )
        for section in parsed.sections
    ]
    if parsed.faqs:
        faqs = [KnowledgeItem(id=next(ids), term=f.question, answer=f.answer) for f in parsed.faqs]
        sections.append(("faq", parsed.faq_heading, faqs))
    return build_deck(parsed.slug, parsed.title, sections)
