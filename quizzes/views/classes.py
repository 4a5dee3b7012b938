from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from quizzes import services
from quizzes.access import get_classroom_for_instructor
from quizzes.forms import ClassroomForm, JoinForm
from studyapp.access import instructor_required


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
    context = {
        "classroom": classroom,
        "members": classroom.memberships.select_related("student").order_by("student__username"),
        "assignments": classroom.assignments.select_related("quiz_set").order_by("-opens_at"),
        "nav": "classes",
    }
    return render(request, "quizzes/class_detail.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def join(request: HttpRequest) -> HttpResponse:
    form = JoinForm(request.POST or None, initial={"code": request.GET.get("code", "")})
    if request.method == "POST" and form.is_valid():
        try:
            classroom = services.join_class(student=request.user, code=form.cleaned_data["code"])
        except ValidationError as error:
            form.add_error("code", error)
        else:
            messages.success(request, f"You joined {classroom.name}.")
            return redirect("quizzes:index")
    return render(request, "quizzes/join.html", {"form": form, "nav": "quizzes"})
