"""URLs of the study core (decks, imports, review), namespaced `studyapp:`; the root `urls.py` includes them."""

from django.urls import path

from studyapp.views import decks, exports, imports, items, media, plans, reports, review

app_name = "studyapp"

urlpatterns = [
    path("decks/", decks.decks, name="decks"),
    path("decks/import/", imports.import_article, name="import-article"),
    path("decks/import/csv/", imports.import_flashcards, name="import-csv"),
    path("decks/import/anki/", imports.import_anki_package, name="import-anki"),
    path("decks/import/anki/<int:import_id>/", imports.anki_import_status, name="anki-import"),
    path("decks/import/anki/<int:import_id>/start/", imports.anki_import_start, name="anki-import-start"),
    path("decks/<int:deck_id>/media/<str:name>", media.deck_media, name="deck-media"),
    path("decks/<int:deck_id>/export.apkg", exports.deck_export, name="deck-export"),
    path("decks/export.apkg", exports.collection_export, name="collection-export"),
    path("decks/exports/<int:export_id>/", exports.anki_export_status, name="anki-export"),
    path(
        "decks/exports/<int:export_id>/package.apkg",
        exports.anki_export_download,
        name="anki-export-download",
    ),
    path("decks/<int:deck_id>/", decks.deck, name="deck"),
    path("decks/<int:deck_id>/items/<int:item_id>/edit/", items.item_edit, name="item-edit"),
    path("decks/<int:deck_id>/study/", decks.add_to_studies, name="deck-add"),
    path("decks/<int:deck_id>/unstudy/", decks.remove_from_studies, name="deck-remove"),
    path("study/", review.review, name="review"),
    path("study/plans/", plans.plans_page, name="plans"),
    path("study/plans/exams/", plans.exam_plan, name="exam-plan"),
    path("study/plans/exams/<int:plan_id>/delete/", plans.exam_plan_delete, name="exam-plan-delete"),
    path("study/plans/backlog/", plans.backlog_plan, name="backlog-plan"),
    path("study/plans/backlog/stop/", plans.backlog_stop, name="backlog-stop"),
    path("study/plans/simulator/", plans.simulator, name="simulator"),
    path("study/answer/", review.answer, name="answer"),
    path("study/undo/", review.undo, name="undo"),
    path("study/card-action/", review.card_action, name="card-action"),
    path("decks/<int:deck_id>/templates/", review.deck_templates, name="deck-templates"),
    path("decks/<int:deck_id>/reports/resolve/", reports.resolve_reports, name="reports-resolve"),
    path("study/cards/<int:card_state_id>/report/", reports.report_card, name="report-card"),
]
