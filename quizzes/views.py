from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from quizzes.models import Classroom


@require_GET
@login_required
def index(request: HttpRequest) -> HttpResponse:
    context = {
        "taught": Classroom.objects.taught_by(request.user),
        "joined": Classroom.objects.joined_by(request.user),
    }
    return render(request, "quizzes/index.html", context)
