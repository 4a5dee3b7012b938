"""Your data: download everything, bring it into another instance, delete the account."""

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from studyapp.forms import DataImportForm, DeleteAccountForm
from studyapp.services import accounts, portability


@require_GET
@login_required
def your_data(request: HttpRequest) -> HttpResponse:
    return render(request, "registration/your_data.html", {"form": DataImportForm()})


@require_GET
@login_required
def export_data(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    response = HttpResponse(
        portability.export_archive(user=request.user, now=now), content_type="application/zip"
    )
    name = f"studyapp-{request.user.username}-{now:%Y%m%d}.zip"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_POST
@login_required
def import_data(request: HttpRequest) -> HttpResponse:
    form = DataImportForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            report = portability.import_archive(user=request.user, data=form.cleaned_data["archive"].read())
        except portability.ArchiveError as error:
            form.add_error("archive", str(error))
        else:
            text = (
                f"Imported: {report.states_restored} cards restored, {report.reviews_added} reviews added"
                f" ({report.reviews_already_there} already here), decks: {', '.join(report.decks_added) or 'none'}."
            )
            if report.decks_recreated:
                text += f" Your own decks made here again: {', '.join(report.decks_recreated)}."
            if report.decks_missing:
                text += f" Not on this site, skipped: {', '.join(report.decks_missing)}."
            messages.success(request, text)
            return redirect("your-data")
    return render(request, "registration/your_data.html", {"form": form})


@require_http_methods(["GET", "POST"])
@login_required
def delete_account(request: HttpRequest) -> HttpResponse:
    form = DeleteAccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        user = request.user
        logout(request)
        accounts.delete_account(user=user)
        messages.success(request, "Your account and all your data are deleted.")
        return redirect("login")
    return render(request, "registration/delete_account.html", {"form": form})
