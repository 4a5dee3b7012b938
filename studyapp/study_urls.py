"""URLs of the study core, namespaced `studyapp:`."""

from django.urls import path  # noqa: F401  (features add their paths here)

app_name = "studyapp"

urlpatterns: list = []
