from django.contrib import admin

from quizzes.models import ClassMembership, Classroom


class MembershipInline(admin.TabularInline):
    model = ClassMembership
    extra = 0
    raw_id_fields = ("student",)


@admin.register(Classroom)
class ClassroomAdmin(admin.ModelAdmin):
    list_display = ("name", "instructor", "join_code", "created_at")
    inlines = [MembershipInline]
