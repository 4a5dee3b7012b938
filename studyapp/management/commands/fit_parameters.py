from django.core.management.base import BaseCommand, CommandError

from studyapp.models import Review, User
from studyapp.services.fitting import fit_learner_parameters


class Command(BaseCommand):
    help = "Fit learners' personal FSRS parameters to their review history (the defaults stay until it is long enough)."

    def add_arguments(self, parser):
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--user", metavar="USERNAME")
        target.add_argument("--all", action="store_true", help="Every learner with flashcard reviews.")

    def handle(self, *args, user: str | None, all: bool, **options):
        if user:
            learner = User.objects.filter(username=user).first()
            if learner is None:
                raise CommandError(f"No user named {user!r}.")
            learners = [learner]
        else:
            learners = User.objects.filter(
                pk__in=Review.objects.filter(source=Review.Source.REVIEW).values("user_id")
            ).order_by("username")
        for learner in learners:
            fit = fit_learner_parameters(user=learner)
            if fit:
                self.stdout.write(f"{learner.username}: fitted on {fit.review_count} reviews.")
            else:
                self.stdout.write(
                    f"{learner.username}: not enough reviews yet; keeping the default parameters."
                )
