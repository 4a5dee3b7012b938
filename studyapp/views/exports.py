"""Downloads of Anki packages: one deck, or a learner's whole collection with their progress. Small ones are
packaged within the request; bigger ones (ANKI_EXPORT_SYNC_CARDS) by a background task, with a page that
shows when the download is ready."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from studyapp.access import get_anki_export_for_user, get_deck_for_user
from studyapp.models import AnkiExport, Deck, Enrollment
from studyapp.services.anki_export import export_apkg
from studyapp.services.anki_jobs import collection_decks, export_needs_task, start_anki_export
from studyapp.views.rendering import render_page


def _download(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/octet-stream")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _export(request: HttpRequest, *, decks: list[Deck], deck: Deck | None, with_progress: bool, name: str):
    if request.method == "POST":
        job = start_anki_export(owner=request.user, deck=deck, with_progress=with_progress, file_name=name)
        return redirect("studyapp:anki-export", export_id=job.pk)
    if export_needs_task(decks):
        context = {"deck": deck, "with_progress": with_progress, "nav": "decks"}
        return render(request, "studyapp/anki_export_start.html", context)
    result = export_apkg(decks=decks, user=request.user if with_progress else None)
    return _download(result.data, name)


@require_http_methods(["GET", "POST"])
@login_required
def deck_export(request: HttpRequest, deck_id: int) -> HttpResponse:
    """The deck's cards; the learner's own scheduling and history come along when they study it."""
    deck = get_deck_for_user(request.user, deck_id)
    studying = Enrollment.objects.filter(user=request.user, deck=deck, active=True).exists()
    return _export(request, decks=[deck], deck=deck, with_progress=studying, name=f"{deck.slug}.apkg")


@require_http_methods(["GET", "POST"])
@login_required
def collection_export(request: HttpRequest) -> HttpResponse:
    """Every deck the learner studies, with their scheduling and review history, as one package."""
    decks = collection_decks(request.user)
    name = f"{request.user.username}-collection.apkg"
    return _export(request, decks=decks, deck=None, with_progress=True, name=name)


@require_GET
@login_required
def anki_export_status(request: HttpRequest, export_id: int) -> HttpResponse:
    """Whether the package is ready (polled by htmx while it is prepared), with its download link when it is."""
    job = get_anki_export_for_user(request.user, export_id)
    return render_page(
        request, "studyapp/anki_export.html", "anki-export-status", {"job": job, "nav": "decks"}
    )


@require_GET
@login_required
def anki_export_download(request: HttpRequest, export_id: int) -> FileResponse:
    job = get_anki_export_for_user(request.user, export_id)
    if job.status != AnkiExport.Status.DONE:
        raise Http404("The package is not ready.")
    try:
        handle = open(job.path, "rb")  # noqa: SIM115 (FileResponse closes it)
    except OSError as exc:
        raise Http404("The package is no longer on the server; export again.") from exc
    return FileResponse(
        handle, as_attachment=True, filename=job.file_name, content_type="application/octet-stream"
    )
