"""Correcting, retiring and restoring one item of a deck by hand (an editor fixing a typo or a wrong gloss).

An item's `key` never changes here, even when its term does: cards and every learner's progress hang off that
key, so a corrected item keeps its history. A later import of the corrected article finds the item by its
corrected term (services.imports._corrected_by_term); an import of the *uncorrected* article finds it by its
old key and writes the article's term back.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from studyapp.importers.article import normalise_term
from studyapp.models import Item, ItemGroup
from studyapp.services.cards import SyncResult, sync_cards


class ItemConflict(ValueError):
    """The change would make two active items of one section mean the same term; nothing was saved."""


def _check_no_twin(item: Item, term: str) -> None:
    wanted = normalise_term(term)
    others = (
        Item.objects.active()
        .filter(section_id=item.section_id)
        .exclude(pk=item.pk)
        .values_list("term", flat=True)
    )
    twin = next((other for other in others if normalise_term(other) == wanted), None)
    if twin is not None:
        raise ItemConflict(f"{twin!r} is already in this section; two items cannot share a term.")


def correct_item(
    *, item: Item, term: str, gloss: str = "", answer: str = "", group: ItemGroup | None = None
) -> SyncResult:
    """Save the corrected fields and bring the deck's cards in step, in one transaction."""
    term = " ".join(term.split())
    if not term:
        raise ItemConflict("An item needs a term.")
    if group is not None and group.section_id != item.section_id:
        raise ItemConflict("That group belongs to another section.")
    with transaction.atomic():
        item = Item.objects.select_for_update().get(pk=item.pk)
        if item.retired_at is None:
            _check_no_twin(item, term)
        item.term, item.gloss, item.answer, item.group = (
            term[:500],
            gloss.strip()[:500],
            answer.strip(),
            group,
        )
        item.save(update_fields=["term", "gloss", "answer", "group", "updated_at"])
        return sync_cards(item.deck)


def retire_item(*, item: Item) -> SyncResult:
    """Take the item out of the deck: its cards are switched off, learners' history stays."""
    with transaction.atomic():
        item = Item.objects.select_for_update().get(pk=item.pk)
        if item.retired_at is None:
            item.retired_at = timezone.now()
            item.save(update_fields=["retired_at", "updated_at"])
        return sync_cards(item.deck)


def restore_item(*, item: Item) -> SyncResult:
    """Bring a retired item back with its cards (and each learner's progress on them)."""
    with transaction.atomic():
        item = Item.objects.select_for_update().get(pk=item.pk)
        if item.retired_at is not None:
            _check_no_twin(item, item.term)
            item.retired_at = None
            item.save(update_fields=["retired_at", "updated_at"])
        return sync_cards(item.deck)
