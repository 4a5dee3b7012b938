"""A class's release plan: which deck or list reaches the students on which date."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from quizzes import services
from quizzes.access import get_classroom_for_instructor
from quizzes.forms import ReleaseForm


@require_http_methods(["GET", "POST"])
@login_required
def class_releases(request: HttpRequest, classroom_id: int) -> HttpResponse:
    classroom = get_classroom_for_instructor(request.user, classroom_id)
    form = ReleaseForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        deck, section = form.deck_and_section()
        try:
            release = services.schedule_release(
                classroom=classroom, deck=deck, section=section, release_at=form.cleaned_data["release_at"]
            )
        except (ValidationError, PermissionDenied) as error:
            form.add_error(None, error.messages if isinstance(error, ValidationError) else str(error))
        else:
            when = timezone.localtime(release.release_at).strftime("%a %-d %b %Y, %H:%M")
            messages.success(request, f"{release.label} reaches {classroom.name} on {when}.")
            return redirect("quizzes:class-releases", classroom_id=classroom.pk)
    context = {
        "classroom": classroom,
        "form": form,
        "plan": classroom.releases.select_related("deck", "section"),
        "now": timezone.now(),
        "nav": "classes",
    }
    return render(request, "quizzes/class_releases.html", context)


@require_POST
@login_required
def class_release_delete(request: HttpRequest, classroom_id: int, release_id: int) -> HttpResponse:
    classroom = get_classroom_for_instructor(request.user, classroom_id)
    release = get_object_or_404(classroom.releases.select_related("deck", "section"), pk=release_id)
    services.delete_release(release=release)
    messages.success(request, f"{release.label} taken out of the plan: students have it now.")
    return redirect("quizzes:class-releases", classroom_id=classroom.pk)
