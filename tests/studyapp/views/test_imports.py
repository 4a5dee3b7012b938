import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from studyapp.models import Deck, Item
from tests.paths import ARTICLES

ARTICLES = ARTICLES
MIGRAINE = (ARTICLES / "migraine.txt").read_text(encoding="utf-8")
HTMX = {"HTTP_HX_REQUEST": "true"}
pytestmark = pytest.mark.django_db


def test_import_page_renders_for_learners(student_client):
    response = student_client.get(reverse("studyapp:import-article"))
    html = response.content.decode()
    assert (
        response.status_code == 200 and 'id="import-form"' in html and 'enctype="multipart/form-data"' in html
    )
    assert "Personal (owner only)" in html


def test_preview_by_htmx_shows_the_parse_and_writes_nothing(client, instructor):
    client.force_login(instructor)
    response = client.post(reverse("studyapp:import-article"), {"text": MIGRAINE, "preview": "1"}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html and 'id="import-form"' in html
    assert "Preview: Migraine" in html and "Sumatriptan" in html and "(triptan)" in html
    # Migraine's dash lines ("Visual aura – zigzag lines") are read with a guess, so no "No problems found".
    assert "No problems found" not in html and "read with a guess" in html and 'name="confirm"' in html
    assert "HX-Request" in response["Vary"]
    assert Deck.objects.count() == 0


def test_preview_highlights_problems_with_line_numbers(student_client):
    text = MIGRAINE.replace("Stay well hydrated\n", "").replace("Identify and avoid personal triggers\n", "")
    html = student_client.post(reverse("studyapp:import-article"), {"text": text}).content.decode()
    assert '<li class="problem">Line 38: Section &#x27;Prevention Strategies&#x27; has no items.</li>' in html


def test_confirm_imports_for_the_instructors_classes(client, instructor):
    client.force_login(instructor)
    response = client.post(reverse("studyapp:import-article"), {"text": MIGRAINE, "confirm": "1"})
    deck = Deck.objects.get()
    assert (deck.title, deck.owner, deck.scope) == ("Migraine", instructor, "instructor")
    assert response.status_code == 302 and response["Location"] == reverse("studyapp:deck", args=[deck.pk])
    assert deck.items.count() == 35


def test_confirm_by_htmx_redirects_the_client(student_client, student):
    response = student_client.post(
        reverse("studyapp:import-article"), {"text": MIGRAINE, "confirm": "1"}, **HTMX
    )
    deck = Deck.objects.get()
    assert (deck.owner, deck.scope) == (student, "personal")
    assert response["HX-Redirect"] == reverse("studyapp:deck", args=[deck.pk])


def test_uploaded_cp1252_file_is_decoded_and_previewed(student_client):
    upload = SimpleUploadedFile("a.txt", MIGRAINE.replace("—", "-").replace("–", "-").encode("cp1252"))
    html = student_client.post(reverse("studyapp:import-article"), {"file": upload}).content.decode()
    assert "Preview: Migraine" in html
    assert "Vestibular migraine" in html


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"text": ""}, "Choose a file or paste the text: both are empty."),
        ({"file": SimpleUploadedFile("x.bin", b"\x00\x01\x02")}, "The file looks binary"),
        ({"file": SimpleUploadedFile("x.txt", b"\x81\x8d\x8f")}, "neither UTF-8 nor Windows-1252"),
        ({"text": "Fever is common.\nIt passes."}, "No recognisable section heading"),
    ],
)
def test_bad_input_is_a_form_error_and_nothing_is_written(student_client, data, message):
    data = {**data, "confirm": "1"}
    response = student_client.post(reverse("studyapp:import-article"), data)
    assert response.status_code == 200
    assert message in response.content.decode().replace("&#x27;", "'")
    assert Deck.objects.count() == 0


def test_file_over_the_limit_is_a_form_error(student_client, settings):
    settings.MAX_UPLOAD_BYTES = 100
    upload = SimpleUploadedFile("big.txt", MIGRAINE.encode())
    html = student_client.post(
        reverse("studyapp:import-article"), {"file": upload, "confirm": "1"}
    ).content.decode()
    assert "the limit is 100 bytes" in html and Deck.objects.count() == 0


def test_imported_text_is_escaped_in_the_preview(student_client):
    text = "X is a thing.\nCauses\n<img src=x onerror=alert(1)>\nFever"
    html = student_client.post(reverse("studyapp:import-article"), {"text": text}).content.decode()
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html


def test_csv_preview_then_import(student_client, student):
    data = {"title": "Pharm", "text": "front\tback\nIbuprofen\tNSAID\n"}
    html = student_client.post(reverse("studyapp:import-csv"), data, **HTMX).content.decode()
    assert (
        'id="csv-form"' in html
        and "<html" not in html
        and "Ibuprofen" in html
        and "Delimiter: tab, header row skipped." in html
    )
    assert Deck.objects.count() == 0
    response = student_client.post(reverse("studyapp:import-csv"), {**data, "confirm": "1"})
    deck = Deck.objects.get()
    assert (deck.title, deck.source, deck.owner) == ("Pharm", "csv", student)
    assert list(Item.objects.values_list("term", "answer")) == [("Ibuprofen", "NSAID")]
    assert response["Location"] == reverse("studyapp:deck", args=[deck.pk])


def test_csv_row_errors_are_listed_by_line(student_client):
    data = {"title": "Pharm", "text": "A,B\nlonely\nC,D\n", "confirm": "1"}
    html = student_client.post(reverse("studyapp:import-csv"), data).content.decode()
    assert "Line 2: A row needs a front and a back." in html
    assert Deck.objects.count() == 0


def test_import_pages_need_a_login(client):
    for name in ("studyapp:import-article", "studyapp:import-csv"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_admins_import_into_the_library(client):
    from tests import factories

    admin = factories.make_user("root", is_superuser=True, is_staff=True)
    client.force_login(admin)
    client.post(reverse("studyapp:import-article"), {"text": MIGRAINE, "confirm": "1"})
    deck = Deck.objects.get()
    assert (deck.owner, deck.scope) == (None, "library")


@pytest.mark.parametrize("size", [2 * 1024 * 1024 + 1, 3 * 1024 * 1024 + 512 * 1024])
def test_pasted_text_over_the_limit_is_a_form_error(student_client, size):
    text = (MIGRAINE + "\n" + "x" * size)[:size]

    response = student_client.post(reverse("studyapp:import-article"), {"text": text, "confirm": "1"})

    assert response.status_code == 200
    assert "The pasted text is" in response.content.decode()
    assert "the limit is 2,097,152 bytes (2 MB)" in response.content.decode()
    assert Deck.objects.count() == 0


def test_a_request_far_over_the_limit_gets_a_page_that_names_the_limit(student_client):
    response = student_client.post(reverse("studyapp:import-article"), {"text": "x" * (5 * 1024 * 1024)})

    assert response.status_code == 400
    assert "limited to 2 MB" in response.content.decode()
