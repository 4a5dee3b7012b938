from django.urls import include, path

from quizzes.views import (
    assignments,
    attempts,
    bank,
    classes,
    dashboard,
    exams,
    gradebook,
    hub,
    quizsets,
    releases,
)

app_name = "quizzes"

# Below classes/<classroom_id>/
class_urls = [
    path("", classes.class_detail, name="class-detail"),
    path("dashboard/", dashboard.class_dashboard, name="class-dashboard"),
    path("dashboard.csv", dashboard.class_dashboard_csv, name="class-dashboard-csv"),
    path("edit/", classes.class_edit, name="class-edit"),
    path("duplicate/", classes.class_duplicate, name="class-duplicate"),
    path("delete/", classes.class_delete, name="class-delete"),
    path("join-code/", classes.class_join_code, name="class-join-code"),
    path("students/<int:student_id>/remove/", classes.class_remove_student, name="class-remove-student"),
    path("releases/", releases.class_releases, name="class-releases"),
    path("releases/<int:release_id>/delete/", releases.class_release_delete, name="class-release-delete"),
    path("exams/", exams.class_exams, name="class-exams"),
    path("exams/<int:exam_id>/delete/", exams.class_exam_delete, name="class-exam-delete"),
    path("assign/", assignments.assignment_create, name="assignment-create"),
]

# Below sets/<quiz_set_id>/
quiz_set_urls = [
    path("", quizsets.quiz_set_edit, name="quiz-set-edit"),
    path("duplicate/", quizsets.quiz_set_duplicate, name="quiz-set-duplicate"),
    path("delete/", quizsets.quiz_set_delete, name="quiz-set-delete"),
    path("questions/add/", quizsets.quiz_set_add_questions, name="quiz-set-add-questions"),
    path("questions/bank/", quizsets.quiz_set_add_bank, name="quiz-set-add-bank"),
    path(
        "questions/<int:question_id>/remove/",
        quizsets.quiz_set_remove_question,
        name="quiz-set-remove-question",
    ),
]

# Below assignments/<assignment_id>/
assignment_urls = [
    path("", assignments.assignment_detail, name="assignment"),
    path("edit/", assignments.assignment_edit, name="assignment-edit"),
    path("duplicate/", assignments.assignment_duplicate, name="assignment-duplicate"),
    path("delete/", assignments.assignment_delete, name="assignment-delete"),
    path("start/", assignments.assignment_start, name="assignment-start"),
    path("gradebook/", gradebook.gradebook_page, name="gradebook"),
    path("gradebook.csv", gradebook.gradebook_csv, name="gradebook-csv"),
    path("analysis/", gradebook.item_analysis, name="item-analysis"),
]

# Below attempts/<attempt_id>/
attempt_urls = [
    path("", attempts.attempt_page, name="attempt"),
    path("answer/", attempts.attempt_answer, name="attempt-answer"),
    path("submit/", attempts.attempt_submit, name="attempt-submit"),
    path("report/", attempts.report_question, name="attempt-report"),
    path("result/", attempts.attempt_result, name="attempt-result"),
]

urlpatterns = [
    path("", hub.index, name="index"),
    path("join/", classes.join, name="join"),
    path("practice/", attempts.practice, name="practice"),
    path("classes/new/", classes.class_create, name="class-create"),
    path("classes/<int:classroom_id>/", include(class_urls)),
    path("sets/", quizsets.quiz_set_list, name="quiz-set-list"),
    path("sets/new/", quizsets.quiz_set_create, name="quiz-set-create"),
    path("sets/<int:quiz_set_id>/", include(quiz_set_urls)),
    path("bank/", bank.question_bank, name="question-bank"),
    path("bank/new/", bank.bank_question_create, name="bank-question-create"),
    path("bank/<int:question_id>/", bank.bank_question_edit, name="bank-question-edit"),
    path("bank/<int:question_id>/delete/", bank.bank_question_delete, name="bank-question-delete"),
    path("assignments/<int:assignment_id>/", include(assignment_urls)),
    path("attempts/<int:attempt_id>/", include(attempt_urls)),
]
