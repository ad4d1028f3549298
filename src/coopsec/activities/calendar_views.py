"""The calendar feeds' URLs: `/calendar/<token>.ics`, opened by calendar clients without a
login (the token in the URL is the credential)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from coopsec.activities import calendar
from coopsec.activities.models import Activity
from coopsec.errors import NotFound

CONTENT_TYPE = "text/calendar; charset=utf-8"


@require_safe
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """A user's or an organization's calendar; 404 for an unknown or revoked token."""
    try:
        subscription = calendar.calendar_feed_open(token=token)
    except NotFound as exc:
        raise Http404(exc.message) from exc

    def url_for(activity: Activity) -> str:
        return request.build_absolute_uri(calendar.activity_path(activity))

    body = calendar.feed_calendar(feed=subscription, url_for=url_for)
    response = HttpResponse(body, content_type=CONTENT_TYPE)
    response["Content-Disposition"] = 'inline; filename="coopsec.ics"'
    # The URL is a secret: no shared cache may keep the answer, and no search engine.
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
