from django.urls import path

from coopsec.audit import views

app_name = "audit"

urlpatterns = [
    path("", views.audit_list, name="event-list"),
]
