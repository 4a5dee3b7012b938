"""Classes, quiz sets, assignments and attempts."""

import secrets

from django.conf import settings
from django.db import models

JOIN_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: codes are read aloud in class


def new_join_code() -> str:
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(8))


class ClassroomQuerySet(models.QuerySet):
    def taught_by(self, user) -> "ClassroomQuerySet":
        return self.filter(instructor=user)

    def joined_by(self, user) -> "ClassroomQuerySet":
        return self.filter(memberships__student=user)


class Classroom(models.Model):
    instructor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="classrooms"
    )
    name = models.CharField(max_length=200)
    join_code = models.CharField(max_length=12, unique=True, default=new_join_code)
    show_class_average = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ClassroomQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ClassMembership(models.Model):
    classroom = models.ForeignKey(Classroom, on_delete=models.CASCADE, related_name="memberships")
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["classroom", "student"], name="one_membership")]
