import pytest
from django.urls import reverse

from studyapp.models import Card, CardState, Deck, Enrollment
from tests import factories

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def _deck_with_items(**kwargs):
    deck = factories.make_deck(**kwargs)
    drugs = factories.make_section(deck, kind="drugs", heading="Drug Treatments")
    factories.make_item(drugs, "Ibuprofen", gloss="NSAID")
    factories.make_item(drugs, "<script>alert(1)</script>", gloss="<b>bold</b>", position=1)
    types = factories.make_section(deck, kind="types", heading="Types", position=1)
    group = types.groups.create(name="Primary benign tumors")
    factories.make_item(types, "schwannoma", group=group)
    faq = factories.make_section(deck, kind="faq", heading="Frequently Asked Questions", position=2)
    factories.make_item(faq, "Is it common?", answer="Not very.")
    return deck


def test_library_lists_the_decks_the_learner_can_see(client, student, other_student, instructor):
    library = factories.make_deck(title="Library deck")
    mine = factories.make_deck(title="My deck", owner=student)
    factories.make_deck(title="Bob's deck", owner=other_student)
    factories.make_deck(title="Carter's class deck", owner=instructor)
    client.force_login(student)
    response = client.get(reverse("studyapp:decks"))
    assert [d.pk for d in response.context["decks"]] == [library.pk, mine.pk]
    html = response.content.decode()
    assert "Bob&#x27;s deck" not in html and "Carter" not in html
    assert "<html" in html and "HX-Request" in response["Vary"]


def test_students_of_a_class_see_their_instructors_deck(client, student, instructor):
    deck = factories.make_deck(title="Carter's class deck", owner=instructor)
    factories.make_classroom(instructor, students=(student,))
    client.force_login(student)
    assert list(client.get(reverse("studyapp:decks")).context["decks"]) == [deck]
    assert client.get(reverse("studyapp:deck", args=[deck.pk])).status_code == 200


def test_library_htmx_request_gets_the_fragment(student_client):
    factories.make_deck(title="Library deck")
    response = student_client.get(reverse("studyapp:decks"), **HTMX)
    html = response.content.decode()
    assert 'id="deck-library"' in html and "<html" not in html and "Library deck" in html


def test_adding_a_deck_by_htmx_returns_the_refreshed_library(student_client, student):
    deck = factories.make_deck(title="Library deck")
    card = Card.objects.create(deck=deck, template="t", key="k", front="f", back="b")
    response = student_client.post(reverse("studyapp:deck-add", args=[deck.pk]), **HTMX)
    html = response.content.decode()
    assert response.status_code == 200 and 'id="deck-library"' in html and "<html" not in html
    assert "Remove from my studies" in html
    assert Enrollment.objects.get(user=student, deck=deck).active
    assert CardState.objects.get(user=student, card=card).state == CardState.State.NEW


def test_adding_and_removing_without_javascript_redirects_to_the_library(student_client, student):
    deck = factories.make_deck()
    response = student_client.post(reverse("studyapp:deck-add", args=[deck.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("studyapp:decks")
    student_client.post(reverse("studyapp:deck-remove", args=[deck.pk]))
    assert Enrollment.objects.get(user=student, deck=deck).active is False


def test_add_needs_post(student_client):
    deck = factories.make_deck()
    assert student_client.get(reverse("studyapp:deck-add", args=[deck.pk])).status_code == 405


def test_deck_page_shows_sections_groups_glosses_and_faq_escaped(client, student):
    deck = _deck_with_items(owner=student)
    client.force_login(student)
    html = client.get(reverse("studyapp:deck", args=[deck.pk])).content.decode()
    assert "Ibuprofen" in html and "(NSAID)" in html
    assert "<h3>Primary benign tumors</h3>" in html and "schwannoma" in html
    assert "<dt>Is it common?" in html and "<dd>Not very.</dd>" in html
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>bold</b>" not in html


def test_deck_page_hides_retired_items(student_client):
    deck = _deck_with_items()
    deck.items.filter(term="Ibuprofen").update(retired_at="2026-01-01T00:00Z")
    html = student_client.get(reverse("studyapp:deck", args=[deck.pk])).content.decode()
    assert "Ibuprofen" not in html and "schwannoma" in html


@pytest.mark.parametrize("owner_kind", ["other_student", "instructor"])
def test_other_peoples_decks_are_404(client, student, other_student, instructor, owner_kind):
    owner = {"other_student": other_student, "instructor": instructor}[owner_kind]
    deck = _deck_with_items(owner=owner)
    client.force_login(student)
    assert client.get(reverse("studyapp:deck", args=[deck.pk])).status_code == 404
    assert client.post(reverse("studyapp:deck-add", args=[deck.pk])).status_code == 404
    assert Enrollment.objects.count() == 0


def test_anonymous_is_sent_to_log_in(client):
    deck = factories.make_deck()
    for url in (reverse("studyapp:decks"), reverse("studyapp:deck", args=[deck.pk])):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_library_query_count_does_not_grow_with_decks(student_client, django_assert_num_queries):
    for _ in range(5):
        factories.make_deck()
    # session, user, cards due per deck, decks
    with django_assert_num_queries(4):
        student_client.get(reverse("studyapp:decks"))
    assert Deck.objects.count() == 5


def test_deck_page_query_count_does_not_grow_with_items(student_client, django_assert_num_queries):
    deck = _deck_with_items()
    section = deck.sections.get(kind="drugs")
    for n in range(30):
        factories.make_item(section, f"Drug {n}", gloss="class", position=10 + n)
    # session, user, deck, sections, groups, items, enrollment, editable
    with django_assert_num_queries(8):
        response = student_client.get(reverse("studyapp:deck", args=[deck.pk]))
    assert "Drug 29" in response.content.decode()


def test_deck_list_and_page_show_due_counts_and_a_study_button(student_client, student):
    deck = _deck_with_items()
    for item in deck.items.all()[:2]:
        factories.make_card(deck, item=item)
    factories.study_deck(student, deck)
    library = student_client.get(reverse("studyapp:decks")).text
    due = 2
    assert f"Study · {due} due" in library
    page = student_client.get(reverse("studyapp:deck", args=[deck.pk])).text
    assert f'href="{reverse("studyapp:review")}?deck={deck.pk}"' in page and f"({due} due)" in page


def test_adding_and_removing_a_deck_says_so(student_client, student):
    deck = _deck_with_items()
    response = student_client.post(reverse("studyapp:deck-add", args=[deck.pk]), follow=True)
    assert "added to your studies" in response.text
    response = student_client.post(
        reverse("studyapp:deck-remove", args=[deck.pk]), {"next": "deck"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("studyapp:deck", args=[deck.pk])
    assert "removed from your studies. Your progress is kept" in response.text
    htmx = student_client.post(reverse("studyapp:deck-add", args=[deck.pk]), HTTP_HX_REQUEST="true")
    assert "added to your studies" in htmx.text and "<html" not in htmx.text
