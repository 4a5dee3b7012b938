"""Deleting what an instructor made (a class, a quiz set, an assignment): one flow for all three. GET asks for
confirmation and says what will happen; POST deletes it, or archives it when students attempted anything (so
the gradebook stays readable); POST with `restore` brings an archived one back."""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from quizzes import services


@dataclass(frozen=True)
class Outcomes:
    """What the instructor is told after each outcome, and where they go next."""

    restored: str
    archived: str
    deleted: str
    after_delete: str  # a URL; after a restore, the object's own page


def delete_or_archive(
    request: HttpRequest,
    obj,
    *,
    label: str,
    delete: Callable,
    outcomes: Outcomes,
    **context,
) -> HttpResponse:
    """`delete(now=...)` is the service that deletes or archives `obj` and says which it did."""
    if request.method == "POST":
        if request.POST.get("restore"):
            services.restore(obj=obj)
            messages.success(request, outcomes.restored)
            return redirect(obj)
        outcome = delete(now=timezone.now())
        messages.success(request, outcomes.archived if outcome == services.ARCHIVED else outcomes.deleted)
        return redirect(outcomes.after_delete)
    return render(
        request,
        "quizzes/confirm_delete.html",
        {
            "object_label": label,
            "attempts": services.attempts_on(obj).count(),
            "archived": obj.archived_at is not None,
            "cancel_url": obj.get_absolute_url(),
            "nav": "classes",
            **context,
        },
    )
