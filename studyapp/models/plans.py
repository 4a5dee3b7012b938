"""Plans: exam dates and catching up after a break (the rules are in studyapp/planning.py)."""

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from studyapp.models.core import Deck, Section


class ExamPlanQuerySet(models.QuerySet):
    def upcoming_for(self, user, today: dt.date) -> "ExamPlanQuerySet":
        """The learner's exams still ahead (the exam day itself included, for display)."""
        return self.filter(user=user, exam_date__gte=today).order_by("exam_date", "pk")


class ExamPlan(models.Model):
    """An exam on a deck, or one of its lists: until that day its cards are scheduled to reach `target` recall on
    the exam day (planning.answer). A learner's own plans have source 'own'; whoever sets exams for others (a
    class) writes one row per learner under its own `source`, as release holds do: the study core knows no
    classes."""

    OWN = "own"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exam_plans")
    deck = models.ForeignKey(Deck, on_delete=models.CASCADE, related_name="+")
    section = models.ForeignKey(
        Section,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="Empty: the deck.",
    )
    exam_date = models.DateField()
    target = models.FloatField(default=0.95, validators=[MinValueValidator(0.7), MaxValueValidator(0.99)])
    source = models.CharField(max_length=60, default=OWN)
    label = models.CharField(max_length=300, blank=True, help_text="Who set it, e.g. the class's name.")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ExamPlanQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["user", "exam_date"], name="examplan_user_date_idx")]

    def __str__(self) -> str:
        return f"{self.section or self.deck} on {self.exam_date}"

    def covers(self, deck_id: int, section_id: int | None) -> bool:
        return self.deck_id == deck_id and (self.section_id is None or self.section_id == section_id)


class BacklogPlan(models.Model):
    """Catching up after a break: at most `daily_cap` reviews a day, the cards overdue when the plan began
    (due before `backlog_before`) first in planning.backlog_order, and no new cards until they are all seen."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="backlog_plans")
    daily_cap = models.PositiveIntegerField(validators=[MinValueValidator(1), MaxValueValidator(99999)])
    backlog_before = models.DateTimeField()
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(finished_at__isnull=True), name="one_active_backlog_plan"
            )
        ]
