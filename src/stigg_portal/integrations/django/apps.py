"""The Django app that provides ``{% load stigg_portal %}``."""

from __future__ import annotations

from django.apps import AppConfig


class StiggPortalConfig(AppConfig):
    name = "stigg_portal.integrations.django"
    label = "stigg_portal"
    verbose_name = "Stigg billing portal"
