"""Quiz panels of both dashboards against hand-computed values.

Two classes: "Neuro block" shows its class average, "Cardio block" hides it. alice and bob are in both; carol left
Neuro block after one attempt. Every finished score below is written down, so each figure can be checked by hand.
"""

import csv
import datetime as dt
import io
import re

import pytest
import time_machine
from django.urls import reverse

from quizzes import class_stats, grading, services, stats
from quizzes.charts import score_chart
from quizzes.models import Assignment, Attempt, ClassMembership
from tests import factories

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 6, 10, 15, 0, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)
HIGHEST, LAST, AVERAGE = Assignment.Grading.HIGHEST, Assignment.Grading.LAST, Assignment.Grading.AVERAGE


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 6, day, hour, minute, tzinfo=dt.UTC)


@pytest.fixture
def course(instructor, student, other_student):
    """Assignments: week 1 (highest of 3), week 2 (last of 2) in Neuro block; week 3 (average of 3) in Cardio block.

    alice  week 1: 50 %, 100 % (late), 75 %  -> 100 %   week 2: 90 %, 60 % -> 60 %   week 3: 50 %, 100 % -> 75 %
    bob    week 1: 50 %                     -> 50 %    week 2: 80 %, one open -> 80 %   week 3: 35 % -> 35 %
    carol  week 1: 0 %, then left the class: not counted
    Class averages: week 1 (100 + 50) / 2 = 75 %, week 2 (60 + 80) / 2 = 70 %, week 3 hidden ((75 + 35) / 2 = 55 %).
    alice's practice: 40 % at 03:30 on 9 June (still 8 June in her day, which starts at 4 AM), 80 % and 60 % on 9 June.
    """
    neuro = factories.make_classroom(instructor, name="Neuro block", students=(student, other_student))
    cardio = factories.make_classroom(instructor, name="Cardio block", students=(student, other_student))
    cardio.show_class_average = False
    cardio.save()
    carol = factories.make_user("carol")

    def assignment(classroom, title, grading, max_attempts, closes_in_days):
        return factories.make_assignment(
            classroom=classroom,
            quiz_set=factories.make_quiz_set(instructor, title=title),
            grading=grading,
            max_attempts=max_attempts,
            opens_at=NOW - 10 * DAY,
            closes_at=NOW + closes_in_days * DAY,
        )

    week1 = assignment(neuro, "Week 1 quiz", HIGHEST, 3, 1)
    week2 = assignment(neuro, "Week 2 quiz", LAST, 2, 2)
    week3 = assignment(cardio, "Week 3 quiz", AVERAGE, 3, 3)
    done = factories.make_finished_attempt
    done(student, week1, score=0.5, submitted_at=at(7, 10))
    done(student, week1, score=1.0, submitted_at=at(8, 10), is_late=True)
    done(student, week1, score=0.75, submitted_at=at(9, 10))
    done(student, week2, score=0.9, submitted_at=at(8, 11))
    done(student, week2, score=0.6, submitted_at=at(9, 11))
    done(student, week3, score=0.5, submitted_at=at(7, 12))
    done(student, week3, score=1.0, submitted_at=at(9, 12))
    done(student, score=0.4, submitted_at=at(9, 3, 30), title="Practice")
    done(student, score=0.8, submitted_at=at(9, 13), title="Practice")
    done(student, score=0.6, submitted_at=at(9, 14), title="Practice")

    done(other_student, week1, score=0.5, submitted_at=at(8, 9))
    done(other_student, week2, score=0.8, submitted_at=at(8, 12))
    Attempt.objects.create(user=other_student, assignment=week2, number=2, started_at=at(9, 9))  # still open
    done(other_student, week3, score=0.35, submitted_at=at(9, 9))
    done(other_student, score=1.0, submitted_at=at(9, 10), title="Practice")  # bob's practice stays his

    ClassMembership.objects.create(classroom=neuro, student=carol)
    done(carol, week1, score=0.0, submitted_at=at(7, 9))
    ClassMembership.objects.filter(student=carol).delete()
    return {"neuro": neuro, "cardio": cardio, "weeks": (week1, week2, week3)}


# --- Figures ------------------------------------------------------------------------------------------------


def test_scores_over_time_are_the_mean_per_learner_day_with_practice_and_assigned_apart(course, student):
    days = stats.scores_by_day(student, NOW)
    assert [(d.date.isoformat(), d.practice_quizzes, d.assigned_quizzes) for d in days] == [
        ("2026-06-07", 0, 2),
        ("2026-06-08", 1, 2),
        ("2026-06-09", 2, 3),
    ]
    assert [d.practice for d in days] == [None, pytest.approx(0.4), pytest.approx(0.7)]
    assert [d.assigned for d in days] == [
        pytest.approx(0.5),
        pytest.approx(0.95),
        pytest.approx((0.75 + 0.6 + 1.0) / 3),
    ]


def test_scores_follow_the_learners_time_zone(course, student):
    student.time_zone = "America/New_York"  # UTC-4 in June; her day starts at 4 AM there, 08:00 UTC
    student.save()
    days = {
        d.date.isoformat(): (d.practice_quizzes, d.assigned_quizzes)
        for d in stats.scores_by_day(student, NOW)
    }
    # 9 June 03:30 UTC is 8 June 23:30 in New York; the 10:00 to 14:00 UTC quizzes fall on their own dates
    assert days == {"2026-06-07": (0, 2), "2026-06-08": (1, 2), "2026-06-09": (2, 3)}
    student.day_start_hour = 7  # her day now starts at 11:00 UTC
    student.save()
    days = {
        d.date.isoformat(): (d.practice_quizzes, d.assigned_quizzes)
        for d in stats.scores_by_day(student, NOW)
    }
    # 7 June 10:00 UTC falls on 6 June, 8 June 10:00 on 7 June, 9 June 10:00 on 8 June; 8 June 11:00 UTC is the
    # first minute of 8 June
    assert days == {"2026-06-06": (0, 1), "2026-06-07": (0, 2), "2026-06-08": (1, 2), "2026-06-09": (2, 2)}


def test_each_assignment_shows_the_learners_grade_attempts_late_marks_and_allowed_class_average(
    course, student
):
    rows = [
        (
            s.assignment.quiz_set.title,
            s.grade,
            s.used,
            s.assignment.max_attempts,
            s.late,
            s.class_average,
            s.graded,
        )
        for s in stats.assignment_scores(student)
    ]
    assert rows == [
        ("Week 1 quiz", 1.0, 3, 3, 1, pytest.approx(0.75), 2),
        ("Week 2 quiz", pytest.approx(0.6), 2, 2, 0, pytest.approx(0.7), 2),
        ("Week 3 quiz", pytest.approx(0.75), 2, 3, 0, None, 0),
    ]


def test_another_learner_gets_their_own_grades_and_the_same_class_average(course, other_student):
    rows = [(s.grade, s.used, s.late, s.class_average) for s in stats.assignment_scores(other_student)]
    assert rows == [
        (0.5, 1, 0, pytest.approx(0.75)),
        (0.8, 2, 0, pytest.approx(0.7)),  # the open attempt is used, not graded
        (pytest.approx(0.35), 1, 0, None),
    ]


def test_a_learner_outside_the_classes_has_no_assignments(course):
    assert stats.assignment_scores(factories.make_user("dave")) == []


def test_class_scores_grade_each_student_per_assignment_with_the_class_average(course):
    students = class_stats.class_dashboard(course["neuro"], NOW).students
    scores = stats.class_scores(course["neuro"], students)
    assert [a.quiz_set.title for a in scores.assignments] == ["Week 1 quiz", "Week 2 quiz"]
    assert [(s.username, [(c.grade, c.used, c.late) for c in cells]) for s, cells in scores.rows] == [
        ("alice", [(1.0, 3, 1), (pytest.approx(0.6), 2, 0)]),
        ("bob", [(0.5, 1, 0), (0.8, 2, 0)]),
    ]
    assert scores.averages == [pytest.approx(0.75), pytest.approx(0.7)]
    assert scores.graded == [2, 2]


def test_instructors_see_the_average_even_where_students_do_not(course):
    students = class_stats.class_dashboard(course["cardio"], NOW).students
    scores = stats.class_scores(course["cardio"], students)
    assert scores.averages == [pytest.approx(0.55)]


@pytest.mark.parametrize("method", [HIGHEST, LAST, AVERAGE])
def test_database_grades_agree_with_the_quiz_apps_grade_function(course, method):
    Assignment.objects.update(grading=method)
    weeks = list(Assignment.objects.all())
    found = stats.standings(Attempt.objects.filter(assignment__in=weeks), {a.pk: method for a in weeks})
    expected = {}
    for a in weeks:
        for membership in a.classroom.memberships.all():
            attempts = list(
                Attempt.objects.filter(assignment=a, user=membership.student).order_by("started_at")
            )
            if attempts:
                expected[(a.pk, membership.student_id)] = grading.grade(attempts, method)
    assert {key: s.grade for key, s in found.items()} == pytest.approx(expected)
    assert len(expected) == 6


def test_last_means_the_latest_started_attempt(course, student):
    week2 = course["weeks"][1]
    # Saved last but started first: "last" follows the start time, as the gradebook does.
    factories.make_finished_attempt(student, week2, score=0.1, submitted_at=at(9, 20), started_at=at(6, 9))
    grades = {s.assignment.pk: s.grade for s in stats.assignment_scores(student)}
    assert grades[week2.pk] == pytest.approx(0.6)


def test_pick_grade_refuses_an_unknown_method():
    with pytest.raises(ValueError):
        grading.pick_grade("median", highest=1.0, last=0.5, mean=0.7)


# --- Chart geometry -----------------------------------------------------------------------------------------


def test_score_chart_places_days_along_a_month_and_scores_up_the_height(course, student):
    days = stats.scores_by_day(student, NOW)
    chart = score_chart(days, dt.date(2026, 6, 10))
    # From 12 May (29 days before 10 June) over 548 units: 7 June is day 26, x = 40 + 548 * 26 / 29 = 531.3;
    # 100 % at y=24, 0 % at y=178, so 40 % at 24 + 154 * 0.6 = 116.4.
    assert [(g.y, g.label) for g in chart.gridlines] == [(24.0, "100 %"), (101.0, "50 %"), (178.0, "0 %")]
    assert [(p.x, p.y, p.quizzes) for p in chart.practice.points] == [(550.2, 116.4, 1), (569.1, 70.2, 2)]
    assert chart.assigned.polyline == "531.3,101 550.2,31.7 569.1,57.4"
    assert [d.text for d in chart.dates] == ["12 May 2026", "10 Jun 2026"]


def test_score_chart_stretches_back_to_the_first_quiz_older_than_a_month():
    day = stats.ScoreDay(dt.date(2026, 1, 1), 1.0, 1, None, 0)
    chart = score_chart([day], dt.date(2026, 6, 10))
    assert chart.practice.points[0].x == 40 and chart.practice.points[0].y == 24
    assert chart.dates[0].text == "1 Jan 2026" and chart.assigned.points == []


# --- Pages --------------------------------------------------------------------------------------------------


def table_text(html: str, table_id: str) -> list[str]:
    """Each row of a table as its text, tags dropped and spaces collapsed."""
    table = re.search(rf'<table id="{table_id}">.*?</table>', html, re.S).group(0)
    return [
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip()
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S)
    ]


def row_html(html: str, row_id: str) -> str:
    match = re.search(rf'<tr id="{row_id}">(.*?)</tr>', html, re.S)
    assert match, row_id
    return re.sub(r"\s+", " ", match.group(1))


def cell(row: str, css_class: str) -> str:
    match = re.search(rf'<td class="{css_class}">(.*?)</td>', row, re.S)
    assert match, css_class
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


@time_machine.travel(NOW, tick=False)
def test_learner_dashboard_shows_each_assignment_row(course, student_client):
    html = student_client.get(reverse("home")).content.decode()
    week1, week2, week3 = course["weeks"]
    one = row_html(html, f"quiz-assignment-{week1.pk}")
    assert cell(one, "quiz-grade") == "100 % (highest attempt)"
    assert cell(one, "quiz-attempts") == "3 / 3"
    assert cell(one, "quiz-late") == "1 late"
    assert cell(one, "quiz-average") == "75 % (2 graded)"
    assert f'href="{reverse("quizzes:assignment", args=[week1.pk])}"' in one
    two = row_html(html, f"quiz-assignment-{week2.pk}")
    assert (cell(two, "quiz-grade"), cell(two, "quiz-late"), cell(two, "quiz-average")) == (
        "60 % (last attempt)",
        "–",
        "70 % (2 graded)",
    )
    three = row_html(html, f"quiz-assignment-{week3.pk}")
    assert cell(three, "quiz-grade") == "75 % (average of attempts)"
    assert cell(three, "quiz-average") == "Not shown"


@time_machine.travel(NOW, tick=False)
def test_learner_dashboard_draws_the_score_chart_with_a_title_and_a_table(course, student_client):
    html = student_client.get(reverse("home")).content.decode()
    chart = re.search(r'<svg class="chart quiz-scores".*?</svg>', html, re.S).group(0)
    assert 'aria-labelledby="quiz-scores-title"' in chart and 'id="quiz-scores-title"' in chart
    assert chart.count('<circle cx="5') == 2 and chart.count('class="score-dot practice"') == 3  # + legend
    assert chart.count('class="score-dot assigned"') == 4
    assert "<title>Tue 9 Jun 2026: practice 70 % (2 quizzes)</title>" in chart
    assert "<title>Mon 8 Jun 2026: assigned 95 % (2 quizzes)</title>" in chart
    assert table_text(html, "quiz-scores-table") == [
        "Day Practice Assigned",
        "Sun 7 Jun 2026 – 50 % (2)",
        "Mon 8 Jun 2026 40 % (1) 95 % (2)",
        "Tue 9 Jun 2026 70 % (2) 78 % (3)",
    ]
    assert "style=" not in html


@time_machine.travel(NOW, tick=False)
def test_a_student_never_sees_another_students_scores(course, client, other_student):
    client.force_login(other_student)
    html = client.get(reverse("home")).content.decode()
    week1, _, week3 = course["weeks"]
    assert cell(row_html(html, f"quiz-assignment-{week1.pk}"), "quiz-grade") == "50 % (highest attempt)"
    assert cell(row_html(html, f"quiz-assignment-{week3.pk}"), "quiz-average") == "Not shown"
    assert "55 %" not in html and "alice" not in html
    # bob's own quizzes only: week 1 (50 %) and week 2 (80 %) on 8 June, practice and week 3 on 9 June
    assert table_text(html, "quiz-scores-table")[1:] == [
        "Mon 8 Jun 2026 – 65 % (2)",
        "Tue 9 Jun 2026 100 % (1) 35 % (1)",
    ]


@time_machine.travel(NOW, tick=False)
def test_a_learner_without_quizzes_gets_a_link_to_practice_and_no_chart(student_client):
    html = student_client.get(reverse("home")).content.decode()
    assert "quiz-scores-title" not in html
    assert f'href="{reverse("quizzes:practice")}"' in html
    assert f'href="{reverse("quizzes:index")}"' in html


@time_machine.travel(NOW, tick=False)
def test_quiz_titles_are_escaped_on_both_dashboards(course, client, instructor, student):
    quiz_set = course["weeks"][0].quiz_set
    quiz_set.title = "<b>Week 1</b>"
    quiz_set.save()
    client.force_login(student)
    html = client.get(reverse("home")).content.decode()
    assert "<b>Week 1</b>" not in html and "&lt;b&gt;Week 1&lt;/b&gt;" in html
    client.force_login(instructor)
    html = client.get(reverse("quizzes:class-dashboard", args=[course["neuro"].pk])).content.decode()
    assert "<b>Week 1</b>" not in html and "&lt;b&gt;Week 1&lt;/b&gt;" in html


@time_machine.travel(NOW, tick=False)
def test_class_dashboard_shows_a_column_per_assignment_and_the_averages(course, client, instructor):
    client.force_login(instructor)
    html = client.get(reverse("quizzes:class-dashboard", args=[course["neuro"].pk])).content.decode()
    text = table_text(html, "assignment-scores-table")
    assert text == [
        "Student Week 1 quiz highest attempt, closes 11 Jun Week 2 quiz last attempt, closes 12 Jun",
        "alice 100 % (3 attempts) 1 late 60 % (2 attempts)",
        "bob 50 % (1 attempt) 80 % (2 attempts)",
        "Class average 75 % (2 graded) 70 % (2 graded)",
    ]
    assert "carol" not in html and "Week 3 quiz" not in html


@time_machine.travel(NOW, tick=False)
def test_class_csv_has_a_score_column_per_assignment(course, client, instructor):
    week1, week2, _ = course["weeks"]
    week1.quiz_set.title = "=HYPERLINK(1)"
    week1.quiz_set.save()
    client.force_login(instructor)
    response = client.get(reverse("quizzes:class-dashboard-csv", args=[course["neuro"].pk]))
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][-2:] == [
        f"quiz_{week1.pk}: =HYPERLINK(1) (highest attempt)",
        f"quiz_{week2.pk}: Week 2 quiz (last attempt)",
    ]
    assert [(r[0], r[-2], r[-1]) for r in rows[1:]] == [
        ("alice", "1.000", "0.600"),
        ("bob", "0.500", "0.800"),
    ]
    items = list(
        csv.reader(io.StringIO(client.get(response.request["PATH_INFO"] + "?table=items").content.decode()))
    )
    assert not any(h.startswith("quiz_") for h in items[0])


def test_an_abandoned_attempt_past_its_deadline_counts_on_the_dashboards(client, instructor, student):
    with time_machine.travel(NOW, tick=False):
        assignment = factories.make_assignment(instructor, students=(student,), time_limit_minutes=10)
        attempt = factories.make_attempt(student, assignment, now=NOW)
        services.save_answer(attempt=attempt, position=1, chosen=0, now=NOW + dt.timedelta(minutes=1))
    with time_machine.travel(NOW + dt.timedelta(hours=1), tick=False):
        client.force_login(instructor)
        html = client.get(reverse("quizzes:class-dashboard", args=[assignment.classroom.pk])).content.decode()
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.TIMED_OUT and attempt.score == 0.5
    assert table_text(html, "assignment-scores-table")[1:] == [
        "alice 50 % (1 attempt)",
        "Class average 50 % (1 graded)",
    ]


def test_a_learners_own_abandoned_attempt_is_closed_before_their_dashboard_reads_it(student_client, student):
    with time_machine.travel(NOW, tick=False):
        attempt = factories.make_attempt(
            student,
            factories.make_assignment(factories.make_instructor(), students=(student,), time_limit_minutes=5),
        )
    with time_machine.travel(NOW + dt.timedelta(hours=1), tick=False):
        html = student_client.get(reverse("home")).content.decode()
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.TIMED_OUT
    assert (
        cell(row_html(html, f"quiz-assignment-{attempt.assignment_id}"), "quiz-grade")
        == "0 % (highest attempt)"
    )


@time_machine.travel(NOW, tick=False)
def test_htmx_fragments_carry_the_quiz_panels(course, client, student, instructor):
    client.force_login(student)
    html = client.get(reverse("home"), headers={"HX-Request": "true"}).content.decode()
    assert 'id="quiz-scores-panel"' in html and 'id="quiz-assignments-panel"' in html and "<html" not in html
    client.force_login(instructor)
    url = reverse("quizzes:class-dashboard", args=[course["neuro"].pk])
    html = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert 'id="assignment-scores-panel"' in html and "<html" not in html
