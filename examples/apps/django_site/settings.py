"""Settings of the Django example (a minimal project: no database, no login; see example_config.py).

Run:  cd examples/apps && STIGG_PORTAL_DIST=../../dist python django_site/manage.py runserver
"""

from __future__ import annotations

import sys
from pathlib import Path

APPS_DIR = Path(__file__).resolve().parent.parent
if str(APPS_DIR) not in sys.path:  # example_config.py sits beside this project
    sys.path.insert(0, str(APPS_DIR))

from example_config import ExampleSettings

EXAMPLE = ExampleSettings.from_env()

DEBUG = True
SECRET_KEY = "django-example-not-secret"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
ROOT_URLCONF = "django_site.urls"
INSTALLED_APPS = [
    "django.contrib.staticfiles",
    "stigg_portal.integrations.django",  # {% load stigg_portal %}
]
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [Path(__file__).resolve().parent / "templates"],
        "APP_DIRS": True,
    }
]
DATABASES: dict = {}
STATIC_URL = "static/"

STIGG_PORTAL = {
    "API_KEY": EXAMPLE.api_key,  # publishable key: goes into the page
    "SIGNING_SECRET": EXAMPLE.signing_secret,  # mints customer tokens: never leaves the server
    "DIST_URL": "/stigg-portal/",  # served by the view in urls.py (or point it at a CDN)
    "DIST_DIR": EXAMPLE.dist_dir,  # the built dist/ (default $STIGG_PORTAL_DIST or ./dist)
    "DEFAULTS": EXAMPLE.defaults(),  # attributes of every element (base_url, locale, client, ...)
}
