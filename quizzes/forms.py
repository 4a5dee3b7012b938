import datetime as dt

from django import forms

from quizzes.generation import QUESTION_KIND_LABELS
from quizzes.models import Assignment, Attempt, QuizSet
from studyapp.models import Deck, Section, SectionKind

DATETIME_LOCAL = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class ClassroomForm(forms.Form):
    name = forms.CharField(max_length=200)


class ClassSettingsForm(forms.Form):
    name = forms.CharField(max_length=200)
    show_class_average = forms.BooleanField(
        required=False, label="Show students the class average", initial=True
    )


def _decks_field() -> forms.ModelMultipleChoiceField:
    """The learner's or instructor's decks; each form sets the queryset to what that user may see."""
    return forms.ModelMultipleChoiceField(queryset=Deck.objects.none(), widget=forms.CheckboxSelectMultiple)


def _lists_field() -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        choices=SectionKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Lists",
        help_text="None ticked: every list.",
    )


class JoinForm(forms.Form):
    code = forms.CharField(
        max_length=20, label="Join code", widget=forms.TextInput(attrs={"autocomplete": "off"})
    )


class QuizSetForm(forms.Form):
    title = forms.CharField(max_length=200)
    mode = forms.ChoiceField(choices=QuizSet.Mode.choices, widget=forms.RadioSelect)
    decks = _decks_field()
    section_kinds = _lists_field()
    question_kinds = forms.MultipleChoiceField(
        choices=list(QUESTION_KIND_LABELS.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Question kinds",
        help_text="None ticked: every kind.",
    )
    questions_per_attempt = forms.IntegerField(min_value=1, max_value=100, initial=10)
    bank_per_attempt = forms.IntegerField(
        min_value=0,
        max_value=100,
        initial=0,
        required=False,
        label="Questions from your bank per attempt",
        help_text="Rules sets: drawn per student from your question bank, mixed with the generated ones.",
    )
    bank_tags = forms.CharField(
        max_length=300, required=False, label="Bank tags", help_text="Comma-separated; empty: any question."
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decks"].queryset = Deck.objects.visible_to(user)
        self.fields["decks"].required = False

    def clean_bank_per_attempt(self) -> int:
        return self.cleaned_data.get("bank_per_attempt") or 0


class AddQuestionsForm(forms.Form):
    count = forms.IntegerField(min_value=1, max_value=50, initial=10, label="How many")


class AssignmentForm(forms.Form):
    quiz_set = forms.ModelChoiceField(queryset=QuizSet.objects.none())
    opens_at = forms.DateTimeField(widget=DATETIME_LOCAL, label="Opens")
    closes_at = forms.DateTimeField(widget=DATETIME_LOCAL, label="Closes")
    time_limit_minutes = forms.IntegerField(
        min_value=1,
        max_value=24 * 60,
        required=False,
        label="Time limit (minutes)",
        help_text="Empty: no limit.",
    )
    max_attempts = forms.IntegerField(min_value=1, max_value=20, initial=1, label="Attempts allowed")
    grading = forms.ChoiceField(choices=Assignment.Grading.choices)
    answers_visible = forms.ChoiceField(
        choices=Assignment.AnswersVisible.choices, label="Students see answers"
    )
    shuffle_questions = forms.BooleanField(required=False, initial=True)
    shuffle_options = forms.BooleanField(required=False, initial=True)

    def __init__(self, *args, user, classrooms=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quiz_set"].queryset = QuizSet.objects.owned_by(user).active()
        if classrooms is not None:  # duplicating: the copy may go to another of the instructor's classes
            self.fields["classroom"] = forms.ModelChoiceField(queryset=classrooms, label="Class")
            self.order_fields(["classroom", "quiz_set"])

    def _in_calendar(self, name: str) -> dt.datetime:
        # 31 Dec 9999 in a time zone west of UTC is already year 10000 in UTC, which no database stores.
        value = self.cleaned_data[name]
        try:
            value.astimezone(dt.UTC)
        except OverflowError:
            raise forms.ValidationError("Pick a date before the year 9999.") from None
        return value

    def clean_opens_at(self) -> dt.datetime:
        return self._in_calendar("opens_at")

    def clean_closes_at(self) -> dt.datetime:
        return self._in_calendar("closes_at")

    def clean(self):
        data = super().clean()
        if data.get("opens_at") and data.get("closes_at") and data["closes_at"] <= data["opens_at"]:
            self.add_error("closes_at", "The assignment must close after it opens.")
        return data


class PracticeForm(forms.Form):
    decks = _decks_field()
    section_kinds = _lists_field()
    count = forms.IntegerField(min_value=1, max_value=100, initial=10, label="Questions")
    mode = forms.ChoiceField(
        choices=Attempt.Mode.choices, widget=forms.RadioSelect, initial=Attempt.Mode.TUTOR
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decks"].queryset = Deck.objects.visible_to(user)


class ReleaseForm(forms.Form):
    """What to release (a whole deck or one list of it) and when."""

    target = forms.ChoiceField(label="Deck or list")
    release_at = forms.DateTimeField(
        widget=DATETIME_LOCAL, label="Released on", help_text="In your time zone."
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        decks = list(Deck.objects.visible_to(user).distinct().order_by("title"))
        sections = Section.objects.filter(deck__in=decks).exclude(kind=SectionKind.FAQ).order_by("position")
        by_deck: dict[int, list[Section]] = {}
        for section in sections:
            by_deck.setdefault(section.deck_id, []).append(section)
        choices = []
        for deck in decks:
            options = [(f"deck:{deck.pk}", f"{deck.title}: the whole deck")]
            options += [(f"section:{s.pk}", s.heading) for s in by_deck.get(deck.pk, [])]
            choices.append((deck.title, options))
        self.fields["target"].choices = choices
        self._decks = {d.pk: d for d in decks}
        self._sections = {s.pk: s for s in sections}

    def clean_release_at(self) -> dt.datetime:
        value = self.cleaned_data["release_at"]
        try:
            value.astimezone(dt.UTC)
        except OverflowError:
            raise forms.ValidationError("Pick a date before the year 9999.") from None
        return value

    def deck_and_section(self):
        kind, _, pk = self.cleaned_data["target"].partition(":")
        if kind == "section":
            section = self._sections[int(pk)]
            return self._decks[section.deck_id], section
        return self._decks[int(pk)], None


class BankQuestionForm(forms.Form):
    """A multiple-choice question an instructor writes: two to six options, one correct."""

    CHECKS = [
        ("own", "My own question (options must be distinct)"),
        ("member", "“Which is a …” on the list below (checked against it)"),
        ("not_member", "“Which is NOT a …” on the list below (checked against it)"),
    ]

    stem = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, label="Question")
    option_1 = forms.CharField(max_length=500, label="Option 1")
    option_2 = forms.CharField(max_length=500, label="Option 2")
    option_3 = forms.CharField(max_length=500, required=False, label="Option 3")
    option_4 = forms.CharField(max_length=500, required=False, label="Option 4")
    option_5 = forms.CharField(max_length=500, required=False, label="Option 5")
    option_6 = forms.CharField(max_length=500, required=False, label="Option 6")
    correct = forms.TypedChoiceField(
        choices=[(n, f"Option {n}") for n in range(1, 7)], coerce=int, label="Correct option"
    )
    explanation = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        required=False,
        help_text="Shown after answering.",
    )
    tags = forms.CharField(
        max_length=300, required=False, help_text="Comma-separated, e.g. week 3, pharmacology."
    )
    kind = forms.ChoiceField(
        choices=CHECKS, initial="own", widget=forms.RadioSelect, label="Kind of question"
    )
    deck = forms.ModelChoiceField(queryset=Deck.objects.none(), required=False)
    section_kind = forms.ChoiceField(choices=[("", "—"), *SectionKind.choices], required=False, label="List")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deck"].queryset = Deck.objects.visible_to(user).distinct()

    def clean(self):
        data = super().clean()
        filled = [(n, data.get(f"option_{n}", "").strip()) for n in range(1, 7)]
        correct = data.get("correct")
        if correct is not None and not dict(filled).get(correct):
            self.add_error("correct", "The correct option is empty.")
        return data

    def options_and_answer(self) -> tuple[list[str], int]:
        """The filled options in order, and the index of the correct one among them."""
        data = self.cleaned_data
        numbered = [(n, data.get(f"option_{n}", "").strip()) for n in range(1, 7)]
        numbered = [(n, text) for n, text in numbered if text]
        return [text for _, text in numbered], [n for n, _ in numbered].index(data["correct"])

    @classmethod
    def initial_for(cls, question) -> dict:
        initial = {f"option_{n}": text for n, text in enumerate(question.options, start=1)}
        initial.update(
            stem=question.stem,
            correct=question.answer + 1,
            explanation=question.explanation,
            tags=", ".join(question.tags),
            kind=question.kind,
            deck=question.deck,
            section_kind=question.section or "",
        )
        return initial


class ClassExamForm(ReleaseForm):
    """An exam on a deck or list for the whole class: the same choice of material as a release."""

    release_at = None
    exam_date = forms.DateField(label="Exam date", widget=forms.DateInput(attrs={"type": "date"}))
    exam_target = forms.FloatField(
        label="Recall to reach on the exam day",
        initial=0.95,
        min_value=0.7,
        max_value=0.99,
        widget=forms.NumberInput(attrs={"step": "0.01"}),
    )

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def clean_exam_date(self):
        day = self.cleaned_data["exam_date"]
        if day <= self.today:
            raise forms.ValidationError("Choose a day after today.")
        if (day - self.today).days > 730:
            raise forms.ValidationError("Choose a day within two years.")
        return day
