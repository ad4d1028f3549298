"""Pages of partnership programmes, mounted at /programmes/."""

from django.urls import URLPattern, path, re_path

from coopsec.programmes import views

app_name = "programmes"

urlpatterns: list[URLPattern] = [
    path("", views.programme_list, name="programme-list"),
    path("new/", views.programme_create, name="programme-create"),
    path("queue/", views.programme_queue, name="programme-queue"),
    path("partners/<str:code>/interests/", views.interests, name="interests"),
    path(
        "partners/<str:code>/assessments/",
        views.assessment_dashboard,
        name="assessment-dashboard",
    ),
    path("<int:programme_id>/", views.programme_detail, name="programme-detail"),
    path("<int:programme_id>/edit/", views.programme_update, name="programme-update"),
    path("<int:programme_id>/submit/", views.programme_submit, name="programme-submit"),
    path("<int:programme_id>/agree/", views.programme_agree, name="programme-agree"),
    path("<int:programme_id>/return/", views.programme_return, name="programme-return"),
    path("<int:programme_id>/comment/", views.programme_comment, name="programme-comment"),
    path("<int:programme_id>/revisions/", views.programme_revisions, name="programme-revisions"),
    re_path(
        r"^(?P<programme_id>[0-9]+)/export\.(?P<fmt>xlsx|pdf)$",
        views.programme_export,
        name="programme-export",
    ),
    path("<int:programme_id>/objectives/new/", views.objective_add, name="objective-add"),
    path("<int:programme_id>/items/new/", views.item_add, name="item-add"),
    path("<int:programme_id>/items/<int:item_id>/edit/", views.item_update, name="item-update"),
    path("<int:programme_id>/items/<int:item_id>/remove/", views.item_remove, name="item-remove"),
    path("objectives/<int:objective_id>/edit/", views.objective_update, name="objective-update"),
    path("objectives/<int:objective_id>/remove/", views.objective_remove, name="objective-remove"),
    path(
        "objectives/<int:objective_id>/assessment/",
        views.objective_assessment,
        name="objective-assessment",
    ),
]
