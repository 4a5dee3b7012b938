"""Reading Anki packages (pure): every format, note types rendered card by card, safe HTML, maths, media, and
bad packages refused with a specific message."""

import json
import sqlite3
import zipfile
from pathlib import Path

import pytest
import zstandard

from studyapp.importers.anki import AnkiError, protobuf, read_anki
from studyapp.importers.anki.package import Note, NoteType, Template
from studyapp.importers.anki.render import (
    cloze_numbers,
    media_names,
    render_card,
    render_cloze,
    render_math,
    sanitise,
)
from tests import anki_fixtures, factories


@pytest.fixture(scope="session")
def rich(tmp_path_factory):
    """The rich collection exported three ways by the official anki package, with its own counts."""
    folder = tmp_path_factory.mktemp("anki-rich")
    col = anki_fixtures.rich_collection(folder)
    expected = anki_fixtures.counts(col)
    paths = anki_fixtures.export_all(col, folder)
    col.close()
    return paths, expected


def _read(path: Path, tmp_path: Path, media_url=None):
    work = tmp_path / "work"
    work.mkdir(exist_ok=True)
    return read_anki(path, work, media_url)


def _media(name: str) -> str:
    return f"media/{name}"


@pytest.mark.parametrize(
    "kind,format_name", [("colpkg", "anki21b"), ("apkg", "anki21b"), ("legacy", "anki21")]
)
def test_every_format_gives_every_note_and_card(rich, tmp_path, kind, format_name):
    paths, expected = rich
    parsed = _read(paths[kind], tmp_path)
    assert parsed.package.format == format_name
    assert (len(parsed.notes), parsed.card_count) == (expected["notes"], expected["cards"]) == (19, 26)
    assert parsed.skipped == []
    assert parsed.media_count == 2
    assert parsed.review_count == expected["reviews"] == 5
    assert {row.name: (row.notes, row.cards) for row in parsed.by_notetype} == {
        "Basic": (10, 10),
        "Basic (and reversed card)": (1, 2),
        "Basic (optional reversed card)": (2, 3),
        "Basic (type in the answer)": (1, 1),
        "Cloze": (3, 7),
        "Image Occlusion": (1, 2),
        "Three fields": (1, 1),
    }


def test_genanki_package_in_the_oldest_format(tmp_path):
    path = tmp_path / "g.apkg"
    path.write_bytes(factories.make_apkg([(("Ibuprofen", "<b>NSAID</b>"), "drugs pain")]))
    parsed = _read(path, tmp_path)
    assert parsed.package.format == "anki2"
    (note,) = parsed.notes
    assert (note.term, note.tags, note.cards[0].front, note.cards[0].back) == (
        "Ibuprofen",
        ("drugs", "pain"),
        "Ibuprofen",
        "<b>NSAID</b>",
    )


def _cards_by_front(parsed):
    return {card.front: card for note in parsed.notes for card in note.cards}


def test_look_alike_fronts_all_kept_with_their_own_backs(rich, tmp_path):
    parsed = _read(rich[0]["colpkg"], tmp_path)
    backs = sorted(c.back for n in parsed.notes for c in n.cards if c.front == "Consumer")
    assert backs == ["Eats other organisms", "Heterotroph"]
    fronts = {c.front for n in parsed.notes for c in n.cards}
    assert {"Na+ channel blocker", "Na channel blocker"} <= fronts


def test_lists_and_tables_survive_and_scripts_do_not(rich, tmp_path):
    cards = _cards_by_front(_read(rich[0]["apkg"], tmp_path))
    assert cards["ACE inhibitor side effects"].back == (
        "<ul><li>Dry cough</li><li>Angioedema</li><li>Hyperkalaemia</li></ul>"
    )
    assert "<td>Atenolol</td><td>β1-selective</td>" in cards["Beta blocker classes"].back
    safe = cards["<b>Safe?</b>"]
    assert safe.back == "<i>yes</i>"


def test_reverse_and_optional_reverse_cards(rich, tmp_path):
    parsed = _read(rich[0]["colpkg"], tmp_path)
    by_term = {n.term: [(c.template, c.front, c.back) for c in n.cards] for n in parsed.notes}
    assert by_term["Digoxin"] == [
        ("Card 1", "Digoxin", "Na/K-ATPase inhibitor"),
        ("Card 2", "Na/K-ATPase inhibitor", "Digoxin"),
    ]
    assert [t for t, _f, _b in by_term["Amiodarone"]] == ["Card 1", "Card 2"]
    assert [t for t, _f, _b in by_term["Adenosine"]] == ["Card 1"]  # "Add Reverse" left empty


def test_three_fields_hint_stays_a_hint(rich, tmp_path):
    parsed = _read(rich[0]["colpkg"], tmp_path)
    (card,) = next(n for n in parsed.notes if n.notetype == "Three fields").cards
    assert card.front == (
        "First-line drug in anaphylaxis<br><details><summary>Hint</summary>a catecholamine</details>"
    )
    assert card.back == "Adrenaline IM"


def test_type_in_answer_shows_the_expected_answer_on_the_back(rich, tmp_path):
    parsed = _read(rich[0]["colpkg"], tmp_path)
    (card,) = next(n for n in parsed.notes if n.notetype == "Basic (type in the answer)").cards
    assert card.front == (
        'Antidote to heparin?\n\n<input type="text" class="type-in" aria-label="Type your answer, then show it" '
        'autocomplete="off" spellcheck="false">'
    )
    assert card.back == '<div class="type-answer">Protamine</div>'


def test_cloze_cards_hide_one_deletion_each(rich, tmp_path):
    parsed = _read(rich[0]["colpkg"], tmp_path)
    aspirin = next(n for n in parsed.notes if n.term == "Aspirin irreversibly inhibits COX-1")
    assert [(c.template, c.front, c.back) for c in aspirin.cards] == [
        (
            "Cloze 1",
            '<span class="cloze">[drug]</span> irreversibly inhibits COX-1',
            '<span class="cloze">Aspirin</span> irreversibly inhibits COX-1',
        ),
        (
            "Cloze 2",
            'Aspirin irreversibly inhibits <span class="cloze">[…]</span>',
            'Aspirin irreversibly inhibits <span class="cloze">COX-1</span>',
        ),
    ]


@pytest.mark.parametrize(
    "text,number,front,back",
    [
        ("{{c1::Warfarin inhibits {{c2::VKOR}}}}", 1, "[…]", "Warfarin inhibits VKOR"),
        ("{{c1::Warfarin inhibits {{c2::VKOR}}}}", 2, "Warfarin inhibits […]", "Warfarin inhibits VKOR"),
        ("{{c1,2::Statins}} lower {{c3::LDL}}", 2, "[…] lower LDL", "Statins lower LDL"),
        ("{{c1::a::first}} and {{c1::b}}", 1, "[first] and […]", "a and b"),
        ("unclosed {{c1::oops", 1, "unclosed {{c1::oops", "unclosed {{c1::oops"),
    ],
)
def test_nested_and_overlapping_clozes(text, number, front, back):
    strip = lambda html: html.replace('<span class="cloze">', "").replace("</span>", "")  # noqa: E731
    assert strip(render_cloze(text, number, answer=False)) == front
    assert strip(render_cloze(text, number, answer=True)) == back


def test_cloze_and_occlusion_notes_read_plainly_on_the_deck_page(rich, tmp_path):
    terms = {n.notetype: n.term for n in _read(rich[0]["colpkg"], tmp_path).notes if n.kind != "standard"}
    assert terms["Image Occlusion"] == "Heart"
    assert "{{" not in " ".join(n.term for n in _read(rich[0]["colpkg"], tmp_path).notes)


def test_cloze_numbers_include_nested_and_multi():
    assert cloze_numbers("{{c1::a {{c2::b}}}} {{c3,4::c}}") == {1, 2, 3, 4}


def test_image_occlusion_one_card_per_mask_over_the_image(rich, tmp_path):
    parsed = _read(rich[0]["colpkg"], tmp_path, _media)
    note = next(n for n in parsed.notes if n.notetype == "Image Occlusion")
    first, second = note.cards
    assert '<img src="media/heart.png">' in first.front
    assert '<rect class="io-asked" x="0.1" y="0.2" width="0.3" height="0.1">' in first.front
    assert '<ellipse class="io-mask" cx="0.6" cy="0.7" rx="0.1" ry="0.2">' in first.front  # hide-all mode
    assert 'class="io-answer"' in first.back and "io-asked" not in first.back
    assert '<ellipse class="io-asked"' in second.front
    assert "<script" not in first.front + first.back


def test_without_a_media_url_references_are_left_out(rich, tmp_path):
    cards = _cards_by_front(_read(rich[0]["legacy"], tmp_path))
    assert "Identify this structure: <img>" in cards


def test_media_and_sound_point_at_the_media_url(rich, tmp_path):
    cards = _cards_by_front(_read(rich[0]["legacy"], tmp_path, _media))
    assert 'Identify this structure: <img src="media/heart.png">' in cards
    assert 'Which murmur? <audio controls="" src="media/murmur.mp3"></audio>' in cards


def test_latex_and_mathjax_become_mathml(rich, tmp_path):
    cards = _cards_by_front(_read(rich[0]["colpkg"], tmp_path))
    front = next(f for f in cards if f.startswith("Clearance"))
    assert "<mfrac>" in front and "<mi>U</mi><mo>×</mo><mi>V</mi>" in front
    assert "<mo>≈</mo>" in cards[front].back and "[$]" not in cards[front].back


def test_math_that_latex2mathml_cannot_read_stays_as_code():
    assert render_math(r"[$]x^[/$]").startswith('<code class="latex">')


@pytest.mark.parametrize(
    "dirty,clean",
    [
        ("<script>alert(1)</script>x", "x"),
        ('<b onclick="steal()">bold</b>', "<b>bold</b>"),
        ('<p style="color:red">p</p>', '<p><font color="red">p</font></p>'),
        ('<p style="position:fixed;top:0">p</p>', "<p>p</p>"),
        ('<span style="color: expression(alert(1))">s</span>', "<span>s</span>"),
        ('<span style="background-image: url(https://x.example/y.png)">s</span>', "<span>s</span>"),
        ("<style>body{}</style>t", "t"),
        ('<img src="https://evil.example/x.png">', "<img>"),
        ('<a href="javascript:alert(1)">l</a>', '<a rel="noopener noreferrer nofollow">l</a>'),
        ("<ol><li>1</li></ol><br><i>i</i>", "<ol><li>1</li></ol><br><i>i</i>"),
        ('<span class="cloze button">x</span><b class="grade">b</b>', '<span class="cloze">x</span><b>b</b>'),
        ('<input type="submit" formaction="/x" class="type-in">', '<input type="text" class="type-in">'),
    ],
)
def test_sanitiser(dirty, clean):
    assert sanitise(dirty, lambda name: None) == clean


def test_media_names_are_found_in_fields():
    assert media_names("<img src=\"a%20b.png\"> [sound:c.mp3] <img src='d.jpg'>") >= {
        "a b.png",
        "c.mp3",
        "d.jpg",
    }


def test_empty_front_card_is_not_made():
    basic = NoteType(1, "Basic", False, ("Front", "Back"), (Template(0, "Card 1", "{{Front}}", "{{Back}}"),))
    note = Note(1, "g", 1, ("", "back"), ())
    assert render_card(note, basic, 0, lambda n: None) is None


def test_notes_without_cards_are_reported_with_their_reason(tmp_path):
    path = tmp_path / "g.apkg"
    path.write_bytes(factories.make_apkg([(("", "orphan back"), ""), (("Kept", "yes"), "")]))
    parsed = _read(path, tmp_path)
    assert [n.term for n in parsed.notes] == ["Kept"]
    assert [(s.notetype, s.reason) for s in parsed.skipped] == [
        ("Basic (genanki)", "every card's front is empty (its fields are empty)")
    ]


def test_protobuf_media_list_of_new_packages(tmp_path):
    entry = protobuf.write_field(1, "x-ray.png") + protobuf.write_field(2, 3)
    media = zstandard.ZstdCompressor().compress(protobuf.write_field(1, entry))
    source = tmp_path / "g.apkg"
    source.write_bytes(factories.make_apkg([(("X-ray", '<img src="x-ray.png">'), "")]))
    target = tmp_path / "h.apkg"
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            if info.filename != "media":
                new.writestr(info, old.read(info))
        new.writestr("media", media)
        new.writestr("0", zstandard.ZstdCompressor().compress(anki_fixtures.PNG))
    parsed = _read(target, tmp_path)
    assert list(parsed.package.media) == ["x-ray.png"] and parsed.package.media["x-ray.png"].zstd
    assert parsed.media_count == 1


# --- Bad packages ------------------------------------------------------------------------------------------


def _zip(tmp_path, members: dict[str, bytes], name="bad.apkg") -> Path:
    path = tmp_path / name
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, data in members.items():
            archive.writestr(member, data)
    return path


def _collection_with(tmp_path, extra_sql: str, flds: bytes = b"Front\x1fBack") -> bytes:
    db = tmp_path / "c.sqlite"
    db.unlink(missing_ok=True)
    con = sqlite3.connect(db)
    con.executescript(
        "CREATE TABLE col (id integer primary key, crt integer, models text, decks text, conf text);"
        "CREATE TABLE notes (id integer primary key, guid text, mid integer, flds text, tags text);"
        "CREATE TABLE cards (id integer primary key, nid integer, did integer, ord integer, type integer, "
        "queue integer, due integer, ivl integer, factor integer, reps integer, lapses integer, flags integer);"
    )
    models = {"1": {"id": 1, "name": "Basic", "type": 0, "flds": [{"name": "Front", "ord": 0}, {"name": "Back", "ord": 1}],
                    "tmpls": [{"name": "Card 1", "ord": 0, "qfmt": "{{Front}}", "afmt": "{{Back}}"}]}}  # fmt: skip
    con.execute("INSERT INTO col VALUES (1, 0, ?, '{}', '{}')", (json.dumps(models),))
    con.execute("INSERT INTO notes VALUES (1, 'g1', 1, CAST(? AS TEXT), '')", (flds,))
    con.executescript(extra_sql)
    con.commit()
    con.close()
    return db.read_bytes()


def test_a_hand_made_collection_reads(tmp_path):
    path = _zip(tmp_path, {"collection.anki2": _collection_with(tmp_path, "")})
    assert [n.term for n in _read(path, tmp_path).notes] == ["Front"]


@pytest.mark.parametrize(
    "build,message",
    [
        (
            lambda tmp: (tmp / "x.apkg").write_bytes(b"just some text") and tmp / "x.apkg",
            "not an Anki package",
        ),
        (lambda tmp: _zip(tmp, {"readme.txt": b"hi"}), "holds no Anki collection"),
        (
            lambda tmp: _zip(tmp, {"collection.anki2": _collection_with(tmp, "CREATE VIEW v AS SELECT 1;")}),
            "contains SQL views, which Anki never writes",
        ),
        (
            lambda tmp: _zip(
                tmp,
                {
                    "collection.anki2": _collection_with(
                        tmp, "CREATE TRIGGER t AFTER INSERT ON notes BEGIN DELETE FROM cards; END;"
                    )
                },
            ),
            "contains SQL triggers",
        ),
        (
            lambda tmp: _zip(tmp, {"collection.anki2": _collection_with(tmp, "", flds=b"Fr\xffnt\x1fBack")}),
            "not valid UTF-8",
        ),
        (
            lambda tmp: _zip(tmp, {"collection.anki21b": b"not zstd at all"}),
            "compressed collection cannot be unpacked",
        ),
        (
            lambda tmp: _zip(tmp, {"collection.anki2": b"SQLite format 3\x00" + b"\x00" * 100}),
            "cannot be read",
        ),
    ],
)
def test_bad_packages_get_a_specific_message(tmp_path, build, message):
    with pytest.raises(AnkiError, match=message):
        _read(build(tmp_path), tmp_path)


def test_damaged_zip_is_refused(tmp_path):
    good = tmp_path / "g.apkg"
    good.write_bytes(factories.make_apkg([(("Ibuprofen", "NSAID"), "")]))
    data = bytearray(good.read_bytes())
    start = data.index(b"SQLite") if b"SQLite" in data else 60
    data[start + 40 : start + 400] = b"\x00" * 360  # corrupt the stored collection's bytes (CRC fails)
    bad = tmp_path / "bad.apkg"
    bad.write_bytes(bytes(data))
    with pytest.raises(AnkiError, match=r"damaged|cannot be read"):
        _read(bad, tmp_path)


def test_zip_bomb_is_refused_before_unpacking(tmp_path):
    path = _zip(tmp_path, {"collection.anki2": b"\x00" * (60 * 1024 * 1024)})
    with pytest.raises(AnkiError, match="looks like a zip bomb"):
        _read(path, tmp_path)


def test_huge_declared_sizes_are_refused(tmp_path):
    path = _zip(tmp_path, {"collection.anki2": b"x" * 1000})
    data = bytearray(path.read_bytes())
    # Patch the central directory's "uncompressed size" of the member to 4 GB - 1.
    central = data.rindex(b"PK\x01\x02")
    data[central + 24 : central + 28] = (0xFFFFFFF0).to_bytes(4, "little")
    path.write_bytes(bytes(data))
    with pytest.raises(AnkiError, match=r"declares .* bytes once unpacked"):
        _read(path, tmp_path)


def test_zstd_collection_that_unpacks_past_the_limit_is_stopped(tmp_path, monkeypatch):
    from studyapp.importers.anki import package

    monkeypatch.setattr(package, "MAX_COLLECTION_BYTES", 1000)
    path = _zip(tmp_path, {"collection.anki21b": zstandard.ZstdCompressor().compress(b"\x00" * 5000)})
    with pytest.raises(AnkiError, match="unpacks to more than 1,000 bytes"):
        _read(path, tmp_path)


def test_empty_file(tmp_path):
    (tmp_path / "e.apkg").write_bytes(b"")
    with pytest.raises(AnkiError, match="The file is empty"):
        _read(tmp_path / "e.apkg", tmp_path)


def test_encrypted_package_is_refused(tmp_path):
    path = _zip(tmp_path, {"collection.anki2": b"x" * 1000})
    data = bytearray(path.read_bytes())
    central = data.rindex(b"PK\x01\x02")
    data[central + 8] |= 0x1  # the "encrypted" bit of the member's general purpose flags
    path.write_bytes(bytes(data))
    with pytest.raises(AnkiError, match="encrypted"):
        _read(path, tmp_path)
