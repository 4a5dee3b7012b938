"""URLs of the study core, namespaced `studyapp:`."""

from django.urls import path

from studyapp.views import decks, imports

app_name = "studyapp"

urlpatterns = [
    path("decks/", decks.decks, name="decks"),
    path("decks/import/", imports.import_article, name="import-article"),
    path("decks/import/csv/", imports.import_flashcards, name="import-csv"),
    path("decks/<int:deck_id>/", decks.deck, name="deck"),
    path("decks/<int:deck_id>/study/", decks.add_to_studies, name="deck-add"),
    path("decks/<int:deck_id>/unstudy/", decks.remove_from_studies, name="deck-remove"),
]
