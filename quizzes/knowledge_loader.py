"""The knowledge base read from the database, as the plain values of `quizzes.knowledge`."""

from quizzes.knowledge import KnowledgeBase, KnowledgeDeck, KnowledgeItem, KnowledgeSection
from studyapp.models import Section


def load_knowledge_base(decks) -> KnowledgeBase:
    """Read the active items of `decks` (a Deck queryset or an iterable of Decks) in at most three queries,
    through the study core's one loader (`Section.objects.with_active_items`)."""
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
