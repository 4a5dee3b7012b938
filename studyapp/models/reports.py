"""Reports of problems with a card or a quiz question, for the deck's editors."""

from django.conf import settings
from django.db import models

from studyapp.models.core import Card, Deck, Item


class ProblemReportQuerySet(models.QuerySet):
    def open(self) -> "ProblemReportQuerySet":
        return self.filter(status=ProblemReport.Status.OPEN)

    def for_editor(self, user) -> "ProblemReportQuerySet":
        return self.filter(deck__in=Deck.objects.editable_by(user))


class ProblemReport(models.Model):
    """A learner's "Report a problem" on a flashcard or a quiz question. The study core keeps them (the deck's
    editors answer them on the deck page); a quiz question is named by its id and its text, so this app never
    depends on the quiz app."""

    class Reason(models.TextChoices):
        WRONG_ANSWER = "wrong_answer", "The marked answer is wrong"
        AMBIGUOUS = "ambiguous", "Ambiguous: more than one answer fits"
        TYPO = "typo", "Typo or wording"
        OTHER = "other", "Something else"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        FIXED = "fixed", "Fixed"
        RETIRED = "retired", "Item retired"
        DISMISSED = "dismissed", "Dismissed"

    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reports")
    deck = models.ForeignKey(Deck, on_delete=models.CASCADE, related_name="problem_reports")
    item = models.ForeignKey(Item, null=True, blank=True, on_delete=models.SET_NULL, related_name="reports")
    card = models.ForeignKey(Card, null=True, blank=True, on_delete=models.SET_NULL, related_name="reports")
    question_id = models.PositiveIntegerField(null=True, blank=True, help_text="quizzes.Question id")
    # What the reporter saw, so the editor reads it even after the card changed.
    prompt = models.TextField()
    shown_answer = models.TextField(blank=True)
    reason = models.CharField(max_length=20, choices=Reason.choices)
    comment = models.TextField(blank=True, max_length=2000)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ProblemReportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["deck", "status"], name="report_deck_status_idx")]

    def __str__(self) -> str:
        return f"{self.get_reason_display()}: {self.prompt[:60]}"
