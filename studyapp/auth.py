"""Loading the signed-in learner: one query that also brings what every review request needs."""

import functools

from django.contrib.auth.backends import ModelBackend
from django.db import connection
from django.db.models import Exists, OuterRef, Subquery
from django.db.models.sql.compiler import SQLCompiler

from studyapp.models import BacklogPlan, ExamPlan, ParameterFit, User


def with_study_context(users):
    """Annotate each user with what the review path would otherwise query on every answer: `fitted_parameters`
    (their latest fit's parameters, None before a first fit) and whether they have any exam plan or unfinished
    backlog plan at all (`has_exam_plans`, `has_backlog_plan`; when true, plans.py reads the plans)."""
    latest = (
        ParameterFit.objects.filter(user=OuterRef("pk")).order_by("-fitted_at", "-id").values("parameters")
    )
    return users.annotate(
        fitted_parameters=Subquery(latest[:1]),
        has_exam_plans=Exists(ExamPlan.objects.filter(user=OuterRef("pk"))),
        has_backlog_plan=Exists(BacklogPlan.objects.filter(user=OuterRef("pk"), finished_at__isnull=True)),
    )


class LearnerBackend(ModelBackend):
    """ModelBackend whose session user carries its study context (with_study_context), so grading a card reads
    the learner's scheduler and plans in the query that loads them rather than in three more."""

    def get_user(self, user_id):
        user = _session_user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


# Stands for the user's id while the query is compiled; no real id is negative.
_ANY_ID = -7_654_321


@functools.cache
def _compiled(alias: str, vendor: str) -> tuple[SQLCompiler, str, list]:
    """The session user's query, compiled by the ORM once per process (and database): every request loads the
    signed-in user, and compiling this query (three subqueries over a wide table) cost more than running it."""
    query = with_study_context(User._default_manager.using(alias).all()).filter(pk=_ANY_ID)[:1].query
    compiler = query.get_compiler(using=alias)
    sql, params = compiler.as_sql()
    return compiler, sql, list(params)


def _session_user(user_id) -> User | None:
    """with_study_context(...).filter(pk=user_id).first(), run from the compiled query: the row goes through the
    same converters and becomes the same instance the queryset would give."""
    compiler, sql, params = _compiled(connection.alias, connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql, [user_id if value == _ANY_ID else value for value in params])
        rows = cursor.fetchall()
    if not rows:
        return None
    (row,) = compiler.results_iter(results=[rows])
    fields = compiler.klass_info["select_fields"]
    start, end = fields[0], fields[-1] + 1
    user = User.from_db(
        connection.alias, [column.target.attname for column, *_ in compiler.select[start:end]], row[start:end]
    )
    for name, position in compiler.annotation_col_map.items():
        setattr(user, name, row[position])
    return user
