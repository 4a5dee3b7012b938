from django.contrib import admin

from quizzes.models import Assignment, Attempt, AttemptAnswer, ClassMembership, Classroom, Question, QuizSet


class MembershipInline(admin.TabularInline):
    model = ClassMembership
    extra = 0
    raw_id_fields = ("student",)


@admin.register(Classroom)
class ClassroomAdmin(admin.ModelAdmin):
    list_display = ("name", "instructor", "join_code", "created_at")
    inlines = [MembershipInline]


@admin.register(QuizSet)
class QuizSetAdmin(admin.ModelAdmin):
    list_display = ("title", "owner", "mode", "questions_per_attempt", "created_at")
    raw_id_fields = ("owner", "questions")


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = (
        "quiz_set",
        "classroom",
        "opens_at",
        "closes_at",
        "time_limit_minutes",
        "max_attempts",
        "grading",
    )
    raw_id_fields = ("quiz_set", "classroom")


class AttemptAnswerInline(admin.TabularInline):
    model = AttemptAnswer
    extra = 0
    raw_id_fields = ("question",)


@admin.register(Attempt)
class AttemptAdmin(admin.ModelAdmin):
    list_display = ("user", "assignment", "mode", "number", "status", "score", "is_late", "started_at")
    list_filter = ("status", "mode", "is_late")
    raw_id_fields = ("user", "assignment")
    inlines = [AttemptAnswerInline]


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ("stem", "kind", "section", "deck", "created_at")
    list_filter = ("kind", "section")
