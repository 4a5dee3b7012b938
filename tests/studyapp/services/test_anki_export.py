"""Export to Anki and back: the official anki package opens our export and finds the same notes, cards, due
dates and review counts; an Anki export imported by us and exported again keeps them too."""

import datetime as dt
from pathlib import Path

import pytest

from studyapp.importers.anki import read_anki
from studyapp.models import Card, CardState, Item, Review
from studyapp.services.anki import save_anki
from studyapp.services.anki_export import export_apkg
from studyapp.services.cards import sync_cards
from studyapp.services.enrollment import add_deck_to_studies
from tests import anki_fixtures, factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(scope="module")
def rich(tmp_path_factory):
    folder = tmp_path_factory.mktemp("anki-export")
    col = anki_fixtures.rich_collection(folder)
    return anki_fixtures.export_all(col, folder)


def open_in_anki(data: bytes, folder: Path):
    """Import a package into a fresh collection with the official anki library, scheduling included."""
    from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest

    package = folder / "ours.apkg"
    package.write_bytes(data)
    col = Collection(str(folder / "target.anki2"))
    col.import_anki_package(
        ImportAnkiPackageRequest(
            package_path=str(package), options=ImportAnkiPackageOptions(with_scheduling=True)
        )
    )
    return col


def _anki_due_dates(col) -> dict[str, list]:
    crt = dt.datetime.fromtimestamp(col.db.scalar("select crt from col"), dt.UTC).date()
    rows = col.db.all("select type, due from cards where type = 2")
    return sorted(crt + dt.timedelta(days=due) for _type, due in rows)


def test_an_article_deck_exports_with_a_learners_history_and_anki_opens_it(tmp_path, student):
    deck = factories.make_deck(owner=student)
    section = factories.make_section(deck)
    for term, gloss in [("Ibuprofen", "NSAID"), ("Naproxen", "NSAID"), ("Codeine", "Opioid")]:
        factories.make_item(section, term, gloss=gloss)
    sync_cards(deck)
    add_deck_to_studies(user=student, deck=deck)
    states = list(CardState.objects.filter(user=student).select_related("card").order_by("pk"))
    now = dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC)
    due = dt.datetime(2026, 3, 9, 12, tzinfo=dt.UTC)
    reviewed = states[0]
    CardState.objects.filter(pk=reviewed.pk).update(
        state=2, stability=8.0, difficulty=5.0, due=due, last_review=now, reps=2
    )
    for minutes, rating in ((0, 3), (10, 3)):
        factories.make_review(
            student, reviewed.card, rating=rating, reviewed_at=now + dt.timedelta(minutes=minutes)
        )
    CardState.objects.filter(pk=states[1].pk).update(suspended=True)
    CardState.objects.filter(pk=states[2].pk).update(flag=2)

    result = export_apkg(decks=[deck], user=student)
    col = open_in_anki(result.data, tmp_path)
    cards = Card.objects.filter(deck=deck, is_active=True).count()
    assert (col.card_count(), result.cards) == (cards, cards)
    assert col.note_count() == result.notes
    assert col.db.scalar("select count() from revlog") == 2 == Review.objects.filter(user=student).count()
    assert _anki_due_dates(col) == [due.date()]
    assert col.db.scalar("select count() from cards where queue = -1") == 1
    assert col.db.scalar("select count() from cards where flags = 2") == 1
    assert col.decks.by_name(deck.title) is not None
    col.close()


def test_anki_collection_round_trip_keeps_notes_cards_due_dates_and_reviews(rich, tmp_path, student):
    (tmp_path / "w").mkdir()
    parsed = read_anki(rich["colpkg"], tmp_path / "w")
    imported = save_anki(
        parsed=parsed,
        package_path=rich["colpkg"],
        owner=student,
        scope="personal",
        title="Rich",
        with_scheduling=True,
    )
    our_due = sorted(
        s.due.date() for s in CardState.objects.filter(user=student, state=CardState.State.REVIEW)
    )
    result = export_apkg(decks=[imported.deck], user=student)
    col = open_in_anki(result.data, tmp_path)
    assert (col.note_count(), col.card_count()) == (19, 26)
    assert col.db.scalar("select count() from revlog") == 5 == Review.objects.filter(user=student).count()
    assert _anki_due_dates(col) == our_due
    assert col.db.scalar("select count() from cards where queue = -1") == 1
    assert col.db.scalar("select count() from cards where flags & 7 != 0") == 1
    # Notes go back in their own note types ("Basic+": a fresh collection has a Basic of its own).
    models = {
        col.models.get(mid)["name"].rstrip("+") for mid in col.db.list("select distinct mid from notes")
    }
    assert {"Cloze", "Basic (and reversed card)", "Basic", "Three fields"} <= models
    col.close()


def test_our_export_imported_by_us_again_keeps_notes_cards_and_history(
    rich, tmp_path, student, other_student
):
    (tmp_path / "w").mkdir()
    parsed = read_anki(rich["colpkg"], tmp_path / "w")
    imported = save_anki(
        parsed=parsed,
        package_path=rich["colpkg"],
        owner=student,
        scope="personal",
        title="Rich",
        with_scheduling=True,
    )
    exported = tmp_path / "ours.apkg"
    exported.write_bytes(export_apkg(decks=[imported.deck], user=student).data)
    (tmp_path / "w2").mkdir()
    again = read_anki(exported, tmp_path / "w2")
    assert (len(again.notes), again.card_count, again.review_count, again.media_count) == (19, 26, 5, 2)
    result = save_anki(
        parsed=again,
        package_path=exported,
        owner=other_student,
        scope="personal",
        title="Back",
        with_scheduling=True,
    )
    assert (result.added, result.cards, result.reviews, result.media_saved) == (19, 26, 5, 2)
    mine = sorted(s.due.date() for s in CardState.objects.filter(user=student, state=2))
    theirs = sorted(s.due.date() for s in CardState.objects.filter(user=other_student, state=2))
    assert mine == theirs
    assert CardState.objects.filter(user=other_student, suspended=True).count() == 1


def test_a_cloze_note_whose_deletions_are_not_in_text_exports_on_the_right_field(tmp_path, student):
    deck = factories.make_deck(owner=student, title="Custom cloze")
    item = factories.make_item(factories.make_section(deck), "Aspirin")
    Item.objects.filter(pk=item.pk).update(
        key="anki:custom-guid",
        note_cards=[
            {"ord": 0, "template": "Cloze 1", "front": "[…] inhibits COX", "back": "Aspirin inhibits COX"}
        ],
        anki_note={
            "notetype": "Cloze (Front)",
            "kind": "cloze",
            "fields": {"Text": "a plain note", "Front": "{{c1::Aspirin}} inhibits COX"},
        },
    )
    sync_cards(deck)
    col = open_in_anki(export_apkg(decks=[deck]).data, tmp_path)
    (note_id,) = col.find_notes("")
    note = col.get_note(note_id)
    assert note["Front"] == "{{c1::Aspirin}} inhibits COX" and note["Text"] == "a plain note"
    assert len(note.cards()) == 1 and "inhibits COX" in note.cards()[0].question()
    col.close()
