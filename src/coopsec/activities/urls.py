"""Pages of the cooperation menu, mounted at /activities/."""

from django.urls import URLPattern, path

from coopsec.activities import views

app_name = "activities"

urlpatterns: list[URLPattern] = [
    path("", views.activity_list, name="activity-list"),
    path("new/", views.activity_create, name="activity-create"),
    path("queue/", views.activity_queue, name="activity-queue"),
    path("desk/", views.desk_list, name="desk-list"),
    path("nominations/", views.nomination_list, name="nomination-list"),
    path("notifications/", views.notification_list, name="notification-list"),
    path("notifications/read/", views.notification_read, name="notification-read"),
    path("<int:activity_id>/", views.activity_detail, name="activity-detail"),
    path("<int:activity_id>/edit/", views.activity_update, name="activity-update"),
    path("<int:activity_id>/transition/", views.activity_transition, name="activity-transition"),
    path("<int:activity_id>/desk/", views.activity_desk, name="activity-desk"),
    path("<int:activity_id>/nominate/", views.nomination_create, name="nomination-create"),
    path("<int:activity_id>/report/", views.report_submit, name="report-submit"),
    path(
        "nominations/<int:nomination_id>/withdraw/",
        views.nomination_withdraw,
        name="nomination-withdraw",
    ),
    path(
        "nominations/<int:nomination_id>/decide/", views.nomination_decide, name="nomination-decide"
    ),
    path(
        "nominations/<int:nomination_id>/attendance/",
        views.nomination_attendance,
        name="nomination-attendance",
    ),
    path(
        "nominations/<int:nomination_id>/feedback/",
        views.feedback_submit,
        name="feedback-submit",
    ),
]
