"""Keep a deck's cards in step with its knowledge base, and every enrolled learner's card states with its cards."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from studyapp import cardgen
from studyapp.models import Card, CardState, Deck, Enrollment, Item, Section


@dataclass(frozen=True)
class SyncResult:
    created: int
    updated: int
    deactivated: int
    states_created: int


def deck_sources(deck: Deck) -> list[cardgen.SectionSource]:
    return [
        cardgen.SectionSource(
            kind=s.kind,
            heading=s.heading,
            items=tuple(
                cardgen.ItemSource(
                    key=item.key,
                    term=item.term,
                    gloss=item.gloss,
                    answer=item.answer,
                    group=item.group.name if item.group else None,
                    position=item.position,
                    note_cards=tuple(item.note_cards or ()),
                )
                for item in s.active_items
            ),
            position=s.position,
            ref=s.pk,
        )
        for s in Section.objects.filter(deck=deck).with_active_items()
    ]


@transaction.atomic
def sync_cards(deck: Deck) -> SyncResult:
    """Create new cards, update changed ones, deactivate those whose item is retired or template disabled,
    and give every active learner of the deck a (new) state for each active card they lack."""
    sources = deck_sources(deck)
    section_ids = {s.key: s.ref for s in sources}
    item_ids = dict(Item.objects.filter(deck=deck).values_list("key", "pk"))
    specs = cardgen.generate_cards(deck.title, sources, deck.disabled_card_templates or [])
    existing = {card.key: card for card in Card.objects.filter(deck=deck)}

    to_create, to_update, moved = [], [], []
    for spec in specs:
        fields = {
            "template": spec.template,
            "front": spec.front,
            "back": spec.back,
            "is_html": spec.html,
            "position": spec.position,
            "section_id": section_ids[spec.section_key],
            "item_id": item_ids.get(spec.item_key) if spec.item_key else None,
            "is_active": True,
        }
        card = existing.get(spec.key)
        if card is None:
            to_create.append(Card(deck=deck, key=spec.key, **fields))
        elif any(getattr(card, name) != value for name, value in fields.items()):
            if card.position != spec.position:
                moved.append(card.pk)
            for name, value in fields.items():
                setattr(card, name, value)
            card.updated_at = timezone.now()
            to_update.append(card)
    Card.objects.bulk_create(to_create, batch_size=500)
    Card.objects.bulk_update(
        to_update,
        ["template", "front", "back", "is_html", "position", "section", "item", "is_active", "updated_at"],
        batch_size=500,
    )
    _move_states(moved)
    wanted = {spec.key for spec in specs}
    # Worked out here rather than with `exclude(key__in=wanted)`: an Anki deck can have more cards than
    # SQLite accepts query parameters.
    gone = [card.pk for key, card in existing.items() if card.is_active and key not in wanted]
    deactivated = 0
    for start in range(0, len(gone), 1000):
        deactivated += Card.objects.filter(pk__in=gone[start : start + 1000]).update(is_active=False)
    return SyncResult(
        created=len(to_create),
        updated=len(to_update),
        deactivated=deactivated,
        states_created=create_missing_states(deck),
    )


def create_missing_states(deck: Deck) -> int:
    learners = list(Enrollment.objects.filter(deck=deck, active=True).values_list("user_id", flat=True))
    cards = list(Card.objects.filter(deck=deck, is_active=True).values_list("pk", "position"))
    have = set(
        CardState.objects.filter(card__deck=deck, user_id__in=learners).values_list("user_id", "card_id")
    )
    missing = [
        new_state(user_id, card_id, position)
        for user_id in learners
        for card_id, position in cards
        if (user_id, card_id) not in have
    ]
    CardState.objects.bulk_create(missing, ignore_conflicts=True)
    return len(missing)


def new_state(user_id: int, card_id: int, position: int) -> CardState:
    """A learner's state for a card they have not studied yet, in its place in the deck's new-card order."""
    return CardState(user_id=user_id, card_id=card_id, position=position)


def _move_states(card_ids: list[int]) -> None:
    """Give every learner's state of these cards its card's (new) place in the deck."""
    place = Card.objects.filter(pk=OuterRef("card_id")).values("position")[:1]
    for start in range(0, len(card_ids), 1000):
        CardState.objects.filter(card_id__in=card_ids[start : start + 1000]).update(position=Subquery(place))
