from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from studyapp.models import (
    Card,
    CardState,
    Deck,
    Enrollment,
    Item,
    ItemGroup,
    ParameterFit,
    Review,
    Section,
    User,
)


@admin.register(User)
class StudyUserAdmin(UserAdmin):
    list_display = ("username", "email", "role", "time_zone", "is_staff")
    list_filter = ("role", "is_staff", "is_superuser")
    fieldsets = (
        *UserAdmin.fieldsets,
        (
            "Study",
            {
                "fields": (
                    "role",
                    "time_zone",
                    "day_start_hour",
                    "desired_retention",
                    "new_cards_per_day",
                    "reviews_per_day",
                    "learning_steps",
                    "relearning_steps",
                    "maximum_interval_days",
                    "leech_threshold",
                    "leech_suspends",
                )
            },
        ),
    )


class SectionInline(admin.TabularInline):
    model = Section
    extra = 0
    fields = ("position", "kind", "heading")


@admin.register(Deck)
class DeckAdmin(admin.ModelAdmin):
    list_display = ("title", "slug", "scope", "owner", "source", "updated_at")
    list_filter = ("scope", "source")
    search_fields = ("title", "slug")
    prepopulated_fields = {"slug": ("title",)}
    inlines = [SectionInline]


@admin.register(Item)
class ItemAdmin(admin.ModelAdmin):
    """Instructors and admins correct an imported item here; its key stays, so learners keep their progress."""

    list_display = ("term", "gloss", "section", "deck", "retired_at")
    list_filter = ("deck", "section__kind")
    search_fields = ("term", "gloss", "text")
    readonly_fields = ("key", "created_at", "updated_at")


admin.site.register(ItemGroup)
admin.site.register(Enrollment)


@admin.register(Card)
class CardAdmin(admin.ModelAdmin):
    list_display = ("front", "template", "deck", "is_active")
    list_filter = ("template", "deck")
    search_fields = ("front", "back")


@admin.register(CardState)
class CardStateAdmin(admin.ModelAdmin):
    list_display = ("user", "card", "state", "due", "reps", "lapses", "suspended")
    list_filter = ("state", "suspended", "is_leech")
    raw_id_fields = ("card",)


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    """Read-only: the review log is append-only."""

    list_display = ("user", "card", "rating", "reviewed_at", "source")
    raw_id_fields = ("card",)

    def has_change_permission(self, request, obj=None) -> bool:
        return False


admin.site.register(ParameterFit)
