"""Your data: the export zip (FSRS revlog shape, card states, settings, quiz attempts, README), its import into
another instance (progress restored exactly, twice is once), and account deletion."""

import csv
import datetime as dt
import io
import json
import zipfile

import pytest
from django.utils import timezone

from quizzes.models import Attempt
from studyapp.models import CardState, Review, User
from studyapp.services import accounts, portability, reviews
from tests import factories

NOW = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def library_deck(db):
    deck = factories.make_deck(title="Foraminal narrowing")
    section = factories.make_section(deck, kind="drugs")
    for n, (term, gloss) in enumerate(
        [("Ibuprofen", "NSAID"), ("Gabapentin", "anticonvulsant"), ("Baclofen", "relaxant")]
    ):
        item = factories.make_item(section, term, gloss=gloss, position=n)
        factories.make_card(deck, item=item, position=n)
    return deck


def _study(user, deck, ratings):
    """Answer the cards the queue shows next in this deck, one rating each, a minute apart."""
    from studyapp import queue

    factories.study_deck(user, deck)
    for n, rating in enumerate(ratings):
        state = queue.build_queue(
            user, NOW + dt.timedelta(minutes=n), queue.Scope(deck_id=deck.pk)
        ).card_state
        result = reviews.record_review(
            user=user,
            card_state_id=state.pk,
            rating=rating,
            shown_version=state.version,
            duration_ms=4000 + n,
            now=NOW + dt.timedelta(minutes=n),
        )
        assert result.recorded


def _progress(user) -> dict:
    fields = portability.STATE_FIELDS
    return {
        s.card.key: tuple(getattr(s, f) for f in fields)
        for s in CardState.objects.filter(user=user).select_related("card")
    }


def _files(data: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name).decode() for name in archive.namelist()}


def test_the_export_holds_the_revlog_in_fsrs_shape_and_a_readme(student, library_deck):
    _study(student, library_deck, [3, 1, 4])
    files = _files(portability.export_archive(user=student, now=NOW))
    assert {"README.md", "revlog.csv", "reviews.csv", "cards.csv", "card_states.csv", "settings.json"} <= set(
        files
    )
    assert {"quiz_attempts.csv", "quiz_answers.csv"} <= set(files)  # registered by the quiz app
    rows = list(csv.reader(io.StringIO(files["revlog.csv"])))
    assert rows[0] == ["card_id", "review_time", "review_rating", "review_state", "review_duration"]
    first_ms = int(NOW.timestamp() * 1000)
    assert [r[1:] for r in rows[1:]] == [
        [str(first_ms), "3", "0", "4000"],
        [str(first_ms + 60_000), "1", "0", "4001"],
        [str(first_ms + 120_000), "4", "0", "4002"],
    ]
    assert "revlog.csv" in files["README.md"] and "quiz_attempts.csv" in files["README.md"]
    assert json.loads(files["settings.json"])["studying"] == [library_deck.slug]


def test_the_export_lists_quiz_attempts_without_revealing_hidden_answers(student, instructor):
    assignment = factories.make_assignment(instructor, students=(student,), answers_visible="never")
    attempt = factories.make_attempt(student, assignment)
    from quizzes import services

    services.save_answer(attempt=attempt, position=1, chosen=0, now=timezone.now())
    services.submit_attempt(attempt=attempt, now=timezone.now())
    files = _files(portability.export_archive(user=student))
    attempts = list(csv.DictReader(io.StringIO(files["quiz_attempts.csv"])))
    assert [(a["quiz"], a["status"], a["score"]) for a in attempts] == [("Week 1 quiz", "submitted", "0.5")]
    answers = list(csv.DictReader(io.StringIO(files["quiz_answers.csv"])))
    assert answers[0]["your_answer"] == "Right 1" and answers[0]["right_answer"] == ""


def test_round_trip_restores_progress_exactly_in_a_fresh_account(library_deck):
    alice = factories.make_user(
        "alice", desired_retention=0.85, time_zone="Europe/Paris", new_cards_per_day=7
    )
    _study(alice, library_deck, [3, 1, 4])
    before = _progress(alice)
    revlog_before = [
        r.split(",", 1)[1] for r in _files(portability.export_archive(user=alice))["revlog.csv"].splitlines()
    ]
    data = portability.export_archive(user=alice)

    accounts.delete_account(user=alice)
    assert not Review.objects.exists() and not CardState.objects.exists()
    alice = factories.make_user("alice")  # the same learner, on "another instance"
    report = portability.import_archive(user=alice, data=data)

    assert (report.states_restored, report.reviews_added, report.decks_added) == (3, 3, [library_deck.slug])
    alice.refresh_from_db()
    assert (alice.desired_retention, alice.time_zone, alice.new_cards_per_day) == (0.85, "Europe/Paris", 7)
    assert _progress(alice) == before
    revlog_after = [
        r.split(",", 1)[1] for r in _files(portability.export_archive(user=alice))["revlog.csv"].splitlines()
    ]
    assert revlog_after == revlog_before

    again = portability.import_archive(user=alice, data=data)
    assert (again.reviews_added, again.reviews_already_there) == (0, 3)
    assert Review.objects.filter(user=alice).count() == 3


def test_decks_this_instance_lacks_are_reported_and_skipped(student, other_student, library_deck):
    private = factories.make_deck(title="Private", owner=other_student)
    factories.make_card(private)
    factories.study_deck(student, private)
    _study(student, library_deck, [3])
    data = portability.export_archive(user=student)
    newcomer = factories.make_user("carol")
    report = portability.import_archive(user=newcomer, data=data)
    assert report.decks_missing == [private.slug] and report.decks_added == [library_deck.slug]
    assert report.cards_missing == 1


def _zip(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def test_a_broken_archive_is_refused_with_its_reason_and_saves_nothing(student, library_deck):
    _study(student, library_deck, [3])
    files = _files(portability.export_archive(user=student))
    with pytest.raises(portability.ArchiveError, match="not a zip"):
        portability.import_archive(user=student, data=b"PK\x03\x04 garbage")
    with pytest.raises(portability.ArchiveError, match=r"no reviews\.csv"):
        portability.import_archive(
            user=student, data=_zip({k: v for k, v in files.items() if k != "reviews.csv"})
        )
    bad = files["reviews.csv"].replace(",3,", ",three,", 1)
    newcomer = factories.make_user("carol")
    with pytest.raises(portability.ArchiveError, match=r"reviews\.csv line 2"):
        portability.import_archive(user=newcomer, data=_zip({**files, "reviews.csv": bad}))
    settings = json.loads(files["settings.json"])
    settings["settings"]["desired_retention"] = 3
    with pytest.raises(portability.ArchiveError, match="desired_retention"):
        portability.import_archive(user=newcomer, data=_zip({**files, "settings.json": json.dumps(settings)}))
    newcomer.refresh_from_db()
    assert not CardState.objects.filter(user=newcomer).exists() and newcomer.desired_retention == 0.9


# --- Pages ---------------------------------------------------------------------------------------------------


def test_download_is_a_zip_attachment(student_client, student, library_deck):
    _study(student, library_deck, [3])
    response = student_client.get("/accounts/data/export.zip")
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith('attachment; filename="studyapp-alice-')
    assert "revlog.csv" in _files(response.content)


def test_import_page_restores_and_reports(client, library_deck):
    alice = factories.make_user("alice")
    _study(alice, library_deck, [3, 3])
    data = portability.export_archive(user=alice)
    carol = factories.make_user("carol")
    client.force_login(carol)
    upload = io.BytesIO(data)
    upload.name = "export.zip"
    response = client.post("/accounts/data/import/", {"archive": upload}, follow=True)
    assert "3 cards restored, 2 reviews added" in response.content.decode()
    garbage = io.BytesIO(b"not a zip")
    garbage.name = "x.zip"
    page = client.post("/accounts/data/import/", {"archive": garbage}).content.decode()
    assert "not a zip file" in page


def test_deleting_the_account_needs_the_password_and_the_words(student_client, student, library_deck):
    _study(student, library_deck, [3])
    wrong = student_client.post("/accounts/delete/", {"password": "nope", "confirm": "delete my account"})
    assert "That is not your password." in wrong.content.decode()
    unsure = student_client.post(
        "/accounts/delete/", {"password": "correct horse battery staple", "confirm": "yes"}
    )
    assert "to confirm" in unsure.content.decode()
    assert User.objects.filter(username="alice").exists()


def test_deleting_the_account_deletes_all_the_learners_data(
    student_client, student, other_student, instructor, library_deck
):
    _study(student, library_deck, [3, 1])
    _study(other_student, library_deck, [4])
    factories.make_attempt(student, factories.make_assignment(instructor, students=(student,)))
    response = student_client.post(
        "/accounts/delete/", {"password": "correct horse battery staple", "confirm": "Delete my account"}
    )
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    assert not User.objects.filter(username="alice").exists()
    assert (
        not Review.objects.filter(user_id=student.pk).exists()
        and not Attempt.objects.filter(user_id=student.pk).exists()
    )
    assert Review.objects.filter(user=other_student).count() == 1  # others keep theirs
    assert student_client.get("/study/").status_code == 302  # logged out


def _by_wording(user) -> dict:
    fields = portability.STATE_FIELDS
    return {
        (s.card.template, s.card.front): tuple(getattr(s, f) for f in fields)
        for s in CardState.objects.filter(user=user, card__is_active=True).select_related("card")
    }


@pytest.mark.django_db
def test_the_learners_own_decks_are_recreated_with_their_progress():
    from studyapp.models import Deck, Item
    from studyapp.services import imports, items
    from tests.paths import ARTICLES

    alice = factories.make_user("alice")
    article = imports.import_article(
        text=(ARTICLES / "carpal-tunnel-syndrome.txt").read_text(encoding="utf-8"),
        owner=alice,
        scope=Deck.Scope.PERSONAL,
    ).deck
    flashcards = imports.import_csv(
        data="front,back\nWrist nerve?,Median\nThenar muscles?,APB OP FPB\n",
        title="My cards",
        owner=alice,
        scope=Deck.Scope.PERSONAL,
    )
    item = Item.objects.filter(deck=article, gloss="").exclude(section__kind="faq").first()
    items.correct_item(item=item, term=item.term + " (corrected)")
    article.disabled_card_templates = ["cloze"]
    article.save()
    from studyapp.services.cards import sync_cards

    sync_cards(article)
    _study(alice, article, [3, 1, 4, 2])
    _study(alice, flashcards.deck, [4])
    before = _by_wording(alice)
    data = portability.export_archive(user=alice)
    assert f"decks/{article.slug}.json" in _files(data)

    accounts.delete_account(user=alice)
    assert not Deck.objects.filter(slug=article.slug).exists()
    alice = factories.make_user("alice")
    report = portability.import_archive(user=alice, data=data)

    assert sorted(report.decks_recreated) == sorted([article.slug, flashcards.deck.slug])
    assert report.decks_missing == [] and report.cards_missing == 0
    assert _by_wording(alice) == before
    recreated = Deck.objects.get(owner=alice, title=article.title)
    assert recreated.disabled_card_templates == ["cloze"] and recreated.scope == Deck.Scope.PERSONAL
    assert Item.objects.filter(deck=recreated, term=item.term + " (corrected)").exists()
    assert Review.objects.filter(user=alice).count() == 5
