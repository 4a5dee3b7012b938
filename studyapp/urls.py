from django.contrib import admin
from django.urls import include, path

from studyapp.views import accounts, dashboard

urlpatterns = [
    path("", dashboard.home, name="home"),
    path("accounts/signup/", accounts.signup, name="signup"),
    path("accounts/settings/", accounts.study_settings, name="study-settings"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("quizzes/", include("quizzes.urls")),
    path("", include("studyapp.study_urls")),
]
