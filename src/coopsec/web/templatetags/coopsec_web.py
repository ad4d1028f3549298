"""Small presentation filters shared by every app's templates."""

from __future__ import annotations

from urllib.parse import urlsplit

from django import template

register = template.Library()


@register.filter
def hostname(url: str) -> str:
    """The site a link points to ("nato.int"), for short source links."""
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.")
