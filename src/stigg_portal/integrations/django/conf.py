"""``settings.STIGG_PORTAL`` as a :class:`~stigg_portal.integrations.PortalEmbed`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings

from .. import PortalEmbed
from ..static import resolve_dist_dir

_cached: tuple[dict[str, Any], PortalEmbed] | None = None


def portal_settings() -> dict[str, Any]:
    return dict(getattr(settings, "STIGG_PORTAL", None) or {})


def embed() -> PortalEmbed:
    """The embed for the current settings (rebuilt when they change, e.g. under ``override_settings``;
    kept otherwise, so its HTTP session to Stigg is reused across requests)."""
    global _cached
    current = portal_settings()
    if _cached is None or _cached[0] != current:
        # the demo-data warning is a Python warning: Django logs those (py.warnings) on the console
        # under DEBUG, as `manage.py runserver` runs
        _cached = (current, PortalEmbed.from_settings(current, key_setting='settings.STIGG_PORTAL["API_KEY"]'))
    return _cached[1]


def dist_dir() -> Path:
    """``STIGG_PORTAL["DIST_DIR"]``; a relative one is relative to ``settings.BASE_DIR`` (when set)."""
    return resolve_dist_dir(portal_settings().get("DIST_DIR"), getattr(settings, "BASE_DIR", None))
