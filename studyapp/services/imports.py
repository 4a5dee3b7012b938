"""Save parsed articles and flashcard files as decks (`save_*`).

Two phases (after pretix's importer): the importers' `read_*` parse and check everything first (forms and
commands call them; the checks run there once), then `save_*` writes in one short transaction. Items are
matched on their stable key, so a re-import updates in place, adds what is new and retires what disappeared;
nothing a learner has progress on is ever deleted.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from studyapp.importers.article import ParsedArticle, ParsedSection, item_key, read_article
from studyapp.importers.csv import ParsedCsv, read_csv
from studyapp.importers.problems import ImportRejected, Problem
from studyapp.models import Deck, Item, ItemGroup, Section, SectionKind, User
from studyapp.services.cards import sync_cards
from studyapp.terms import rename_bucket, renamed

FAQ_KIND = SectionKind.FAQ


@dataclass
class ImportResult:
    deck: Deck
    created: bool
    added: int = 0
    updated: int = 0
    retired: int = 0
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)
    renamed: list[tuple[str, str]] = field(default_factory=list)  # (old term, new term), updated in place

    @property
    def changed(self) -> bool:
        return self.created or bool(self.added or self.updated or self.retired)

    def summary(self) -> str:
        verb = "Created" if self.created else "Updated"
        return (
            f"{verb} {self.deck.title!r}: {self.added} added, {self.updated} changed, "
            f"{self.retired} retired, {self.unchanged} unchanged."
            + (
                f" Renamed in place: {', '.join(f'{a} → {b}' for a, b in self.renamed)}."
                if self.renamed
                else ""
            )
        )


def after_import(deck: Deck) -> None:
    """Run after every import, inside its transaction: cards follow the items (new items get cards, changed
    ones are updated in place, retired items' cards are deactivated) and every learner of the deck gets a new
    state for each new card."""
    sync_cards(deck)


def import_article(*, text: str, owner: User | None, scope: str, slug: str | None = None) -> ImportResult:
    """Read `text` and save it as a deck (new, or the same owner's deck of that slug)."""
    return save_article(parsed=read_article(text), owner=owner, scope=scope, slug=slug)


def save_article(
    *,
    parsed: ParsedArticle,
    owner: User | None,
    scope: str,
    slug: str | None = None,
    source: str = Deck.Source.ARTICLE,
) -> ImportResult:
    _check_scope(owner, scope)
    with transaction.atomic():
        deck, created = _deck_for(
            owner=owner,
            scope=scope,
            slug=slug or parsed.slug,
            title=parsed.title,
            summary=parsed.summary,
            source=source,
            source_updated=parsed.last_updated,
        )
        sections = list(parsed.sections)
        if parsed.faqs:
            sections.append(ParsedSection(kind=FAQ_KIND, heading=parsed.faq_heading))
        rows: list[_Row] = []
        for parsed_section, section in zip(sections, _save_sections(deck, sections), strict=True):
            groups = _save_groups(section, parsed_section)
            if parsed_section.kind == FAQ_KIND:
                rows += [
                    _Row(section, None, position, term=faq.question, answer=faq.answer, text=faq.question)
                    for position, faq in enumerate(parsed.faqs)
                ]
                continue
            rows += [
                _Row(
                    section,
                    groups.get(item.group),
                    position,
                    term=item.term,
                    gloss=item.gloss,
                    text=item.text,
                )
                for position, item in enumerate(parsed_section.items)
            ]
        result = _save_items(deck, rows, created)
        result.problems = list(parsed.problems)
        after_import(deck)
    return result


def import_csv(
    *, data: bytes | str, title: str, owner: User | None, scope: str, slug: str | None = None
) -> ImportResult:
    """Read a CSV/TSV file of flashcards and save it as a deck."""
    return save_csv(parsed=read_csv(data), title=title, owner=owner, scope=scope, slug=slug)


def save_csv(
    *, parsed: ParsedCsv, title: str, owner: User | None, scope: str, slug: str | None = None
) -> ImportResult:
    """Plain flashcards as one deck of a single section (kind `other`; term = front, answer = back),
    atomically."""
    title = (title or "").strip()
    if not title:
        raise ImportRejected("A CSV deck needs a title.")
    _check_scope(owner, scope)
    with transaction.atomic():
        deck, created = _deck_for(
            owner=owner,
            scope=scope,
            slug=slug or slugify(title),
            title=title,
            summary="",
            source=Deck.Source.CSV,
            source_updated=None,
        )
        (section,) = _save_sections(deck, [ParsedSection(kind=SectionKind.OTHER, heading="Cards")])
        rows = [
            _Row(section, None, position, term=card.front, answer=card.back, text=card.front, tags=card.tags)
            for position, card in enumerate(parsed.cards)
        ]
        result = _save_items(deck, rows, created)
        after_import(deck)
    return result


def _check_scope(owner: User | None, scope: str) -> None:
    if scope not in Deck.Scope.values:
        raise ImportRejected(f"Unknown scope {scope!r}.")
    if scope != Deck.Scope.LIBRARY and owner is None:
        raise ImportRejected("Instructor and personal decks need an owner.")
    if (
        scope == Deck.Scope.INSTRUCTOR
        and owner is not None
        and not (owner.is_instructor or owner.is_superuser)
    ):
        raise ImportRejected("Only instructors can publish decks to their classes.")


def _deck_for(*, owner, scope, slug, title, summary, source, source_updated) -> tuple[Deck, bool]:
    """The deck this owner already imported under `slug` (or its numbered variant), else a new one."""
    base = slugify(slug)[:190] or "deck"
    candidates = Deck.objects.select_for_update().filter(slug__regex=rf"^{re.escape(base)}(-[0-9]+)?$")
    mine = [d for d in candidates if d.owner_id == (owner.pk if owner else None) and d.scope == scope]
    if mine:
        deck = min(mine, key=lambda d: len(d.slug))
        fields = {
            "title": title[:200],
            "summary": summary,
            "source": source,
            "source_updated": source_updated,
        }
        changed = [name for name, value in fields.items() if getattr(deck, name) != value]
        for name in changed:
            setattr(deck, name, fields[name])
        if changed:
            deck.save(update_fields=[*changed, "updated_at"])
        return deck, False
    taken = {d.slug for d in candidates}
    unique, n = base, 1
    while unique in taken:
        n += 1
        unique = f"{base}-{n}"
    deck = Deck.objects.create(
        title=title[:200],
        slug=unique,
        summary=summary,
        source=source,
        scope=scope,
        owner=owner,
        source_updated=source_updated,
    )
    return deck, True


def _save_sections(deck: Deck, parsed_sections: list[ParsedSection]) -> list[Section]:
    existing = list(deck.sections.all())
    saved = []
    for position, parsed in enumerate(parsed_sections):
        notes = "\n".join(parsed.notes)
        match = next(
            (
                s
                for s in existing
                if s.kind == parsed.kind and (parsed.kind != SectionKind.OTHER or s.heading == parsed.heading)
            ),
            None,
        )
        if match is None:
            match = Section.objects.create(
                deck=deck, kind=parsed.kind, heading=parsed.heading[:200], notes=notes, position=position
            )
        else:
            existing.remove(match)
            fields = {"heading": parsed.heading[:200], "notes": notes, "position": position}
            changed = [name for name, value in fields.items() if getattr(match, name) != value]
            for name in changed:
                setattr(match, name, fields[name])
            if changed:
                match.save(update_fields=changed)
        saved.append(match)
    return saved


def _save_groups(section: Section, parsed: ParsedSection) -> dict[str, ItemGroup]:
    existing = {g.name: g for g in section.groups.all()}
    groups: dict[str, ItemGroup] = {}
    for position, parsed_group in enumerate(parsed.groups):
        name = parsed_group.name[:200]
        group = existing.pop(name, None)
        if group is None:
            group = ItemGroup.objects.create(
                section=section, name=name, notes=parsed_group.notes, position=position
            )
        elif (group.notes, group.position) != (parsed_group.notes, position):
            group.notes, group.position = parsed_group.notes, position
            group.save(update_fields=["notes", "position"])
        groups[parsed_group.name] = group
    if existing:
        # Groups gone from the article: their items are retired (or moved), so the heading can go.
        ItemGroup.objects.filter(pk__in=[g.pk for g in existing.values()]).delete()
    return groups


@dataclass
class _Row:
    """One item as the import wants it to be; `key` is its identity across imports."""

    section: Section
    group: ItemGroup | None
    position: int
    term: str
    gloss: str = ""
    answer: str = ""
    text: str = ""
    tags: list[str] = field(default_factory=list)

    @property
    def key(self) -> str:
        return item_key(self.section.kind, self.term)

    def values(self) -> dict:
        return {
            "section_id": self.section.pk,
            "group_id": self.group.pk if self.group else None,
            "position": self.position,
            "term": self.term[:500],
            "gloss": self.gloss[:500],
            "answer": self.answer,
            "text": self.text,
            "tags": self.tags,
            "retired_at": None,
        }


def _save_items(deck: Deck, rows: list[_Row], created: bool) -> ImportResult:
    """Add new keys, update changed ones, retire missing ones; never delete (learners' cards hang off items)."""
    existing = {item.key: item for item in Item.objects.filter(deck=deck)}
    corrected = _corrected_by_term(existing, {row.key for row in rows})
    result = ImportResult(deck=deck, created=created)
    new, changed, seen = [], [], set()
    for row in rows:
        if row.key in seen:
            continue  # the same term twice (the parser reports it); the first one wins
        seen.add(row.key)
        values = row.values()
        item = existing.get(row.key)
        if item is None and row.key in corrected:
            item = corrected.pop(row.key)
            seen.add(item.key)
        if item is None:
            new.append(Item(deck=deck, key=row.key, **values))
        elif any(getattr(item, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(item, name, value)
            changed.append(item)
        else:
            result.unchanged += 1
    # A line reworded in other words (`MRI` → `Magnetic resonance imaging`) updates its item instead of
    # retiring it and adding a twin: learners keep their progress. The item keeps its key, as after a web
    # correction, and _corrected_by_term finds it by its new term next time.
    leaving = [item for key, item in existing.items() if key not in seen and item.retired_at is None]
    for item, fresh in _renames(leaving, new):
        old_term = item.term
        for name in _COPIED_ON_RENAME:
            setattr(item, name, getattr(fresh, name))
        new.remove(fresh)
        seen.add(item.key)
        changed.append(item)
        result.renamed.append((old_term, item.term))
    now = timezone.now()
    gone = [item.pk for key, item in existing.items() if key not in seen and item.retired_at is None]
    Item.objects.bulk_create(new)
    for item in changed:
        item.updated_at = now
    if changed:
        Item.objects.bulk_update(changed, _UPDATE_FIELDS)
    if gone:
        Item.objects.filter(pk__in=gone).update(retired_at=now, updated_at=now)
    result.added, result.updated, result.retired = len(new), len(changed), len(gone)
    return result


_COPIED_ON_RENAME = (
    "section_id",
    "group_id",
    "position",
    "term",
    "gloss",
    "answer",
    "text",
    "tags",
    "retired_at",
)


def _renames(leaving: list[Item], new: list[Item]) -> list[tuple[Item, Item]]:
    """Pairs (existing item about to be retired, unsaved new item of the same section kind) that name the
    same thing in other words; only pairs that match one to one."""
    pairs = rename_pairs(
        [(item.key.split(":", 1)[0], item.term) for item in leaving],
        [(fresh.key.split(":", 1)[0], fresh.term) for fresh in new],
    )
    return [(leaving[old], new[fresh]) for old, fresh in pairs]


def rename_pairs(old: list[tuple[str, str]], new: list[tuple[str, str]]) -> list[tuple[int, int]]:
    """(old index, new index) of (kind, term) pairs that are the same thing renamed (studyapp.terms.renamed),
    where each side has exactly one such partner."""
    # Bucketed by what `renamed` needs equal, so a long list costs one pass, not one comparison per pair.
    buckets: dict[tuple, list[int]] = {}
    for i, (kind, term) in enumerate(old):
        buckets.setdefault((kind, *rename_bucket(term)), []).append(i)
    matches = [
        (i, j)
        for j, (kind, term) in enumerate(new)
        for i in buckets.get((kind, *rename_bucket(term)), ())
        if renamed(old[i][1], term)
    ]
    old_count = Counter(i for i, _ in matches)
    new_count = Counter(j for _, j in matches)
    return [(i, j) for i, j in matches if old_count[i] == 1 and new_count[j] == 1]


def planned_renames(
    *, parsed: ParsedArticle, owner: User | None, scope: str, slug: str | None = None
) -> list[tuple[str, str]]:
    """For the import preview, read-only: the items that importing `parsed` over the owner's deck of that slug
    would rename in place (old term, new term)."""
    base = slugify(slug or parsed.slug)[:190] or "deck"
    decks = Deck.objects.filter(slug__regex=rf"^{re.escape(base)}(-[0-9]+)?$", scope=scope)
    decks = decks.filter(owner=owner) if owner is not None else decks.filter(owner__isnull=True)
    deck = min(decks, key=lambda d: len(d.slug), default=None)
    if deck is None:
        return []
    existing = {item.key: item for item in Item.objects.filter(deck=deck)}
    rows = [(section.kind, item.term) for section in parsed.sections for item in section.items]
    rows += [(FAQ_KIND, faq.question) for faq in parsed.faqs]
    row_keys = {item_key(kind, term) for kind, term in rows}
    corrected = _corrected_by_term(existing, row_keys)
    kept = {item.pk for item in corrected.values()}
    new = [(k, t) for k, t in rows if item_key(k, t) not in existing and item_key(k, t) not in corrected]
    leaving = [
        (key.split(":", 1)[0], item.term)
        for key, item in existing.items()
        if key not in row_keys and item.pk not in kept and item.retired_at is None
    ]
    return [(leaving[i][1], new[j][1]) for i, j in rename_pairs(leaving, new)]


def _corrected_by_term(existing: dict[str, Item], row_keys: set[str]) -> dict[str, Item]:
    """Items whose term an editor corrected on the web (services.items keeps their key), found by the key
    their current term would have. A re-import of the corrected article then updates them in place instead
    of retiring them and adding a twin, so learners keep their progress. Items the article still names under
    their own key are left to that match."""
    found = {}
    for key, item in existing.items():
        kind = key.split(":", 1)[0]
        by_term = item_key(kind, item.term)
        if by_term != key and key not in row_keys and by_term not in existing:
            found[by_term] = item
    return found


_UPDATE_FIELDS = [
    "section",
    "group",
    "position",
    "term",
    "gloss",
    "answer",
    "text",
    "tags",
    "retired_at",
    "updated_at",
]


def owner_and_scope_for(user: User) -> tuple[User | None, str]:
    """Where a user's imports go: admins fill the library, instructors their classes, learners their own."""
    if user.is_superuser:
        return None, Deck.Scope.LIBRARY
    if user.is_instructor:
        return user, Deck.Scope.INSTRUCTOR
    return user, Deck.Scope.PERSONAL
