"""Classes, quiz sets, assignments and attempts."""

import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse

JOIN_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: codes are read aloud in class


def new_join_code() -> str:
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(8))


class ClassroomQuerySet(models.QuerySet):
    def taught_by(self, user) -> "ClassroomQuerySet":
        return self.filter(instructor=user)

    def joined_by(self, user) -> "ClassroomQuerySet":
        return self.filter(memberships__student=user)

    def active(self) -> "ClassroomQuerySet":
        return self.filter(archived_at__isnull=True)


class Classroom(models.Model):
    instructor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="classrooms"
    )
    name = models.CharField(max_length=200)
    join_code = models.CharField(max_length=12, unique=True, default=new_join_code)
    show_class_average = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    archived_at = models.DateTimeField(
        null=True, blank=True, help_text="Deleted by its instructor but kept for the gradebook."
    )

    objects = ClassroomQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("quizzes:class-detail", args=[self.pk])


class ClassMembership(models.Model):
    classroom = models.ForeignKey(Classroom, on_delete=models.CASCADE, related_name="memberships")
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["classroom", "student"], name="one_membership")]


class ClassRelease(models.Model):
    """Lecture by lecture: from `release_at`, members of the class meet the new cards of this deck (or of one of
    its lists). quizzes.services turns each row into the study core's ReleaseHold rows for every member."""

    classroom = models.ForeignKey(Classroom, on_delete=models.CASCADE, related_name="releases")
    deck = models.ForeignKey("studyapp.Deck", on_delete=models.CASCADE, related_name="+")
    section = models.ForeignKey(
        "studyapp.Section", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    release_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["release_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["classroom", "deck", "section"],
                condition=models.Q(section__isnull=False),
                name="one_release_per_class_list",
            ),
            models.UniqueConstraint(
                fields=["classroom", "deck"],
                condition=models.Q(section__isnull=True),
                name="one_release_per_class_deck",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        if self.section is None:
            return self.deck.title
        name = self.section.heading if self.section.kind == "other" else self.section.get_kind_display()
        return f"{name} of {self.deck.title}"

    @property
    def source(self) -> str:
        return release_source(self.classroom_id)


def release_source(classroom_id: int) -> str:
    """The key under which a class's release holds are stored in the study core."""
    return f"class:{classroom_id}"


# --- Questions and quiz sets -------------------------------------------------------------------------------


class QuestionQuerySet(models.QuerySet):
    def in_bank_of(self, user) -> "QuestionQuerySet":
        return self.filter(owner=user, retired_at__isnull=True)


class Question(models.Model):
    """A frozen generated question: attempts and item analysis refer to it, so it never changes once used."""

    deck = models.ForeignKey("studyapp.Deck", null=True, blank=True, on_delete=models.SET_NULL)
    kind = models.CharField(max_length=30)
    stem = models.TextField()
    options = models.JSONField()
    answer = models.PositiveSmallIntegerField(help_text="Index of the correct option in `options`.")
    section = models.CharField(max_length=30, blank=True, null=True)
    gloss = models.CharField(max_length=500, blank=True)
    group = models.CharField(max_length=200, blank=True)
    correct_terms = models.JSONField(default=list)
    item_ids = models.JSONField(default=list, help_text="Items behind the correct option.")
    option_item_ids = models.JSONField(default=list, blank=True, help_text="Items behind each option.")
    explanation = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Questions an instructor writes live in their bank; generated ones have no owner.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="bank_questions",
    )
    tags = models.JSONField(default=list, blank=True)
    retired_at = models.DateTimeField(
        null=True, blank=True, help_text="Out of the bank (deleted, or replaced by an edited copy after use)."
    )

    objects = QuestionQuerySet.as_manager()

    def __str__(self) -> str:
        return self.stem[:80]

    @property
    def correct_option(self) -> str:
        return self.options[self.answer]


class QuizSetQuerySet(models.QuerySet):
    def owned_by(self, user) -> "QuizSetQuerySet":
        return self.filter(owner=user)

    def active(self) -> "QuizSetQuerySet":
        return self.filter(archived_at__isnull=True)


class QuizSet(models.Model):
    class Mode(models.TextChoices):
        PICKED = "picked", "Hand-picked questions"
        RULES = "rules", "Rules: N questions drawn per attempt"

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_sets")
    title = models.CharField(max_length=200)
    mode = models.CharField(max_length=10, choices=Mode.choices, default=Mode.RULES)
    questions = models.ManyToManyField(Question, blank=True, related_name="quiz_sets")
    decks = models.ManyToManyField("studyapp.Deck", blank=True, related_name="quiz_sets")
    section_kinds = models.JSONField(default=list, blank=True, help_text="Empty: every list.")
    question_kinds = models.JSONField(default=list, blank=True, help_text="Empty: every kind.")
    questions_per_attempt = models.PositiveSmallIntegerField(default=10)
    bank_per_attempt = models.PositiveSmallIntegerField(
        default=0,
        help_text="Rules sets: questions drawn from the owner's bank for each attempt, besides those.",
    )
    bank_tags = models.JSONField(default=list, blank=True, help_text="Empty: any question of the bank.")
    created_at = models.DateTimeField(auto_now_add=True)
    archived_at = models.DateTimeField(
        null=True, blank=True, help_text="Deleted by its owner but kept for the gradebook."
    )

    objects = QuizSetQuerySet.as_manager()

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("quizzes:quiz-set-edit", args=[self.pk])


# --- Assignments and attempts ------------------------------------------------------------------------------


class AssignmentQuerySet(models.QuerySet):
    def taught_by(self, user) -> "AssignmentQuerySet":
        return self.filter(classroom__instructor=user)

    def for_student(self, user) -> "AssignmentQuerySet":
        """What a member of the class sees: archived assignments and classes are gone from their lists."""
        return self.filter(
            classroom__memberships__student=user,
            archived_at__isnull=True,
            classroom__archived_at__isnull=True,
        )

    def active(self) -> "AssignmentQuerySet":
        return self.filter(archived_at__isnull=True, classroom__archived_at__isnull=True)


class Assignment(models.Model):
    class Grading(models.TextChoices):
        HIGHEST = "highest", "Highest attempt"
        LAST = "last", "Last attempt"
        AVERAGE = "average", "Average of attempts"

    class AnswersVisible(models.TextChoices):
        AFTER_SUBMIT = "after_submit", "After submitting"
        AFTER_CLOSE = "after_close", "After the assignment closes"
        NEVER = "never", "Never"

    quiz_set = models.ForeignKey(QuizSet, on_delete=models.CASCADE, related_name="assignments")
    classroom = models.ForeignKey(Classroom, on_delete=models.CASCADE, related_name="assignments")
    opens_at = models.DateTimeField()
    closes_at = models.DateTimeField()
    time_limit_minutes = models.PositiveIntegerField(null=True, blank=True, help_text="Empty: no limit.")
    max_attempts = models.PositiveSmallIntegerField(default=1)
    grading = models.CharField(max_length=10, choices=Grading.choices, default=Grading.HIGHEST)
    answers_visible = models.CharField(
        max_length=20, choices=AnswersVisible.choices, default=AnswersVisible.AFTER_SUBMIT
    )
    shuffle_questions = models.BooleanField(default=True)
    shuffle_options = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    archived_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Deleted after attempts: hidden from students, kept in the gradebook.",
    )

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["closes_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")), name="closes_after_opens"
            )
        ]

    def __str__(self) -> str:
        return f"{self.quiz_set} → {self.classroom}"

    def get_absolute_url(self) -> str:
        return reverse("quizzes:assignment", args=[self.pk])

    def is_open(self, now) -> bool:
        return self.opens_at <= now < self.closes_at


class Attempt(models.Model):
    class Mode(models.TextChoices):
        TUTOR = "tutor", "Tutor (feedback after each question)"
        EXAM = "exam", "Exam (feedback at the end)"

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", "In progress"
        SUBMITTED = "submitted", "Submitted"
        TIMED_OUT = "timed_out", "Closed at the deadline"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attempts")
    assignment = models.ForeignKey(
        Assignment, null=True, blank=True, on_delete=models.CASCADE, related_name="attempts"
    )
    title = models.CharField(max_length=200, blank=True, help_text="For practice quizzes.")
    mode = models.CharField(max_length=10, choices=Mode.choices, default=Mode.EXAM)
    number = models.PositiveSmallIntegerField(default=1, help_text="1 for a learner's first try.")
    seed = models.BigIntegerField(default=0)
    started_at = models.DateTimeField()
    deadline = models.DateTimeField(null=True, blank=True, help_text="Computed by the server at the start.")
    submitted_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.IN_PROGRESS)
    is_late = models.BooleanField(default=False, help_text="The submit request came after the deadline.")
    correct_count = models.PositiveSmallIntegerField(default=0)
    question_count = models.PositiveSmallIntegerField(default=0)
    score = models.FloatField(null=True, blank=True, help_text="Share of questions answered correctly, 0–1.")

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["assignment", "user"], name="attempt_assignment_user_idx")]

    def __str__(self) -> str:
        return f"{self.user} #{self.number}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.IN_PROGRESS

    @property
    def is_practice(self) -> bool:
        return self.assignment_id is None

    @property
    def percent(self) -> int | None:
        return None if self.score is None else round(self.score * 100)


class AttemptAnswer(models.Model):
    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="attempt_answers")
    position = models.PositiveSmallIntegerField()
    option_order = models.JSONField(help_text="Indexes into question.options in the order shown.")
    chosen = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Index into question.options.")
    is_correct = models.BooleanField(null=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["attempt", "position"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "position"], name="one_answer_per_position")
        ]

    def shown_options(self) -> list[tuple[int, str]]:
        """(index into question.options, text) in the order this learner sees them."""
        return [(i, self.question.options[i]) for i in self.option_order]

    @property
    def chosen_text(self) -> str:
        return "" if self.chosen is None else self.question.options[self.chosen]


class ClassExam(models.Model):
    """An exam the instructor sets for a class on a deck or one of its lists: quizzes.services writes it into
    the study core as an ExamPlan for every member, so their cards are scheduled to reach `target` on that day."""

    classroom = models.ForeignKey(Classroom, on_delete=models.CASCADE, related_name="exams")
    deck = models.ForeignKey("studyapp.Deck", on_delete=models.CASCADE, related_name="+")
    section = models.ForeignKey(
        "studyapp.Section", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    exam_date = models.DateField()
    target = models.FloatField(default=0.95)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["exam_date", "pk"]

    def __str__(self) -> str:
        return f"{self.section.heading if self.section else self.deck.title} on {self.exam_date}"

    @property
    def source(self) -> str:
        return f"class-exam:{self.pk}"
