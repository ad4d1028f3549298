from django.urls import path

from coopsec.activities import exchange_views

app_name = "exchange"

urlpatterns = [
    path("", exchange_views.exchange_page, name="activity-import"),
    path("activities.<str:fmt>", exchange_views.activity_export, name="activity-export"),
]
