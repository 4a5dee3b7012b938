"""The study core: learners, the knowledge base (decks of sections, groups and items), cards and their
per-learner scheduling state, and the append-only review log."""

import datetime as dt
import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, F, OuterRef, Prefetch, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from studyapp import cardgen, studyday


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"{value!r} is not a known time zone (try Europe/London or America/New_York).")


class User(AbstractUser):
    class Role(models.TextChoices):
        STUDENT = "student", "Student"
        INSTRUCTOR = "instructor", "Instructor"

    role = models.CharField(max_length=20, choices=Role.choices, default=Role.STUDENT)
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    day_start_hour = models.PositiveSmallIntegerField(
        default=4,
        validators=[MaxValueValidator(23)],
        help_text="The hour (0–23) at which your study day begins.",
    )
    desired_retention = models.FloatField(
        default=0.9, validators=[MinValueValidator(0.7), MaxValueValidator(0.99)]
    )
    new_cards_per_day = models.PositiveIntegerField(default=20, validators=[MaxValueValidator(9999)])
    reviews_per_day = models.PositiveIntegerField(default=200, validators=[MaxValueValidator(99999)])
    learning_steps = models.CharField(max_length=100, default="1m 10m")
    relearning_steps = models.CharField(max_length=100, default="10m")
    maximum_interval_days = models.PositiveIntegerField(default=36500, validators=[MinValueValidator(1)])
    leech_threshold = models.PositiveSmallIntegerField(default=8, validators=[MinValueValidator(1)])
    leech_suspends = models.BooleanField(default=True, help_text="Suspend a card when it becomes a leech.")
    # Counters kept by record_review/undo in the answer's own transaction, so no request counts the review log.
    # They ride on the row the session already loads: reading them costs nothing.
    reviews_since_fit = models.PositiveIntegerField(default=0, editable=False)
    answers_day = models.DateField(null=True, blank=True, editable=False, help_text="The study day counted.")
    new_answered = models.PositiveIntegerField(default=0, editable=False)
    reviews_answered = models.PositiveIntegerField(default=0, editable=False)
    # Bumped whenever the learner's card states change (by an answer, in the UPDATE that counts it): a DeckTally
    # counted at another value is out of date.
    cards_version = models.PositiveBigIntegerField(default=0, editable=False)
    load_balancing = models.BooleanField(
        default=False,
        help_text="Move each review to the lightest day within its fuzz range, as Anki 24.11 does.",
    )
    easy_days = models.JSONField(
        default=list, blank=True, help_text="Weekdays (0 = Monday) that get half the reviews of the others."
    )

    @property
    def is_instructor(self) -> bool:
        return self.role == self.Role.INSTRUCTOR

    @property
    def tzinfo(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    def study_date(self, moment: dt.datetime | None = None) -> dt.date:
        return studyday.study_date(moment or timezone.now(), self.tzinfo, self.day_start_hour)

    def day_bounds(self, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
        return studyday.day_bounds(day, self.tzinfo, self.day_start_hour)

    def answered_on(self, day: dt.date) -> tuple[int, int]:
        """Flashcard answers on that study day (new cards introduced, review cards answered), as counted."""
        if self.answers_day != day:
            return 0, 0
        return self.new_answered, self.reviews_answered


# --- Knowledge base ----------------------------------------------------------------------------------------


class DeckQuerySet(models.QuerySet):
    def visible_to(self, user) -> "DeckQuerySet":
        """Library decks, the user's own, and decks of the instructors whose classes the user belongs to."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(
            Q(scope=Deck.Scope.LIBRARY)
            | Q(owner=user)
            | Q(scope=Deck.Scope.INSTRUCTOR, owner__classrooms__memberships__student=user)
        ).distinct()

    def editable_by(self, user) -> "DeckQuerySet":
        if user.is_superuser:
            return self.all()
        return self.filter(owner=user)


class Deck(models.Model):
    class Scope(models.TextChoices):
        LIBRARY = "library", "Library (every learner)"
        INSTRUCTOR = "instructor", "Instructor (their classes)"
        PERSONAL = "personal", "Personal (owner only)"

    class Source(models.TextChoices):
        ARTICLE = "article", "Article"
        CSV = "csv", "CSV/TSV"
        ANKI = "anki", "Anki"

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    summary = models.TextField(blank=True, help_text="What the condition is, in a sentence or two.")
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.ARTICLE)
    scope = models.CharField(max_length=20, choices=Scope.choices, default=Scope.PERSONAL)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="decks"
    )
    source_updated = models.DateField(
        null=True, blank=True, help_text="The article's own 'Last Updated' date."
    )
    disabled_card_templates = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DeckQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(scope="library") | Q(owner__isnull=False), name="deck_owned_unless_library"
            )
        ]

    def __str__(self) -> str:
        return self.title


class SectionKind(models.TextChoices):
    ANATOMY = "anatomy", "Anatomy"
    TYPES = "types", "Types"
    CAUSES = "causes", "Causes"
    SYMPTOMS = "symptoms", "Symptoms"
    DIAGNOSTIC_TESTS = "diagnostic_tests", "Diagnostic tests"
    NON_DRUG_TREATMENTS = "non_drug_treatments", "Non-drug treatments"
    DRUGS = "drugs", "Drug treatments"
    SURGERIES = "surgeries", "Surgical options"
    PREVENTION = "prevention", "Prevention"
    WHEN_TO_SEE_DOCTOR = "when_to_see_doctor", "When to see a doctor"
    FAQ = "faq", "Frequently asked questions"
    OTHER = "other", "Other"


class SectionQuerySet(models.QuerySet):
    def with_active_items(self) -> "SectionQuerySet":
        """Sections in deck order, each with `active_items`: its items not retired, in list order, with their
        group. Two queries: the one loader of a knowledge base, for cards and quizzes alike."""
        items = Item.objects.active().select_related("group").order_by("position", "pk")
        return self.order_by("deck_id", "position", "pk").prefetch_related(
            Prefetch("items", queryset=items, to_attr="active_items")
        )


class Section(models.Model):
    deck = models.ForeignKey(Deck, on_delete=models.CASCADE, related_name="sections")
    kind = models.CharField(max_length=30, choices=SectionKind.choices)
    heading = models.CharField(max_length=200)
    notes = models.TextField(blank=True, help_text="Lead-in and closing sentences; not items.")
    position = models.PositiveIntegerField(default=0)

    objects = SectionQuerySet.as_manager()

    class Meta:
        ordering = ["deck", "position"]

    def __str__(self) -> str:
        return f"{self.deck}: {self.heading}"


class ItemGroup(models.Model):
    """A sub-group of a section ("Primary benign tumors", "Blood Supply")."""

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="groups")
    name = models.CharField(max_length=200)
    notes = models.TextField(blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["section", "position"]

    def __str__(self) -> str:
        return self.name


class ItemQuerySet(models.QuerySet):
    def active(self) -> "ItemQuerySet":
        return self.filter(retired_at__isnull=True)


class Item(models.Model):
    """A list entry (term with optional gloss) or, in a FAQ section, a question (term) with its answer."""

    deck = models.ForeignKey(Deck, on_delete=models.CASCADE, related_name="items")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="items")
    group = models.ForeignKey(
        ItemGroup, null=True, blank=True, on_delete=models.SET_NULL, related_name="items"
    )
    key = models.CharField(max_length=255, help_text="Stable identity within the deck: section kind + term.")
    term = models.CharField(max_length=500)
    gloss = models.CharField(max_length=500, blank=True)
    answer = models.TextField(blank=True, help_text="FAQ answer, or the back of a plain flashcard.")
    text = models.TextField(blank=True, help_text="The source line as imported, citations stripped.")
    tags = models.JSONField(default=list, blank=True)
    # An Anki note's cards as rendered through its note type (sanitised HTML): [{"ord", "template", "front",
    # "back"}]. Empty for items of articles and CSV decks, whose cards come from cardgen's templates.
    note_cards = models.JSONField(default=list, blank=True)
    # The Anki note itself, for export and editing: {"notetype", "notetype_id" (Anki's, see AnkiNoteType),
    # "kind" ("standard", "cloze" or "image_occlusion"), "fields": {name: html as in Anki, media by Anki name}}.
    # Empty for other items.
    anki_note = models.JSONField(default=dict, blank=True)
    position = models.PositiveIntegerField(default=0)
    retired_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ItemQuerySet.as_manager()

    class Meta:
        ordering = ["section__position", "position"]
        constraints = [models.UniqueConstraint(fields=["deck", "key"], name="item_key_unique_in_deck")]

    def __str__(self) -> str:
        return f"{self.term} ({self.gloss})" if self.gloss else self.term


class Enrollment(models.Model):
    """A learner studying a deck. Removing a deck deactivates this row; cards' history stays."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrollments")
    deck = models.ForeignKey(Deck, on_delete=models.CASCADE, related_name="enrollments")
    active = models.BooleanField(default=True)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "deck"], name="one_enrollment_per_deck")]


# --- Cards, scheduling state and the review log ----------------------------------------------------------


class Card(models.Model):
    """One prompt generated from the knowledge base. Cards of the same item are siblings."""

    deck = models.ForeignKey(Deck, on_delete=models.CASCADE, related_name="cards")
    item = models.ForeignKey(Item, null=True, blank=True, on_delete=models.CASCADE, related_name="cards")
    section = models.ForeignKey(
        Section, null=True, blank=True, on_delete=models.CASCADE, related_name="cards"
    )
    template = models.CharField(max_length=40)
    key = models.CharField(
        max_length=255, help_text="Stable identity within the deck: template + source key."
    )
    front = models.TextField()
    back = models.TextField()
    is_html = models.BooleanField(
        default=False, help_text="Front and back are sanitised HTML (Anki notes), not plain text."
    )
    position = models.PositiveIntegerField(default=0, help_text="Order in which new cards are introduced.")
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["deck", "key"], name="card_key_unique_in_deck")]

    def __str__(self) -> str:
        return self.front[:80]

    @property
    def context_line(self) -> str:
        """Deck · list (· sub-group) shown above the prompt; select_related deck, section and item__group."""
        group = self.item.group.name if self.item_id and self.item.group_id else None
        return cardgen.context_line(self.deck.title, self.section.heading if self.section_id else None, group)


def class_cards(*, learner_ids, instructor_id: int) -> Q:
    """A class's share of the study core, as a filter on any model with `user` and `card` (states, reviews):
    its learners' rows on library decks and on the instructor's own decks. A student's personal decks stay
    private. `learner_ids` is a list or a `values("id")` query of the class's members."""
    class_decks = Q(card__deck__scope=Deck.Scope.LIBRARY) | Q(card__deck__owner_id=instructor_id)
    return Q(user_id__in=learner_ids) & class_decks


def card_list_kind() -> Coalesce:
    """The kind of list (causes, drugs…) a card state's card comes from, for grouping by list."""
    return Coalesce(F("card__section__kind"), F("card__item__section__kind"), Value(SectionKind.OTHER))


def live_q() -> Q:
    """CardStateQuerySet.live as a condition, for expressions (the grade's "is this card shown" annotation)."""
    enrolled = Enrollment.objects.filter(user=OuterRef("user"), deck=OuterRef("card__deck"), active=True)
    return (
        (Q(card__item__isnull=True) | Q(card__item__retired_at__isnull=True))
        & Q(Exists(enrolled))
        & Q(card__is_active=True)
    )


def showable_q(day: dt.date) -> Q:
    """CardStateQuerySet.showable as a condition."""
    return (Q(buried_until__isnull=True) | Q(buried_until__lte=day)) & Q(suspended=False)


class CardStateQuerySet(models.QuerySet):
    """The filters every reader of learners' cards shares (queue, learner dashboard, class dashboard)."""

    def live(self) -> "CardStateQuerySet":
        """States worth counting: an active card, of an item not retired, in a deck its learner still studies."""
        return self.filter(live_q())

    def showable(self, day: dt.date) -> "CardStateQuerySet":
        """Cards that may be shown on the learner's study day `day`: not suspended, not buried past it."""
        return self.filter(showable_q(day))

    def in_class(self, *, learner_ids, instructor_id: int) -> "CardStateQuerySet":
        return self.filter(class_cards(learner_ids=learner_ids, instructor_id=instructor_id))


class CardState(models.Model):
    """One learner's memory of one card (FSRS state). Created when the learner adds the deck."""

    class State(models.IntegerChoices):
        NEW = 0, "New"
        LEARNING = 1, "Learning"
        REVIEW = 2, "Review"
        RELEARNING = 3, "Relearning"

    class Flag(models.IntegerChoices):
        NONE = 0, "None"
        RED = 1, "Red"
        ORANGE = 2, "Orange"
        GREEN = 3, "Green"
        BLUE = 4, "Blue"

    # No index of its own: (user, card) and (user, state, due) both start with it. A lone user index misled
    # SQLite into walking all of a learner's states where (user, card) names the few it wants.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="card_states", db_index=False
    )
    card = models.ForeignKey(Card, on_delete=models.CASCADE, related_name="states", db_index=False)
    state = models.PositiveSmallIntegerField(choices=State.choices, default=State.NEW)
    step = models.PositiveSmallIntegerField(null=True, blank=True)
    stability = models.FloatField(null=True, blank=True)
    difficulty = models.FloatField(null=True, blank=True)
    due = models.DateTimeField(null=True, blank=True, help_text="Null while new.")
    last_review = models.DateTimeField(null=True, blank=True)
    reps = models.PositiveIntegerField(default=0)
    lapses = models.PositiveIntegerField(default=0)
    suspended = models.BooleanField(default=False)
    buried_until = models.DateField(null=True, blank=True, help_text="Hidden until this study day begins.")
    flag = models.PositiveSmallIntegerField(choices=Flag.choices, default=Flag.NONE)
    is_leech = models.BooleanField(default=False)
    # Bumped on every change; a grade must name the version it was shown, so a replay schedules once.
    version = models.PositiveIntegerField(default=0)
    # The card's place in its deck (Card.position), kept here too so the next new card is the first entry of
    # an index range rather than a sort of all the learner's new cards. services.cards keeps the two equal.
    position = models.PositiveIntegerField(default=0)

    objects = CardStateQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "card"], name="one_state_per_learner_card")]
        indexes = [
            # The queue walks this from (user, state) in due order. `suspended` is not a column of it: Django
            # writes `suspended=False` as `NOT suspended`, which SQLite cannot match to an index column.
            # The id comes last so that "due first, then id" is the index's own order: PostgreSQL then reads
            # the first due card off the range instead of weighing a sort of them all against a table scan.
            models.Index(fields=["user", "state", "due", "id"], name="cardstate_due_idx"),
            # New cards are introduced in deck order: walked from (user, NEW) in position order.
            models.Index(fields=["user", "state", "position", "id"], name="cardstate_new_idx"),
            # In place of the card foreign key's own index: the class dashboard's hardest items read how every
            # student does on a few cards from this index alone, where the rows (stored learner by learner)
            # would cost a page each.
            models.Index(fields=["card", "user", "state", "stability", "lapses"], name="cardstate_card_idx"),
        ]


class Review(models.Model):
    """Append-only review log. Only undo of the learner's own last answer deletes a row."""

    class Source(models.TextChoices):
        REVIEW = "review", "Flashcard review"
        QUIZ = "quiz", "Quiz answer"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviews")
    card = models.ForeignKey(Card, on_delete=models.CASCADE, related_name="reviews")
    rating = models.PositiveSmallIntegerField(choices=[(1, "Again"), (2, "Hard"), (3, "Good"), (4, "Easy")])
    reviewed_at = models.DateTimeField(db_index=True)
    duration_ms = models.PositiveIntegerField(default=0)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.REVIEW)
    state_before = models.PositiveSmallIntegerField(choices=CardState.State.choices)
    state_after = models.PositiveSmallIntegerField(choices=CardState.State.choices)
    stability_after = models.FloatField(null=True, blank=True)
    difficulty_after = models.FloatField(null=True, blank=True)
    elapsed_days = models.FloatField(default=0)
    scheduled_days = models.FloatField(default=0, help_text="The interval this answer gave.")
    last_interval_days = models.FloatField(
        default=0,
        help_text="The interval the card had when answered (0 unless it was in review): young/mature.",
    )
    # Everything needed to put the CardState back exactly as it was (undo).
    snapshot_before = models.JSONField()

    class Meta:
        indexes = [
            models.Index(fields=["user", "reviewed_at"], name="review_user_time_idx"),
            # Finds reviews added after the dashboard's summary (stats.summarise_review_days) without a scan.
            models.Index(fields=["user", "id"], name="review_user_id_idx"),
        ]


class ParameterFit(models.Model):
    """A learner's personal FSRS parameters, fitted from their own review log."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="parameter_fits"
    )
    parameters = models.JSONField()
    review_count = models.PositiveIntegerField()
    fitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        get_latest_by = "fitted_at"


class ReviewDay(models.Model):
    """Flashcard reviews summed per learner and closed study day (in the time zone and day start recorded on
    the learner's ReviewSummary): the dashboard reads at most a year of these rows instead of the review log.
    stats.summarise_review_days fills them lazily; only days before ReviewSummary.through are here."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    date = models.DateField()
    reviews = models.PositiveIntegerField(default=0)
    ms = models.PositiveBigIntegerField(default=0)
    new = models.PositiveIntegerField(default=0)
    review_state = models.PositiveIntegerField(default=0)
    young_passed = models.PositiveIntegerField(default=0)
    young_total = models.PositiveIntegerField(default=0)
    mature_passed = models.PositiveIntegerField(default=0)
    mature_total = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "date"], name="one_review_day")]


class ReviewSummary(models.Model):
    """How far a learner's ReviewDay rows reach and what they were summed from: every flashcard review of the
    days before `through`, ids up to `max_id`, the newest of them (by time) `latest_id`, days cut in
    `time_zone` with `day_start_hour`. A change of any of these is how the dashboard notices a stale summary."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    through = models.DateField()
    max_id = models.BigIntegerField(default=0)
    latest_id = models.BigIntegerField(null=True)
    time_zone = models.CharField(max_length=64)
    day_start_hour = models.PositiveSmallIntegerField()


class DeckTally(models.Model):
    """A learner's card figures on one deck (cards and mastered per list, overdue), as the class dashboard
    shows them, kept so the dashboard reads one row per learner and deck instead of every card state.
    studyapp.tallies recounts a row when its `stamp` no longer matches the learner's states and the deck, or
    when `now` leaves [counted_at, valid_until): overdue grows with time alone, so the row keeps the due times
    that fall inside that window and adds the ones passed."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )  # the unique (user, deck) constraint indexes it
    deck = models.ForeignKey(Deck, on_delete=models.CASCADE, related_name="+")
    stamp = models.CharField(max_length=200)
    counted_at = models.DateTimeField()
    valid_until = models.DateTimeField()
    by_kind = models.JSONField(default=dict, help_text="list kind -> [cards, mastered]")
    overdue = models.PositiveIntegerField(default=0, help_text="Overdue at counted_at.")
    due_soon = models.JSONField(
        default=list,
        help_text="Sorted due times (microseconds since the epoch) in [counted_at, valid_until).",
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "deck"], name="one_tally_per_learner_deck")]


class DeckMedia(models.Model):
    """A media file (image, sound) of an imported Anki deck, stored through Django's storage API and served
    only to people who may see the deck. Cards refer to it by its Anki name."""

    deck = models.ForeignKey(Deck, on_delete=models.CASCADE, related_name="media")
    name = models.CharField(max_length=255)
    file = models.FileField(upload_to="deck-media/", max_length=300)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64)
    content_type = models.CharField(max_length=100, default="application/octet-stream")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["deck", "name"], name="one_media_name_per_deck")]


class AnkiNoteType(models.Model):
    """A note type of an imported Anki deck, its fields and card templates as Anki had them, so a note edited
    here renders its cards again exactly as an import would."""

    deck = models.ForeignKey(Deck, on_delete=models.CASCADE, related_name="anki_notetypes")
    anki_id = models.BigIntegerField()
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20)  # "standard", "cloze" or "image_occlusion"
    fields = models.JSONField(default=list)  # field names in Anki's order
    templates = models.JSONField(default=list)  # [{"ord", "name", "front", "back"}]
    css = models.TextField(blank=True, help_text="Its style sheet, for export only (cards here use ours).")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["deck", "anki_id"], name="one_anki_notetype_per_deck")]

    def __str__(self) -> str:
        return self.name


class AnkiImport(models.Model):
    """An uploaded Anki package waiting for, or going through, its import (a background task)."""

    class Status(models.TextChoices):
        PREVIEWED = "previewed", "Previewed"
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Importing"
        DONE = "done", "Imported"
        FAILED = "failed", "Failed"

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="anki_imports")
    file_name = models.CharField(max_length=255)
    path = models.CharField(max_length=500, help_text="The staged package, private to the server.")
    size = models.PositiveBigIntegerField(default=0)
    title = models.CharField(max_length=200)
    with_scheduling = models.BooleanField(default=False)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PREVIEWED)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Percent done.")
    stage = models.CharField(max_length=200, blank=True)
    message = models.TextField(blank=True)
    report = models.JSONField(default=dict, blank=True)
    deck = models.ForeignKey(Deck, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)


class AnkiExport(models.Model):
    """A package prepared in the background (a deck or collection too big to export within a request), which
    its owner downloads once done. `deck` None: every deck the owner studies."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting"
        RUNNING = "running", "Preparing"
        DONE = "done", "Ready"
        FAILED = "failed", "Failed"

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="anki_exports")
    deck = models.ForeignKey(Deck, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    with_progress = models.BooleanField(default=False)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    file_name = models.CharField(max_length=255)
    path = models.CharField(
        max_length=500, blank=True, help_text="The finished package, private to the server."
    )
    size = models.PositiveBigIntegerField(default=0)
    message = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)


class ReleaseHold(models.Model):
    """New cards of a deck, or of one of its lists, that a learner meets only from `available_from`.

    Whoever schedules material (a class's lecture plan) writes these rows under its own `source`; the study core
    knows nothing of classes. When several sources hold the same deck or list, the earliest date wins: material
    released by one class is not hidden again by another."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="release_holds")
    deck = models.ForeignKey(Deck, on_delete=models.CASCADE, related_name="+")
    section = models.ForeignKey(
        Section,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="Empty: the deck.",
    )
    available_from = models.DateTimeField()
    source = models.CharField(max_length=60, help_text="Who set it, e.g. class:12; it replaces only its own.")
    label = models.CharField(max_length=300, help_text="What the learner reads: 'Drug treatments of …'.")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "deck", "section", "source"],
                condition=Q(section__isnull=False),
                name="one_list_hold_per_source",
            ),
            models.UniqueConstraint(
                fields=["user", "deck", "source"],
                condition=Q(section__isnull=True),
                name="one_deck_hold_per_source",
            ),
        ]
        indexes = [models.Index(fields=["user", "deck"], name="release_hold_user_deck_idx")]
