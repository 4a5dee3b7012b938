"""The instructor's question bank: questions they write, checked like generated ones, mixed into quiz sets."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from quizzes import services
from quizzes.access import get_bank_question_for_owner
from quizzes.forms import BankQuestionForm
from quizzes.models import Question
from studyapp.access import instructor_required


@require_GET
@login_required
@instructor_required
def question_bank(request: HttpRequest) -> HttpResponse:
    questions = Question.objects.in_bank_of(request.user).select_related("deck").order_by("-pk")
    tag = request.GET.get("tag", "").strip().lower()
    all_tags = sorted({t for q in questions for t in q.tags})
    if tag:
        questions = [q for q in questions if tag in q.tags]
    context = {"questions": questions, "tags": all_tags, "tag": tag, "nav": "classes"}
    return render(request, "quizzes/question_bank.html", context)


def _save(request: HttpRequest, form: BankQuestionForm, question: Question | None) -> Question | None:
    data = form.cleaned_data
    options, answer = form.options_and_answer()
    try:
        return services.save_bank_question(
            owner=request.user,
            stem=data["stem"],
            options=options,
            answer=answer,
            kind=data["kind"],
            explanation=data["explanation"],
            tags=services.normalise_tags(data["tags"]),
            deck=data["deck"],
            section_kind=data["section_kind"],
            question=question,
        )
    except (ValidationError, PermissionDenied) as error:
        form.add_error(None, error.messages if isinstance(error, ValidationError) else str(error))
        return None


@require_http_methods(["GET", "POST"])
@login_required
@instructor_required
def bank_question_create(request: HttpRequest) -> HttpResponse:
    form = BankQuestionForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid() and _save(request, form, None) is not None:
        messages.success(request, "Question saved to your bank.")
        return redirect("quizzes:question-bank")
    return render(request, "quizzes/bank_question_form.html", {"form": form, "nav": "classes"})


@require_http_methods(["GET", "POST"])
@login_required
def bank_question_edit(request: HttpRequest, question_id: int) -> HttpResponse:
    question = get_bank_question_for_owner(request.user, question_id)
    form = BankQuestionForm(
        request.POST or None, user=request.user, initial=BankQuestionForm.initial_for(question)
    )
    if request.method == "POST" and form.is_valid():
        saved = _save(request, form, question)
        if saved is not None:
            if saved.pk != question.pk:
                messages.success(
                    request,
                    "Saved as a new version: students' past answers keep the old one, your quiz sets use the new.",
                )
            else:
                messages.success(request, "Question saved.")
            return redirect("quizzes:question-bank")
    answered = question.attempt_answers.exclude(chosen=None).count()
    context = {"form": form, "question": question, "answered": answered, "nav": "classes"}
    return render(request, "quizzes/bank_question_form.html", context)


@require_POST
@login_required
def bank_question_delete(request: HttpRequest, question_id: int) -> HttpResponse:
    question = get_bank_question_for_owner(request.user, question_id)
    services.retire_bank_question(question=question, now=timezone.now())
    messages.success(request, "Question removed from your bank and quiz sets; past attempts keep it.")
    return redirect("quizzes:question-bank")
