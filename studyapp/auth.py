"""Loading the signed-in learner: one query that also brings what every review request needs."""

from django.contrib.auth.backends import ModelBackend
from django.db.models import Exists, OuterRef, Subquery

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
        user = with_study_context(User._default_manager.all()).filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
