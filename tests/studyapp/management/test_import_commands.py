import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from studyapp.models import Deck, Item
from tests.paths import ARTICLES

ARTICLES = ARTICLES
pytestmark = pytest.mark.django_db


def _run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_dry_run_json_prints_the_parse_and_writes_nothing():
    out, _ = _run("import_article", str(ARTICLES / "migraine.txt"), "--dry-run", "--json")
    data = json.loads(out)
    assert Deck.objects.count() == 0
    assert {"title", "slug", "sections", "faqs", "problems"} <= set(data)
    assert (data["title"], data["slug"], data["problems"]) == ("Migraine", "migraine", [])
    drugs = next(s for s in data["sections"] if s["kind"] == "drugs")
    assert drugs["heading"] == "Drugs"
    assert {"term", "gloss", "group", "text"} <= set(drugs["items"][0])
    assert drugs["items"][0]["term"] == "Sumatriptan" and drugs["items"][0]["gloss"] == "triptan"
    assert data["faqs"][0] == {
        "question": "Is migraine just a bad headache?",
        "answer": "No. It is a neurological disorder with symptoms beyond the pain.",
    }


def test_seed_dry_run_json_counts(seed_article_text, tmp_path):
    path = tmp_path / "seed.txt"
    path.write_text(seed_article_text, encoding="utf-8")
    data = json.loads(_run("import_article", str(path), "--dry-run", "--json")[0])
    assert {s["kind"]: len(s["items"]) for s in data["sections"]} == {
        "anatomy": 13,
        "types": 20,
        "causes": 19,
        "symptoms": 20,
        "diagnostic_tests": 20,
        "non_drug_treatments": 30,
        "drugs": 20,
        "surgeries": 10,
        "prevention": 10,
        "when_to_see_doctor": 5,
    }
    assert len(data["faqs"]) == 15


def test_import_saves_each_article_as_a_library_deck():
    out, _ = _run(
        "import_article", str(ARTICLES / "migraine.txt"), str(ARTICLES / "carpal-tunnel-syndrome.txt")
    )
    assert sorted(Deck.objects.values_list("slug", "scope", "owner")) == [
        ("carpal-tunnel-syndrome", "library", None),
        ("migraine", "library", None),
    ]
    assert "Created 'Migraine': 35 added, 0 changed, 0 retired, 0 unchanged." in out
    again, _ = _run("import_article", str(ARTICLES / "migraine.txt"))
    assert "Updated 'Migraine': 0 added, 0 changed, 0 retired, 35 unchanged." in again


def test_owner_and_slug_options(instructor):
    _run(
        "import_article",
        str(ARTICLES / "migraine.txt"),
        "--owner",
        instructor.username,
        "--slug",
        "headaches",
    )
    deck = Deck.objects.get()
    assert (deck.slug, deck.owner, deck.scope) == ("headaches", instructor, "instructor")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty."),
        (b"\x00\x01binary", "looks binary"),
        (b"Fever is common.\nNothing else.", "No recognisable section heading"),
    ],
)
def test_bad_input_exits_with_status_1_and_a_clear_message(tmp_path, content, message):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    with pytest.raises(CommandError, match=r"1 of 2 file\(s\) could not be imported") as exc:
        out, err = StringIO(), StringIO()
        call_command("import_article", str(bad), str(ARTICLES / "migraine.txt"), stdout=out, stderr=err)
    assert message in err.getvalue()
    assert exc.value.returncode == 1
    # The good article is still imported; the bad one wrote nothing.
    assert list(Deck.objects.values_list("slug", flat=True)) == ["migraine"]


def test_too_large_file_is_refused(tmp_path, settings):
    settings.MAX_UPLOAD_BYTES = 100
    big = tmp_path / "big.txt"
    big.write_bytes((ARTICLES / "migraine.txt").read_bytes())
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_article", str(big), stdout=StringIO(), stderr=err)
    assert "the limit is 100 bytes" in err.getvalue()
    assert Deck.objects.count() == 0


def test_missing_owner_is_an_error():
    with pytest.raises(CommandError, match="No user called 'nobody'"):
        _run("import_article", str(ARTICLES / "migraine.txt"), "--owner", "nobody")


def test_import_csv_command(tmp_path, student):
    path = tmp_path / "pharm_cards.tsv"
    path.write_text("Ibuprofen\tNSAID\nTramadol\topioid\n", encoding="utf-8")
    out, _ = _run("import_csv", str(path), "--owner", student.username)
    deck = Deck.objects.get()
    assert (deck.title, deck.scope, deck.owner) == ("Pharm cards", "personal", student)
    assert list(Item.objects.values_list("term", "answer")) == [
        ("Ibuprofen", "NSAID"),
        ("Tramadol", "opioid"),
    ]
    assert "Created 'Pharm cards': 2 added" in out


def test_import_csv_command_reports_bad_rows(tmp_path):
    path = tmp_path / "cards.csv"
    path.write_text("A,B\nlonely\n", encoding="utf-8")
    err = StringIO()
    with pytest.raises(CommandError, match="1 row\\(s\\) could not be read"):
        call_command("import_csv", str(path), stdout=StringIO(), stderr=err)
    assert "line 2: A row needs a front and a back." in err.getvalue()
    assert Deck.objects.count() == 0


def test_load_bundled_decks_loads_the_library_deck():
    out, _ = _run("load_bundled_decks")
    deck = Deck.objects.get()
    assert (deck.slug, deck.scope, deck.owner) == ("neoplastic-foraminal-narrowing", "library", None)
    assert deck.items.filter(section__kind="causes").count() == 19
    assert "neoplastic-foraminal-narrowing.json: Created" in out
