import base64
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from studyapp.models import Card, Deck, Item
from tests import factories

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
URL = "/decks/import/anki/"
PHARM = [
    (("Ibuprofen", "<b>NSAID</b>"), "drugs pain"),
    (("Name a triptan", "Sumatriptan<br>Rizatriptan"), ""),
]


def _upload(data: bytes, name: str = "pharm-basics.apkg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def _package_field(html: str) -> str:
    return re.search(r'name="package" value="([^"]*)"', html).group(1)


def test_the_url_name_and_path_agree():
    assert reverse("studyapp:import-anki") == URL


def test_the_page_renders_for_learners_with_a_file_field(student_client):
    html = student_client.get(URL).content.decode()
    assert 'id="anki-form"' in html and 'type="file"' in html and 'accept=".apkg,.colpkg"' in html
    assert 'enctype="multipart/form-data"' in html and "Personal (owner only)" in html


def test_preview_by_htmx_shows_the_notes_and_writes_nothing(student_client):
    response = student_client.post(URL, {"file": _upload(factories.make_apkg(PHARM))}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html and 'id="anki-form"' in html
    assert "<td>Ibuprofen</td><td>NSAID</td><td>drugs, pain</td>" in html
    assert "<td>Sumatriptan<br>Rizatriptan</td>" in html
    assert 'value="Pharm basics"' in html and "Import 2 cards" in html
    assert "HX-Request" in response["Vary"]
    assert Deck.objects.count() == 0


def test_the_preview_shows_only_the_first_twenty_notes(student_client):
    notes = [((f"Front {n}", f"Back {n}"), "") for n in range(25)]
    html = student_client.post(URL, {"file": _upload(factories.make_apkg(notes))}).content.decode()
    assert "25 notes; the first 20 are shown." in html
    assert "Front 19" in html and "Front 20" not in html and "Import 25 cards" in html


def test_import_after_preview_uses_the_previewed_package_without_a_second_upload(student_client, student):
    data = factories.make_apkg(PHARM)
    preview = student_client.post(URL, {"file": _upload(data)}).content.decode()
    package = _package_field(preview)
    assert base64.b64decode(package) == data
    response = student_client.post(URL, {"title": "Pharm basics", "package": package, "confirm": "1"})
    deck = Deck.objects.get()
    assert (deck.title, deck.source, deck.scope, deck.owner) == ("Pharm basics", "anki", "personal", student)
    assert list(Item.objects.values_list("term", "answer", "tags")) == [
        ("Ibuprofen", "NSAID", ["drugs", "pain"]),
        ("Name a triptan", "Sumatriptan\nRizatriptan", []),
    ]
    assert list(
        Card.objects.filter(deck=deck, is_active=True).order_by("position").values_list("front", "back")
    ) == [
        ("Ibuprofen", "NSAID"),
        ("Name a triptan", "Sumatriptan\nRizatriptan"),
    ]
    assert response.status_code == 302 and response["Location"] == reverse("studyapp:deck", args=[deck.pk])


def test_confirm_by_htmx_redirects_the_client_into_the_instructors_classes(client, instructor):
    client.force_login(instructor)
    data = {"file": _upload(factories.make_apkg(PHARM)), "title": "Class pharm", "confirm": "1"}
    response = client.post(URL, data, **HTMX)
    deck = Deck.objects.get()
    assert (deck.title, deck.scope, deck.owner) == ("Class pharm", "instructor", instructor)
    assert response["HX-Redirect"] == reverse("studyapp:deck", args=[deck.pk])


def _zip_without_notes_table() -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("collection.anki2", b"SQLite format 3\x00" + b"\x00" * 100)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Choose an Anki package (.apkg or .colpkg) to import."),
        ({"file": _upload(b"", "empty.apkg")}, "The submitted file is empty."),
        ({"file": _upload(b"just some text")}, "This is not an Anki package (.apkg files are zip archives)."),
        ({"file": _upload(_zip_without_notes_table())}, "The collection inside the package has no readable"),
        ({"file": _upload(factories.make_apkg([]))}, "The package has no notes with a front and a back"),
        (
            {"file": _upload(factories.make_apkg([(("Front only", ""), "")]))},
            "The package has no notes with a front and a back",
        ),
        ({"package": "not base64!"}, "The previewed package did not come back intact; choose it again."),
    ],
    ids=["nothing", "empty", "not-a-zip", "corrupt", "no-notes", "no-backs", "tampered-package"],
)
def test_bad_packages_are_form_errors_and_nothing_is_written(student_client, data, message):
    response = student_client.post(URL, {**data, "confirm": "1"})
    assert response.status_code == 200
    assert message in response.content.decode().replace("&#x27;", "'")
    assert Deck.objects.count() == 0


def test_a_file_over_the_limit_is_a_form_error(student_client, settings):
    data = factories.make_apkg(PHARM)
    settings.MAX_UPLOAD_BYTES = len(data) - 1
    html = student_client.post(URL, {"file": _upload(data), "confirm": "1"}).content.decode()
    assert f"The file is {len(data):,} bytes; the limit is {len(data) - 1:,} bytes (2 MB)." in html
    assert Deck.objects.count() == 0


def test_note_text_is_escaped_in_the_preview(student_client):
    data = factories.make_apkg([(("&lt;img src=x onerror=alert(1)&gt;", "back"), "")])
    html = student_client.post(URL, {"file": _upload(data)}).content.decode()
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html


def test_the_import_pages_link_to_each_other(student_client):
    for name in ("studyapp:import-article", "studyapp:import-csv", "studyapp:decks"):
        assert f'href="{URL}"' in student_client.get(reverse(name)).content.decode()


def test_anonymous_is_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
