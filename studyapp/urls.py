from django.contrib import admin
from django.urls import include, path

from studyapp import views

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/signup/", views.signup, name="signup"),
    path("accounts/settings/", views.study_settings, name="study-settings"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("quizzes/", include("quizzes.urls")),
]
