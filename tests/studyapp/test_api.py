"""The JSON API (/api/v1/): tokens and sessions, the same ownership rules as the pages, answers that count once,
errors as JSON with a reason, a rate limit per token, and a valid OpenAPI document."""

import datetime as dt
import json
import uuid

import pytest
from django.test import Client
from django.utils import timezone

from studyapp.models import ApiToken, CardState, Review
from studyapp.services import tokens
from studyapp.services.sync import card_revision
from tests import factories

API = "/api/v1"


def _bearer(raw: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.fixture
def token(student):
    return tokens.create_token(user=student, name="phone")[1]


@pytest.fixture
def api(client, token):
    """A client that sends the student's token with every request (no session)."""

    class TokenClient:
        def get(self, path, **kw):
            return client.get(API + path, **_bearer(token), **kw)

        def post(self, path, data=None):
            return client.post(
                API + path, data=json.dumps(data or {}), content_type="application/json", **_bearer(token)
            )

        def patch(self, path, data):
            return client.patch(
                API + path, data=json.dumps(data), content_type="application/json", **_bearer(token)
            )

        def put(self, path, data):
            return client.put(
                API + path, data=json.dumps(data), content_type="application/json", **_bearer(token)
            )

        def delete(self, path):
            return client.delete(API + path, **_bearer(token))

    return TokenClient()


@pytest.fixture
def studied(student):
    """A deck the student studies: two items, one with two sibling cards, one with a single card."""
    deck = factories.make_deck(title="Foraminal narrowing")
    section = factories.make_section(deck, kind="drugs", heading="Drug Treatments")
    ibuprofen = factories.make_item(section, "Ibuprofen", gloss="NSAID", position=0)
    gabapentin = factories.make_item(section, "Gabapentin", gloss="anticonvulsant", position=1)
    cards = [
        factories.make_card(deck, item=ibuprofen, template="term-gloss", position=0),
        factories.make_card(
            deck, item=ibuprofen, template="gloss-term", front="NSAID?", back="Ibuprofen", position=1
        ),
        factories.make_card(deck, item=gabapentin, template="term-gloss", position=2),
    ]
    factories.study_deck(student, deck)
    states = {s.card_id: s for s in CardState.objects.filter(user=student)}
    return {"deck": deck, "section": section, "cards": cards, "states": [states[c.pk] for c in cards]}


def _answer(state, rating=3, **extra) -> dict:
    return {
        "client_id": extra.pop("client_id", uuid.uuid4().hex),
        "card_state_id": state.pk,
        "version": state.version,
        "rating": rating,
        **extra,
    }


# --- Authentication ------------------------------------------------------------------------------------------

EVERY_ENDPOINT = [
    ("get", "/decks"),
    ("get", "/decks/1"),
    ("post", "/decks/1/study"),
    ("delete", "/decks/1/study"),
    ("get", "/lists/1"),
    ("get", "/study/next"),
    ("get", "/study/due"),
    ("get", "/study/offline"),
    ("post", "/study/answers"),
    ("post", "/study/sync"),
    ("post", "/study/undo"),
    ("get", "/settings"),
    ("patch", "/settings"),
    ("get", "/dashboard"),
    ("get", "/quizzes/assignments"),
    ("post", "/quizzes/assignments/1/attempts"),
    ("get", "/quizzes/attempts"),
    ("get", "/quizzes/attempts/1"),
    ("put", "/quizzes/attempts/1/answers/1"),
    ("post", "/quizzes/attempts/1/submit"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "path"), EVERY_ENDPOINT)
def test_every_endpoint_refuses_callers_without_a_token_or_session(client, method, path):
    response = getattr(client, method)(API + path, content_type="application/json")
    assert response.status_code == 401
    assert response.json() == {
        "detail": "Authentication required: send a valid API token (Bearer) or sign in."
    }


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "path"), EVERY_ENDPOINT)
def test_every_endpoint_refuses_a_revoked_token(client, student, method, path):
    token, raw = tokens.create_token(user=student, name="old laptop")
    tokens.revoke_token(user=student, token_id=token.pk)
    response = getattr(client, method)(API + path, content_type="application/json", **_bearer(raw))
    assert response.status_code == 401


@pytest.mark.django_db
def test_a_made_up_token_is_refused(client, student):
    assert client.get(f"{API}/decks", **_bearer("sa_" + "x" * 43)).status_code == 401
    assert client.get(f"{API}/decks", HTTP_AUTHORIZATION="Basic Zm9vOmJhcg==").status_code == 401


def test_tokens_are_stored_hashed_and_shown_once(student_client, student):
    response = student_client.post("/accounts/tokens/", {"name": "phone app"})
    html = response.content.decode()
    token = ApiToken.objects.get(user=student)
    raw = html.split('<code class="token">')[1].split("</code>")[0]
    assert raw.startswith("sa_") and len(raw) > 40
    assert token.name == "phone app" and token.digest != raw and raw not in token.digest
    assert raw not in student_client.get("/accounts/tokens/").content.decode()  # shown only once
    assert "phone app" in student_client.get("/accounts/tokens/").content.decode()
    assert Client().get(f"{API}/decks", **_bearer(raw)).status_code == 200


def test_a_revoked_token_stops_working(student_client, student, token):
    row = ApiToken.objects.get(user=student)
    assert Client().get(f"{API}/settings", **_bearer(token)).status_code == 200
    response = student_client.post(f"/accounts/tokens/{row.pk}/revoke/", follow=True)
    assert "revoked" in response.content.decode()
    assert Client().get(f"{API}/settings", **_bearer(token)).status_code == 401


def test_a_token_records_when_it_was_last_used(student, token):
    assert ApiToken.objects.get(user=student).last_used_at is None
    Client().get(f"{API}/settings", **_bearer(token))
    assert ApiToken.objects.get(user=student).last_used_at is not None


def test_another_learners_token_cannot_be_revoked(client, student, other_student):
    token, _raw = tokens.create_token(user=student, name="mine")
    client.force_login(other_student)
    assert client.post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 404
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None


def test_the_session_works_for_reads_and_needs_the_csrf_token_for_writes(student, studied):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(student)
    assert browser.get(f"{API}/study/next").status_code == 200
    refused = browser.post(f"{API}/study/undo", content_type="application/json")
    assert refused.status_code == 403
    browser.get("/study/")  # the page sets the CSRF cookie, as in the app
    csrf = browser.cookies["csrftoken"].value
    allowed = browser.post(f"{API}/study/undo", content_type="application/json", HTTP_X_CSRFTOKEN=csrf)
    assert allowed.status_code == 200


def test_a_token_needs_no_csrf_token(student, token, studied):
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(f"{API}/study/undo", content_type="application/json", **_bearer(token))
    assert response.status_code == 200


def test_requests_past_the_limit_get_429_per_token(settings, client, student, other_student):
    settings.API_RATE_LIMIT = "3/m"
    first = tokens.create_token(user=student, name="a")[1]
    second = tokens.create_token(user=student, name="b")[1]
    assert [client.get(f"{API}/settings", **_bearer(first)).status_code for _ in range(4)] == [
        200,
        200,
        200,
        429,
    ]
    limited = client.get(f"{API}/settings", **_bearer(first))
    assert limited.json()["detail"] == "Too many requests: the limit is 3/m."
    assert client.get(f"{API}/settings", **_bearer(second)).status_code == 200


# --- Decks, lists, items -------------------------------------------------------------------------------------


def test_decks_lists_the_decks_the_learner_may_see(api, studied, other_student):
    factories.make_deck(title="Bob's private deck", owner=other_student)
    decks = api.get("/decks").json()
    assert [d["title"] for d in decks] == ["Foraminal narrowing"]
    assert decks[0]["studying"] is True and decks[0]["item_count"] == 2


def test_a_deck_shows_its_lists_and_a_list_its_items(api, studied):
    deck = api.get(f"/decks/{studied['deck'].pk}").json()
    assert deck["lists"] == [
        {
            "id": studied["section"].pk,
            "deck_id": studied["deck"].pk,
            "heading": "Drug Treatments",
            "kind": "drugs",
            "item_count": 2,
        }
    ]
    items = api.get(f"/lists/{studied['section'].pk}").json()["items"]
    assert [(i["term"], i["gloss"]) for i in items] == [
        ("Ibuprofen", "NSAID"),
        ("Gabapentin", "anticonvulsant"),
    ]


def test_another_learners_deck_and_list_are_404(api, other_student):
    deck = factories.make_deck(owner=other_student)
    section = factories.make_section(deck)
    assert api.get(f"/decks/{deck.pk}").status_code == 404
    assert api.get(f"/lists/{section.pk}").json() == {"detail": "Not found."}
    assert api.post(f"/decks/{deck.pk}/study").status_code == 404


def test_adding_and_removing_a_deck(api, student):
    deck = factories.make_deck(title="Library deck")
    factories.make_card(deck)
    assert api.post(f"/decks/{deck.pk}/study").status_code == 200
    assert CardState.objects.filter(user=student, card__deck=deck).count() == 1
    assert api.delete(f"/decks/{deck.pk}/study").status_code == 200
    assert api.get(f"/decks/{deck.pk}").json()["studying"] is False


# --- Reviewing -----------------------------------------------------------------------------------------------


def test_next_card_has_its_version_and_four_outcomes(api, studied):
    body = api.get("/study/next").json()
    assert body["counts"] == {"new": 3, "learning": 0, "review": 0, "total": 3}
    card = body["card"]
    assert card["card_state_id"] == studied["states"][0].pk and card["version"] == 0
    assert card["front"] == "Ibuprofen" and card["back"] == "NSAID"
    assert card["context"] == "Foraminal narrowing · Drug Treatments"  # what the review page shows above it
    outcomes = card["outcomes"]
    assert [(o["label"], o["interval"]) for o in outcomes[:3]] == [
        ("Again", "1m"),
        ("Hard", "6m"),
        ("Good", "10m"),
    ]
    assert outcomes[3]["label"] == "Easy" and outcomes[3]["interval"].endswith("d")
    # The Easy label is what answering Easy does (fuzz is seeded per card).
    api.post("/study/answers", _answer(studied["states"][0], rating=4))
    due = CardState.objects.get(pk=card["card_state_id"]).due
    assert abs((due - dt.datetime.fromisoformat(outcomes[3]["due"])).total_seconds()) < 5


def test_due_lists_cards_in_review_order_with_their_siblings(api, studied):
    cards = api.get("/study/due").json()["cards"]
    states = studied["states"]
    assert [c["card_state_id"] for c in cards] == [s.pk for s in states]
    assert cards[0]["siblings"] == [states[1].pk] and cards[2]["siblings"] == []


def test_scope_to_a_deck_one_cannot_see_is_404(api, other_student):
    deck = factories.make_deck(owner=other_student)
    assert api.get(f"/study/next?deck={deck.pk}").status_code == 404
    assert api.get("/study/due?limit=0").status_code == 422


def test_an_answer_is_recorded_once_whatever_the_retries(api, student, studied):
    state = studied["states"][0]
    payload = _answer(state, rating=3, client_id="retry-1234")
    first = api.post("/study/answers", payload).json()
    again = api.post("/study/answers", payload).json()
    assert first["outcome"] == "applied" and first["replayed"] is False
    assert again == {**first, "replayed": True, "message": "Already received."}
    assert Review.objects.filter(user=student).count() == 1
    state.refresh_from_db()
    assert state.version == 1 and state.state == CardState.State.LEARNING


def test_an_answer_to_an_older_version_is_skipped(api, student, studied):
    state = studied["states"][0]
    api.post("/study/answers", _answer(state))
    stale = api.post("/study/answers", _answer(state)).json()  # new id, version 0 again: another device
    assert stale["outcome"] == "skipped" and "changed" in stale["message"]
    assert Review.objects.filter(user=student).count() == 1


def test_an_answer_to_an_edited_card_is_skipped(api, student, studied):
    state = studied["states"][0]
    old_rev = card_revision(state.card)
    state.card.back = "non-steroidal anti-inflammatory drug"
    state.card.save()
    result = api.post("/study/answers", _answer(state, card_rev=old_rev)).json()
    assert result["outcome"] == "skipped" and "edited" in result["message"]
    assert not Review.objects.filter(user=student).exists()


def test_another_learners_card_is_404(api, other_student, studied):
    factories.study_deck(other_student, studied["deck"])
    theirs = CardState.objects.filter(user=other_student).first()
    assert api.post("/study/answers", _answer(theirs)).status_code == 404
    assert not Review.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"rating": 5}, "rating"),
        ({"rating": "good"}, "rating"),
        ({"client_id": "short"}, "client_id"),
        ({"client_id": "has spaces in it"}, "client_id"),
        ({"version": -1}, "version"),
        ({"card_state_id": None}, "card_state_id"),
    ],
)
def test_invalid_answers_get_422_naming_the_field(api, studied, change, field):
    response = api.post("/study/answers", {**_answer(studied["states"][0]), **change})
    assert response.status_code == 422
    assert response.json()["detail"].startswith("Invalid request. ") and field in response.json()["detail"]
    assert not Review.objects.exists()


def test_malformed_json_is_a_clear_error(client, token):
    response = client.post(
        f"{API}/study/answers", data="{not json", content_type="application/json", **_bearer(token)
    )
    assert response.status_code in (400, 422)
    assert "detail" in response.json()


def test_an_offline_answer_keeps_its_time_but_never_a_future_one(api, student, studied):
    earlier = timezone.now() - dt.timedelta(hours=3)
    api.post("/study/answers", _answer(studied["states"][0], answered_at=earlier.isoformat()))
    api.post(
        "/study/answers",
        _answer(studied["states"][2], answered_at=(timezone.now() + dt.timedelta(days=2)).isoformat()),
    )
    times = list(Review.objects.filter(user=student).order_by("pk").values_list("reviewed_at", flat=True))
    assert abs((times[0] - earlier).total_seconds()) < 1
    assert times[1] <= timezone.now()


def test_sync_applies_queued_answers_in_order_once(api, student, studied):
    states = studied["states"]
    queue = [_answer(states[0], rating=3), _answer(states[2], rating=1)]
    first = api.post("/study/sync", {"answers": queue}).json()
    assert (first["applied"], first["skipped"]) == (2, 0)
    replay = api.post("/study/sync", {"answers": queue}).json()
    assert (replay["applied"], replay["skipped"]) == (0, 2)
    assert all(r["replayed"] for r in replay["results"])
    assert Review.objects.filter(user=student).count() == 2
    assert [r.rating for r in Review.objects.filter(user=student).order_by("pk")] == [3, 1]


def test_sync_reports_cards_that_are_not_the_learners(api, other_student, studied):
    factories.study_deck(other_student, studied["deck"])
    theirs = CardState.objects.filter(user=other_student).first()
    body = api.post("/study/sync", {"answers": [_answer(theirs)]}).json()
    assert body["skipped"] == 1 and body["results"][0]["message"] == "No such card in your studies."


def test_undo_puts_the_last_answer_back(api, student, studied):
    state = studied["states"][0]
    api.post("/study/answers", _answer(state))
    body = api.post("/study/undo").json()
    assert body == {"detail": "Undone: the card is back as it was.", "card_state_id": state.pk}
    assert not Review.objects.filter(user=student).exists()
    assert api.post("/study/undo").json()["detail"] == "Nothing to undo."


def test_offline_package_holds_due_cards_with_outcomes_and_siblings(api, studied):
    body = api.get("/study/offline").json()
    cards = body["cards"]
    assert len(cards) == 3 and all(len(c["outcomes"]) == 4 for c in cards)
    assert cards[1]["siblings"] == [cards[0]["card_state_id"]]
    assert body["valid_until"] > body["generated_at"]


# --- Settings and dashboard ----------------------------------------------------------------------------------


def test_settings_read_and_change(api, student):
    assert api.get("/settings").json()["desired_retention"] == 0.9
    changed = api.patch("/settings", {"desired_retention": 0.85, "time_zone": "Europe/London"}).json()
    assert changed["desired_retention"] == 0.85 and changed["time_zone"] == "Europe/London"
    student.refresh_from_db()
    assert student.desired_retention == 0.85 and student.new_cards_per_day == 20


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"desired_retention": 0.5}, "desired_retention"),
        ({"learning_steps": "soon"}, "learning_steps"),
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"new_cards_per_day": "many"}, "new_cards_per_day"),
    ],
)
def test_invalid_settings_get_422_and_change_nothing(api, student, change, words):
    response = api.patch("/settings", change)
    assert response.status_code == 422 and words in response.json()["detail"]
    student.refresh_from_db()
    assert student.desired_retention == 0.9 and student.time_zone == "UTC"


def test_dashboard_figures(api, student, studied):
    state = studied["states"][2]
    api.post("/study/answers", _answer(state))
    body = api.get("/dashboard").json()
    assert body["today"]["reviews_done"] == 1
    assert body["streak"] == 1
    assert [m["label"] for m in body["by_deck"]] == ["Foraminal narrowing"]


# --- The OpenAPI document and docs ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_openapi_document_is_served_and_valid(client):
    from openapi_spec_validator import validate

    document = client.get(f"{API}/openapi.json").json()
    validate(document)
    assert {"/api/v1/study/answers", "/api/v1/quizzes/attempts/{attempt_id}/submit"} <= set(document["paths"])


@pytest.mark.django_db
def test_the_docs_page_loads_its_scripts_from_our_static_files(client):
    html = client.get(f"{API}/docs").content.decode()
    assert 'src="/static/ninja/swagger-ui-bundle.js"' in html
    assert "http://" not in html and "https://" not in html


def test_offline_package_tells_the_days_limits(api, student, studied):
    student.new_cards_per_day = 2
    student.save()
    api.post("/study/answers", _answer(studied["states"][2]))
    body = api.get("/study/offline").json()
    assert (body["new_left_today"], body["new_per_day"], body["learn_ahead_seconds"]) == (1, 2, 1200)
    assert body["reviews_left_today"] == 200


def test_an_answer_for_a_card_the_queue_would_not_show_is_skipped_with_the_reason(api, student, studied):
    student.new_cards_per_day = 1
    student.save()
    api.post("/study/answers", _answer(studied["states"][0]))
    result = api.post("/study/answers", _answer(studied["states"][2])).json()
    assert result["outcome"] == "skipped" and "not due" in result["message"]
    assert Review.objects.filter(user=student).count() == 1


def test_sync_takes_batches_of_at_most_a_hundred(api, studied):
    answer = _answer(studied["states"][0])
    too_many = [{**answer, "client_id": f"batch-{n:04d}"} for n in range(101)]
    response = api.post("/study/sync", {"answers": too_many})
    assert response.status_code == 422 and "answers" in response.json()["detail"]
    assert api.post("/study/sync", {"answers": []}).status_code == 422
    assert not Review.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_same_answer_sent_twice_at_once_is_applied_once():
    import threading

    from django.db import connection, connections

    from studyapp.services import sync

    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers itself; this checks the unique client id under a race")
    student = factories.make_user("alice")
    deck = factories.make_deck()
    factories.make_card(deck)
    factories.study_deck(student, deck)
    state = CardState.objects.get(user=student)
    start = threading.Barrier(2)
    results = []

    def send():
        try:
            start.wait()
            results.append(
                sync.answer_once(
                    user=student,
                    client_id="same-id-twice",
                    card_state_id=state.pk,
                    rating=3,
                    shown_version=0,
                    now=timezone.now(),
                )
            )
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(r.replayed for r in results) == [False, True]
    assert {r.outcome for r in results} == {"applied"}
    assert Review.objects.count() == 1
