from django.apps import AppConfig


class QuizzesConfig(AppConfig):
    name = "quizzes"
    verbose_name = "Quizzes and classes"

    def ready(self) -> None:
        from quizzes.portability import attempt_files
        from studyapp import exports

        exports.register("quizzes", attempt_files)
