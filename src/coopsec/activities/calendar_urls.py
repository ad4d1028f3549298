from django.urls import path

from coopsec.activities import calendar_views

app_name = "calendar"

urlpatterns = [
    path("<slug:token>.ics", calendar_views.feed, name="feed"),
]
