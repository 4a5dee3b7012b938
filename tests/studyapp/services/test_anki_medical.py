"""A shared medical deck imported with a learner's history, checked against what Anki itself says of each
card: nested decks as sections, states, due dates (cram decks included), suspended, buried, flags, leeches,
review counts that leave out cram answers and reschedules, and a second import of edited notes updating in
place."""

import datetime as dt
import re
from pathlib import Path

import pytest

from studyapp.importers.anki import read_anki
from studyapp.importers.anki.render import plain_text
from studyapp.models import Card, CardState, Item, Review, Section
from studyapp.services.anki import save_anki
from studyapp.services.anki_export import export_apkg
from studyapp.services.anki_notes import NoteEditRefused, edit_anki_note
from tests import anki_fixtures

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(scope="module")
def medical(tmp_path_factory):
    """The deck exported by Anki, what Anki says of each card, and a second export after editing a note."""
    folder = tmp_path_factory.mktemp("anki-medical-service")
    col = anki_fixtures.medical_collection(folder)
    view = anki_fixtures.anki_view(col)
    crt = col.db.scalar("select crt from col")
    paths = anki_fixtures.export_all(col, folder)
    col.reopen()
    note = col.get_note(col.find_notes("Metoprolol")[0])
    note["Text"] += " and {{c4::renin}}"
    col.update_note(note)
    paths["edited"] = folder / "edited.apkg"
    from anki.collection import ExportAnkiPackageOptions

    col.export_anki_package(
        out_path=str(paths["edited"]),
        options=ExportAnkiPackageOptions(with_scheduling=True, with_media=True),
        limit=None,
    )
    col.close()
    return paths, view, crt


def _save(path: Path, tmp_path: Path, owner, **kwargs):
    work = tmp_path / f"work-{path.stem}"
    work.mkdir(exist_ok=True)
    parsed = read_anki(path, work)
    return save_anki(parsed=parsed, package_path=path, owner=owner, scope="personal", title="Med", **kwargs)


def _states(user) -> dict[tuple[str, int], CardState]:
    rows = CardState.objects.filter(user=user).select_related("card")
    return {
        (s.card.key.removeprefix("anki:").rsplit(":", 1)[0], int(s.card.key.rsplit(":", 1)[1])): s
        for s in rows
    }


@pytest.mark.parametrize("kind", ["apkg", "legacy", "colpkg"])
def test_each_card_arrives_as_anki_has_it(medical, tmp_path, student, kind):
    paths, view, crt = medical
    assert {anki["type"] for anki in view.values()} == {0, 1, 2, 3}  # new, learning, review, relearning
    result = _save(paths[kind], tmp_path, student, with_scheduling=True)
    states = _states(student)
    assert set(states) == set(view)
    assert result.reviews == sum(anki["answers"] for anki in view.values()) == Review.objects.count()
    for key, anki in view.items():
        state = states[key]
        assert (state.state, state.reps, state.lapses) == (anki["type"], anki["reps"], anki["lapses"]), key
        assert state.suspended == (anki["queue"] == -1)
        assert (state.buried_until is not None) == (anki["queue"] in (-2, -3))
        assert state.flag == anki["flag"]
        assert state.is_leech == anki["leech"]
        assert Review.objects.filter(card=state.card).count() == anki["answers"], key
        # Review cards, and learning cards whose next step crosses Anki's day rollover (queue 3, "day
        # learning": near 4 am a ten-minute step does), are due on a day counted from the collection's start.
        if anki["type"] == 2 or anki["queue"] == 3:
            assert state.due == dt.datetime.fromtimestamp(crt, dt.UTC) + dt.timedelta(days=anki["due"])
        elif anki["type"] in (1, 3):
            assert state.due == dt.datetime.fromtimestamp(anki["due"], dt.UTC), key
        else:
            assert state.due is None
    assert sum(s.is_leech for s in states.values()) == 1


def test_new_cards_come_in_ankis_order(medical, tmp_path, student):
    """Anki's default: new cards gathered deck by deck in the deck tree's order, by position within each."""
    paths, view, _crt = medical
    _save(paths["apkg"], tmp_path, student, with_scheduling=True)
    new = CardState.objects.filter(user=student, state=CardState.State.NEW).order_by(
        "position",
        "card__pk",  # the order the review queue introduces them in
    )
    ours = list(dict.fromkeys(s.card.key.removeprefix("anki:").rsplit(":", 1)[0] for s in new))
    in_anki = sorted(
        (anki["deck"].split("::"), anki["due"], guid)
        for (guid, _ord), anki in view.items()
        if anki["type"] == 0
    )
    assert ours == list(dict.fromkeys(guid for _deck, _due, guid in in_anki))
    heart = next(
        guid for (guid, _ord), anki in view.items() if anki["fields"].get("Back") == "Aortic stenosis"
    )
    assert ours.index(heart) == 1  # moved to the front of the new cards in Anki: first of its deck


def test_nested_decks_become_sections_and_cram_decks_do_not(medical, tmp_path, student):
    result = _save(medical[0]["apkg"], tmp_path, student)
    headings = set(Section.objects.filter(deck=result.deck).values_list("heading", flat=True))
    assert headings == {"Med::Cardio::Drugs", "Med::Cardio::Physiology", "Med::Renal"}


def test_an_edited_note_imported_again_updates_in_place_and_keeps_progress(medical, tmp_path, student):
    paths = medical[0]
    first = _save(paths["apkg"], tmp_path, student, with_scheduling=True)
    reviews = Review.objects.count()
    metoprolol = Item.objects.get(deck=first.deck, term__startswith="Metoprolol")
    cards_before = set(Card.objects.filter(item=metoprolol).values_list("pk", flat=True))
    again = _save(paths["edited"], tmp_path, student, with_scheduling=True)
    assert again.deck == first.deck and (again.added, again.updated) == (0, 1)
    metoprolol.refresh_from_db()
    assert "renin" in metoprolol.term
    cards_after = set(Card.objects.filter(item=metoprolol, is_active=True).values_list("pk", flat=True))
    assert cards_before < cards_after and len(cards_after) == 4
    assert Review.objects.count() == reviews  # the same history is not logged twice


def _shown(face: str) -> str:
    """A face Anki rendered, as text: without its style sheet and the random id of each hint link."""
    face = re.sub(r"<style>.*?</style>", "", face, flags=re.S)
    return plain_text(re.sub(r"hint[0-9a-f]{8,}", "hint", face))


def test_exported_back_anki_finds_the_decks_fields_and_cards(medical, tmp_path, student):
    from tests.studyapp.services.test_anki_export import open_in_anki

    paths, view, _crt = medical
    imported = _save(paths["apkg"], tmp_path, student, with_scheduling=True)
    col = open_in_anki(export_apkg(decks=[imported.deck], user=student).data, tmp_path)
    assert (col.note_count(), col.card_count()) == (10, len(view))
    decks = {col.decks.name(did) for did in col.db.list("select distinct did from cards")}
    assert decks == {"Med::Cardio::Drugs", "Med::Cardio::Physiology", "Med::Renal"}
    # Anki draws every card of our export as it drew the original: same note types, fields and templates.
    for card_id in col.find_cards(""):
        card = col.get_card(card_id)
        original = view[(card.note().guid, card.ord)]
        assert _shown(card.question()) == _shown(original["question"])
        assert _shown(card.answer()) == _shown(original["answer"])
        # Anki names a note type it already has another of "Basic+" (a fresh collection has its own Basic).
        assert card.note().note_type()["name"].rstrip("+") == original["notetype"]
    metoprolol = col.get_note(col.find_notes("Metoprolol")[0])
    assert dict(metoprolol.items())["Lecture Notes"] == "<ul><li>Slide 12</li></ul>"
    assert metoprolol.note_type()["css"] == anki_fixtures.ANKING_CSS
    assert "Slide 12" in metoprolol.cards()[0].answer()
    # Every image and sound the cards name travelled with them (LaTeX images are Anki's to generate).
    assert [name for name in col.media.check().missing if not name.startswith("latex-")] == []
    thiazide = col.get_note(col.find_notes("Thiazide")[0])
    assert "D for Distal" in thiazide.cards()[0].answer()
    assert col.db.scalar("select count() from revlog") == Review.objects.filter(user=student).count()
    col.close()


def test_a_note_edited_in_anki_and_imported_again_exports_as_edited(medical, tmp_path, student):
    from tests.studyapp.services.test_anki_export import open_in_anki

    paths = medical[0]
    _save(paths["apkg"], tmp_path, student)
    again = _save(paths["edited"], tmp_path, student)
    col = open_in_anki(export_apkg(decks=[again.deck]).data, tmp_path)
    metoprolol = col.get_note(col.find_notes("Metoprolol")[0])
    assert "{{c4::renin}}" in metoprolol["Text"] and len(metoprolol.cards()) == 4
    col.close()


def _fields(item: Item) -> dict[str, str]:
    return dict(item.anki_note["fields"])


def test_editing_a_cloze_note_renders_its_cards_again_and_keeps_progress(medical, tmp_path, student):
    deck = _save(medical[0]["apkg"], tmp_path, student, with_scheduling=True).deck
    item = Item.objects.get(deck=deck, term__startswith="Metoprolol")
    first = Card.objects.get(item=item, key__endswith=":0")
    reps = CardState.objects.get(user=student, card=first).reps
    fields = {**_fields(item), "Text": _fields(item)["Text"] + " and {{c4::renin}}", "Extra": "Beta-1"}
    edit_anki_note(item=item, fields=fields)
    cards = {c.key.rsplit(":", 1)[1]: c for c in Card.objects.filter(item=item, is_active=True)}
    assert sorted(cards) == ["0", "1", "2", "3"]
    assert 'lowers HR and <span class="cloze">[…]</span>' in cards["3"].front
    assert "Beta-1" in cards["0"].back and "Slide 12" in cards["0"].back
    assert Card.objects.get(pk=first.pk).is_active
    assert CardState.objects.get(user=student, card=first).reps == reps
    assert CardState.objects.filter(user=student, card=cards["3"], state=CardState.State.NEW).exists()
    item.refresh_from_db()
    assert "renin" in item.term and item.anki_note["fields"]["Extra"] == "Beta-1"


def test_editing_fills_and_empties_optional_cards_as_anki_would(medical, tmp_path, student):
    deck = _save(medical[0]["apkg"], tmp_path, student).deck
    thiazide = Item.objects.get(deck=deck, term="Thiazide site")
    edit_anki_note(item=thiazide, fields={**_fields(thiazide), "Reverse": "y"})
    assert Card.objects.filter(item=thiazide, is_active=True).count() == 2  # the reverse card now exists
    edit_anki_note(item=thiazide, fields={**_fields(thiazide), "Reverse": ""})
    assert Card.objects.filter(item=thiazide, is_active=True).count() == 1  # switched off, history kept
    assert Card.objects.filter(item=thiazide).count() == 2
    loop = Item.objects.get(deck=deck, term="Loop diuretic site")
    edit_anki_note(item=loop, fields={**_fields(loop), "Mnemonic": "<b>L</b>oop"})
    back = Card.objects.get(item=loop, key__endswith=":0").back
    assert "<summary>Mnemonic</summary><b>L</b>oop" in back
    assert f'<img src="/decks/{deck.pk}/media/heart%20diagram%20%C3%A9.png">' in back


def test_an_edit_that_leaves_no_card_is_refused(medical, tmp_path, student):
    deck = _save(medical[0]["apkg"], tmp_path, student).deck
    item = Item.objects.get(deck=deck, term="Thiazide site")
    with pytest.raises(NoteEditRefused):
        edit_anki_note(item=item, fields={name: "" for name in _fields(item)})
    assert Card.objects.filter(item=item, is_active=True).count() == 1


def test_without_fsrs_memory_is_rebuilt_from_answers_only(tmp_path, student):
    """SM-2 collection: no FSRS memory on the cards, so each card's memory is the replay of its answers; the
    cram answer and the manual reschedule change nothing."""
    col = anki_fixtures.medical_collection(tmp_path, fsrs=False)
    view = anki_fixtures.anki_view(col)
    assert all(anki["stability"] is None for anki in view.values())
    path = anki_fixtures.export_all(col, tmp_path)["apkg"]
    col.close()
    result = _save(path, tmp_path, student, with_scheduling=True)
    assert result.reviews == sum(anki["answers"] for anki in view.values())
    for key, state in _states(student).items():
        answers = Review.objects.filter(user=student, card=state.card).order_by("reviewed_at")
        assert answers.count() == view[key]["answers"]
        if answers:
            assert (state.stability, state.difficulty) == (
                answers.last().stability_after,
                answers.last().difficulty_after,
            )
        else:
            assert state.stability is None


def test_a_deck_path_longer_than_a_heading_gives_one_section_across_imports(tmp_path, student):
    from tests import factories

    name = "AnKing Step Deck::" + "::".join(f"Subject {n} with a long descriptive name" for n in range(6))
    assert len(name) > 200
    path = tmp_path / "long.apkg"
    path.write_bytes(factories.make_apkg([(("Ibuprofen", "NSAID"), "")], name=name))
    deck = _save(path, tmp_path, student).deck
    _save(path, tmp_path, student)
    assert list(Section.objects.filter(deck=deck).values_list("heading", flat=True)) == [name[:200]]
