from django.apps import AppConfig


class QuizzesConfig(AppConfig):
    name = "quizzes"
    verbose_name = "Quizzes and classes"

    def ready(self) -> None:
        # The study core asks registries for the quiz app's parts, so it never imports quizzes.
        from quizzes.portability import attempt_files
        from quizzes.reminders import closing_assignments
        from studyapp import exports, reminders

        exports.register("quizzes", attempt_files)
        reminders.register_source("quizzes", closing_assignments)
