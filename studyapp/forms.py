import zoneinfo

from django import forms
from django.contrib.auth.forms import UserCreationForm

from studyapp.models import User

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
