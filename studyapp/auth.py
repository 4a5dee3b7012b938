"""Loading the signed-in learner: one query that also brings what every review request needs."""

from django.contrib.auth.backends import ModelBackend
from django.db.models import OuterRef, Subquery

from studyapp.models import ParameterFit, User


def with_fitted_parameters(users):
    """Annotate each user with `fitted_parameters`: their latest fit's parameters, None before a first fit."""
    latest = (
        ParameterFit.objects.filter(user=OuterRef("pk")).order_by("-fitted_at", "-id").values("parameters")
    )
    return users.annotate(fitted_parameters=Subquery(latest[:1]))


class LearnerBackend(ModelBackend):
    """ModelBackend whose session user carries `fitted_parameters`, so grading a card reads the learner's
    scheduler in the query that loads them rather than one more."""

    def get_user(self, user_id):
        user = with_fitted_parameters(User._default_manager.all()).filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
