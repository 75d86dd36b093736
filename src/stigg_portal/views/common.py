"""What several sections share: options from attributes, the shown subscription, actions (events
and UI state a click triggers), usage arithmetic, safe URLs, and the title/units rule.

Every function here is plain Python over the models, so the rules are unit-tested on CPython.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ..elements import ElementAttributes, RenderInput
from ..models import (
    CustomerPortal,
    CustomerPortalSubscription,
    FeatureEntitlement,
    PricingType,
    SubscriptionStatus,
)
from ..theme import configuration_style

# Event names of the contract ("Events"), written once.
EVENT_MANAGE = "stigg-manage-subscription"
EVENT_CONTACT_SUPPORT = "stigg-contact-support"
EVENT_CANCEL_UPDATES = "stigg-cancel-scheduled-updates"
EVENT_BUY_MORE = "stigg-buy-more"
EVENT_PLAN_SELECTED = "stigg-plan-selected"
EVENT_BILLING_PERIOD_CHANGE = "stigg-billing-period-change"
BASE_EVENTS = ("stigg-ready", "stigg-error")

# CustomerPortalIntentionType (spec §1.1)
MANAGE_SUBSCRIPTION = "MANAGE_SUBSCRIPTION"
UPGRADE_PLAN = "UPGRADE_PLAN"
UPGRADE_TRIAL_PLAN = "UPGRADE_TRIAL_PLAN"

# State classes every section root can carry, and the building blocks every template shares.
STATE_CLASSES = ("stigg-loading", "stigg-error", "stigg-empty", "stigg-demo-badge")
SHARED_CLASSES = (
    "stigg-section-card",
    "stigg-section-header",
    "stigg-section-header-last",
    "stigg-section-title",
    "stigg-section-title-skeleton",
    "stigg-button",
    "stigg-button-outlined",
    "stigg-button-text",
    "stigg-button-skeleton",
    "stigg-icon",
    "stigg-icon-{name}",
    "stigg-skeleton",
    "stigg-skeleton-optional",
    "stigg-skeleton-narrow",
    "stigg-spinner",
    "stigg-busy",
) + STATE_CLASSES

#: Progress-bar status thresholds (spec §6.5): below 70 % standard, below 100 % warning, else error.
WARNING_PERCENT = 70


@dataclass(frozen=True)
class PortalOptions:
    """The attributes that change what the sections show."""

    hidden: frozenset[str] = frozenset()
    cancel_scheduled_updates: bool = False
    buy_more: bool = False
    contact_support: bool = False
    contact_support_url: str | None = None

    @classmethod
    def from_attributes(cls, attrs: ElementAttributes) -> PortalOptions:
        return cls(
            hidden=attrs.hidden(),
            cancel_scheduled_updates=attrs.cancel_scheduled_updates,
            buy_more=attrs.buy_more,
            contact_support=attrs.contact_support,
            contact_support_url=safe_url(attrs.contact_support_url),
        )

    def is_hidden(self, *sections: str) -> bool:
        return any(s in self.hidden for s in sections)


@dataclass(frozen=True)
class Action:
    """A click that fires a contract event (``data-stigg-event`` + ``data-stigg-detail``)."""

    event: str
    detail: dict[str, Any]
    label: str
    focus_key: str


@dataclass(frozen=True)
class StateToggle:
    """A click that changes UI state (``data-stigg-state="key=value"``); the worker re-renders."""

    key: str
    value: str
    label: str
    focus_key: str

    @property
    def state(self) -> str:
        return f"{self.key}={self.value}"


@dataclass(frozen=True)
class ProgressBar:
    """A usage bar: ``percent`` 0–100 and its status, or a dotted line when there is no limit."""

    percent: int
    status: str  # standard | warning | error
    dotted: bool
    label: str


def safe_url(url: str | None) -> str | None:
    """``url`` if it is an absolute http(s) URL without whitespace or control characters, else ``None``."""
    if not url:
        return None
    text = url.strip()
    if not re.match(r"^https?://[^\s/?#]+", text, flags=re.IGNORECASE):
        return None
    if any(ord(c) < 32 or c.isspace() for c in text):
        return None
    return text


def plain(model: Any) -> Any:
    """A model as the plain JSON an event ``detail`` carries (API field names)."""
    if model is None:
        return None
    return model.model_dump(mode="json", by_alias=True)


def shown_subscription(portal: CustomerPortal) -> CustomerPortalSubscription | None:
    """The subscription the overview shows: the first ACTIVE one, else the first IN_TRIAL (§6.2)."""
    return portal.active_subscription or portal.trial_subscription


def current_subscriptions(portal: CustomerPortal) -> list[CustomerPortalSubscription]:
    """Subscriptions the customer has now (not canceled or expired)."""
    gone = {SubscriptionStatus.CANCELED, SubscriptionStatus.EXPIRED}
    return [s for s in portal.subscriptions if s.status not in gone]


def is_custom_priced(portal: CustomerPortal) -> bool:
    """The ACTIVE subscription has a custom price: no Manage, no Upgrade/Buy more (§6.3)."""
    active = portal.active_subscription
    return active is not None and active.pricing_type == PricingType.CUSTOM


def manage_action(portal: CustomerPortal, intention: str, label: str, focus_key: str) -> Action:
    """Manage / Upgrade / Upgrade plan: ``{intentionType, subscriptions}``."""
    return Action(
        EVENT_MANAGE,
        {"intentionType": intention, "subscriptions": [plain(s) for s in portal.subscriptions]},
        label,
        focus_key,
    )


def usage_percent(usage: float, limit: float | None) -> int:
    """``floor(usage / limit * 100)`` capped at 100; 0 when there is no positive limit (§6.5)."""
    if not limit or limit <= 0:
        return 0
    return max(0, min(math.floor(usage / limit * 100), 100))


def progress_status(percent: int) -> str:
    if percent < WARNING_PERCENT:
        return "standard"
    if percent < 100:
        return "warning"
    return "error"


def _lower_words(text: str | None) -> str:
    """lodash ``lowerCase``: split camelCase, digits and punctuation into lower-case words."""
    if not text:
        return ""
    words = re.findall(r"[A-Z]{2,}(?=[A-Z][a-z]|[^A-Za-z]|$)|[A-Z]?[a-z]+|[A-Z]+|\d+", text)
    return " ".join(w.lower() for w in words)


def title_with_units(display_name: str, units: str | None, units_plural: str | None) -> str:
    """``Storage`` + ``GB`` -> ``Storage (GB)``; no suffix when the name already says the unit (§6.5)."""
    if not units and not units_plural:
        return display_name
    name = _lower_words(display_name)
    if name in {_lower_words(units), _lower_words(units_plural)}:
        return display_name
    return f"{display_name} ({units_plural or units})"


def as_utc(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def feature_entitlements_by_ref(portal: CustomerPortal) -> dict[str, FeatureEntitlement]:
    out: dict[str, FeatureEntitlement] = {}
    for entitlement in portal.feature_entitlements:
        out.setdefault(entitlement.feature.ref_id, entitlement)
    return out


def section_context(render: RenderInput, *, demo_notice: bool | None = None) -> dict[str, Any]:
    """The keys every section template reads besides its view."""
    portal = render.data.portal if render.data is not None else None
    style = configuration_style(getattr(portal, "configuration", None), render.attributes.theme) if portal else {}
    return {
        "texts": render.texts,
        "loading": render.loading,
        "demo_notice": render.demo_notice if demo_notice is None else demo_notice,
        "root_style": "; ".join(f"{k}: {v}" for k, v in style.items()),
    }


def unique(items: Iterable[str]) -> tuple[str, ...]:
    """Keep the first of each, in order (for ``css_classes`` tuples)."""
    return tuple(dict.fromkeys(items))
