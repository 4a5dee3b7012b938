"""Walks every URL pattern of the project: anonymous users are sent to log in (or refused), and every URL that
names an object answers 404 to a stranger. A new view with an object id fails here until it is in the table."""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests import factories

# Pages anyone may open.
PUBLIC = {
    "home",  # the landing page for visitors
    "login",
    "logout",
    "signup",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    # The unsubscribe link of reminder e-mails works without logging in (a signed token names the learner).
    "reminders-unsubscribe",
    # What makes the app installable (no user data in them).
    "manifest",
    "service-worker",
    # The API's description and docs (no data in them) and its root, which lists nothing.
    "api:api-root",
    "api:openapi-json",
    "api:openapi-view",
}


@dataclass(frozen=True)
class ObjectUrl:
    """How to make an object owned by `owner_role` and the URL kwargs that name it."""

    build: Callable[[object], dict]
    method: str = "get"
    owner_role: str = "student"  # or "instructor": who owns the object


def _private_deck(owner) -> dict:
    return {"deck_id": factories.make_deck(owner=owner).pk}


def _private_item(owner) -> dict:
    deck = factories.make_deck(owner=owner)
    item = factories.make_item(factories.make_section(deck), "Fever")
    return {"deck_id": deck.pk, "item_id": item.pk}


def _anki_import(owner) -> dict:
    from studyapp.models import AnkiImport

    job = AnkiImport.objects.create(owner=owner, file_name="x.apkg", path="/nonexistent.apkg", title="X")
    return {"import_id": job.pk}


def _anki_export(owner) -> dict:
    from studyapp.models import AnkiExport

    job = AnkiExport.objects.create(owner=owner, file_name="x.apkg", status=AnkiExport.Status.DONE)
    return {"export_id": job.pk}


def _deck_media(owner) -> dict:
    from studyapp.models import DeckMedia

    deck = factories.make_deck(owner=owner)
    DeckMedia.objects.create(deck=deck, name="heart.png", file="deck-media/none.png", sha256="0" * 64)
    return {"deck_id": deck.pk, "name": "heart.png"}


def _classroom_with_student(owner) -> dict:
    return {"classroom_id": factories.make_classroom(owner, students=(factories.make_user(),)).pk}


def _classroom(instructor) -> dict:
    return {"classroom_id": factories.make_classroom(instructor).pk}


def _quiz_set(instructor) -> dict:
    return {"quiz_set_id": factories.make_quiz_set(instructor).pk}


def _quiz_set_question(instructor) -> dict:
    quiz_set = factories.make_quiz_set(instructor)
    return {"quiz_set_id": quiz_set.pk, "question_id": quiz_set.questions.first().pk}


def _class_member(instructor) -> dict:
    student = factories.make_user()
    classroom = factories.make_classroom(instructor, students=(student,))
    return {"classroom_id": classroom.pk, "student_id": student.pk}


def _class_release(instructor) -> dict:
    from django.utils import timezone

    from quizzes.models import ClassRelease

    classroom = factories.make_classroom(instructor)
    release = ClassRelease.objects.create(
        classroom=classroom, deck=factories.make_deck(owner=instructor), release_at=timezone.now()
    )
    return {"classroom_id": classroom.pk, "release_id": release.pk}


def _bank_question(instructor) -> dict:
    question = factories.make_question()
    question.owner = instructor
    question.save()
    return {"question_id": question.pk}


def _taught_assignment(instructor) -> dict:
    return {"assignment_id": factories.make_assignment(instructor).pk}


def _joined_assignment(student) -> dict:
    return {"assignment_id": factories.make_assignment(factories.make_instructor(), students=(student,)).pk}


def _attempt(student) -> dict:
    return {"attempt_id": factories.make_attempt(student).pk}


def _attempt_question(student) -> dict:
    return {"attempt_id": factories.make_attempt(student).pk, "position": 1}


def _card_state(owner) -> dict:
    card = factories.make_card(factories.make_deck(owner=owner))
    return {"card_state_id": factories.make_card_state(owner, card).pk}


def _private_section(owner) -> dict:
    return {"section_id": factories.make_section(factories.make_deck(owner=owner)).pk}


def _api_token(owner) -> dict:
    from studyapp.services.tokens import create_token

    return {"token_id": create_token(user=owner, name="script")[0].pk}


def _exam_plan(owner) -> dict:
    import datetime as dt

    from studyapp.models import ExamPlan

    deck = factories.make_deck(owner=owner)
    plan = ExamPlan.objects.create(user=owner, deck=deck, exam_date=dt.date.today() + dt.timedelta(days=30))
    return {"plan_id": plan.pk}


def _class_exam(instructor) -> dict:
    import datetime as dt

    from quizzes.models import ClassExam

    classroom = factories.make_classroom(instructor)
    exam = ClassExam.objects.create(
        classroom=classroom, deck=factories.make_deck(owner=instructor), exam_date=dt.date(2030, 1, 1)
    )
    return {"classroom_id": classroom.pk, "exam_id": exam.pk}


# Every URL that takes an object id. Later features add their objects here.
OBJECT_URLS: dict[str, ObjectUrl] = {
    "studyapp:deck": ObjectUrl(_private_deck),
    "studyapp:deck-add": ObjectUrl(_private_deck, method="post"),
    "studyapp:deck-remove": ObjectUrl(_private_deck, method="post"),
    "studyapp:deck-templates": ObjectUrl(build=_private_deck, owner_role="instructor"),
    "studyapp:item-edit": ObjectUrl(_private_item, owner_role="instructor"),
    "studyapp:reports-resolve": ObjectUrl(_private_deck, method="post", owner_role="instructor"),
    "studyapp:report-card": ObjectUrl(_card_state, method="post"),
    "studyapp:anki-import": ObjectUrl(_anki_import),
    "studyapp:anki-import-start": ObjectUrl(_anki_import, method="post"),
    "studyapp:deck-media": ObjectUrl(_deck_media),
    "studyapp:deck-export": ObjectUrl(_private_deck),
    "studyapp:anki-export": ObjectUrl(_anki_export),
    "studyapp:anki-export-download": ObjectUrl(_anki_export),
    "quizzes:class-dashboard": ObjectUrl(_classroom_with_student, owner_role="instructor"),
    "quizzes:class-dashboard-csv": ObjectUrl(_classroom_with_student, owner_role="instructor"),
    "quizzes:class-detail": ObjectUrl(_classroom, owner_role="instructor"),
    "quizzes:assignment-create": ObjectUrl(_classroom, owner_role="instructor"),
    "quizzes:class-edit": ObjectUrl(_classroom, owner_role="instructor"),
    "quizzes:class-releases": ObjectUrl(_classroom, owner_role="instructor"),
    "quizzes:class-release-delete": ObjectUrl(_class_release, method="post", owner_role="instructor"),
    "quizzes:class-exams": ObjectUrl(_classroom, owner_role="instructor"),
    "quizzes:class-exam-delete": ObjectUrl(_class_exam, method="post", owner_role="instructor"),
    "quizzes:class-duplicate": ObjectUrl(_classroom, method="post", owner_role="instructor"),
    "quizzes:class-delete": ObjectUrl(_classroom, owner_role="instructor"),
    "quizzes:class-join-code": ObjectUrl(_classroom, method="post", owner_role="instructor"),
    "quizzes:class-remove-student": ObjectUrl(_class_member, method="post", owner_role="instructor"),
    "quizzes:bank-question-edit": ObjectUrl(_bank_question, owner_role="instructor"),
    "quizzes:bank-question-delete": ObjectUrl(_bank_question, method="post", owner_role="instructor"),
    "quizzes:quiz-set-add-bank": ObjectUrl(_quiz_set, method="post", owner_role="instructor"),
    "quizzes:quiz-set-duplicate": ObjectUrl(_quiz_set, method="post", owner_role="instructor"),
    "quizzes:quiz-set-delete": ObjectUrl(_quiz_set, owner_role="instructor"),
    "quizzes:assignment-edit": ObjectUrl(_taught_assignment, owner_role="instructor"),
    "quizzes:assignment-duplicate": ObjectUrl(_taught_assignment, owner_role="instructor"),
    "quizzes:assignment-delete": ObjectUrl(_taught_assignment, owner_role="instructor"),
    "quizzes:quiz-set-edit": ObjectUrl(_quiz_set, owner_role="instructor"),
    "quizzes:quiz-set-add-questions": ObjectUrl(_quiz_set, method="post", owner_role="instructor"),
    "quizzes:quiz-set-remove-question": ObjectUrl(_quiz_set_question, method="post", owner_role="instructor"),
    "quizzes:gradebook": ObjectUrl(_taught_assignment, owner_role="instructor"),
    "quizzes:gradebook-csv": ObjectUrl(_taught_assignment, owner_role="instructor"),
    "quizzes:item-analysis": ObjectUrl(_taught_assignment, owner_role="instructor"),
    "quizzes:assignment": ObjectUrl(_joined_assignment),
    "quizzes:assignment-start": ObjectUrl(_joined_assignment, method="post"),
    "quizzes:attempt": ObjectUrl(_attempt),
    "quizzes:attempt-answer": ObjectUrl(_attempt, method="post"),
    "quizzes:attempt-submit": ObjectUrl(_attempt, method="post"),
    "quizzes:attempt-result": ObjectUrl(_attempt),
    "quizzes:attempt-report": ObjectUrl(_attempt, method="post"),
    "api-token-revoke": ObjectUrl(_api_token, method="post"),
    "studyapp:exam-plan-delete": ObjectUrl(_exam_plan, method="post"),
    # The JSON API answers strangers 404 too (and anonymous callers 401).
    "api:get_deck": ObjectUrl(_private_deck),
    "api:study_deck": ObjectUrl(_private_deck, method="post"),
    "api:unstudy_deck": ObjectUrl(_private_deck, method="delete"),
    "api:get_list": ObjectUrl(_private_section),
    "api:start_attempt": ObjectUrl(_joined_assignment, method="post"),
    "api:get_attempt": ObjectUrl(_attempt),
    "api:answer_question": ObjectUrl(_attempt_question, method="put"),
    "api:submit_attempt": ObjectUrl(_attempt, method="post"),
}


def _walk(patterns, prefix: str = "", namespace: str | None = None, params: tuple = ()):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            if ns == "admin":
                continue  # Django's admin guards itself (staff only)
            child_ns = f"{namespace}:{entry.namespace}" if namespace and entry.namespace else ns
            # An id in an include's prefix (classes/<classroom_id>/...) is a parameter of every URL below it.
            inherited = (*params, *entry.pattern.converters)
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), child_ns, inherited)
        elif isinstance(entry, URLPattern) and entry.name:
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            yield name, prefix + str(entry.pattern), [*params, *entry.pattern.converters]


ALL_URLS = sorted(
    {(name, route, tuple(params)) for name, route, params in _walk(get_resolver().url_patterns)}
)
PRIVATE_URLS = [u for u in ALL_URLS if u[0] not in PUBLIC]


def test_the_walk_sees_the_projects_views():
    names = {name for name, _, _ in ALL_URLS}
    assert {"home", "signup", "login", "study-settings", "quizzes:index"} <= names


@pytest.mark.parametrize(("name", "route", "params"), [u for u in PRIVATE_URLS if u[2]], ids=lambda v: str(v))
def test_every_url_with_an_object_id_is_in_the_table(name, route, params):
    assert name in OBJECT_URLS, f"{name} ({route}) takes {params}: add it to OBJECT_URLS"


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "route", "params"), PRIVATE_URLS, ids=lambda v: str(v))
def test_anonymous_users_are_sent_to_log_in(client, name, route, params):
    owner = factories.make_instructor() if params and OBJECT_URLS[name].owner_role == "instructor" else None
    owner = owner or factories.make_user()
    kwargs = OBJECT_URLS[name].build(owner) if params else {}
    url = reverse(name, kwargs=kwargs)
    for method in ("get", "post"):
        response = getattr(client, method)(url)
        if name.startswith("api:"):
            # The API never redirects: 401 with a JSON reason (405 for a method the route does not have).
            assert response.status_code in (401, 405), f"{method} {url} gave {response.status_code}"
            if response.status_code == 401:
                assert "Authentication required" in response.json()["detail"]
            continue
        if response.status_code == 302:
            assert response["Location"].startswith(reverse("login")), (
                f"{method} {url} -> {response['Location']}"
            )
        else:
            assert response.status_code in (403, 404, 405), f"{method} {url} gave {response.status_code}"


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(OBJECT_URLS))
@pytest.mark.parametrize("stranger_role", ["student", "instructor"])
def test_strangers_get_404_for_someone_elses_object(client, name, stranger_role):
    spec = OBJECT_URLS[name]
    owner = factories.make_instructor() if spec.owner_role == "instructor" else factories.make_user()
    url = reverse(name, kwargs=spec.build(owner))
    stranger = factories.make_instructor() if stranger_role == "instructor" else factories.make_user()
    client.force_login(stranger)
    kwargs = {"data": {"chosen": 0}, "content_type": "application/json"} if spec.method == "put" else {}
    response = getattr(client, spec.method)(url, **kwargs)
    assert response.status_code == 404, f"{stranger_role} stranger got {response.status_code} from {url}"
