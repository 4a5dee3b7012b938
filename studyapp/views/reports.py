"""Report a problem with a flashcard; a deck's editors close reports from the deck page."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from studyapp.access import get_deck_for_editor
from studyapp.models import CardState, ProblemReport
from studyapp.services import problem_reports


class ReportForm(forms.Form):
    reason = forms.ChoiceField(choices=ProblemReport.Reason.choices)
    comment = forms.CharField(required=False, max_length=problem_reports.MAX_COMMENT, widget=forms.Textarea)


class ResolveForm(forms.Form):
    reports = forms.CharField()
    action = forms.ChoiceField(
        choices=[(a, a) for a in problem_reports.Resolution.CHOICES],
    )

    def clean_reports(self) -> list[int]:
        try:
            ids = [int(part) for part in self.cleaned_data["reports"].split(",") if part.strip()]
        except ValueError as error:
            raise ValidationError("Unknown reports.") from error
        if not ids or any(not 0 < i < 2**31 for i in ids):
            raise ValidationError("Unknown reports.")
        return ids


@require_POST
@login_required
def report_card(request: HttpRequest, card_state_id: int) -> HttpResponse:
    card_state = get_object_or_404(
        CardState.objects.select_related("card"), pk=card_state_id, user=request.user
    )
    form = ReportForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Pick what is wrong with the card to report it.")
        return redirect("studyapp:review")
    problem_reports.report_card(
        user=request.user,
        card_state=card_state,
        reason=form.cleaned_data["reason"],
        comment=form.cleaned_data["comment"],
    )
    messages.success(request, "Thanks: the card is reported and put aside until the deck's editor answers.")
    return redirect("studyapp:review")


@require_POST
@login_required
def resolve_reports(request: HttpRequest, deck_id: int) -> HttpResponse:
    deck = get_deck_for_editor(request.user, deck_id)
    form = ResolveForm(request.POST)
    if not form.is_valid():
        raise Http404("No such reports.")
    closed = problem_reports.resolve_reports(
        editor=request.user,
        deck=deck,
        report_ids=form.cleaned_data["reports"],
        action=form.cleaned_data["action"],
    )
    labels = {"fixed": "marked fixed", "retired": "closed and the item retired", "dismissed": "dismissed"}
    messages.success(
        request, f"{closed} report{'s' if closed != 1 else ''} {labels[form.cleaned_data['action']]}."
    )
    return redirect(f"{reverse('studyapp:deck', args=[deck.pk])}#reports")
