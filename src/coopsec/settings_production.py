"""Production settings: the environment's settings with every transport protection on.

Use with DJANGO_SETTINGS_MODULE=coopsec.settings_production behind TLS. SECRET_KEY and
ALLOWED_HOSTS must come from the environment.
"""

import os

from django.core.exceptions import ImproperlyConfigured

from coopsec.settings import *  # noqa: F403

for _name in ("SECRET_KEY", "ALLOWED_HOSTS"):
    if not os.environ.get(_name):
        raise ImproperlyConfigured(f"{_name} must be set in the environment in production.")

DEBUG = False
SECRET_KEY = os.environ["SECRET_KEY"]
SECURE_SSL_REDIRECT = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
