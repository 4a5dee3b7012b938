"""Your data to take away: everything of a learner's as a zip (review log in the FSRS revlog shape, card states,
settings, and what other apps register), and the same zip read back into another instance of the app."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from studyapp import exports
from studyapp.forms import StudySettingsForm
from studyapp.importers.article import ParsedArticle, ParsedFaq, ParsedGroup, ParsedItem, ParsedSection
from studyapp.importers.csv import CsvCard, ParsedCsv
from studyapp.models import Card, CardState, Deck, Enrollment, Item, Review, SectionKind
from studyapp.services import imports
from studyapp.services.enrollment import add_deck_to_studies

FORMAT = "studyapp-export/1"
DECK_FORMAT = "studyapp-deck/1"
MAX_ARCHIVE_BYTES = 20 * 1024 * 1024
MAX_UNPACKED_BYTES = 200 * 1024 * 1024

SETTINGS = StudySettingsForm.Meta.fields
STATE_FIELDS = ("state", "step", "stability", "difficulty", "due", "last_review", "reps", "lapses")
STATE_FIELDS += ("suspended", "buried_until", "flag", "is_leech")
REVIEW_FIELDS = ("rating", "reviewed_at", "duration_ms", "source", "state_before", "state_after")
REVIEW_FIELDS += (
    "stability_after",
    "difficulty_after",
    "elapsed_days",
    "scheduled_days",
    "last_interval_days",
)
# Anki's revlog types, as in the FSRS review-log CSV: 0 learn, 1 review, 2 relearn.
REVLOG_STATE = {CardState.State.NEW: 0, CardState.State.LEARNING: 0, CardState.State.REVIEW: 1}
REVLOG_STATE[CardState.State.RELEARNING] = 2

README = """# Your studyapp data

Exported {when} for {username}. Every file is UTF-8 CSV (or JSON); times are UTC.

- `revlog.csv`: every answer, in the FSRS review-log shape other tools read:
  card_id, review_time (epoch milliseconds), review_rating (1 Again, 2 Hard, 3 Good, 4 Easy),
  review_state (0 learn, 1 review, 2 relearn), review_duration (milliseconds).
- `reviews.csv`: the same answers with everything the app keeps (source: flashcard review or quiz answer; memory
  state after the answer; the interval it gave).
- `cards.csv`: each card you study: its id in the files above, its deck (by slug), its stable key, front and back.
- `card_states.csv`: where each card stands for you (FSRS stability, difficulty, due date, lapses, ...).
- `settings.json`: your study settings and the decks you study.
- `decks/*.json`: the decks you made (imported articles and flashcards), so another site can recreate them.
{extra}
To bring your progress into another studyapp instance: sign in there as yourself, open Study settings → Your
data, and import this zip. Cards are matched by deck slug and card key; your own decks are recreated there when
missing; other decks that instance does not have are reported and skipped. Importing the same zip twice changes nothing the second time.
"""


def _iso(value) -> str:
    return value.isoformat() if value is not None else ""


def _csv(header, rows) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def export_archive(*, user, now: dt.datetime | None = None) -> bytes:
    now = now or timezone.now()
    states = list(CardState.objects.filter(user=user).select_related("card__deck").order_by("card_id"))
    reviews = list(Review.objects.filter(user=user).order_by("reviewed_at", "pk"))
    extra = exports.files_for(user)
    readme = README.format(
        when=now.strftime("%Y-%m-%d %H:%M UTC"),
        username=user.username,
        extra="".join(f"- `{f.name}`: {f.about}\n" for f in extra),
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.md", readme)
        archive.writestr("revlog.csv", _revlog_csv(reviews))
        archive.writestr("reviews.csv", _reviews_csv(reviews))
        archive.writestr("cards.csv", _cards_csv(states))
        archive.writestr("card_states.csv", _card_states_csv(states))
        archive.writestr("settings.json", json.dumps(_settings_document(user, now), indent=2))
        for deck in Deck.objects.filter(owner=user).order_by("slug"):
            archive.writestr(f"decks/{deck.slug}.json", json.dumps(deck_document(deck), indent=1))
        for f in extra:
            archive.writestr(f.name, f.content)
    return buffer.getvalue()


def _cards_csv(states: list[CardState]) -> str:
    return _csv(
        ("card_id", "deck_slug", "deck_title", "card_key", "template", "front", "back"),
        [
            (
                s.card_id,
                s.card.deck.slug,
                s.card.deck.title,
                s.card.key,
                s.card.template,
                s.card.front,
                s.card.back,
            )
            for s in states
        ],
    )


def _card_states_csv(states: list[CardState]) -> str:
    return _csv(
        ("card_id", *STATE_FIELDS),
        [
            (
                s.card_id,
                *[_iso(v) if isinstance(v, dt.date) else v for v in (getattr(s, f) for f in STATE_FIELDS)],
            )
            for s in states
        ],
    )


def _revlog_csv(reviews: list[Review]) -> str:
    """The FSRS review-log shape other tools read."""
    return _csv(
        ("card_id", "review_time", "review_rating", "review_state", "review_duration"),
        [
            (
                r.card_id,
                int(r.reviewed_at.timestamp() * 1000),
                r.rating,
                REVLOG_STATE[r.state_before],
                r.duration_ms,
            )
            for r in reviews
        ],
    )


def _reviews_csv(reviews: list[Review]) -> str:
    return _csv(
        ("card_id", *REVIEW_FIELDS),
        [(r.card_id, *[_iso(v) if f == "reviewed_at" else v for f, v in _fields(r)]) for r in reviews],
    )


def _settings_document(user, now: dt.datetime) -> dict:
    studying = Enrollment.objects.filter(user=user, active=True).select_related("deck").order_by("deck__slug")
    return {
        "format": FORMAT,
        "exported_at": now.isoformat(),
        "username": user.username,
        "settings": {name: getattr(user, name) for name in SETTINGS},
        "studying": [e.deck.slug for e in studying],
    }


def deck_document(deck: Deck) -> dict:
    """A deck the learner made, in a form `import_archive` can recreate: an article deck as our bundled-deck
    JSON (the knowledge base as it stands, corrections included), a flashcard deck as its cards."""
    doc = {
        "format": DECK_FORMAT,
        "slug": deck.slug,
        "title": deck.title,
        "source": deck.source,
        "scope": deck.scope,
        "disabled_card_templates": list(deck.disabled_card_templates or []),
    }
    sections = list(deck.sections.prefetch_related("groups").order_by("position"))
    items = list(
        Item.objects.active().filter(deck=deck).select_related("group").order_by("section_id", "position")
    )
    if deck.source != Deck.Source.ARTICLE:
        doc["cards"] = [{"front": i.term, "back": i.answer, "tags": list(i.tags or [])} for i in items]
        return doc
    parsed = ParsedArticle(
        title=deck.title, slug=deck.slug, summary=deck.summary, last_updated=deck.source_updated
    )
    for section in sections:
        mine = [i for i in items if i.section_id == section.pk]
        if section.kind == SectionKind.FAQ:
            parsed.faq_heading = section.heading
            parsed.faqs = [ParsedFaq(question=i.term, answer=i.answer) for i in mine]
            continue
        parsed.sections.append(
            ParsedSection(
                kind=section.kind,
                heading=section.heading,
                notes=[line for line in section.notes.split("\n") if line.strip()],
                groups=[ParsedGroup(name=g.name, notes=g.notes) for g in section.groups.all()],
                items=[
                    ParsedItem(term=i.term, gloss=i.gloss, group=i.group.name if i.group else "", text=i.text)
                    for i in mine
                ],
            )
        )
    doc["article"] = parsed.to_dict()
    return doc


def _recreate_deck(user, doc: dict) -> Deck:
    """The learner's own deck, made again on this site from its export (a personal deck, or an instructor's
    deck for their classes if they are an instructor here too)."""
    scope = (
        Deck.Scope.INSTRUCTOR if doc.get("scope") == Deck.Scope.INSTRUCTOR and user.is_instructor else None
    )
    scope = scope or Deck.Scope.PERSONAL
    if "article" in doc:
        result = imports.save_article(
            parsed=ParsedArticle.from_dict(doc["article"]), owner=user, scope=scope, source=doc["source"]
        )
    else:
        cards = [
            CsvCard(str(c["front"]), str(c["back"]), [str(x) for x in c.get("tags", [])])
            for c in doc["cards"]
        ]
        parsed = ParsedCsv(cards=cards, errors=[], delimiter=",", has_header=True)
        result = imports.save_csv(
            parsed=parsed, title=doc["title"], owner=user, scope=scope, slug=doc["slug"]
        )
    deck = result.deck
    if deck.source != doc["source"] and doc["source"] in Deck.Source.values:
        deck.source = doc[
            "source"
        ]  # an Anki deck comes back as its cards, still named for where it came from
        deck.save(update_fields=["source"])
    disabled = [str(name) for name in doc.get("disabled_card_templates", [])]
    if disabled != list(deck.disabled_card_templates or []):
        from studyapp.services.cards import sync_cards

        deck.disabled_card_templates = disabled
        deck.save(update_fields=["disabled_card_templates", "updated_at"])
        sync_cards(deck)
    return deck


def _fields(review: Review):
    return [(f, getattr(review, f)) for f in REVIEW_FIELDS]


# --- Import -------------------------------------------------------------------------------------------------


class ArchiveError(ValueError):
    """The upload is not an export of this app; the message says why. Nothing was saved."""


@dataclass
class ImportReport:
    settings_changed: bool = False
    decks_added: list[str] = field(default_factory=list)
    decks_missing: list[str] = field(default_factory=list)
    decks_recreated: list[str] = field(default_factory=list)
    states_restored: int = 0
    reviews_added: int = 0
    reviews_already_there: int = 0
    cards_missing: int = 0


def _read(data: bytes) -> dict[str, str]:
    if len(data) > MAX_ARCHIVE_BYTES:
        raise ArchiveError(f"The file is over {MAX_ARCHIVE_BYTES // (1024 * 1024)} MB.")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ArchiveError("That is not a zip file made by “Download your data”.") from exc
    if sum(i.file_size for i in infos) > MAX_UNPACKED_BYTES:
        raise ArchiveError("The zip unpacks to more than 200 MB; it is not an export of this app.")
    wanted = {"settings.json", "cards.csv", "card_states.csv", "reviews.csv"}
    names = {i.filename for i in infos}
    if missing := sorted(wanted - names):
        raise ArchiveError(f"The zip has no {', '.join(missing)}: it is not an export of this app.")
    wanted |= {n for n in names if n.startswith("decks/") and n.endswith(".json")}
    try:
        return {name: archive.read(name).decode("utf-8") for name in wanted}
    except (UnicodeDecodeError, zipfile.BadZipFile, OSError) as exc:
        raise ArchiveError(f"The zip is damaged ({exc}).") from exc


def _rows(text: str, name: str, required: tuple[str, ...]) -> list[dict]:
    reader = csv.DictReader(io.StringIO(text))
    if missing := [c for c in required if c not in (reader.fieldnames or [])]:
        raise ArchiveError(f"{name} has no column {', '.join(missing)}.")
    return list(reader)


def _opt(cast, value):
    return cast(value) if value not in ("", None) else None


def _dt(value):
    return _opt(dt.datetime.fromisoformat, value)


def _state_values(row: dict, line: int) -> dict:
    try:
        return {
            "state": int(row["state"]),
            "step": _opt(int, row["step"]),
            "stability": _opt(float, row["stability"]),
            "difficulty": _opt(float, row["difficulty"]),
            "due": _dt(row["due"]),
            "last_review": _dt(row["last_review"]),
            "reps": int(row["reps"]),
            "lapses": int(row["lapses"]),
            "suspended": row["suspended"] == "True",
            "buried_until": _opt(dt.date.fromisoformat, row["buried_until"]),
            "flag": int(row["flag"]),
            "is_leech": row["is_leech"] == "True",
        }
    except (ValueError, KeyError) as exc:
        raise ArchiveError(f"card_states.csv line {line}: {exc}") from exc


def _review_values(row: dict, line: int) -> dict:
    try:
        return {
            "rating": int(row["rating"]),
            "reviewed_at": dt.datetime.fromisoformat(row["reviewed_at"]),
            "duration_ms": int(row["duration_ms"]),
            "source": row["source"] if row["source"] in Review.Source.values else Review.Source.REVIEW,
            "state_before": int(row["state_before"]),
            "state_after": int(row["state_after"]),
            "stability_after": _opt(float, row["stability_after"]),
            "difficulty_after": _opt(float, row["difficulty_after"]),
            "elapsed_days": float(row["elapsed_days"] or 0),
            "scheduled_days": float(row["scheduled_days"] or 0),
            "last_interval_days": float(row["last_interval_days"] or 0),
        }
    except (ValueError, KeyError) as exc:
        raise ArchiveError(f"reviews.csv line {line}: {exc}") from exc


@dataclass
class ParsedArchive:
    """An export read and checked, before anything is saved."""

    settings_form: StudySettingsForm
    studying: list[str]
    cards: list[dict]  # cards.csv rows
    states: dict[str, dict]  # CardState values by the exporting site's card id
    reviews: list[tuple[str, dict]]  # (that card id, Review values), in file order
    deck_docs: dict[str, dict]  # the learner's own decks by slug


def import_archive(*, user, data: bytes) -> ImportReport:
    """Restore a learner's progress from their export: settings, the decks they study, card states and the
    review log. Parses and checks everything first, then saves in one transaction; raises ArchiveError (with
    the file and line) before saving anything. Reviews already present are not added twice."""
    parsed = _parse_archive(user=user, data=data)
    report = ImportReport()
    with transaction.atomic():
        parsed.settings_form.save()
        report.settings_changed = True
        decks = _study_archived_decks(user, parsed, report)
        card_for = _match_cards(parsed.cards, decks)
        report.cards_missing = sum(1 for pk in card_for.values() if pk is None)
        report.states_restored = _restore_states(user, parsed.states, card_for)
        _add_reviews(user, parsed.reviews, card_for, report)
    return report


def _parse_archive(*, user, data: bytes) -> ParsedArchive:
    """Phase one of import_archive: every file read and checked; raises ArchiveError with the file and line."""
    files = _read(data)
    try:
        doc = json.loads(files["settings.json"])
    except json.JSONDecodeError as exc:
        raise ArchiveError(f"settings.json is not JSON ({exc}).") from exc
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise ArchiveError("settings.json does not come from this app's export.")
    cards = _rows(files["cards.csv"], "cards.csv", ("card_id", "deck_slug", "card_key"))
    states = _rows(files["card_states.csv"], "card_states.csv", ("card_id", *STATE_FIELDS))
    reviews = _rows(files["reviews.csv"], "reviews.csv", ("card_id", *REVIEW_FIELDS))
    state_values = {row["card_id"]: _state_values(row, n) for n, row in enumerate(states, start=2)}
    review_values = [(row["card_id"], _review_values(row, n)) for n, row in enumerate(reviews, start=2)]
    form = StudySettingsForm(
        {**{k: getattr(user, k) for k in SETTINGS}, **doc.get("settings", {})}, instance=user
    )
    if not form.is_valid():
        problems = "; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items())
        raise ArchiveError(f"settings.json has settings this app refuses: {problems}")
    return ParsedArchive(
        settings_form=form,
        studying=list(doc.get("studying", [])),
        cards=cards,
        states=state_values,
        reviews=review_values,
        deck_docs=_deck_docs(files),
    )


def _deck_docs(files: dict[str, str]) -> dict[str, dict]:
    docs = {}
    for name in sorted(n for n in files if n.startswith("decks/")):
        try:
            deck_doc = json.loads(files[name])
            if deck_doc.get("format") != DECK_FORMAT or not ("article" in deck_doc or "cards" in deck_doc):
                raise ValueError("not a deck of this app's export")
            docs[str(deck_doc["slug"])] = deck_doc
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise ArchiveError(f"{name}: {exc}") from exc
    return docs


def _study_archived_decks(user, parsed: ParsedArchive, report: ImportReport) -> dict[str, int]:
    """The archive's decks this site has (the learner's own recreated when missing), added to the learner's
    studies: their ids by slug."""
    visible = {d.slug: d for d in Deck.objects.visible_to(user)}
    slugs = sorted({row["deck_slug"] for row in parsed.cards} | set(parsed.studying))
    for slug in slugs:
        if slug not in visible and slug in parsed.deck_docs:
            try:
                visible[slug] = _recreate_deck(user, parsed.deck_docs[slug])
            except (imports.ImportRejected, ValueError, KeyError, TypeError) as exc:
                raise ArchiveError(f"decks/{slug}.json: {exc}") from exc
            report.decks_recreated.append(slug)
    report.decks_missing = [s for s in slugs if s not in visible]
    for slug in slugs:
        if slug in visible:
            add_deck_to_studies(user=user, deck=visible[slug])
            report.decks_added.append(slug)
    return {slug: visible[slug].pk for slug in report.decks_added}


def _match_cards(rows: list[dict], decks: dict[str, int]) -> dict[str, int | None]:
    """This site's card for each exported card id (None when it has none): by deck and stable key."""
    here = list(Card.objects.filter(deck_id__in=decks.values()))
    by_key = {(c.deck_id, c.key): c.pk for c in here}
    # A recreated deck's corrected items get keys from their corrected terms: match those cards by wording.
    by_front = {(c.deck_id, c.template, c.front): c.pk for c in here}
    card_for = {}
    for row in rows:
        deck_id = decks.get(row["deck_slug"])
        card_for[row["card_id"]] = by_key.get((deck_id, row["card_key"])) or by_front.get(
            (deck_id, row.get("template", ""), row.get("front", ""))
        )
    return card_for


def _restore_states(user, states: dict[str, dict], card_for: dict[str, int | None]) -> int:
    mine = {
        s.card_id: s
        for s in CardState.objects.filter(user=user, card_id__in=[pk for pk in card_for.values() if pk])
    }
    changed = []
    for old_id, values in states.items():
        state = mine.get(card_for.get(old_id))
        if state is None:
            continue
        for name, value in values.items():
            setattr(state, name, value)
        state.version += 1  # answers shown before the import are stale
        changed.append(state)
    CardState.objects.bulk_update(changed, [*STATE_FIELDS, "version"])
    return len(changed)


def _add_reviews(user, reviews, card_for: dict[str, int | None], report: ImportReport) -> None:
    have = set(Review.objects.filter(user=user).values_list("card_id", "reviewed_at", "rating"))
    new_reviews = []
    for old_id, values in reviews:
        card_id = card_for.get(old_id)
        if card_id is None:
            continue
        if (card_id, values["reviewed_at"], values["rating"]) in have:
            report.reviews_already_there += 1
            continue
        new_reviews.append(Review(user=user, card_id=card_id, snapshot_before={}, **values))
    Review.objects.bulk_create(new_reviews, batch_size=1000)
    report.reviews_added = len(new_reviews)
