"""API access: personal tokens and answers sent with a client-chosen id (offline sync)."""

from django.conf import settings
from django.db import models

from studyapp.models.core import CardState, Review


class ApiToken(models.Model):
    """A personal access token for the JSON API. Only a SHA-256 digest is stored: the token itself is shown once,
    when it is made, so a leaked database does not hand out working tokens."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=12, help_text="The token's first characters, to recognise it.")
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class ClientAnswer(models.Model):
    """An answer sent with an id the client chose (offline queue, API retries): the first arrival decides,
    every later arrival with the same id gets the same outcome and changes nothing."""

    class Outcome(models.TextChoices):
        APPLIED = "applied", "Applied"
        SKIPPED = "skipped", "Skipped"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    client_id = models.CharField(max_length=64)
    card_state = models.ForeignKey(CardState, null=True, on_delete=models.SET_NULL, related_name="+")
    review = models.ForeignKey(Review, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    message = models.CharField(max_length=200, blank=True)
    received_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "client_id"], name="one_client_answer_per_id")]
