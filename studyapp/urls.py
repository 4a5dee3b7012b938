"""The root URLconf: the project's pages, the study core (`core_urls`) and the quiz app (`quizzes.urls`)."""

from django.contrib import admin
from django.urls import include, path

from quizzes.api import router as quizzes_api
from studyapp import home
from studyapp.api import build_api
from studyapp.api.study import router as study_api
from studyapp.views import accounts, app, data, reminders

# The JSON API: the study core's router and the quiz app's, joined here so the core never imports quizzes.
api = build_api()
api.add_router("/", study_api)
api.add_router("/quizzes/", quizzes_api)

urlpatterns = [
    path("", home.dashboard, name="home"),
    path("manifest.webmanifest", app.manifest, name="manifest"),
    path("sw.js", app.service_worker, name="service-worker"),
    path("accounts/signup/", accounts.signup, name="signup"),
    path("accounts/settings/", accounts.study_settings, name="study-settings"),
    path("accounts/tokens/", accounts.api_tokens, name="api-tokens"),
    path("accounts/tokens/<int:token_id>/revoke/", accounts.revoke_api_token, name="api-token-revoke"),
    path("accounts/data/", data.your_data, name="your-data"),
    path("accounts/data/export.zip", data.export_data, name="export-data"),
    path("accounts/data/import/", data.import_data, name="import-data"),
    path("accounts/delete/", data.delete_account, name="delete-account"),
    path("accounts/reminders/", reminders.reminder_settings, name="reminders"),
    path("accounts/reminders/push/", reminders.push_subscribe, name="push-subscribe"),
    path("accounts/reminders/push/forget/", reminders.push_forget_devices, name="push-forget"),
    path("reminders/unsubscribe/<str:token>/", reminders.unsubscribe, name="reminders-unsubscribe"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("quizzes/", include("quizzes.urls")),
    path("", include("studyapp.core_urls")),
]
