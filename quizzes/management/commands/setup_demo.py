import secrets

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from quizzes.models import ClassMembership, Classroom
from studyapp.models import Deck, User
from studyapp.services.enrollment import add_deck_to_studies

DEMO_ACCOUNTS = (("student", User.Role.STUDENT), ("instructor", User.Role.INSTRUCTOR))


class Command(BaseCommand):
    help = "Load the bundled decks and create the demo student and instructor (passwords printed once)."

    def handle(self, *args, **options):
        call_command("load_bundled_decks", stdout=self.stdout)
        with transaction.atomic():
            for username, role in DEMO_ACCOUNTS:
                if User.objects.filter(username=username).exists():
                    self.stdout.write(
                        f"Demo account {username!r} exists (its password was printed when made)."
                    )
                    continue
                password = secrets.token_urlsafe(9)
                User.objects.create_user(username=username, password=password, role=role)
                self.stdout.write(self.style.SUCCESS(f"Demo {role} login: {username} / {password}"))
            instructor = User.objects.get(username="instructor")
            student = User.objects.get(username="student")
            classroom, _ = Classroom.objects.get_or_create(instructor=instructor, name="Demo class")
            ClassMembership.objects.get_or_create(classroom=classroom, student=student)
            # The demo student studies the library from the first minute.
            for deck in Deck.objects.filter(scope=Deck.Scope.LIBRARY):
                add_deck_to_studies(user=student, deck=deck)
