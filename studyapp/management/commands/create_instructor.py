import secrets

from django.core.management.base import BaseCommand, CommandError

from studyapp.models import User


class Command(BaseCommand):
    help = "Create an instructor account (or promote an existing user) and print a one-time password."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="")

    def handle(self, *args, username: str, email: str, **options):
        user, created = User.objects.get_or_create(username=username, defaults={"email": email})
        if user.is_instructor and not created:
            raise CommandError(f"{username} is already an instructor.")
        user.role = User.Role.INSTRUCTOR
        if created:
            password = secrets.token_urlsafe(12)
            user.set_password(password)
            user.save()
            self.stdout.write(f"Created instructor {username} with password: {password}")
        else:
            user.save(update_fields=["role"])
            self.stdout.write(f"{username} is now an instructor.")
