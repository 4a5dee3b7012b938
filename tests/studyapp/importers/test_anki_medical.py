"""A shared medical deck read as Anki shows it: every card Anki has and no other, faces with the same text,
each note filed under its own deck (never a cram deck it was borrowed by), media whose names have spaces,
hints labelled with their field, coloured text kept, and cram answers not counted as reviews."""

import html
import re
from pathlib import Path

import pytest

from studyapp.importers.anki import read_anki
from studyapp.importers.anki.package import Note, NoteType, Template
from studyapp.importers.anki.render import media_names, plain_text, render_card, sanitise
from tests import anki_fixtures


@pytest.fixture(scope="module")
def medical(tmp_path_factory):
    folder = tmp_path_factory.mktemp("anki-medical")
    col = anki_fixtures.medical_collection(folder)
    view = anki_fixtures.anki_view(col)
    paths = anki_fixtures.export_all(col, folder)
    col.close()
    return paths, view


def _read(path: Path, tmp_path: Path):
    work = tmp_path / "work"
    work.mkdir(exist_ok=True)
    return read_anki(path, work, lambda name: f"/m/{name}")


def _anki_text(face: str, fields: dict[str, str] | None = None) -> str:
    """Anki's rendered face as plain text, with the placeholders its reviewer fills in replaced as a learner
    sees them: a text box on the front (no text), the expected answer on the back (`fields` given); audio
    plays (no text)."""
    face = re.sub(r"<style>.*?</style>", "", face, flags=re.S)
    typed = lambda m: html.escape(fields[m.group(1)]) if fields else ""  # noqa: E731
    face = re.sub(r"\[\[type:([^\]]+)\]\]", typed, face)
    face = re.sub(r"\[anki:play:[^\]]+\]", "", face)
    return plain_text(face).replace("[...]", "[…]")


def _answer_only(answer: str) -> str:
    return re.split(r"<hr id=answer>", answer)[-1]


@pytest.mark.parametrize("kind", ["apkg", "legacy", "colpkg"])
def test_every_card_anki_shows_is_read_with_the_same_text(medical, tmp_path, kind):
    paths, view = medical
    parsed = _read(paths[kind], tmp_path)
    ours = {(note.guid, card.ord): (note, card) for note in parsed.notes for card in note.cards}
    assert set(ours) == set(view) and len(view) == 34
    for key, anki in view.items():
        card = ours[key][1]
        if "latex" in anki["fields"].get("Back", ""):
            continue  # Anki draws LaTeX as images it generates; we draw MathML (tested on its own)
        assert plain_text(card.front) == _anki_text(anki["question"]), key
        assert plain_text(card.back) == _anki_text(_answer_only(anki["answer"]), anki["fields"]), key


@pytest.mark.parametrize("kind", ["apkg", "legacy", "colpkg"])
def test_notes_borrowed_by_a_cram_deck_stay_in_their_own_deck(medical, tmp_path, kind):
    paths, view = medical
    parsed = _read(paths[kind], tmp_path)
    decks = {(note.guid, ord_): note.deck for note in parsed.notes for ord_ in note.records}
    assert decks == {key: anki["deck"] for key, anki in view.items()}
    assert {note.deck for note in parsed.notes} == {
        "Med::Cardio::Drugs",
        "Med::Cardio::Physiology",
        "Med::Renal",
    }


def test_images_whose_names_have_spaces_are_kept(medical, tmp_path):
    parsed = _read(medical[0]["apkg"], tmp_path)
    loop = next(note for note in parsed.notes if note.fields.get("Front") == "Loop diuretic site")
    assert loop.media == {anki_fixtures.IMAGE_NAME}
    assert f'<img src="/m/{anki_fixtures.IMAGE_NAME}">' in loop.cards[0].back
    assert parsed.media_count == 2


@pytest.mark.parametrize(
    "fragment,names",
    [
        ('<img src="heart diagram.png">', {"heart diagram.png"}),
        ("<img src='it''s.png'>", {"it"}),
        ("<img alt=x src=plain.jpg>", {"plain.jpg"}),
        ('<img src="a%20b.png">', {"a%20b.png", "a b.png"}),
        ('<img src="fish &amp; chips.png">', {"fish & chips.png"}),
        ("[sound:murmur 1.mp3]", {"murmur 1.mp3"}),
    ],
)
def test_media_names_read_quoted_names_whole(fragment, names):
    assert media_names(fragment) == names


def test_a_card_whose_front_is_only_a_sound_is_kept(medical, tmp_path):
    parsed = _read(medical[0]["apkg"], tmp_path)
    (heart,) = [note for note in parsed.notes if note.answer == "Aortic stenosis"]
    assert heart.cards[0].front == f'<audio controls="" src="/m/{anki_fixtures.SOUND_NAME}"></audio>'
    assert parsed.skipped == []


def test_a_card_whose_front_is_only_an_answer_box_is_kept():
    notetype = NoteType(
        1, "Spell it", False, ("Word", "Audio"), (Template(0, "Card 1", "{{type:Word}}", "{{Word}}"),)
    )
    card = render_card(Note(1, "g", 1, ("tachycardia", ""), ()), notetype, 0, lambda name: None)
    assert card is not None and card.front.startswith('<input type="text" class="type-in"')


def test_a_hint_is_labelled_with_its_field_as_in_anki(medical, tmp_path):
    parsed = _read(medical[0]["apkg"], tmp_path)
    metoprolol = next(
        note for note in parsed.notes if "Metoprolol" in note.fields["Text"] if "Text" in note.fields
    )
    assert "<summary>Lecture Notes</summary>" in metoprolol.cards[0].back


@pytest.mark.parametrize(
    "fragment,shown",
    [
        (
            '<span style="color: rgb(255, 0, 0); font-weight: bold; position: fixed">red</span>',
            '<span><font color="rgb(255, 0, 0)"><b>red</b></font></span>',
        ),
        ('<span style="background-color: yellow;">key</span> point', "<span><mark>key</mark></span> point"),
        ('<i style="text-decoration: underline">u</i>', "<i><u>u</u></i>"),
        ('<div style="font-style: italic">a<br>b</div>c', "<div><i>a<br>b</i></div>c"),
        ('<span style="color: black">plain</span>', "<span>plain</span>"),
        ('<span style="color: expression(alert(1))">x</span>', "<span>x</span>"),
        (
            '<span style="color:red">open &amp; unclosed',
            '<span><font color="red">open &amp; unclosed</font></span>',
        ),
    ],
)
def test_inline_styles_become_tags_the_content_policy_allows(fragment, shown):
    assert sanitise(fragment, lambda name: None) == shown


def test_an_ankings_red_text_reaches_the_card(medical, tmp_path):
    parsed = _read(medical[0]["apkg"], tmp_path)
    starling = next(note for note in parsed.notes if "Starling" in note.fields.get("Text", ""))
    assert (
        '<font color="rgb(255, 0, 0)"><b><span class="cloze">Starling</span></b></font>'
        in starling.cards[0].back
    )
    assert "style=" not in starling.cards[0].back


def test_cram_answers_and_manual_reschedules_are_not_reviews(medical, tmp_path):
    paths, view = medical
    parsed = _read(paths["apkg"], tmp_path)
    kinds = sorted({entry.kind for entry in parsed.package.reviews})
    assert kinds == [0, 1, 3, 4]
    assert parsed.review_count == sum(anki["answers"] for anki in view.values())


@pytest.mark.parametrize("kind", ["apkg", "legacy", "colpkg"])
def test_a_note_types_style_sheet_is_read_for_the_way_back(medical, tmp_path, kind):
    parsed = _read(medical[0][kind], tmp_path)
    (anking,) = [n for n in parsed.package.notetypes.values() if n.name == "AnKingOverhaul"]
    assert anking.css == anki_fixtures.ANKING_CSS


def test_text_to_speech_shows_no_text_as_in_anki():
    template = Template(
        0, "Card 1", "{{Front}}{{tts en_US:Front}}", "{{Back}}{{tts en_US voices=Apple_Samantha:Back}}"
    )
    notetype = NoteType(1, "TTS", False, ("Front", "Back"), (template,))
    card = render_card(Note(1, "g", 1, ("Tachycardia", "Fast heart"), ()), notetype, 0, lambda name: None)
    assert (card.front, card.back) == ("Tachycardia", "Fast heart")


def test_a_card_anki_keeps_though_an_edit_emptied_it_is_reported_not_dropped_silently(tmp_path):
    from anki.collection import Collection

    col = Collection(str(tmp_path / "c.anki2"))
    note = col.new_note(col.models.by_name("Cloze"))
    note["Text"] = "{{c1::Atenolol}} is {{c2::cardioselective}}"
    col.add_note(note, col.decks.id("Default"))
    note["Text"] = "{{c1::Atenolol}} is cardioselective"  # Anki keeps card 2, now empty
    col.update_note(note)
    assert col.card_count() == 2
    path = tmp_path / "c.colpkg"
    col.export_collection_package(str(path), include_media=False, legacy=False)
    parsed = _read(path, tmp_path)
    assert parsed.card_count == 1
    assert [(s.note, s.reason) for s in parsed.skipped] == [
        ("{{c1::Atenolol}} is cardioselective", "1 of its cards is empty in Anki")
    ]
