import pytest
from django.urls import reverse

from studyapp.models import Card, CardState, Item
from studyapp.services.cards import sync_cards
from tests import factories
from tests.paths import ARTICLES

pytestmark = pytest.mark.django_db


@pytest.fixture
def deck(instructor, student):
    """An instructor's deck studied by a student of their class, who has progress on Ibuprofen."""
    deck = factories.make_deck(title="Migraine", owner=instructor)
    drugs = factories.make_section(deck, kind="drugs", heading="Drug Treatments")
    factories.make_item(drugs, "Ibuprofen", gloss="NSAID")
    factories.make_item(drugs, "Naproxen", gloss="NSAID", position=1)
    factories.make_item(drugs, "Amitriptyline", gloss="TCA", position=2)
    factories.make_group(drugs, "Acute", position=0)
    types = factories.make_section(deck, kind="types", heading="Types", position=1)
    factories.make_group(types, "By aura")
    sync_cards(deck)
    factories.make_classroom(instructor, students=(student,))
    factories.study_deck(student, deck)
    CardState.objects.filter(user=student, card__key="item_gloss:drugs:ibuprofen").update(
        state=CardState.State.REVIEW, reps=5, stability=12.5, difficulty=4.0
    )
    return deck


def _url(item: Item) -> str:
    return reverse("studyapp:item-edit", args=[item.deck_id, item.pk])


def _item(deck, term: str) -> Item:
    return deck.items.get(term=term)


def test_editor_correction_changes_the_item_and_its_cards_but_not_learners_progress(
    client, instructor, student, deck
):
    item = _item(deck, "Ibuprofen")
    acute = deck.sections.get(kind="drugs").groups.get()
    client.force_login(instructor)
    response = client.post(
        _url(item), {"term": "Ibuprofen lysine", "gloss": "NSAID (salt)", "answer": "", "group": acute.pk}
    )
    assert response.status_code == 302 and response["Location"] == reverse("studyapp:deck", args=[deck.pk])
    item.refresh_from_db()
    assert (item.key, item.term, item.gloss, item.group) == (
        "drugs:ibuprofen",
        "Ibuprofen lysine",
        "NSAID (salt)",
        acute,
    )
    card = Card.objects.get(key="item_gloss:drugs:ibuprofen")
    assert (card.front, card.back, card.is_active) == ("Ibuprofen lysine: drug class?", "NSAID (salt)", True)
    state = CardState.objects.get(user=student, card=card)
    assert (state.state, state.reps, state.stability, state.difficulty) == (
        CardState.State.REVIEW,
        5,
        12.5,
        4.0,
    )


def test_the_form_opens_with_the_items_current_values(client, instructor, deck):
    client.force_login(instructor)
    response = client.get(_url(_item(deck, "Ibuprofen")))
    html = response.content.decode()
    assert response.status_code == 200 and 'value="Ibuprofen"' in html and 'value="NSAID"' in html
    assert "Acute" in html and "By aura" not in html  # only the section's own groups
    assert 'name="retire"' in html and "{% csrf_token %}" not in html and "csrfmiddlewaretoken" in html


def test_a_term_that_would_twin_another_item_in_the_section_is_refused(client, instructor, deck):
    item = _item(deck, "Ibuprofen")
    client.force_login(instructor)
    response = client.post(_url(item), {"term": "  NAPROXEN. ", "gloss": "NSAID", "answer": ""})
    assert response.status_code == 200
    assert "&#x27;Naproxen&#x27; is already in this section; two items cannot share a term." in (
        response.content.decode()
    )
    item.refresh_from_db()
    assert item.term == "Ibuprofen"
    assert Card.objects.get(key="item_gloss:drugs:ibuprofen").front == "Ibuprofen: drug class?"


def test_a_group_of_another_section_is_not_a_valid_choice(client, instructor, deck):
    other_group = deck.sections.get(kind="types").groups.get()
    item = _item(deck, "Ibuprofen")
    client.force_login(instructor)
    response = client.post(_url(item), {"term": "Ibuprofen", "gloss": "NSAID", "group": other_group.pk})
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    item.refresh_from_db()
    assert item.group is None


def test_retiring_switches_the_cards_off_and_restoring_brings_back_the_same_progress(
    client, instructor, student, deck
):
    item = _item(deck, "Ibuprofen")
    client.force_login(instructor)
    response = client.post(_url(item), {"retire": "1"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.retired_at is not None
    assert sorted(Card.objects.filter(item=item).values_list("template", "is_active")) == [
        ("cloze", False),
        ("item_gloss", False),
    ]
    html = client.get(reverse("studyapp:deck", args=[deck.pk])).content.decode()
    assert 'id="section-retired"' in html and "Ibuprofen" in html

    client.post(_url(item), {"restore": "1"})
    item.refresh_from_db()
    assert item.retired_at is None
    assert list(Card.objects.filter(item=item).values_list("is_active", flat=True)) == [True, True]
    card = Card.objects.get(key="item_gloss:drugs:ibuprofen")
    assert CardState.objects.get(user=student, card=card).reps == 5


def test_restoring_an_item_whose_term_is_now_taken_is_refused(client, instructor, deck):
    item = _item(deck, "Ibuprofen")
    client.force_login(instructor)
    client.post(_url(item), {"retire": "1"})
    client.post(_url(_item(deck, "Naproxen")), {"term": "Ibuprofen", "gloss": "NSAID"})
    response = client.post(_url(item), {"restore": "1"})
    assert response.status_code == 200
    assert "two items cannot share a term" in response.content.decode()
    item.refresh_from_db()
    assert item.retired_at is not None


def test_editors_see_edit_links_and_learners_do_not(client, instructor, student, deck):
    item = _item(deck, "Ibuprofen")
    client.force_login(instructor)
    assert _url(item) in client.get(reverse("studyapp:deck", args=[deck.pk])).content.decode()
    client.force_login(student)
    html = client.get(reverse("studyapp:deck", args=[deck.pk])).content.decode()
    assert "Ibuprofen" in html and "/edit/" not in html


@pytest.mark.parametrize("who", ["other_student", "other_instructor", "class_student"])
def test_people_who_are_not_editors_get_404(client, other_student, other_instructor, student, deck, who):
    user = {"other_student": other_student, "other_instructor": other_instructor, "class_student": student}[
        who
    ]
    item = _item(deck, "Ibuprofen")
    client.force_login(user)
    assert client.get(_url(item)).status_code == 404
    assert client.post(_url(item), {"term": "Hacked", "gloss": ""}).status_code == 404
    assert client.post(_url(item), {"retire": "1"}).status_code == 404
    item.refresh_from_db()
    assert (item.term, item.retired_at) == ("Ibuprofen", None)


def test_an_item_of_another_deck_is_404_even_to_an_editor(client, instructor, deck):
    foreign = factories.make_item(factories.make_section(factories.make_deck()), "Fever")
    client.force_login(instructor)
    assert client.get(reverse("studyapp:item-edit", args=[deck.pk, foreign.pk])).status_code == 404


def test_library_decks_are_corrected_by_admins_only(client, student, instructor):
    library = factories.make_deck(title="Library")
    item = factories.make_item(factories.make_section(library), "Fever")
    factories.study_deck(student, library)
    for user in (student, instructor):
        client.force_login(user)
        assert client.get(_url(item)).status_code == 404
    admin = factories.make_user("root", is_superuser=True, is_staff=True)
    client.force_login(admin)
    response = client.post(_url(item), {"term": "High fever", "gloss": ""})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.term == "High fever"


def test_anonymous_is_sent_to_log_in(client, deck):
    url = _url(_item(deck, "Ibuprofen"))
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_reimporting_the_corrected_article_keeps_the_corrected_item_and_its_progress(student):

    from studyapp.services.enrollment import add_deck_to_studies
    from studyapp.services.imports import import_article
    from studyapp.services.items import correct_item

    text = (ARTICLES / "migraine.txt").read_text(encoding="utf-8")
    typo = text.replace("Sumatriptan", "Sumatriptin")
    deck = import_article(text=typo, owner=None, scope="library").deck
    add_deck_to_studies(user=student, deck=deck)
    item = deck.items.get(key="drugs:sumatriptin")
    card = Card.objects.get(template="item_gloss", item=item)
    CardState.objects.filter(user=student, card=card).update(reps=4, stability=12.0)
    correct_item(item=item, term="Sumatriptan", gloss=item.gloss)

    result = import_article(text=text, owner=None, scope="library")
    assert (result.added, result.retired) == (0, 0)
    item.refresh_from_db()
    assert (item.key, item.term, item.retired_at) == ("drugs:sumatriptin", "Sumatriptan", None)
    assert not deck.items.filter(key="drugs:sumatriptan").exists()
    state = CardState.objects.get(user=student, card=card)
    assert (state.reps, state.stability, state.card.is_active) == (4, 12.0, True)


def test_an_anki_note_is_edited_field_by_field_and_its_cards_follow(
    client, student, other_student, tmp_path, settings
):
    from studyapp.importers.anki import read_anki
    from studyapp.services.anki import save_anki

    settings.MEDIA_ROOT = tmp_path / "media"
    path = tmp_path / "d.apkg"
    path.write_bytes(factories.make_apkg([(("Ibuprofen", "NSAID"), "pain")]))
    (tmp_path / "w").mkdir()
    parsed = read_anki(path, tmp_path / "w")
    deck = save_anki(parsed=parsed, package_path=path, owner=student, scope="personal", title="Pain").deck
    item = deck.items.get()
    client.force_login(student)
    page = client.get(_url(item)).content.decode()
    assert 'name="field_0"' in page and 'name="field_1"' in page and "<label" in page and "Front" in page
    response = client.post(
        _url(item), {"field_0": "Ibuprofen <b>(oral)</b>", "field_1": "NSAID<script>x()</script>"}
    )
    assert response.status_code == 302
    card = Card.objects.get(item=item)
    assert (card.front, card.back) == ("Ibuprofen <b>(oral)</b>", "NSAID")
    item.refresh_from_db()
    assert item.term == "Ibuprofen (oral)" and item.anki_note["fields"]["Front"] == "Ibuprofen <b>(oral)</b>"
    empty = client.post(_url(item), {"field_0": "", "field_1": ""})
    assert empty.status_code == 200 and "gives no card" in empty.content.decode()
    client.force_login(other_student)
    assert client.post(_url(item), {"field_0": "x", "field_1": "y"}).status_code == 404


def test_an_anki_note_imported_before_note_types_were_kept_is_not_offered_a_correction_that_would_not_show(
    client, student
):
    deck = factories.make_deck(owner=student)
    item = factories.make_item(factories.make_section(deck), "Ibuprofen")
    Item.objects.filter(pk=item.pk).update(
        key="anki:old-guid",
        note_cards=[{"ord": 0, "template": "Card 1", "front": "Ibuprofen", "back": "NSAID"}],
        anki_note={
            "notetype": "Basic",
            "kind": "standard",
            "fields": {"Front": "Ibuprofen", "Back": "NSAID"},
        },
    )
    client.force_login(student)
    page = client.get(_url(item)).content.decode()
    assert "Import the package again" in page and 'name="term"' not in page
    client.post(_url(item), {"term": "Changed"})
    item.refresh_from_db()
    assert item.term == "Ibuprofen"
