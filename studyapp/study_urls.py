"""URLs of the study core, namespaced `studyapp:`."""

from django.urls import path

from studyapp.views import review

app_name = "studyapp"

urlpatterns: list = [
    path("study/", review.review, name="review"),
    path("study/answer/", review.answer, name="answer"),
    path("study/undo/", review.undo, name="undo"),
    path("study/card-action/", review.card_action, name="card-action"),
    path("decks/<int:deck_id>/templates/", review.deck_templates, name="deck-templates"),
]
