"""The instructor's class dashboard against hand-computed values: two students in the class, one outside it, and
a personal deck that must stay private."""

import csv
import datetime as dt
import io

import pytest
import time_machine
from django.urls import reverse

from quizzes import class_stats
from studyapp.models import CardState
from tests import factories

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 6, 10, 15, 0, tzinfo=dt.UTC)
NEW, REVIEW = CardState.State.NEW, CardState.State.REVIEW
DAY = dt.timedelta(days=1)


@pytest.fixture
def klass(instructor, student, other_student):
    """alice (student) and bob (other_student) in the class; carol studies the same deck outside it."""
    classroom = factories.make_classroom(instructor, name="Neuro block", students=(student, other_student))
    deck = factories.make_deck(title="Spine", owner=instructor)
    metastasis = factories.make_card(
        deck, item=factories.make_item(factories.make_section(deck), "Metastasis")
    )
    dex = factories.make_card(
        deck,
        item=factories.make_item(factories.make_section(deck, kind="drugs", position=1), "=Dexamethasone"),
    )
    state, review = factories.make_card_state, factories.make_review

    factories.enroll(student, deck)
    state(student, metastasis, state=REVIEW, stability=30.0, due=NOW - DAY, lapses=1)
    state(student, dex, state=REVIEW, stability=5.0, due=NOW + 2 * DAY)
    review(student, metastasis, reviewed_at=NOW - DAY, rating=3)
    review(student, dex, reviewed_at=NOW - 2 * DAY, rating=1)
    review(student, dex, reviewed_at=NOW - 3 * DAY, rating=3, state_before=NEW)  # counted, not judged
    review(student, metastasis, reviewed_at=NOW - 10 * DAY, rating=3)  # retention window only
    review(student, metastasis, reviewed_at=NOW - 40 * DAY, rating=1)  # outside both windows
    private = factories.make_deck(title="Alice private", owner=student)
    factories.enroll(student, private)
    secret = factories.make_card(
        private, item=factories.make_item(factories.make_section(private), "Secret term")
    )
    state(student, secret, state=REVIEW, stability=1.0, due=NOW - DAY)
    review(student, secret, reviewed_at=NOW - DAY, rating=1)

    factories.enroll(other_student, deck)
    state(other_student, metastasis, state=NEW)
    state(other_student, dex, state=REVIEW, stability=25.0, due=NOW + 5 * DAY, lapses=2)
    review(other_student, dex, reviewed_at=NOW - 8 * DAY, rating=4)

    carol = factories.make_user("carol")
    factories.enroll(carol, deck)
    state(carol, dex, state=REVIEW, stability=1.0, due=NOW - DAY, lapses=9)
    review(carol, dex, reviewed_at=NOW - DAY, rating=1)
    return classroom


def test_each_student_row_has_reviews_retention_overdue_and_mastery_by_list(klass):
    dash = class_stats.class_dashboard(klass, NOW)
    assert dash.kinds == [("causes", "Causes"), ("drugs", "Drug treatments")]
    rows = {
        s.username: (s.reviews_7d, s.retention_passed, s.retention_total, s.overdue) for s in dash.students
    }
    assert rows == {"alice": (3, 2, 3, 1), "bob": (0, 1, 1, 0)}
    assert [dash.mastery_columns(s) for s in dash.students] == [[1.0, 0.0], [0.0, 1.0]]


def test_items_show_how_the_class_does_hardest_first(klass):
    dash = class_stats.class_dashboard(klass, NOW)
    assert [(i.term, i.learners, i.mastered, i.lapses, i.passed, i.judged) for i in dash.items] == [
        ("=Dexamethasone", 2, 1, 2, 1, 2),
        ("Metastasis", 1, 1, 1, 2, 2),
    ]


def test_students_personal_decks_and_people_outside_the_class_are_left_out(klass):
    dash = class_stats.class_dashboard(klass, NOW)
    assert "Secret term" not in {i.term for i in dash.items}
    assert "carol" not in {s.username for s in dash.students}


@time_machine.travel(NOW, tick=False)
def test_instructor_sees_their_class_dashboard(client, instructor, klass):
    client.force_login(instructor)
    response = client.get(reverse("quizzes:class-dashboard", args=[klass.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Neuro block" in html and "=Dexamethasone" in html and "Secret term" not in html
    assert html.index("=Dexamethasone") < html.index("Metastasis</th>")
    assert "67 %" in html  # alice's retention, 2 of 3


def test_class_dashboard_is_404_for_other_instructors_and_for_its_students(
    client, klass, other_instructor, student
):
    for user in (other_instructor, student):
        client.force_login(user)
        assert client.get(reverse("quizzes:class-dashboard", args=[klass.pk])).status_code == 404
        assert client.get(reverse("quizzes:class-dashboard-csv", args=[klass.pk])).status_code == 404


def test_htmx_request_gets_the_class_fragment(client, instructor, klass):
    client.force_login(instructor)
    response = client.get(reverse("quizzes:class-dashboard", args=[klass.pk]), headers={"HX-Request": "true"})
    assert 'id="class-dashboard"' in response.content.decode() and "<html" not in response.content.decode()
    assert "HX-Request" in response["Vary"]


@time_machine.travel(NOW, tick=False)
def test_csv_export_lists_students_and_items_formula_safe(client, instructor, klass):
    client.force_login(instructor)
    url = reverse("quizzes:class-dashboard-csv", args=[klass.pk])
    response = client.get(url)
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == 'attachment; filename="neuro-block-students.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows == [
        [
            "username",
            "name",
            "reviews_last_7_days",
            "retention_last_30_days",
            "overdue",
            "cards",
            "mastery_causes",
            "mastery_drugs",
        ],
        ["alice", "", "3", "0.667", "1", "2", "1.000", "0.000"],
        ["bob", "", "0", "1.000", "0", "2", "0.000", "1.000"],
    ]
    items = list(csv.reader(io.StringIO(client.get(url + "?table=items").content.decode())))
    assert items[1] == ["'=Dexamethasone", "", "Spine", "Drug treatments", "2", "1", "2", "0.500"]


@pytest.mark.parametrize("size", [2, 20])
@time_machine.travel(NOW, tick=False)
def test_class_dashboard_query_count_does_not_grow_with_students(
    client, instructor, size, django_assert_num_queries, django_capture_on_commit_callbacks
):
    deck = factories.make_deck(owner=instructor)
    section = factories.make_section(deck)
    cards = [factories.make_card(deck, item=factories.make_item(section, f"Term {i}")) for i in range(3)]
    students = [factories.make_user() for _ in range(size)]
    classroom = factories.make_classroom(instructor, students=tuple(students))
    for student in students:
        factories.enroll(student, deck)
        for card in cards:
            factories.make_card_state(student, card, state=REVIEW, stability=10.0, due=NOW)
            factories.make_review(student, card, reviewed_at=NOW - DAY)
    assignments = [
        factories.make_assignment(
            classroom=classroom, opens_at=NOW - 2 * DAY, closes_at=NOW + DAY, max_attempts=2
        )
        for _ in range(2)
    ]
    for n, student in enumerate(students):
        for assignment in assignments:
            for attempt in range(2):
                factories.make_finished_attempt(
                    student, assignment, score=(n + attempt) % 3 / 2, submitted_at=NOW - (attempt + 1) * DAY
                )
    client.force_login(instructor)
    url = reverse("quizzes:class-dashboard", args=[classroom.pk])
    # session + user, classroom, abandoned attempts to close, students, reviews, enrolments, deck fingerprints,
    # tallies, [stale tallies: states by list, due times, upsert], reviews by item, the hardest items' cards and
    # their states, assignments, grades, this week's releases
    with django_capture_on_commit_callbacks(execute=True) as queued, django_assert_num_queries(18):
        assert client.get(url).status_code == 200  # the tallies of RECOUNT_ON_PAGE students counted
    assert len(queued) == (size > class_stats.RECOUNT_ON_PAGE)  # the rest by the background task
    with django_assert_num_queries(15):
        assert client.get(url).status_code == 200  # every tally read


def test_the_classes_page_links_each_taught_class_to_its_dashboard(client, instructor, klass):
    client.force_login(instructor)
    html = client.get(reverse("quizzes:index")).content.decode()
    assert f'href="{reverse("quizzes:class-dashboard", args=[klass.pk])}"' in html


def test_students_show_todays_reviews_and_their_quiz_average(client, instructor, student, klass):
    card = student.card_states.filter(card__deck__title="Spine").first().card
    factories.make_review(student, card, reviewed_at=NOW - dt.timedelta(hours=2), rating=3)
    dash = class_stats.class_dashboard(klass, NOW, day_start=NOW.replace(hour=0))
    assert {s.username: s.reviews_today for s in dash.students} == {"alice": 1, "bob": 0}
    for score in (0.5, 1.0):
        assignment = factories.make_assignment(classroom=klass)
        factories.make_finished_attempt(student, assignment, score=score, submitted_at=NOW - DAY)
    client.force_login(instructor)
    with time_machine.travel(NOW, tick=False):
        html = client.get(reverse("quizzes:class-dashboard", args=[klass.pk])).text
    row = html.split('<th scope="row">alice', 1)[1].split("</tr>", 1)[0]
    assert "<td>1</td>" in row and "<td>75 %</td>" in row


def _row(item):
    return (item.term, item.learners, item.mastered, item.lapses, item.passed, item.judged)


def test_the_dashboard_shows_the_head_of_the_full_ranking_ties_broken_by_lapses(
    instructor, student, other_student
):
    """30 items at three retentions (0, 1/2, 1): the cut falls among the ten tied at 1, where lapses decide."""
    classroom = factories.make_classroom(instructor, students=(student, other_student))
    deck = factories.make_deck(owner=instructor)
    section = factories.make_section(deck)
    for learner in (student, other_student):
        factories.enroll(learner, deck)
    for i in range(30):
        card = factories.make_card(deck, item=factories.make_item(section, f"Term {i:02}"))
        for learner in (student, other_student):
            factories.make_card_state(
                learner, card, state=REVIEW, stability=float(10 + i), due=NOW + DAY, lapses=(i * 7) % 5
            )
        ratings = {0: (1, 1), 1: (1, 3), 2: (3, 3)}[i % 3]
        for learner, rating in zip((student, other_student), ratings, strict=True):
            factories.make_review(learner, card, reviewed_at=NOW - DAY, rating=rating)
    shown = class_stats.class_dashboard(classroom, NOW).items
    everything = class_stats.class_items(classroom, NOW)
    assert len(shown) == class_stats.HARDEST_SHOWN < len(everything)
    assert [_row(i) for i in shown] == [_row(i) for i in everything[: class_stats.HARDEST_SHOWN]]


def test_a_tutor_mode_quiz_answer_moves_the_students_figures(klass, student):
    """A quiz answer reschedules the item's cards (reviews.record_item_outcome) outside the flashcard answer
    path, so it must date the student's tallies itself."""
    from quizzes import services
    from quizzes.models import Attempt, AttemptAnswer

    metastasis = CardState.objects.get(user=student, card__item__term="Metastasis")
    CardState.objects.filter(pk=metastasis.pk).update(difficulty=5.0, last_review=NOW - 30 * DAY)
    dash = class_stats.class_dashboard(klass, NOW)
    before = {s.username: (s.overdue, dash.mastery_columns(s)) for s in dash.students}
    question = factories.make_question(item_ids=(metastasis.card.item_id,))
    attempt = Attempt.objects.create(user=student, mode=Attempt.Mode.TUTOR, started_at=NOW)
    AttemptAnswer.objects.create(attempt=attempt, question=question, position=1, option_order=[0, 1, 2, 3])
    services.save_answer(attempt=attempt, position=1, chosen=1, now=NOW)  # wrong: Again
    dash = class_stats.class_dashboard(klass, NOW)
    after = {s.username: (s.overdue, dash.mastery_columns(s)) for s in dash.students}
    # Again on the overdue, mastered card: relearning due in minutes, stability below mastery
    assert before["alice"] == (1, [1.0, 0.0]) and after["alice"] == (0, [0.0, 0.0])
    assert after["bob"] == before["bob"]


def _students_row(html, username):
    return html.split(f'<th scope="row">{username}', 1)[1].split("</tr>", 1)[0]


def test_after_many_answers_the_page_shows_the_last_count_marked_and_recounts_in_the_background(
    client, instructor, student, other_student, klass, monkeypatch, django_capture_on_commit_callbacks
):
    from studyapp.services.answer_counts import cards_changed

    class_stats.class_dashboard(klass, NOW)  # counted at NOW
    overdue = CardState.objects.get(user=student, card__item__term="Metastasis")
    CardState.objects.filter(pk=overdue.pk).update(due=NOW + 3 * DAY)  # answered since
    cards_changed(user_ids=[student.pk, other_student.pk])
    monkeypatch.setattr(class_stats, "RECOUNT_ON_PAGE", 0)
    client.force_login(instructor)
    url = reverse("quizzes:class-dashboard", args=[klass.pk])
    later = NOW + dt.timedelta(hours=2)
    with time_machine.travel(later, tick=False), django_capture_on_commit_callbacks() as queued:
        html = client.get(url).text
        assert client.get(url).status_code == 200  # a second look queues no second recount
    assert "The card figures (overdue, mastery) of 2 students are not current" in html
    assert "the oldest were counted 10 Jun 15:00" in html
    assert '<td>1 <span class="muted">as of 10 Jun 15:00</span></td>' in _students_row(html, "alice")
    assert len(queued) == 1
    with time_machine.travel(later, tick=False):
        queued[0]()  # the worker runs the recount
        html = client.get(url).text
    assert 'id="figures-as-of"' not in html and "as of" not in html
    assert "<td>0</td>" in _students_row(html, "alice")


def test_a_student_not_counted_yet_shows_counting_instead_of_figures(
    client, instructor, student, klass, monkeypatch
):
    monkeypatch.setattr(class_stats, "RECOUNT_ON_PAGE", 0)
    client.force_login(instructor)
    with time_machine.travel(NOW, tick=False):
        html = client.get(reverse("quizzes:class-dashboard", args=[klass.pk])).text
    assert "counting…" in _students_row(html, "alice")
    assert "The card figures (overdue, mastery) of 2 students are not current." in html
