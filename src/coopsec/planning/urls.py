"""Pages of the planning, mounted at /planning/."""

from django.urls import URLPattern, path

from coopsec.planning import views

app_name = "planning"

urlpatterns: list[URLPattern] = [
    path("", views.run_list, name="run-list"),
    path("runs/new", views.run_create, name="run-create"),
    path("runs/<int:run_id>/", views.run_detail, name="run-detail"),
    path("runs/<int:run_id>/status", views.run_status, name="run-status"),
    path("runs/<int:run_id>/apply", views.run_apply, name="run-apply"),
    path(
        "runs/<int:run_id>/decisions/<int:nomination_id>",
        views.decision_adjust,
        name="decision-adjust",
    ),
]
