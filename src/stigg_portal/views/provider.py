"""``<stigg-provider>``: shares configuration and one data load with the sections inside it.

It renders no markup of its own (its children are the page's); the runtime gives the sections
inside it one shared load per provider (see ``runtime``), so it loads nothing itself.
"""

from __future__ import annotations

from typing import Any

from ..elements import RenderInput, Widget, register_widget
from .common import BASE_EVENTS


@register_widget
class ProviderWidget(Widget):
    """Configuration and one shared data load for the section elements inside it."""

    tag = "stigg-provider"
    summary = "Shares configuration and one data load with the section elements inside it."
    template = "provider.html"
    loads = ()
    events = BASE_EVENTS
    css_classes = ()

    def context(self, render: RenderInput) -> dict[str, Any]:
        return {}
