from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from quizzes import services
from quizzes.access import get_classroom_for_instructor
from quizzes.forms import ClassroomForm, ClassSettingsForm, JoinForm
from quizzes.views.deleting import Outcomes, delete_or_archive
from studyapp.access import instructor_required

# Codes are 8 of 32 characters (about 10^12), so guessing one takes millions of tries; ten wrong codes an hour
# per learner is plenty for typos and keeps a script from walking the code space from one account.
JOIN_FAILURES_PER_HOUR = 10


@require_http_methods(["GET", "POST"])
@login_required
@instructor_required
def class_create(request: HttpRequest) -> HttpResponse:
    form = ClassroomForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        classroom = services.create_class(instructor=request.user, name=form.cleaned_data["name"])
        messages.success(request, f"Class created. Students join with the code {classroom.join_code}.")
        return redirect("quizzes:class-detail", classroom_id=classroom.pk)
    return render(request, "quizzes/class_form.html", {"form": form, "nav": "classes"})


@require_GET
@login_required
def class_detail(request: HttpRequest, classroom_id: int) -> HttpResponse:
    classroom = get_classroom_for_instructor(request.user, classroom_id)
    assignments = list(classroom.assignments.select_related("quiz_set").order_by("-opens_at"))
    context = {
        "classroom": classroom,
        "members": classroom.memberships.select_related("student").order_by("student__username"),
        "assignments": [a for a in assignments if a.archived_at is None],
        "archived_assignments": [a for a in assignments if a.archived_at is not None],
        "releases": classroom.releases.select_related("deck", "section"),
        "nav": "classes",
    }
    return render(request, "quizzes/class_detail.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def class_edit(request: HttpRequest, classroom_id: int) -> HttpResponse:
    classroom = get_classroom_for_instructor(request.user, classroom_id)
    form = ClassSettingsForm(
        request.POST or None,
        initial={"name": classroom.name, "show_class_average": classroom.show_class_average},
    )
    if request.method == "POST" and form.is_valid():
        services.update_class(classroom=classroom, **form.cleaned_data)
        messages.success(request, "Class saved.")
        return redirect("quizzes:class-detail", classroom_id=classroom.pk)
    return render(
        request, "quizzes/class_form.html", {"form": form, "classroom": classroom, "nav": "classes"}
    )


@require_POST
@login_required
def class_duplicate(request: HttpRequest, classroom_id: int) -> HttpResponse:
    classroom = get_classroom_for_instructor(request.user, classroom_id)
    copy = services.duplicate_class(classroom=classroom)
    messages.success(
        request,
        f"{copy.name} created with {copy.assignments.count()} assignments and the join code {copy.join_code}.",
    )
    return redirect("quizzes:class-detail", classroom_id=copy.pk)


@require_http_methods(["GET", "POST"])
@login_required
def class_delete(request: HttpRequest, classroom_id: int) -> HttpResponse:
    classroom = get_classroom_for_instructor(request.user, classroom_id)
    return delete_or_archive(
        request,
        classroom,
        label=f"the class {classroom.name}",
        delete=lambda now: services.delete_class(classroom=classroom, now=now),
        outcomes=Outcomes(
            restored=f"{classroom.name} restored.",
            archived=f"{classroom.name} archived: its gradebooks are kept.",
            deleted=f"{classroom.name} deleted.",
            after_delete=reverse("quizzes:index"),
        ),
    )


@require_POST
@login_required
def class_join_code(request: HttpRequest, classroom_id: int) -> HttpResponse:
    classroom = get_classroom_for_instructor(request.user, classroom_id)
    code = services.regenerate_join_code(classroom=classroom)
    messages.success(request, f"New join code: {code}. The old code no longer works; members stay.")
    return redirect("quizzes:class-detail", classroom_id=classroom.pk)


@require_POST
@login_required
def class_remove_student(request: HttpRequest, classroom_id: int, student_id: int) -> HttpResponse:
    classroom = get_classroom_for_instructor(request.user, classroom_id)
    membership = get_object_or_404(classroom.memberships.select_related("student"), student_id=student_id)
    services.remove_student(classroom=classroom, student_id=membership.student_id, now=timezone.now())
    messages.success(
        request,
        f"{membership.student.username} removed from {classroom.name}. "
        "Their attempts are kept and come back if they rejoin.",
    )
    return redirect("quizzes:class-detail", classroom_id=classroom.pk)


@require_http_methods(["GET", "POST"])
@login_required
def join(request: HttpRequest) -> HttpResponse:
    form = JoinForm(request.POST or None, initial={"code": request.GET.get("code", "")})
    failures_key = f"join-failures:{request.user.pk}"
    if request.method == "POST" and form.is_valid():
        if cache.get(failures_key, 0) >= JOIN_FAILURES_PER_HOUR:
            form.add_error("code", "Too many wrong join codes: try again in an hour.")
            return render(request, "quizzes/join.html", {"form": form, "nav": "quizzes"})
        try:
            classroom = services.join_class(student=request.user, code=form.cleaned_data["code"])
        except ValidationError as error:
            form.add_error("code", error)
            # add() starts the hour at the first failure; incr() keeps that expiry.
            if not cache.add(failures_key, 1, timeout=60 * 60):
                try:
                    cache.incr(failures_key)
                except ValueError:  # expired between add() and incr()
                    cache.add(failures_key, 1, timeout=60 * 60)
        else:
            messages.success(request, f"You joined {classroom.name}.")
            return redirect("quizzes:index")
    return render(request, "quizzes/join.html", {"form": form, "nav": "quizzes"})
