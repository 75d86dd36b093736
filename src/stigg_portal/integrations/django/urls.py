"""``path("stigg-portal/", include("stigg_portal.integrations.django.urls"))`` serves ``dist/``."""

from __future__ import annotations

from django.urls import re_path

from .views import dist_file

app_name = "stigg_portal"
urlpatterns = [re_path(r"^(?P<path>.+)$", dist_file, name="dist")]
