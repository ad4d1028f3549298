from django.urls import path

from coopsec.network import views

app_name = "network"

urlpatterns = [
    path("", views.overview, name="overview"),
]
