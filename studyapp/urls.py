"""The root URLconf: the project's pages, the study core (`core_urls`) and the quiz app (`quizzes.urls`)."""

from django.contrib import admin
from django.urls import include, path

from studyapp import home
from studyapp.views import accounts

urlpatterns = [
    path("", home.dashboard, name="home"),
    path("accounts/signup/", accounts.signup, name="signup"),
    path("accounts/settings/", accounts.study_settings, name="study-settings"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("quizzes/", include("quizzes.urls")),
    path("", include("studyapp.core_urls")),
]
