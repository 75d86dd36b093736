"""Paywall: the compatible add-ons of a plan card."""

from __future__ import annotations

from ...models import (
    Plan,
    PricingType,
)
from ._base import (
    PAYWALL_WIDGET,
    AddonRow,
    _class_token,
)


# --------------------------------------------------------------------------- add-ons
def _compatible_addons(plan: Plan) -> list[AddonRow]:
    """Add-ons a plan offers: none on FREE plans, only PAID ones on PAID plans; not hidden from paywalls."""
    if plan.pricing_type == PricingType.FREE:
        return []
    addons = plan.compatible_addons
    if plan.pricing_type == PricingType.PAID:
        addons = [a for a in addons if a.pricing_type == PricingType.PAID]
    rows = []
    for addon in addons:
        if PAYWALL_WIDGET in (addon.hidden_from_widgets or []):
            continue
        token = _class_token(addon.ref_id)
        # Upstream emits a double hyphen; the docs a single one: both, so either selector works.
        css = f"stigg-compatible-addon--{token} stigg-compatible-addon-{token} stigg-compatible-addon-item"
        rows.append(AddonRow(addon.ref_id, addon.display_name, css))
    return rows
