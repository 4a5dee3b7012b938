"""Import pages: upload or paste, preview the parse (htmx), then import. Nothing is written until then."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods
from django_htmx.http import HttpResponseClientRedirect

from studyapp.forms import AnkiImportForm, ArticleImportForm, CsvImportForm
from studyapp.models import Deck
from studyapp.services.imports import (
    ImportRejected,
    import_anki,
    import_csv,
    owner_and_scope_for,
    save_article,
)
from studyapp.views.rendering import render_page

ANKI_PREVIEW_NOTES = 20


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
    return _respond(request, "studyapp/import_article.html", "import-form", context)


@require_http_methods(["GET", "POST"])
@login_required
def import_flashcards(request: HttpRequest) -> HttpResponse:
    owner, scope = owner_and_scope_for(request.user)
    form = CsvImportForm(request.POST or None, request.FILES or None)
    preview = None
    if request.method == "POST" and form.is_valid():
        title, text = form.cleaned_data["title"], form.cleaned_data["text"]
        if "confirm" in request.POST:
            try:
                result, _ = import_csv(data=text, title=title, owner=owner, scope=scope)
            except ImportRejected as exc:
                form.add_error(None, str(exc))
            else:
                return _done(request, result.deck, result.summary())
        else:
            preview = form.cleaned_data["parsed"]
            form = CsvImportForm(initial={"text": text, "title": title})
    context = {"form": form, "preview": preview, "scope_label": _scope_label(scope)}
    return _respond(request, "studyapp/import_csv.html", "csv-form", context)


@require_http_methods(["GET", "POST"])
@login_required
def import_anki_package(request: HttpRequest) -> HttpResponse:
    owner, scope = owner_and_scope_for(request.user)
    form = AnkiImportForm(request.POST or None, request.FILES or None)
    notes = None
    if request.method == "POST" and form.is_valid():
        data, title = form.cleaned_data["data"], form.cleaned_data["title"]
        if "confirm" in request.POST:
            try:
                result = import_anki(data=data, title=title, owner=owner, scope=scope)
            except ImportRejected as exc:
                form.add_error(None, str(exc))
            else:
                return _done(request, result.deck, result.summary())
        else:
            notes = form.cleaned_data["notes"]
            form = AnkiImportForm(initial=form.preview_initial())
    context = {
        "form": form,
        "notes": notes,
        "shown": notes[:ANKI_PREVIEW_NOTES] if notes else [],
        "scope_label": _scope_label(scope),
    }
    return _respond(request, "studyapp/import_anki.html", "anki-form", context)


def _scope_label(scope: str) -> str:
    return Deck.Scope(scope).label
