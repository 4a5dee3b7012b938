from django.urls import path

from quizzes.views import assignments, attempts, bank, classes, dashboard, gradebook, hub, quizsets, releases

app_name = "quizzes"

urlpatterns = [
    path("classes/<int:classroom_id>/dashboard/", dashboard.class_dashboard, name="class-dashboard"),
    path(
        "classes/<int:classroom_id>/dashboard.csv",
        dashboard.class_dashboard_csv,
        name="class-dashboard-csv",
    ),
    path("", hub.index, name="index"),
    path("join/", classes.join, name="join"),
    path("practice/", attempts.practice, name="practice"),
    path("classes/new/", classes.class_create, name="class-create"),
    path("classes/<int:classroom_id>/", classes.class_detail, name="class-detail"),
    path("classes/<int:classroom_id>/edit/", classes.class_edit, name="class-edit"),
    path("classes/<int:classroom_id>/duplicate/", classes.class_duplicate, name="class-duplicate"),
    path("classes/<int:classroom_id>/delete/", classes.class_delete, name="class-delete"),
    path("classes/<int:classroom_id>/join-code/", classes.class_join_code, name="class-join-code"),
    path(
        "classes/<int:classroom_id>/students/<int:student_id>/remove/",
        classes.class_remove_student,
        name="class-remove-student",
    ),
    path("classes/<int:classroom_id>/releases/", releases.class_releases, name="class-releases"),
    path(
        "classes/<int:classroom_id>/releases/<int:release_id>/delete/",
        releases.class_release_delete,
        name="class-release-delete",
    ),
    path("classes/<int:classroom_id>/assign/", assignments.assignment_create, name="assignment-create"),
    path("sets/", quizsets.quiz_set_list, name="quiz-set-list"),
    path("sets/new/", quizsets.quiz_set_create, name="quiz-set-create"),
    path("sets/<int:quiz_set_id>/", quizsets.quiz_set_edit, name="quiz-set-edit"),
    path("bank/", bank.question_bank, name="question-bank"),
    path("bank/new/", bank.bank_question_create, name="bank-question-create"),
    path("bank/<int:question_id>/", bank.bank_question_edit, name="bank-question-edit"),
    path("bank/<int:question_id>/delete/", bank.bank_question_delete, name="bank-question-delete"),
    path("sets/<int:quiz_set_id>/questions/bank/", quizsets.quiz_set_add_bank, name="quiz-set-add-bank"),
    path("sets/<int:quiz_set_id>/duplicate/", quizsets.quiz_set_duplicate, name="quiz-set-duplicate"),
    path("sets/<int:quiz_set_id>/delete/", quizsets.quiz_set_delete, name="quiz-set-delete"),
    path(
        "sets/<int:quiz_set_id>/questions/add/",
        quizsets.quiz_set_add_questions,
        name="quiz-set-add-questions",
    ),
    path(
        "sets/<int:quiz_set_id>/questions/<int:question_id>/remove/",
        quizsets.quiz_set_remove_question,
        name="quiz-set-remove-question",
    ),
    path("assignments/<int:assignment_id>/", assignments.assignment_detail, name="assignment"),
    path("assignments/<int:assignment_id>/edit/", assignments.assignment_edit, name="assignment-edit"),
    path(
        "assignments/<int:assignment_id>/duplicate/",
        assignments.assignment_duplicate,
        name="assignment-duplicate",
    ),
    path("assignments/<int:assignment_id>/delete/", assignments.assignment_delete, name="assignment-delete"),
    path("assignments/<int:assignment_id>/start/", assignments.assignment_start, name="assignment-start"),
    path("assignments/<int:assignment_id>/gradebook/", gradebook.gradebook_page, name="gradebook"),
    path("assignments/<int:assignment_id>/gradebook.csv", gradebook.gradebook_csv, name="gradebook-csv"),
    path("assignments/<int:assignment_id>/analysis/", gradebook.item_analysis, name="item-analysis"),
    path("attempts/<int:attempt_id>/", attempts.attempt_page, name="attempt"),
    path("attempts/<int:attempt_id>/answer/", attempts.attempt_answer, name="attempt-answer"),
    path("attempts/<int:attempt_id>/submit/", attempts.attempt_submit, name="attempt-submit"),
    path("attempts/<int:attempt_id>/report/", attempts.report_question, name="attempt-report"),
    path("attempts/<int:attempt_id>/result/", attempts.attempt_result, name="attempt-result"),
]
