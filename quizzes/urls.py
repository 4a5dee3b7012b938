from django.urls import path

from quizzes import views, views_dashboard

app_name = "quizzes"

urlpatterns = [
    path("", views.index, name="index"),
    path("classes/<int:class_id>/dashboard/", views_dashboard.class_dashboard, name="class-dashboard"),
    path(
        "classes/<int:class_id>/dashboard.csv",
        views_dashboard.class_dashboard_csv,
        name="class-dashboard-csv",
    ),
]
