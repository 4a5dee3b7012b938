"""The Anki import pages: upload and preview (nothing written), Import queues a background task, the progress
page polls until the result, which says what was kept and what was not; media served only to deck viewers."""

import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from studyapp.models import AnkiImport, Card, CardState, Deck, DeckMedia, Review
from tests import anki_fixtures, factories

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
URL = "/decks/import/anki/"
PHARM = [
    (("Ibuprofen", "<b>NSAID</b>"), "drugs pain"),
    (("Name a triptan", "Sumatriptan<br>Rizatriptan"), ""),
]


@pytest.fixture(autouse=True)
def _private_folders(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ANKI_UPLOAD_DIR = tmp_path / "uploads"


@pytest.fixture(scope="module")
def rich_colpkg(tmp_path_factory):
    folder = tmp_path_factory.mktemp("anki-view")
    col = anki_fixtures.rich_collection(folder)
    paths = anki_fixtures.export_all(col, folder)
    col.close()
    return paths["colpkg"].read_bytes()


def _upload(data: bytes, name: str = "pharm-basics.apkg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def test_the_url_name_and_path_agree():
    assert reverse("studyapp:import-anki") == URL


def test_the_page_renders_for_learners_with_a_file_field_and_the_history_choice(student_client):
    html = student_client.get(URL).content.decode()
    assert 'id="anki-form"' in html and 'type="file"' in html and 'accept=".apkg,.colpkg"' in html
    assert 'enctype="multipart/form-data"' in html and "Personal (owner only)" in html
    assert "Bring my scheduling and review history" in html


def test_instructors_are_not_offered_history(client, instructor):
    client.force_login(instructor)
    html = client.get(URL).content.decode()
    assert "Bring my scheduling" not in html and "content only" in html


def test_preview_by_htmx_reports_and_writes_nothing(student_client):
    response = student_client.post(URL, {"file": _upload(factories.make_apkg(PHARM))}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html and 'id="anki-form"' in html
    assert "2 notes give 2 cards" in html
    assert "<td>Basic (genanki)</td><td>2</td><td>2</td>" in html
    assert "<b>NSAID</b>" in html  # the sample card, sanitised HTML
    assert "HX-Request" in response["Vary"]
    assert Deck.objects.count() == 0
    assert AnkiImport.objects.get().status == "previewed"


def test_full_import_of_a_learners_collection_with_history(
    student_client, student, rich_colpkg, django_capture_on_commit_callbacks
):
    student_client.post(URL, {"file": _upload(rich_colpkg, "my-collection.colpkg"), "with_scheduling": "on"})
    job = AnkiImport.objects.get(owner=student)
    assert job.report["notes"] == 19 and job.report["cards"] == 26 and job.report["reviews"] == 5
    with django_capture_on_commit_callbacks(execute=True):
        response = student_client.post(reverse("studyapp:anki-import-start", args=[job.pk]))
    status_url = reverse("studyapp:anki-import", args=[job.pk])
    assert response.status_code == 302 and response["Location"] == status_url
    html = student_client.get(status_url).content.decode()
    job.refresh_from_db()
    assert job.status == "done" and "Open the deck" in html and 'value="100"' in html
    assert "every 1s" not in html  # polling stops once done
    deck = job.deck
    assert (deck.title, deck.owner, deck.scope) == ("My collection", student, "personal")
    assert Card.objects.filter(deck=deck, is_active=True).count() == 26
    assert Review.objects.filter(user=student).count() == 5
    assert CardState.objects.filter(user=student, suspended=True).count() == 1
    assert DeckMedia.objects.filter(deck=deck).count() == 2
    assert not Path(job.path).exists()  # the staged upload is removed


def test_progress_page_polls_while_running(student_client, student):
    job = AnkiImport.objects.create(
        owner=student, file_name="x.apkg", path="/nonexistent", title="X", status="running", progress=40
    )
    url = reverse("studyapp:anki-import", args=[job.pk])
    html = student_client.get(url, **HTMX).content.decode()
    assert 'id="anki-import-status"' in html and "<html" not in html
    assert f'hx-get="{url}"' in html and 'hx-trigger="every 1s"' in html and 'value="40"' in html


def test_starting_twice_queues_once(student_client, student, django_capture_on_commit_callbacks):
    student_client.post(URL, {"file": _upload(factories.make_apkg(PHARM))})
    job = AnkiImport.objects.get()
    start = reverse("studyapp:anki-import-start", args=[job.pk])
    with django_capture_on_commit_callbacks(execute=True):
        student_client.post(start)
        student_client.post(start)
    assert Deck.objects.count() == 1 and Card.objects.count() == 2


def test_other_learners_import_is_404(client, other_student, student):
    job = AnkiImport.objects.create(owner=student, file_name="x.apkg", path="/nonexistent", title="X")
    client.force_login(other_student)
    assert client.get(reverse("studyapp:anki-import", args=[job.pk])).status_code == 404
    assert client.post(reverse("studyapp:anki-import-start", args=[job.pk])).status_code == 404


@pytest.mark.parametrize(
    "data,message",
    [
        (b"just some text", "This is not an Anki package"),
        (b"", "The submitted file is empty."),
    ],
)
def test_bad_uploads_get_a_message_and_write_nothing(student_client, data, message):
    html = student_client.post(URL, {"file": _upload(data)}).content.decode()
    assert message in html
    assert AnkiImport.objects.count() == 0 and Deck.objects.count() == 0


def test_a_package_over_the_limit_is_refused(student_client, settings):
    settings.ANKI_MAX_PACKAGE_BYTES = 100
    html = student_client.post(URL, {"file": _upload(factories.make_apkg(PHARM))}).content.decode()
    assert "the limit is 100 bytes" in html and AnkiImport.objects.count() == 0


def test_media_served_to_the_deck_owner_only(client, student, other_student, rich_colpkg, tmp_path):
    from studyapp.importers.anki import read_anki
    from studyapp.services.anki import save_anki

    path = tmp_path / "rich.colpkg"
    path.write_bytes(rich_colpkg)
    (tmp_path / "w").mkdir()
    parsed = read_anki(path, tmp_path / "w")
    deck = save_anki(parsed=parsed, package_path=path, owner=student, scope="personal", title="Mine").deck
    url = reverse("studyapp:deck-media", kwargs={"deck_id": deck.pk, "name": "heart.png"})
    card = Card.objects.get(deck=deck, front__contains="Identify this structure")
    assert f'<img src="{url}">' in card.front
    client.force_login(student)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == anki_fixtures.PNG
    assert "sandbox" in response["Content-Security-Policy"]
    client.force_login(other_student)
    assert client.get(url).status_code == 404
    assert (
        client.get(
            reverse("studyapp:deck-media", kwargs={"deck_id": deck.pk, "name": "nope.png"})
        ).status_code
        == 404
    )


def test_deck_export_downloads_a_package_with_the_learners_progress(student_client, student, tmp_path):
    import zipfile

    from studyapp.services.cards import sync_cards
    from studyapp.services.enrollment import add_deck_to_studies

    deck = factories.make_deck(owner=student, title="Pain drugs")
    factories.make_item(factories.make_section(deck), "Ibuprofen", gloss="NSAID")
    sync_cards(deck)
    add_deck_to_studies(user=student, deck=deck)
    html = student_client.get(reverse("studyapp:deck", args=[deck.pk])).content.decode()
    assert "Export to Anki (.apkg) with my progress" in html
    response = student_client.get(reverse("studyapp:deck-export", args=[deck.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{deck.slug}.apkg"'
    path = tmp_path / "d.apkg"
    path.write_bytes(response.content)
    assert "collection.anki2" in zipfile.ZipFile(path).namelist()


def test_collection_export_holds_every_studied_deck(student_client, student, tmp_path):
    from studyapp.services.cards import sync_cards
    from studyapp.services.enrollment import add_deck_to_studies

    for title in ("Pain drugs", "Antibiotics"):
        deck = factories.make_deck(owner=student, title=title)
        factories.make_item(factories.make_section(deck), f"{title} item", gloss="x")
        sync_cards(deck)
        add_deck_to_studies(user=student, deck=deck)
    response = student_client.get(reverse("studyapp:collection-export"))
    path = tmp_path / "c.apkg"
    path.write_bytes(response.content)
    (tmp_path / "w").mkdir()
    from studyapp.importers.anki import read_anki

    parsed = read_anki(path, tmp_path / "w")
    assert sorted({n.deck for n in parsed.notes}) == ["Antibiotics", "Pain drugs"]


def test_a_new_preview_releases_the_previous_staged_file(student_client, student):
    student_client.post(URL, {"file": _upload(factories.make_apkg(PHARM))})
    first = AnkiImport.objects.get()
    assert Path(first.path).exists()
    student_client.post(URL, {"file": _upload(factories.make_apkg(PHARM))})
    first.refresh_from_db()
    assert first.status == "failed" and not Path(first.path).exists()
    assert AnkiImport.objects.filter(status="previewed").count() == 1


def test_a_big_package_is_previewed_from_its_own_counts_and_the_result_is_complete(
    student_client, student, settings, rich_colpkg, django_capture_on_commit_callbacks
):
    settings.ANKI_PREVIEW_RENDER_NOTES = 5  # the rich collection has 19 notes
    html = student_client.post(URL, {"file": _upload(rich_colpkg, "big.colpkg")}).content.decode()
    assert "these are Anki's own counts" in html
    job = AnkiImport.objects.get()
    assert job.report["quick"] is True
    assert (job.report["notes"], job.report["cards"], job.report["media"], job.report["reviews"]) == (
        19,
        26,
        2,
        5,
    )
    with django_capture_on_commit_callbacks(execute=True):
        student_client.post(reverse("studyapp:anki-import-start", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == "done" and "quick" not in job.report
    assert (job.report["notes"], job.report["cards"], job.report["skipped"]) == (19, 26, [])


def test_media_whose_name_has_spaces_is_served_from_the_link_on_the_card(client, student, tmp_path, settings):
    """Links are encoded once (`heart%20diagram%20%C3%A9.png`); links of cards rendered before that fix were
    encoded twice and still work."""
    from anki.collection import Collection

    from studyapp.importers.anki import read_anki
    from studyapp.services.anki import save_anki

    settings.MEDIA_ROOT = tmp_path / "media"
    col = Collection(str(tmp_path / "c.anki2"))
    (tmp_path / anki_fixtures.IMAGE_NAME).write_bytes(anki_fixtures.PNG)
    name = col.media.add_file(str(tmp_path / anki_fixtures.IMAGE_NAME))
    note = col.new_note(col.models.by_name("Basic"))
    note["Front"], note["Back"] = f'What is this? <img src="{name}">', "Heart"
    col.add_note(note, col.decks.id("Default"))
    path = tmp_path / "c.colpkg"
    col.export_collection_package(str(path), include_media=True, legacy=False)
    (tmp_path / "w").mkdir()
    parsed = read_anki(path, tmp_path / "w")
    deck = save_anki(parsed=parsed, package_path=path, owner=student, scope="personal", title="Mine").deck
    url = f"/decks/{deck.pk}/media/heart%20diagram%20%C3%A9.png"
    assert f'<img src="{url}">' in Card.objects.get(deck=deck).front
    client.force_login(student)
    for link in (url, url.replace("%", "%25")):
        response = client.get(link)
        assert response.status_code == 200, link
        assert b"".join(response.streaming_content) == anki_fixtures.PNG


def test_a_big_export_is_prepared_in_the_background_and_downloaded_when_ready(
    client, student, other_student, tmp_path, settings, django_capture_on_commit_callbacks
):
    from studyapp.models import AnkiExport
    from studyapp.services.cards import sync_cards
    from studyapp.services.enrollment import add_deck_to_studies

    settings.ANKI_EXPORT_SYNC_CARDS = 1
    settings.ANKI_EXPORT_DIR = tmp_path / "exports"
    deck = factories.make_deck(owner=student, title="Pain drugs")
    section = factories.make_section(deck)
    for term in ("Ibuprofen", "Naproxen"):
        factories.make_item(section, term, gloss="NSAID")
    sync_cards(deck)
    add_deck_to_studies(user=student, deck=deck)
    client.force_login(student)
    url = reverse("studyapp:deck-export", args=[deck.pk])
    page = client.get(url)
    assert page.status_code == 200 and "Prepare the package" in page.content.decode()
    assert not AnkiExport.objects.exists()  # a GET prepares nothing
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    job = AnkiExport.objects.get()
    status_url = reverse("studyapp:anki-export", args=[job.pk])
    assert response.status_code == 302 and response["Location"] == status_url
    job.refresh_from_db()
    assert job.status == AnkiExport.Status.DONE and job.with_progress
    html = client.get(status_url, headers={"HX-Request": "true"}).content.decode()
    assert 'id="anki-export-status"' in html and "<html" not in html and "every 2s" not in html
    download = client.get(reverse("studyapp:anki-export-download", args=[job.pk]))
    assert download.status_code == 200 and f'filename="{deck.slug}.apkg"' in download["Content-Disposition"]
    data = b"".join(download.streaming_content)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert "collection.anki2" in archive.namelist()
    # A second export replaces the first, file and all.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("studyapp:collection-export"))
    assert AnkiExport.objects.get().deck is None and not Path(job.path).exists()
    client.force_login(other_student)
    assert (
        client.get(reverse("studyapp:anki-export-download", args=[AnkiExport.objects.get().pk])).status_code
        == 404
    )


def test_a_queued_export_has_nothing_to_download_yet(client, student):
    from studyapp.models import AnkiExport

    job = AnkiExport.objects.create(owner=student, file_name="x.apkg")
    client.force_login(student)
    assert (
        'hx-trigger="every 2s"' in client.get(reverse("studyapp:anki-export", args=[job.pk])).content.decode()
    )
    assert client.get(reverse("studyapp:anki-export-download", args=[job.pk])).status_code == 404


def test_an_export_whose_job_went_away_leaves_no_file(student, tmp_path, settings):
    from studyapp.models import AnkiExport
    from studyapp.services.anki_jobs import run_anki_export

    settings.ANKI_EXPORT_DIR = tmp_path / "exports"
    job = AnkiExport.objects.create(owner=student, file_name="x.apkg")
    AnkiExport.objects.filter(pk=job.pk).delete()
    run_anki_export(job)
    assert list((tmp_path / "exports").iterdir()) == []
