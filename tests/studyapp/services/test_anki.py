"""Saving Anki packages: notes matched on GUID (re-import keeps progress), cards rendered through their note
types, media stored, and a learner's scheduling and history brought along."""

import datetime as dt
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from studyapp.importers.anki import read_anki
from studyapp.models import Card, CardState, Deck, DeckMedia, Item, ParameterFit, Review
from studyapp.services.anki import save_anki
from studyapp.services.imports import ImportRejected
from tests import anki_fixtures

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(scope="module")
def rich(tmp_path_factory):
    """The rich collection exported by the official anki package, and what Anki itself says of each card."""
    folder = tmp_path_factory.mktemp("anki-service")
    col = anki_fixtures.rich_collection(folder)
    crt = col.db.scalar("select crt from col")
    anki_cards = {}
    for cid in col.find_cards(""):
        card = col.get_card(cid)
        note = card.note()
        memory = card.memory_state
        anki_cards[(note.guid, card.ord)] = {
            "type": card.type,
            "queue": card.queue,
            "due": card.due,
            "flag": card.user_flag(),
            "reps": card.reps,
            "stability": memory.stability if memory else None,
            "reviews": col.db.scalar("select count() from revlog where cid = ? and ease > 0", cid),
        }
    paths = anki_fixtures.export_all(col, folder)  # the collection package closes the collection
    return paths, anki_cards, crt


def _save(path: Path, tmp_path: Path, **kwargs):
    work = tmp_path / f"work-{path.stem}"
    work.mkdir(exist_ok=True)
    parsed = read_anki(path, work)
    defaults = {"owner": None, "scope": "library", "title": "Rich", "with_scheduling": False}
    return save_anki(parsed=parsed, package_path=path, **{**defaults, **kwargs})


def test_every_note_and_card_arrives(rich, tmp_path):
    result = _save(rich[0]["colpkg"], tmp_path)
    assert (result.added, result.cards, result.media_saved) == (19, 26, 2)
    deck = result.deck
    assert Item.objects.filter(deck=deck).count() == 19
    assert Card.objects.filter(deck=deck, is_html=True, is_active=True).count() == 26
    stored = DeckMedia.objects.get(deck=deck, name="heart.png")
    assert stored.file.read() == anki_fixtures.PNG and stored.size == len(anki_fixtures.PNG)


def test_reimport_updates_in_place_and_keeps_progress(rich, tmp_path, student):
    result = _save(rich[0]["apkg"], tmp_path, owner=student, scope="personal")
    deck = result.deck
    card = Card.objects.get(deck=deck, front="Digoxin")
    state, _ = CardState.objects.get_or_create(user=student, card=card)
    CardState.objects.filter(pk=state.pk).update(reps=7, stability=12.5, state=2)
    # The same notes, edited in Anki and exported again (legacy format this time): matched on GUID.
    again = _save(rich[0]["legacy"], tmp_path, owner=student, scope="personal", title="Another title")
    assert again.deck == deck and not again.created
    assert (again.added, again.unchanged) == (0, 19)
    state.refresh_from_db()
    assert (state.card_id, state.reps, state.stability) == (card.pk, 7, 12.5)
    assert Card.objects.filter(deck=deck).count() == 26


def test_a_learners_history_comes_along(rich, tmp_path, student):
    paths, anki_cards, crt = rich
    result = _save(paths["colpkg"], tmp_path, owner=student, scope="personal", with_scheduling=True)
    assert result.reviews == 5 and result.states == 26
    states = {
        (s.card.key[len("anki:") :].rsplit(":", 1)[0], int(s.card.key.rsplit(":", 1)[1])): s
        for s in CardState.objects.filter(user=student).select_related("card")
    }
    assert len(states) == 26
    for key, anki in anki_cards.items():
        state = states[key]
        assert state.suspended == (anki["queue"] == -1)
        assert (state.buried_until is not None) == (anki["queue"] in (-2, -3))
        assert state.flag == anki["flag"]
        assert state.reps == anki["reps"]
        assert state.state == anki["type"]
        assert Review.objects.filter(user=student, card=state.card).count() == anki["reviews"]
        if anki["stability"] is not None:
            assert state.stability == pytest.approx(anki["stability"], abs=1e-3)
        if anki["type"] == 2:
            assert state.due == dt.datetime.fromtimestamp(crt, dt.UTC) + dt.timedelta(days=anki["due"])
        elif anki["type"] in (1, 3):
            assert state.due == dt.datetime.fromtimestamp(anki["due"], dt.UTC)
        else:
            assert state.due is None
    assert sum(s.suspended for s in states.values()) == 1
    assert sum(s.flag != 0 for s in states.values()) == 1
    # Importing the same history again adds no review twice.
    again = _save(paths["colpkg"], tmp_path, owner=student, scope="personal", with_scheduling=True)
    assert again.reviews == 0 and Review.objects.filter(user=student).count() == 5


def test_replayed_reviews_hold_a_memory_state_and_a_rating(rich, tmp_path, student):
    _save(rich[0]["colpkg"], tmp_path, owner=student, scope="personal", with_scheduling=True)
    ratings = sorted(Review.objects.filter(user=student).values_list("rating", flat=True))
    assert ratings == [1, 3, 3, 3, 4]
    assert all(r.stability_after for r in Review.objects.filter(user=student))


def test_parameters_are_fitted_right_away_when_the_history_is_long_enough(
    rich, tmp_path, student, monkeypatch
):
    from studyapp import optimizing

    monkeypatch.setattr(optimizing, "MIN_LONG_TERM_REVIEWS", 0)
    result = _save(rich[0]["colpkg"], tmp_path, owner=student, scope="personal", with_scheduling=True)
    assert result.parameters_fitted == ParameterFit.objects.filter(user=student).exists()


def test_content_only_brings_no_history(rich, tmp_path, student):
    result = _save(rich[0]["colpkg"], tmp_path, owner=student, scope="personal", with_scheduling=False)
    assert result.reviews == 0 and not Review.objects.exists() and not CardState.objects.exists()


def test_media_over_the_per_file_limit_is_listed_not_kept(rich, tmp_path, settings):
    settings.ANKI_MEDIA_MAX_FILE_BYTES = 50
    result = _save(rich[0]["colpkg"], tmp_path)
    assert result.media_saved == 1
    assert result.media_skipped == [
        f"heart.png: {len(anki_fixtures.PNG)} bytes, over the 50-byte limit per file"
    ]
    card = Card.objects.get(deck=result.deck, front__startswith="Identify this structure")
    assert "<img>" in card.front  # the reference is dropped, not left pointing nowhere


def test_media_over_the_owner_limit_refuses_and_writes_nothing(rich, tmp_path, settings, student):
    settings.ANKI_MEDIA_MAX_OWNER_BYTES = 10
    with pytest.raises(ImportRejected, match="per account"):
        _save(rich[0]["colpkg"], tmp_path, owner=student, scope="personal")
    assert not Deck.objects.exists() and not DeckMedia.objects.exists()
    assert not list((Path(settings.MEDIA_ROOT)).rglob("*.png"))


def test_command_imports_with_history_for_a_learner(rich, student):
    out = StringIO()
    call_command("import_anki", str(rich[0]["colpkg"]), "--owner", student.username, stdout=out)
    text = out.getvalue()
    assert "Cloze: 3 notes, 7 cards, 0 media, 0 reviews, 0 not imported" in text
    assert "5 reviews and the scheduling of 26 cards" in text
    assert Review.objects.filter(user=student).count() == 5


def test_command_content_only(rich, student):
    call_command(
        "import_anki",
        str(rich[0]["colpkg"]),
        "--owner",
        student.username,
        "--content-only",
        stdout=StringIO(),
    )
    assert not Review.objects.exists() and Card.objects.count() == 26


def test_command_for_an_instructor_brings_content_only(rich, instructor):
    call_command("import_anki", str(rich[0]["colpkg"]), "--owner", instructor.username, stdout=StringIO())
    deck = Deck.objects.get()
    assert deck.scope == "instructor" and not Review.objects.exists()


def test_command_fails_with_a_message_on_a_bad_package(tmp_path):
    path = tmp_path / "bad.apkg"
    path.write_bytes(b"not a zip")
    with pytest.raises(CommandError, match="This is not an Anki package"):
        call_command("import_anki", str(path), stdout=StringIO())
    assert not Deck.objects.exists()


def test_image_only_and_very_long_fronts_are_kept_whole(tmp_path):
    import genanki

    image = tmp_path / "ecg.png"
    image.write_bytes(anki_fixtures.PNG)
    model = genanki.Model(
        1607392319,
        "Basic (genanki)",
        fields=[{"name": "Front"}, {"name": "Back"}],
        templates=[{"name": "Card 1", "qfmt": "{{Front}}", "afmt": "{{FrontSide}}<hr id=answer>{{Back}}"}],
    )
    long_front = "Which drug? " + "context " * 300
    deck = genanki.Deck(1, "ECG")
    deck.add_note(
        genanki.Note(model=model, fields=['<img src="ecg.png">', "Atrial fibrillation"], guid="img")
    )
    deck.add_note(genanki.Note(model=model, fields=[long_front, "Amiodarone"], guid="long"))
    path = tmp_path / "ecg.apkg"
    genanki.Package(deck, media_files=[str(image)]).write_to_file(str(path))
    result = _save(path, tmp_path)
    assert (result.added, result.cards, result.media_saved) == (2, 2, 1)
    fronts = sorted(Card.objects.filter(deck=result.deck).values_list("front", flat=True), key=len)
    assert fronts[0].startswith('<img src="/decks/') and fronts[0].endswith('/media/ecg.png">')
    assert fronts[1] == long_front.strip() and len(fronts[1]) > 2000


def test_answers_made_in_anki_cannot_be_undone_here(rich, tmp_path, student):
    import datetime as dt

    from studyapp.services.reviews import undo_last_review

    _save(rich[0]["colpkg"], tmp_path, owner=student, scope="personal", with_scheduling=True)
    before = list(
        CardState.objects.filter(user=student).order_by("pk").values_list("state", "suspended", "flag")
    )
    result = undo_last_review(user=student, now=dt.datetime.now(dt.UTC))
    assert result.card_state is None
    assert Review.objects.filter(user=student).count() == 5
    assert (
        list(CardState.objects.filter(user=student).order_by("pk").values_list("state", "suspended", "flag"))
        == before
    )


def test_without_fsrs_in_anki_the_memory_state_comes_from_replaying_the_log(tmp_path, student):
    col = anki_fixtures.rich_collection(tmp_path, fsrs=False)
    assert col.db.scalar("select count() from cards where data like '%\"s\"%'") == 0  # SM-2: no FSRS memory
    path = anki_fixtures.export_all(col, tmp_path)["colpkg"]
    _save(path, tmp_path, owner=student, scope="personal", with_scheduling=True)
    reviewed = CardState.objects.filter(user=student, reps__gt=0)
    assert reviewed.count() == 3
    for state in reviewed:
        last = Review.objects.filter(user=student, card=state.card).latest("reviewed_at")
        assert state.stability == last.stability_after and state.stability > 0
        assert state.difficulty == last.difficulty_after
