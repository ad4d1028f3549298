from django.urls import path

from coopsec.network import views

app_name = "network"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("organizations/", views.organization_list, name="organization-list"),
    path("organizations/<str:code>/", views.organization_detail, name="organization-detail"),
    path("frameworks/", views.framework_list, name="framework-list"),
    path("frameworks/<str:code>/", views.framework_detail, name="framework-detail"),
]
