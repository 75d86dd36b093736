"""``<stigg-promotions>``: promotional entitlements as a Feature / Expiration date table (§6.9)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..elements import RenderInput, Widget, register_widget
from ..formatting import format_date, format_number
from ..models import CustomerPortal, PromotionalEntitlement
from ..texts import format_text
from .common import BASE_EVENTS, SHARED_CLASSES, PortalOptions, section_context


@dataclass(frozen=True)
class PromotionRow:
    name: str
    expires: str


@dataclass(frozen=True)
class PromotionsView:
    visible: bool
    title: str
    subtitle: str
    feature_column: str
    expiration_column: str
    rows: tuple[PromotionRow, ...]


def promotion_name(promotion: PromotionalEntitlement, texts: dict[str, Any], locale: str) -> str:
    """``Unlimited Seats``, ``Seats x 10`` or just the name."""
    if promotion.has_unlimited_usage:
        return format_text(texts["promotionUnlimited"], name=promotion.display_name)
    if promotion.usage_limit:
        return format_text(texts["promotionWithLimit"], name=promotion.display_name,
                           limit=format_number(promotion.usage_limit, locale))
    return promotion.display_name


def build_promotions_view(
    portal: CustomerPortal, *, texts: dict[str, Any], locale: str, options: PortalOptions | None = None
) -> PromotionsView:
    options = options or PortalOptions()
    rows = tuple(
        PromotionRow(
            promotion_name(p, texts, locale),
            format_date(p.end_date, locale) if p.end_date else texts["promotionNoExpiration"],
        )
        for p in portal.promotional_entitlements
    )
    return PromotionsView(
        visible=bool(rows) and not options.is_hidden("promotionalEntitlements"),
        title=texts["promotionsTabTitle"],
        subtitle=texts["promotionsSubtitle"],
        feature_column=texts["promotionsFeatureColumn"],
        expiration_column=texts["promotionsExpirationColumn"],
        rows=rows,
    )


PROMOTIONS_CLASSES = (
    "stigg-promotions",
    "stigg-promotions-layout",
    "stigg-promotions-subtitle",
    "stigg-promotions-table",
)


@register_widget
class PromotionsWidget(Widget):
    """Promotional entitlements granted to the customer (the Promotions tab), standalone."""

    tag = "stigg-promotions"
    summary = "Promotional entitlements with their expiration dates (upstream Promotions)."
    template = "promotions.html"
    loads = ("portal",)
    events = BASE_EVENTS
    skeleton_shape = (("stigg-promotions-layout", "stigg-promotions-layout"),)  # as tall as the last render (no section card here)
    css_classes = PROMOTIONS_CLASSES + SHARED_CLASSES

    def context(self, render: RenderInput) -> dict[str, Any]:
        options = PortalOptions.from_attributes(render.attributes)
        view = None
        if not render.loading:
            view = build_promotions_view(render.data.portal, texts=render.texts, locale=render.locale,
                                         options=options)
        return {**section_context(render), "view": view, "hidden": options.is_hidden("promotionalEntitlements")}
