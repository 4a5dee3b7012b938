"""Instructors manage what they made: the assignment page, edit, duplicate, delete (archive), roster, join codes."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from quizzes import services
from quizzes.models import Assignment, Attempt, ClassMembership, Classroom, QuizSet
from tests import factories

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def teacher(client, instructor):
    client.force_login(instructor)
    return client


@pytest.fixture
def assignment(instructor, student):
    return factories.make_assignment(
        instructor, students=(student,), opens_at=T0, closes_at=T0 + dt.timedelta(days=2), max_attempts=2
    )


def _finished(student, assignment, scores):
    for n, score in enumerate(scores):
        factories.make_finished_attempt(
            student, assignment, score=score, submitted_at=T0 + dt.timedelta(hours=n + 1), number=n + 1
        )


def _form(assignment, **changes):
    data = {
        "quiz_set": assignment.quiz_set_id,
        "opens_at": "2026-03-02T09:00",
        "closes_at": "2026-03-04T09:00",
        "time_limit_minutes": "",
        "max_attempts": assignment.max_attempts,
        "grading": assignment.grading,
        "answers_visible": assignment.answers_visible,
    }
    data.update(changes)
    return data


def test_the_instructor_opens_their_assignment_page_with_settings_and_who_attempted(
    teacher, assignment, student, other_student
):
    ClassMembership.objects.create(classroom=assignment.classroom, student=other_student)
    _finished(student, assignment, [0.5])
    response = teacher.get(reverse("quizzes:assignment", args=[assignment.pk]))
    assert response.status_code == 200
    html = response.text
    assert "Who attempted it (1 of 2)" in html
    assert "alice" in html and "50%" in html
    assert "Not attempted: bob." in html
    assert reverse("quizzes:gradebook", args=[assignment.pk]) in html
    assert reverse("quizzes:item-analysis", args=[assignment.pk]) in html
    assert reverse("quizzes:assignment-edit", args=[assignment.pk]) in html


def test_class_page_links_each_assignment_title_to_its_page(teacher, assignment):
    response = teacher.get(reverse("quizzes:class-detail", args=[assignment.classroom_id]))
    assert f'href="{reverse("quizzes:assignment", args=[assignment.pk])}"' in response.text


def test_quizzes_page_lists_the_assignments_an_instructor_set(teacher, assignment):
    response = teacher.get(reverse("quizzes:index"))
    assert "Assignments you set" in response.text
    assert "Week 1 quiz" in response.text
    assert "No assignments yet" not in response.text


def test_changing_the_grading_method_after_attempts_regrades_and_says_so(teacher, assignment, student):
    _finished(student, assignment, [0.9, 0.4])
    response = teacher.post(
        reverse("quizzes:assignment-edit", args=[assignment.pk]),
        _form(assignment, grading="last"),
        follow=True,
    )
    assert "Grades recomputed by last attempt for 1 student: 1 changed." in response.text
    gradebook = teacher.get(reverse("quizzes:gradebook", args=[assignment.pk]))
    row = gradebook.text.split("alice", 1)[1]
    assert "40%" in row.split("</tr>")[0]


def test_moving_the_close_date_moves_the_deadline_of_attempts_in_progress(teacher, assignment, student):
    with time_machine.travel(T0 + dt.timedelta(hours=1)):
        attempt = services.start_attempt(user=student, assignment=assignment, now=T0 + dt.timedelta(hours=1))
    assert attempt.deadline == T0 + dt.timedelta(days=2)
    response = teacher.post(
        reverse("quizzes:assignment-edit", args=[assignment.pk]),
        _form(assignment, closes_at="2026-03-03T09:00"),
        follow=True,
    )
    assert "1 attempt in progress now end at the new deadline." in response.text
    attempt.refresh_from_db()
    assert attempt.deadline == T0 + dt.timedelta(days=1)


def test_the_quiz_set_of_an_attempted_assignment_cannot_change(teacher, instructor, assignment, student):
    _finished(student, assignment, [0.5])
    other = factories.make_quiz_set(instructor, title="Other set")
    teacher.post(
        reverse("quizzes:assignment-edit", args=[assignment.pk]), _form(assignment, quiz_set=other.pk)
    )
    assignment.refresh_from_db()
    assert assignment.quiz_set_id != other.pk


def test_duplicating_an_assignment_into_another_class(teacher, instructor, assignment):
    second = factories.make_classroom(instructor, name="Cardio block")
    page = teacher.get(reverse("quizzes:assignment-duplicate", args=[assignment.pk]))
    assert page.status_code == 200 and "Cardio block" in page.text
    data = _form(assignment, classroom=second.pk, max_attempts=3)
    response = teacher.post(reverse("quizzes:assignment-duplicate", args=[assignment.pk]), data)
    copy = Assignment.objects.get(classroom=second)
    assert response["Location"] == reverse("quizzes:assignment", args=[copy.pk])
    assert (copy.quiz_set_id, copy.max_attempts) == (assignment.quiz_set_id, 3)


def test_deleting_an_unattempted_assignment_deletes_it(teacher, assignment):
    page = teacher.get(reverse("quizzes:assignment-delete", args=[assignment.pk]))
    assert "deleted for good" in page.text
    teacher.post(reverse("quizzes:assignment-delete", args=[assignment.pk]))
    assert not Assignment.objects.filter(pk=assignment.pk).exists()


def test_deleting_an_attempted_assignment_asks_then_archives_and_keeps_the_gradebook(
    teacher, client, assignment, student
):
    _finished(student, assignment, [0.75])
    page = teacher.get(reverse("quizzes:assignment-delete", args=[assignment.pk]))
    assert "1 attempt here" in page.text and "Archive" in page.text
    response = teacher.post(reverse("quizzes:assignment-delete", args=[assignment.pk]), follow=True)
    assert "archived" in response.text
    assignment.refresh_from_db()
    assert assignment.archived_at is not None
    assert "75%" in teacher.get(reverse("quizzes:gradebook", args=[assignment.pk])).text
    client.force_login(student)
    assert client.get(reverse("quizzes:assignment", args=[assignment.pk])).status_code == 404
    assert "Week 1 quiz" not in client.get(reverse("quizzes:index")).text
    # Restoring brings it back.
    client.force_login(assignment.classroom.instructor)
    client.post(reverse("quizzes:assignment-delete", args=[assignment.pk]), {"restore": "1"})
    assignment.refresh_from_db()
    assert assignment.archived_at is None


def test_an_archived_assignment_cannot_be_started(assignment, student):
    assignment.archived_at = T0
    assignment.save()
    with pytest.raises(services.QuizError):
        services.start_attempt(user=student, assignment=assignment, now=T0 + dt.timedelta(hours=1))


def test_quiz_set_duplicate_and_delete(teacher, instructor, assignment, student):
    quiz_set = assignment.quiz_set
    response = teacher.post(reverse("quizzes:quiz-set-duplicate", args=[quiz_set.pk]))
    copy = QuizSet.objects.get(title="Week 1 quiz (copy)")
    assert response["Location"] == reverse("quizzes:quiz-set-edit", args=[copy.pk])
    assert set(copy.questions.all()) == set(quiz_set.questions.all())
    # The copy has no attempts: deleting removes it.
    teacher.post(reverse("quizzes:quiz-set-delete", args=[copy.pk]))
    assert not QuizSet.objects.filter(pk=copy.pk).exists()
    # The original has attempts: deleting archives it and its assignment.
    _finished(student, assignment, [1.0])
    teacher.post(reverse("quizzes:quiz-set-delete", args=[quiz_set.pk]))
    quiz_set.refresh_from_db()
    assignment.refresh_from_db()
    assert quiz_set.archived_at is not None and assignment.archived_at is not None
    form = teacher.get(reverse("quizzes:assignment-create", args=[assignment.classroom_id]))
    assert f'<option value="{quiz_set.pk}"' not in form.text


def test_class_edit_duplicate_and_delete(teacher, instructor, assignment, student):
    classroom = assignment.classroom
    teacher.post(
        reverse("quizzes:class-edit", args=[classroom.pk]), {"name": "Neuro 2026", "show_class_average": ""}
    )
    classroom.refresh_from_db()
    assert (classroom.name, classroom.show_class_average) == ("Neuro 2026", False)
    teacher.post(reverse("quizzes:class-duplicate", args=[classroom.pk]))
    copy = Classroom.objects.get(name="Neuro 2026 (copy)")
    assert copy.join_code != classroom.join_code
    assert copy.memberships.count() == 0 and copy.assignments.count() == 1
    teacher.post(reverse("quizzes:class-delete", args=[copy.pk]))
    assert not Classroom.objects.filter(pk=copy.pk).exists()
    _finished(student, assignment, [0.5])
    teacher.post(reverse("quizzes:class-delete", args=[classroom.pk]))
    classroom.refresh_from_db()
    assert classroom.archived_at is not None
    assert teacher.get(reverse("quizzes:gradebook", args=[assignment.pk])).status_code == 200


def test_removing_a_student_takes_them_out_of_the_class(teacher, client, assignment, student):
    classroom = assignment.classroom
    response = teacher.post(
        reverse("quizzes:class-remove-student", args=[classroom.pk, student.pk]), follow=True
    )
    assert "alice removed from Neuro block" in response.text
    assert not ClassMembership.objects.filter(classroom=classroom, student=student).exists()
    client.force_login(student)
    assert client.get(reverse("quizzes:assignment", args=[assignment.pk])).status_code == 404


def test_removing_someone_who_is_not_a_member_is_404(teacher, assignment, other_student):
    url = reverse("quizzes:class-remove-student", args=[assignment.classroom_id, other_student.pk])
    assert teacher.post(url).status_code == 404


def test_a_new_join_code_replaces_the_old_one(teacher, instructor, other_student):
    classroom = factories.make_classroom(instructor)
    old = classroom.join_code
    teacher.post(reverse("quizzes:class-join-code", args=[classroom.pk]))
    classroom.refresh_from_db()
    assert classroom.join_code != old
    with pytest.raises(Exception, match="No class has that join code"):
        services.join_class(student=other_student, code=old)
    assert services.join_class(student=other_student, code=classroom.join_code) == classroom


def test_attempts_survive_archiving(assignment, student):
    _finished(student, assignment, [0.5])
    services.delete_class(classroom=assignment.classroom, now=T0)
    assert Attempt.objects.filter(assignment=assignment).count() == 1
