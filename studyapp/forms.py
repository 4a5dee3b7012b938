import base64
import binascii
import zoneinfo
from pathlib import PurePath

from django import forms
from django.conf import settings
from django.contrib.auth.forms import UserCreationForm

from studyapp.importers.anki import AnkiError, read_apkg
from studyapp.importers.article import parse_article
from studyapp.importers.csv import parse_csv
from studyapp.importers.decoding import DecodingError, decode_upload
from studyapp.models import Deck, User
from studyapp.services.imports import ImportRejected, validate_article

TIME_ZONE_CHOICES = [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())]


class SignUpForm(UserCreationForm):
    email = forms.EmailField(required=True, help_text="For password resets only.")
    time_zone = forms.ChoiceField(choices=TIME_ZONE_CHOICES, initial="UTC")

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email", "time_zone")

    def save(self, commit: bool = True) -> User:
        user = super().save(commit=False)
        user.role = User.Role.STUDENT  # instructors are made by an admin or `manage.py create_instructor`
        if commit:
            user.save()
        return user


class StudySettingsForm(forms.ModelForm):
    time_zone = forms.ChoiceField(choices=TIME_ZONE_CHOICES)

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
    """A file or pasted text, never more than settings.MAX_UPLOAD_BYTES, decoded defensively."""

    file = forms.FileField(required=False, help_text="A .txt file (UTF-8 or Windows-1252), at most 2 MB.")
    text = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 12}), strip=False)

    def clean(self):
        cleaned = super().clean()
        upload, text = cleaned.get("file"), cleaned.get("text") or ""
        if upload is not None:
            if upload.size > settings.MAX_UPLOAD_BYTES:
                raise forms.ValidationError(
                    f"The file is {upload.size:,} bytes; the limit is {settings.MAX_UPLOAD_BYTES:,} bytes (2 MB)."
                )
            data = upload.read(settings.MAX_UPLOAD_BYTES + 1)
        elif text.strip():
            data = text.encode("utf-8")
            if len(data) > settings.MAX_UPLOAD_BYTES:
                raise forms.ValidationError(
                    f"The pasted text is {len(data):,} bytes; the limit is {settings.MAX_UPLOAD_BYTES:,} bytes (2 MB)."
                )
        else:
            raise forms.ValidationError("Choose a file or paste the text: both are empty.")
        try:
            cleaned["text"] = decode_upload(data)
        except DecodingError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return cleaned


class ArticleImportForm(_UploadOrPasteForm):
    def clean(self):
        cleaned = super().clean()
        try:
            cleaned["parsed"] = validate_article(parse_article(cleaned["text"]))
        except ImportRejected as exc:
            raise forms.ValidationError(str(exc)) from exc
        return cleaned


class CsvImportForm(_UploadOrPasteForm):
    title = forms.CharField(max_length=200, help_text="The deck's name.")

    field_order = ("title", "file", "text")

    def clean(self):
        cleaned = super().clean()
        parsed = parse_csv(cleaned["text"])
        cleaned["parsed"] = parsed
        if parsed.errors:
            raise forms.ValidationError(
                [f"Line {e.line}: {e.message}" for e in parsed.errors]
                + ["Nothing was imported: fix these rows and try again."]
            )
        if not parsed.cards:
            raise forms.ValidationError("The file has no cards (each row needs a front and a back).")
        return cleaned


class AnkiImportForm(forms.Form):
    """An .apkg/.colpkg upload. After the preview the package rides along base64-encoded in a hidden field, so
    "Import" sends exactly what was previewed without a second upload (2 MB of file is about 2.8 MB of base64,
    inside DATA_UPLOAD_MAX_MEMORY_SIZE). It is read again from scratch either way: nothing in it is trusted."""

    title = forms.CharField(
        max_length=200, required=False, help_text="The deck's name (left empty: taken from the file name)."
    )
    file = forms.FileField(
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".apkg,.colpkg"}),
        help_text="An Anki package (.apkg or .colpkg), at most 2 MB. Media files are ignored.",
    )
    package = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean(self):
        cleaned = super().clean()
        upload, package = cleaned.get("file"), cleaned.get("package") or ""
        if upload is not None:
            if upload.size > settings.MAX_UPLOAD_BYTES:
                raise forms.ValidationError(
                    f"The file is {upload.size:,} bytes; the limit is {settings.MAX_UPLOAD_BYTES:,} bytes (2 MB)."
                )
            data = upload.read(settings.MAX_UPLOAD_BYTES + 1)
            name = PurePath(upload.name or "").stem
        elif package:
            try:
                data = base64.b64decode(package, validate=True)
            except (binascii.Error, ValueError) as exc:
                raise forms.ValidationError(
                    "The previewed package did not come back intact; choose it again."
                ) from exc
            name = ""
        else:
            raise forms.ValidationError("Choose an Anki package (.apkg or .colpkg) to import.")
        if not data:
            raise forms.ValidationError("The file is empty.")
        if len(data) > settings.MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                f"The package is over the limit of {settings.MAX_UPLOAD_BYTES:,} bytes (2 MB)."
            )
        try:
            notes = read_apkg(data)
        except AnkiError as exc:
            raise forms.ValidationError(str(exc)) from exc
        if not notes:
            raise forms.ValidationError(
                "The package has no notes with a front and a back: nothing to import."
            )
        title = (cleaned.get("title") or "").strip() or name.replace("-", " ").replace(
            "_", " "
        ).strip().capitalize()[:200]
        if not title:
            raise forms.ValidationError("Give the deck a title.")
        cleaned.update(title=title, data=data, notes=notes)
        return cleaned

    def preview_initial(self) -> dict:
        """What the form should carry after a preview: the title in use and the package itself."""
        return {
            "title": self.cleaned_data["title"],
            "package": base64.b64encode(self.cleaned_data["data"]).decode(),
        }


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
