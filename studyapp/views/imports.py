"""Import pages: upload or paste, preview the parse (htmx), then import. Nothing is written until then."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from studyapp.access import get_anki_import_for_user
from studyapp.forms import AnkiImportForm, ArticleImportForm, CsvImportForm
from studyapp.importers.restructuring import restructurings
from studyapp.models import Deck, SectionKind
from studyapp.services.anki_jobs import quick_report, report_of, stage_anki_import, start_anki_import
from studyapp.services.imports import (
    ImportRejected,
    owner_and_scope_for,
    planned_renames,
    save_article,
    save_csv,
)
from studyapp.views.rendering import render_page


def _respond(request: HttpRequest, template: str, partial: str, context: dict) -> HttpResponse:
    return render_page(request, template, partial, {**context, "nav": "decks"})


def _done(request: HttpRequest, deck, summary: str) -> HttpResponse:
    messages.success(request, summary)
    if request.htmx:
        return HttpResponseClientRedirect(deck_url(deck))
    return redirect(deck_url(deck))


def deck_url(deck) -> str:
    return reverse("studyapp:deck", kwargs={"deck_id": deck.pk})


@require_http_methods(["GET", "POST"])
@login_required
def import_article(request: HttpRequest) -> HttpResponse:
    owner, scope = owner_and_scope_for(request.user)
    form = ArticleImportForm(request.POST or None, request.FILES or None)
    preview = None
    if request.method == "POST" and form.is_valid():
        parsed = form.cleaned_data["parsed"]
        if "confirm" in request.POST:
            result = save_article(parsed=parsed, owner=owner, scope=scope)
            return _done(request, result.deck, result.summary())
        preview = parsed
        # The decoded text goes back into the textarea, so "Import" sends exactly what was previewed.
        form = ArticleImportForm(initial={"text": form.cleaned_data["text"]})
    context = {"form": form, "preview": preview, "scope_label": _scope_label(scope)}
    if preview is not None:
        guesses = restructurings(preview)
        context |= {
            "guesses": guesses,
            "renames": planned_renames(parsed=preview, owner=owner, scope=scope),
            "sections": [
                {
                    "section": section,
                    "kind_label": SectionKind(section.kind).label,
                    "guesses": [g for g in guesses if g.section == section.heading],
                }
                for section in preview.sections
            ],
        }
    return _respond(request, "studyapp/import_article.html", "import-form", context)


@require_http_methods(["GET", "POST"])
@login_required
def import_flashcards(request: HttpRequest) -> HttpResponse:
    owner, scope = owner_and_scope_for(request.user)
    form = CsvImportForm(request.POST or None, request.FILES or None)
    preview = None
    if request.method == "POST" and form.is_valid():
        title, text, parsed = (form.cleaned_data[name] for name in ("title", "text", "parsed"))
        if "confirm" in request.POST:
            try:
                result = save_csv(parsed=parsed, title=title, owner=owner, scope=scope)
            except ImportRejected as exc:
                form.add_error(None, str(exc))
            else:
                return _done(request, result.deck, result.summary())
        else:
            preview = parsed
            form = CsvImportForm(initial={"text": text, "title": title})
    context = {"form": form, "preview": preview, "scope_label": _scope_label(scope)}
    return _respond(request, "studyapp/import_csv.html", "csv-form", context)


@require_http_methods(["GET", "POST"])
@login_required
def import_anki_package(request: HttpRequest) -> HttpResponse:
    """Upload and preview: the package is read (nothing saved) and staged; "Import" then queues it."""
    _owner, scope = owner_and_scope_for(request.user)
    learner = scope == Deck.Scope.PERSONAL
    form = AnkiImportForm(request.POST or None, request.FILES or None, learner=learner)
    job = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        job = stage_anki_import(
            owner=request.user,
            path=data["path"],
            file_name=data["file_name"],
            title=data["title"],
            with_scheduling=learner and data.get("with_scheduling", False),
            report=report_of(data["parsed"]) if data["parsed"] else quick_report(data["package"]),
        )
        form = AnkiImportForm(initial={"title": data["title"]}, learner=learner)
    context = {"form": form, "job": job, "scope_label": _scope_label(scope), "learner": learner}
    return _respond(request, "studyapp/import_anki.html", "anki-form", context)


@require_POST
@login_required
def anki_import_start(request: HttpRequest, import_id: int) -> HttpResponse:
    job = get_anki_import_for_user(request.user, import_id)
    start_anki_import(job=job)
    url = reverse("studyapp:anki-import", kwargs={"import_id": job.pk})
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


@require_GET
@login_required
def anki_import_status(request: HttpRequest, import_id: int) -> HttpResponse:
    """The import's progress bar (polled by htmx while it runs) and, once done, what was kept and what not."""
    job = get_anki_import_for_user(request.user, import_id)
    context = {"job": job, "report": job.report}
    return _respond(request, "studyapp/anki_import.html", "anki-import-status", context)


def _scope_label(scope: str) -> str:
    return Deck.Scope(scope).label
