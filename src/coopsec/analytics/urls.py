"""Pages of the analytics, mounted at /analytics/."""

from django.urls import URLPattern, path

from coopsec.analytics import views

app_name = "analytics"

urlpatterns: list[URLPattern] = [
    path("", views.overview, name="overview"),
    path("area-balance/", views.area_balance, name="area-balance"),
    path("area-balance/<slug:area>/", views.area_detail, name="area-detail"),
    path("overlap/", views.overlap, name="overlap"),
    path("attention/", views.attention, name="attention"),
    path("depth-breadth/", views.depth_breadth, name="depth-breadth"),
    path("network/", views.partnership_network, name="network"),
    path("redundancy/", views.redundancy_pairs, name="redundancy"),
    path("reports/", views.reports, name="reports"),
    path("reports/<int:report_id>/", views.report, name="report"),
    path("reports/<int:report_id>/status", views.report_status, name="report-status"),
    path("reports/<int:report_id>/download", views.report_download, name="report-download"),
]
