"""``settings.STIGG_PORTAL`` as a :class:`~stigg_portal.integrations.PortalEmbed`."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from .. import PortalEmbed
from ..static import resolve_dist_dir


def portal_settings() -> dict:
    return dict(getattr(settings, "STIGG_PORTAL", None) or {})


def embed() -> PortalEmbed:
    """Read on every use, so ``override_settings`` and settings changes apply at once."""
    return PortalEmbed.from_settings(portal_settings())


def dist_dir() -> Path:
    return resolve_dist_dir(portal_settings().get("DIST_DIR"))
