import tempfile
import uuid
import zoneinfo
from pathlib import Path, PurePath

from django import forms
from django.conf import settings
from django.contrib.auth.forms import UserCreationForm

from studyapp.importers.anki import AnkiError, render_notes
from studyapp.importers.anki.package import copy_package, read_package
from studyapp.importers.article import read_article
from studyapp.importers.csv import read_csv
from studyapp.importers.decoding import decode_upload
from studyapp.importers.problems import ImportRejected
from studyapp.models import Deck, User

TIME_ZONE_CHOICES = [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())]


class SignUpForm(UserCreationForm):
    email = forms.EmailField(required=True, help_text="For password resets only.")
    # app.js sets the browser's own zone (data-browser-time-zone) when the page opens; UTC without JavaScript.
    time_zone = forms.ChoiceField(
        choices=TIME_ZONE_CHOICES,
        initial="UTC",
        widget=forms.Select(attrs={"data-browser-time-zone": ""}),
        help_text="Filled in from your browser; your day starts and ends in this zone.",
    )

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email", "time_zone")

    def save(self, commit: bool = True) -> User:
        user = super().save(commit=False)
        user.role = User.Role.STUDENT  # instructors are made by an admin or `manage.py create_instructor`
        if commit:
            user.save()
        return user


WEEKDAYS = [
    (0, "Monday"),
    (1, "Tuesday"),
    (2, "Wednesday"),
    (3, "Thursday"),
    (4, "Friday"),
    (5, "Saturday"),
    (6, "Sunday"),
]


class StudySettingsForm(forms.ModelForm):
    time_zone = forms.ChoiceField(choices=TIME_ZONE_CHOICES)
    easy_days = forms.TypedMultipleChoiceField(
        choices=WEEKDAYS,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Easy days",
        help_text="Lighter days: reviews are moved off them, within each card's fuzz range, where another day has room.",
    )

    class Meta:
        model = User
        fields = (
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
            "load_balancing",
            "easy_days",
        )
        help_texts = {
            "desired_retention": "Share of reviews you want to pass (0.70–0.99). Higher means more reviews.",
            "learning_steps": "Intervals for new cards, e.g. '1m 10m'. Units: s, m, h, d.",
            "relearning_steps": "Intervals after a lapse, e.g. '10m'.",
        }

    def _clean_steps(self, name: str) -> str:
        from studyapp.steps import parse_steps

        value = self.cleaned_data[name]
        try:
            parse_steps(value)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return " ".join(value.split())

    def clean_learning_steps(self) -> str:
        return self._clean_steps("learning_steps")

    def clean_relearning_steps(self) -> str:
        return self._clean_steps("relearning_steps")


class _UploadOrPasteForm(forms.Form):
    """A file or pasted text, never more than settings.MAX_UPLOAD_BYTES, decoded defensively (`decode_upload`
    holds those checks), then read by the importer's `read_*` into `cleaned_data["parsed"]`."""

    reader = None  # the importer's read_*: text -> parsed result, or ImportRejected
    list_problems = False  # whether a rejection shows its line-numbered problems

    file = forms.FileField(required=False, help_text="A .txt file (UTF-8 or Windows-1252), at most 2 MB.")
    text = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 12}), strip=False)

    def clean(self):
        cleaned = super().clean()
        upload, text = cleaned.get("file"), cleaned.get("text") or ""
        if upload is not None:
            # Read no more than one byte past the limit: a huge upload is refused without loading it.
            data, label, size = upload.read(settings.MAX_UPLOAD_BYTES + 1), "The file", upload.size
        elif text.strip():
            data, label, size = text.encode("utf-8"), "The pasted text", None
        else:
            raise forms.ValidationError("Choose a file or paste the text: both are empty.")
        try:
            cleaned["text"] = decode_upload(data, label=label, size=size)
            cleaned["parsed"] = self.reader(cleaned["text"])
        except ImportRejected as exc:
            lines = [f"Line {p.line}: {p.message}" for p in exc.problems] if self.list_problems else []
            raise forms.ValidationError([*lines, str(exc)]) from exc
        return cleaned


class ArticleImportForm(_UploadOrPasteForm):
    reader = staticmethod(read_article)


class CsvImportForm(_UploadOrPasteForm):
    reader = staticmethod(read_csv)
    list_problems = True

    title = forms.CharField(max_length=200, help_text="The deck's name.")

    field_order = ("title", "file", "text")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = "A .csv, .tsv or .txt file (UTF-8 or Windows-1252), at most 2 MB."


class AnkiImportForm(forms.Form):
    """An .apkg/.colpkg upload of up to 200 MB. The file streams to a private staging folder and is read there
    (`read_anki`): the preview shows what will be kept; the import itself runs later as a background task
    from the staged file (see views.imports)."""

    title = forms.CharField(
        max_length=200, required=False, help_text="The deck's name (left empty: taken from the file name)."
    )
    file = forms.FileField(
        widget=forms.ClearableFileInput(attrs={"accept": ".apkg,.colpkg"}),
        help_text="An Anki package (.apkg or .colpkg) of up to 200 MB, with its media.",
    )
    with_scheduling = forms.BooleanField(
        required=False,
        initial=True,
        label="Bring my scheduling and review history",
        help_text="Due dates, suspended and flagged cards, FSRS memory and every review. Untick for content only.",
    )

    def __init__(self, *args, learner: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not learner:  # instructors and admins import shared content, never someone's progress
            del self.fields["with_scheduling"]

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        if upload is None:
            if not self.has_error("file"):
                raise forms.ValidationError("Choose an Anki package (.apkg or .colpkg) to import.")
            return cleaned
        limit = settings.ANKI_MAX_PACKAGE_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                f"The file is {upload.size:,} bytes; the limit is {limit:,} bytes (200 MB)."
            )
        if not upload.size:
            raise forms.ValidationError("The file is empty.")
        staging = Path(settings.ANKI_UPLOAD_DIR)
        staging.mkdir(parents=True, exist_ok=True)
        path = staging / f"{uuid.uuid4().hex}.apkg"
        try:
            copy_package(upload, path, limit)
            with tempfile.TemporaryDirectory() as workdir:
                package = read_package(path, Path(workdir))
        except AnkiError as exc:
            path.unlink(missing_ok=True)
            raise forms.ValidationError(str(exc)) from exc
        if not package.notes:
            path.unlink(missing_ok=True)
            raise forms.ValidationError("The package has no notes: nothing to import.")
        # Rendering costs about a millisecond a note: a big package is previewed from its own counts, and the
        # notes that give no card are listed when the background import has rendered them.
        parsed = render_notes(package) if len(package.notes) <= settings.ANKI_PREVIEW_RENDER_NOTES else None
        if parsed is not None and not parsed.notes:
            path.unlink(missing_ok=True)
            raise forms.ValidationError(
                "The package has no notes that give a card: nothing to import."
                + (
                    f" ({len(parsed.skipped)} skipped; the first because {parsed.skipped[0].reason}.)"
                    if parsed.skipped
                    else ""
                )
            )
        name = PurePath(upload.name or "").stem
        title = (
            (cleaned.get("title") or "").strip()
            or name.replace("-", " ").replace("_", " ").strip().capitalize()[:200]
            or "Anki deck"
        )
        cleaned.update(
            title=title, parsed=parsed, package=package, path=path, file_name=(upload.name or "")[:255]
        )
        return cleaned


class ItemCorrectionForm(forms.Form):
    term = forms.CharField(max_length=500)
    gloss = forms.CharField(max_length=500, required=False, help_text="The short note in brackets, if any.")
    answer = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The answer of a FAQ question or the back of a flashcard.",
    )
    group = forms.ModelChoiceField(queryset=None, required=False, empty_label="(no group)")

    def __init__(self, *args, item, **kwargs):
        initial = {"term": item.term, "gloss": item.gloss, "answer": item.answer, "group": item.group_id}
        super().__init__(*args, initial=initial, **kwargs)
        self.fields["group"].queryset = item.section.groups.all()
        if not self.fields["group"].queryset.exists():
            del self.fields["group"]


class AnkiNoteForm(forms.Form):
    """An imported Anki note's fields, as HTML like Anki's own editor keeps them (cards are sanitised when
    they are rendered)."""

    def __init__(self, *args, item, field_names, **kwargs):
        current = (item.anki_note or {}).get("fields") or {}
        super().__init__(
            *args,
            initial={f"field_{n}": current.get(name, "") for n, name in enumerate(field_names)},
            **kwargs,
        )
        self.field_names = list(field_names)
        for n, name in enumerate(field_names):
            self.fields[f"field_{n}"] = forms.CharField(
                label=name,
                required=False,
                strip=False,
                max_length=100_000,
                widget=forms.Textarea(attrs={"rows": 3}),
            )

    def note_fields(self) -> dict[str, str]:
        return {name: self.cleaned_data[f"field_{n}"] for n, name in enumerate(self.field_names)}


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        max_length=100, help_text="What uses it, e.g. “phone app” or “export script”.", strip=True
    )


class ExamPlanForm(forms.Form):
    """An exam on a deck the learner studies, or on one of its lists."""

    material = forms.ChoiceField(label="Deck or list")
    exam_date = forms.DateField(label="Exam date", widget=forms.DateInput(attrs={"type": "date"}))
    target = forms.FloatField(
        label="Recall to reach on the exam day",
        initial=0.95,
        min_value=0.7,
        max_value=0.99,
        widget=forms.NumberInput(attrs={"step": "0.01"}),
    )

    def __init__(self, *args, user, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        decks = (
            Deck.objects.filter(enrollments__user=user, enrollments__active=True)
            .prefetch_related("sections")
            .order_by("title")
        )
        choices = []
        self._targets = {}
        for deck in decks:
            choices.append((f"deck-{deck.pk}", f"{deck.title} (whole deck)"))
            self._targets[f"deck-{deck.pk}"] = (deck, None)
            for section in deck.sections.all():
                choices.append((f"list-{section.pk}", f"{deck.title} — {section.heading}"))
                self._targets[f"list-{section.pk}"] = (deck, section)
        self.fields["material"].choices = choices

    def clean_exam_date(self):
        day = self.cleaned_data["exam_date"]
        if day <= self.today:
            raise forms.ValidationError("Choose a day after today.")
        if (day - self.today).days > 730:
            raise forms.ValidationError("Choose a day within two years.")
        return day

    @property
    def deck_and_section(self):
        return self._targets[self.cleaned_data["material"]]


class BacklogPlanForm(forms.Form):
    """Catch up with a daily cap, or within a number of days."""

    daily_cap = forms.IntegerField(
        label="At most this many reviews a day", min_value=1, max_value=9999, required=False
    )
    days = forms.IntegerField(
        label="Or: catch up within this many days", min_value=1, max_value=365, required=False
    )

    def clean(self):
        data = super().clean()
        if not self.errors and (data.get("daily_cap") is None) == (data.get("days") is None):
            raise forms.ValidationError("Give either a daily cap or a number of days.")
        return data


class DataImportForm(forms.Form):
    archive = forms.FileField(label="Your data (.zip from “Download your data”)")

    def clean_archive(self):
        from studyapp.services.portability import MAX_ARCHIVE_BYTES

        upload = self.cleaned_data["archive"]
        if upload.size > MAX_ARCHIVE_BYTES:
            raise forms.ValidationError(f"The file is over {MAX_ARCHIVE_BYTES // (1024 * 1024)} MB.")
        return upload


class DeleteAccountForm(forms.Form):
    CONFIRMATION = "delete my account"

    password = forms.CharField(widget=forms.PasswordInput, help_text="Your password, to be sure it is you.")
    confirm = forms.CharField(label=f"Type “{CONFIRMATION}”", help_text="This cannot be undone.")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That is not your password.")
        return password

    def clean_confirm(self) -> str:
        confirm = self.cleaned_data["confirm"]
        if confirm.strip().lower() != self.CONFIRMATION:
            raise forms.ValidationError(f"Type “{self.CONFIRMATION}” to confirm.")
        return confirm


class ReminderSettingsForm(forms.ModelForm):
    class Meta:
        from studyapp.models import ReminderSettings

        model = ReminderSettings
        fields = ("by_email", "by_push", "daily", "daily_time", "weekly", "assignments")
        labels = {
            "by_email": "By e-mail",
            "by_push": "As notifications",
            "daily": "Daily, when cards are due",
            "daily_time": "At",
            "weekly": "Weekly summary",
            "assignments": "Before an assignment closes",
        }
        widgets = {"daily_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M")}
