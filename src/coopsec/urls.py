"""Root URL configuration."""

from django.contrib import admin
from django.urls import include, path

from coopsec.api.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("network/", include("coopsec.network.urls")),
    path("activities/exchange/", include("coopsec.activities.exchange_urls")),
    path("activities/", include("coopsec.activities.urls")),
    path("programmes/", include("coopsec.programmes.urls")),
    path("calendar/", include("coopsec.activities.calendar_urls")),
    path("account/", include("coopsec.accounts.urls")),
    path("audit/", include("coopsec.audit.urls")),
    path("analytics/", include("coopsec.analytics.urls")),
    path("planning/", include("coopsec.planning.urls")),
    path("", include("coopsec.web.urls")),
]
