import io
import zipfile
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from studyapp.importers.anki import AnkiError, AnkiNote, read_apkg
from studyapp.models import Deck, Item
from tests import factories


def make_apkg(tmp_path, notes, *, name="collection.anki2") -> bytes:
    return factories.make_apkg(notes, name=name)


def test_notes_become_plain_front_back_and_tags(tmp_path):
    data = make_apkg(
        tmp_path,
        [
            (("Ibuprofen", "<b>NSAID</b>"), " drugs pain "),
            (("Name a triptan", "Sumatriptan<br>Rizatriptan &amp; others"), ""),
            (("Front only", ""), ""),
        ],
    )
    assert read_apkg(data) == [
        AnkiNote("Ibuprofen", "NSAID", ["drugs", "pain"]),
        AnkiNote("Name a triptan", "Sumatriptan\nRizatriptan & others", []),
    ]


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda tmp: b"not a zip", "This is not an Anki package"),
        (lambda tmp: make_apkg(tmp, [], name="other.txt"), "holds no Anki collection"),
        (lambda tmp: make_apkg(tmp, [], name="collection.anki21b"), "newer compressed format"),
    ],
)
def test_unreadable_packages_are_refused_clearly(tmp_path, make, message):
    with pytest.raises(AnkiError, match=message):
        read_apkg(make(tmp_path))


def test_a_zip_without_a_notes_table_is_refused(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("collection.anki2", b"SQLite format 3\x00" + b"\x00" * 100)
    with pytest.raises(AnkiError, match="no readable notes table"):
        read_apkg(buffer.getvalue())


@pytest.mark.django_db
def test_import_anki_command_makes_a_deck(tmp_path, student):
    path = tmp_path / "pharm.apkg"
    path.write_bytes(make_apkg(tmp_path, [(("Ibuprofen", "NSAID"), "drugs")]))
    out = StringIO()
    call_command("import_anki", str(path), "--owner", student.username, stdout=out)
    deck = Deck.objects.get()
    assert (deck.title, deck.source, deck.scope, deck.owner) == ("Pharm", "anki", "personal", student)
    assert list(Item.objects.values_list("term", "answer", "tags")) == [("Ibuprofen", "NSAID", ["drugs"])]


@pytest.mark.django_db
def test_import_anki_command_fails_with_status_1_on_bad_input(tmp_path):
    path = tmp_path / "bad.apkg"
    path.write_bytes(b"nope")
    with pytest.raises(CommandError, match="This is not an Anki package") as exc:
        call_command("import_anki", str(path), stdout=StringIO())
    assert exc.value.returncode == 1 and Deck.objects.count() == 0


def test_oversized_collection_is_refused_before_it_is_unpacked(tmp_path, monkeypatch):
    from studyapp.importers import anki

    data = make_apkg(tmp_path, [(("a", "b"), "")])
    monkeypatch.setattr(anki, "MAX_COLLECTION_BYTES", 100)
    with pytest.raises(AnkiError, match="The collection is too large to import"):
        read_apkg(data)


@pytest.mark.parametrize("offset", [60, 200, -400])
def test_a_damaged_package_is_refused_not_crashed_on(offset):
    data = bytearray(
        factories.make_apkg(
            [((f"Front {n}", f"Back {n}"), "") for n in range(200)], compression=zipfile.ZIP_DEFLATED
        )
    )
    data[offset] ^= 0xFF
    with pytest.raises(AnkiError, match="The package is damaged: its collection cannot be unpacked"):
        read_apkg(bytes(data))
