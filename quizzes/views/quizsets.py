import random

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from quizzes import services
from quizzes.access import get_quiz_set_for_owner
from quizzes.forms import AddQuestionsForm, QuizSetForm
from quizzes.models import Question, QuizSet
from quizzes.views.deleting import Outcomes, delete_or_archive
from studyapp.access import instructor_required
from studyapp.views.rendering import render_page


@require_GET
@login_required
@instructor_required
def quiz_set_list(request: HttpRequest) -> HttpResponse:
    quiz_sets = list(QuizSet.objects.owned_by(request.user).prefetch_related("decks"))
    context = {
        "quiz_sets": [s for s in quiz_sets if s.archived_at is None],
        "archived": [s for s in quiz_sets if s.archived_at is not None],
        "nav": "classes",
    }
    return render(request, "quizzes/quiz_set_list.html", context)


@require_POST
@login_required
def quiz_set_duplicate(request: HttpRequest, quiz_set_id: int) -> HttpResponse:
    quiz_set = get_quiz_set_for_owner(request.user, quiz_set_id)
    copy = services.duplicate_quiz_set(quiz_set=quiz_set)
    messages.success(request, f"{copy.title} created: edit it freely, {quiz_set.title} is unchanged.")
    return redirect("quizzes:quiz-set-edit", quiz_set_id=copy.pk)


@require_http_methods(["GET", "POST"])
@login_required
def quiz_set_delete(request: HttpRequest, quiz_set_id: int) -> HttpResponse:
    quiz_set = get_quiz_set_for_owner(request.user, quiz_set_id)
    return delete_or_archive(
        request,
        quiz_set,
        label=f"the quiz set {quiz_set.title}",
        delete=lambda now: services.delete_quiz_set(quiz_set=quiz_set, now=now),
        outcomes=Outcomes(
            restored=f"{quiz_set.title} restored; its archived assignments stay archived.",
            archived=f"{quiz_set.title} archived with its assignments: their gradebooks are kept.",
            deleted=f"{quiz_set.title} deleted.",
            after_delete=reverse("quizzes:quiz-set-list"),
        ),
        assignments=quiz_set.assignments.filter(archived_at__isnull=True).count(),
    )


def _save(request: HttpRequest, form: QuizSetForm, quiz_set: QuizSet | None) -> QuizSet | None:
    data = form.cleaned_data
    try:
        return services.save_quiz_set(
            owner=request.user,
            title=data["title"],
            mode=data["mode"],
            decks=data["decks"],
            section_kinds=data["section_kinds"],
            question_kinds=data["question_kinds"],
            questions_per_attempt=data["questions_per_attempt"],
            bank_per_attempt=data["bank_per_attempt"],
            bank_tags=services.normalise_tags(data["bank_tags"]),
            quiz_set=quiz_set,
        )
    except ValidationError as error:
        form.add_error(None, error)
        return None


@require_http_methods(["GET", "POST"])
@login_required
@instructor_required
def quiz_set_create(request: HttpRequest) -> HttpResponse:
    form = QuizSetForm(request.POST or None, user=request.user, initial={"mode": QuizSet.Mode.RULES})
    if request.method == "POST" and form.is_valid():
        quiz_set = _save(request, form, None)
        if quiz_set is not None:
            messages.success(request, "Quiz set saved.")
            return redirect("quizzes:quiz-set-edit", quiz_set_id=quiz_set.pk)
    return render(request, "quizzes/quiz_set_form.html", {"form": form, "nav": "classes"})


@require_http_methods(["GET", "POST"])
@login_required
def quiz_set_edit(request: HttpRequest, quiz_set_id: int) -> HttpResponse:
    quiz_set = get_quiz_set_for_owner(request.user, quiz_set_id)
    initial = {
        "title": quiz_set.title,
        "mode": quiz_set.mode,
        "decks": list(quiz_set.decks.all()),
        "section_kinds": quiz_set.section_kinds,
        "question_kinds": quiz_set.question_kinds,
        "questions_per_attempt": quiz_set.questions_per_attempt,
        "bank_per_attempt": quiz_set.bank_per_attempt,
        "bank_tags": ", ".join(quiz_set.bank_tags),
    }
    form = QuizSetForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid() and _save(request, form, quiz_set) is not None:
        messages.success(request, "Quiz set saved.")
        return redirect("quizzes:quiz-set-edit", quiz_set_id=quiz_set.pk)
    return render(request, "quizzes/quiz_set_form.html", _edit_context(quiz_set, form))


def _edit_context(quiz_set: QuizSet, form: QuizSetForm, add_form: AddQuestionsForm | None = None) -> dict:
    return {
        "quiz_set": quiz_set,
        "form": form,
        "add_form": add_form or AddQuestionsForm(),
        "questions": quiz_set.questions.order_by("pk"),
        "bank": Question.objects.in_bank_of(quiz_set.owner).exclude(quiz_sets=quiz_set).order_by("-pk"),
        "preview": services.preview_questions(quiz_set=quiz_set)
        if quiz_set.mode == QuizSet.Mode.RULES
        else [],
        "nav": "classes",
    }


@require_POST
@login_required
def quiz_set_add_questions(request: HttpRequest, quiz_set_id: int) -> HttpResponse:
    quiz_set = get_quiz_set_for_owner(request.user, quiz_set_id)
    add_form = AddQuestionsForm(request.POST)
    if add_form.is_valid():
        try:
            added = services.add_generated_questions(
                quiz_set=quiz_set,
                count=add_form.cleaned_data["count"],
                seed=random.SystemRandom().randrange(2**31),
            )
        except ValidationError as error:
            add_form.add_error(None, error)
        else:
            asked = add_form.cleaned_data["count"]
            if len(added) < asked:
                messages.warning(request, services.shortfall_message(asked=asked, made=len(added)))
            if not request.htmx:
                messages.success(request, f"{len(added)} questions added; remove the ones you do not want.")
                return redirect("quizzes:quiz-set-edit", quiz_set_id=quiz_set.pk)
    form = QuizSetForm(user=request.user, initial={"title": quiz_set.title, "mode": quiz_set.mode})
    return render_page(
        request, "quizzes/quiz_set_form.html", "quiz-set-questions", _edit_context(quiz_set, form, add_form)
    )


@require_POST
@login_required
def quiz_set_remove_question(request: HttpRequest, quiz_set_id: int, question_id: int) -> HttpResponse:
    quiz_set = get_quiz_set_for_owner(request.user, quiz_set_id)
    services.remove_question(quiz_set=quiz_set, question_id=question_id)
    if not request.htmx:
        return redirect("quizzes:quiz-set-edit", quiz_set_id=quiz_set.pk)
    form = QuizSetForm(user=request.user)
    return render_page(
        request, "quizzes/quiz_set_form.html", "quiz-set-questions", _edit_context(quiz_set, form)
    )


@require_POST
@login_required
def quiz_set_add_bank(request: HttpRequest, quiz_set_id: int) -> HttpResponse:
    quiz_set = get_quiz_set_for_owner(request.user, quiz_set_id)
    ids = [int(i) for i in request.POST.getlist("question") if i.isascii() and i.isdigit() and len(i) <= 18]
    added = services.add_bank_questions(quiz_set=quiz_set, question_ids=ids)
    messages.success(request, f"{added} question{'s' if added != 1 else ''} from your bank added.")
    return redirect("quizzes:quiz-set-edit", quiz_set_id=quiz_set.pk)
