"""``<stigg-paywall>``: the pricing table / plan picker (spec §1.5, §2.5–§2.7, §3.2, §6.8, §6.11).

``build_paywall_view`` applies every plan-card rule to a :class:`~stigg_portal.models.Paywall` and
returns a :class:`PaywallView`, which ``widgets/paywall.html`` renders without further logic. The
customer portal renders its Plans section from ``paywall_context(render, in_portal=True)`` and an
``{% include "paywall.html" %}``.

Where upstream's behaviour is a quirk, this module does what a user would expect:

- plans hidden from the PAYWALL widget are dropped, unless one is the customer's current plan;
- ``eligibleForTrial`` is matched on the product's refId (upstream compares ids of two kinds);
- a subscription with a custom price (``pricingType == CUSTOM``) counts as a custom plan (§6.3),
  like a subscription to a CUSTOM plan;
- counts in entitlement rows use the locale's grouping (upstream: ``,`` for en-US, else a space).
"""

from ._base import (
    AddonRow,
    EntitlementRow,
    IntentionType,
    PaywallView,
    PeriodSwitchView,
    PlanCardView,
    PlanCtaView,
    PriceView,
    TierOption,
)
from .cards import build_paywall_view, configuration_style
from .element import PaywallWidget, paywall_context
from .subscription import (
    annual_discount_percent,
    available_billing_periods,
    default_billing_period,
    trial_days_left,
)

__all__ = [
    "AddonRow",
    "EntitlementRow",
    "IntentionType",
    "PaywallView",
    "PaywallWidget",
    "PeriodSwitchView",
    "PlanCardView",
    "PlanCtaView",
    "PriceView",
    "TierOption",
    "annual_discount_percent",
    "available_billing_periods",
    "build_paywall_view",
    "configuration_style",
    "default_billing_period",
    "paywall_context",
    "trial_days_left",
]
