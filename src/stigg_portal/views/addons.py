"""``<stigg-addons>``: the customer's add-ons, as a comma list (upstream ``AddonsList``, §6.9).

Add-ons come from the subscriptions the customer has now (ACTIVE, IN_TRIAL, …); upstream lists
those of every subscription returned, so add-ons of a canceled subscription would show — here they
do not.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..elements import RenderInput, Widget, register_widget
from ..formatting import format_number
from ..models import CustomerPortal
from ..texts import format_text
from .common import BASE_EVENTS, SHARED_CLASSES, PortalOptions, current_subscriptions, section_context


@dataclass(frozen=True)
class AddonItem:
    addon_id: str
    text: str


@dataclass(frozen=True)
class AddonsView:
    visible: bool
    title: str
    items: tuple[AddonItem, ...]


def addon_text(name: str, quantity: float, texts: dict[str, Any], locale: str) -> str:
    """``2 X Extra storage`` when more than one, else the name."""
    if quantity and quantity > 1:
        return format_text(texts["addonWithQuantity"], quantity=format_number(quantity, locale), name=name)
    return name


def build_addons_view(
    portal: CustomerPortal, *, texts: dict[str, Any], locale: str, options: PortalOptions | None = None
) -> AddonsView:
    """Every add-on of the current subscriptions; ``visible`` when there is one and it is not hidden."""
    options = options or PortalOptions()
    items = tuple(
        AddonItem(addon.addon_id, addon_text(addon.display_name, addon.quantity, texts, locale))
        for subscription in current_subscriptions(portal)
        for addon in subscription.addons
    )
    return AddonsView(bool(items) and not options.is_hidden("addons"), texts["addonsTabTitle"], items)


ADDONS_CLASSES = ("stigg-addons", "stigg-addons-list-layout", "stigg-addon-list-item-text")


@register_widget
class AddonsWidget(Widget):
    """The add-ons list (the content of the overview's Add-ons tab), standalone."""

    tag = "stigg-addons"
    summary = "The customer's add-ons as a list (upstream AddonsList)."
    template = "addons.html"
    loads = ("portal",)
    events = BASE_EVENTS
    skeleton_shape = (("stigg-addons-list-layout", "stigg-addons-list-layout"),)  # as tall as the last render (no section card here)
    css_classes = ADDONS_CLASSES + SHARED_CLASSES

    def context(self, render: RenderInput) -> dict[str, Any]:
        options = PortalOptions.from_attributes(render.attributes)
        view = None
        if not render.loading:
            view = build_addons_view(render.data.portal, texts=render.texts, locale=render.locale, options=options)
        return {**section_context(render), "view": view, "hidden": options.is_hidden("addons")}
