"""``<stigg-customer-portal>``: the whole portal, in upstream's order (spec §1.3): subscription
overview, usage, plans (the paywall widget, when it is registered), payment details, invoices.

The Plans section renders the ``<stigg-paywall>`` widget's own template with its own context, so the
portal and a standalone paywall show the same plan cards; the paywall's options
(``highlighted-plan-id``, …) are accepted on the portal too and passed on.
"""

from __future__ import annotations

import dataclasses
import sys
import traceback
from typing import Any

from markupsafe import Markup

from ..elements import (
    PLANS_SECTION_NAMES,
    WIDGETS,
    DataKind,
    ElementAttributes,
    PaywallAttributes,
    RenderInput,
    Widget,
    register_widget,
)
from .common import (
    BASE_EVENTS,
    EVENT_BILLING_PERIOD_CHANGE,
    EVENT_BUY_MORE,
    EVENT_CANCEL_UPDATES,
    EVENT_CONTACT_SUPPORT,
    EVENT_MANAGE,
    EVENT_PLAN_SELECTED,
    SHARED_CLASSES,
    PortalOptions,
    section_context,
    unique,
)
from .invoices import INVOICES_CLASSES, build_invoices_view
from .payment_details import PAYMENT_DETAILS_CLASSES, build_payment_details_view
from .subscription_overview import OVERVIEW_CLASSES, overview_context
from .usage import USAGE_CLASSES, usage_context

PAYWALL_TAG = "stigg-paywall"
WATERMARK_URL = "https://www.stigg.io/?utm_medium=referral&utm_campaign=customer_portal"


def embedded_paywall(render: RenderInput) -> Markup | None:
    """The paywall widget's HTML for the Plans section, or ``None`` when no paywall widget exists.

    A failure inside the paywall costs the Plans cards only, never the rest of the portal.
    """
    widget_class = WIDGETS.get(PAYWALL_TAG)
    if widget_class is None:
        return None
    from ..rendering import environment

    inner = dataclasses.replace(render, demo_notice=False)
    try:
        context = widget_class().context(inner)
        context.setdefault("texts", render.texts)
        context.setdefault("loading", render.loading)
        context.setdefault("demo_notice", False)
        html = environment().get_template(widget_class.template).render(**context)
    except Exception:  # noqa: BLE001 - reported, and the rest of the portal still renders
        traceback.print_exc(file=sys.stderr)
        return None
    return Markup(html)


def plans_html(render: RenderInput) -> Markup | None:
    """The Plans section's content: the paywall, or the error state (the plans' own words, Try
    again) when only GetPaywall failed; the rest of the portal is shown."""
    failed = render.data.paywall_error if render.data is not None else None
    if failed is not None:
        from ..rendering import error_markup

        return error_markup(failed.code, render.texts, PAYWALL_TAG)
    return embedded_paywall(render)


LAYOUT_CLASSES = (
    "stigg-customer-portal-layout",
    "stigg-customer-portal-header-layout",
    "stigg-customer-portal-sections",
    "stigg-watermark",
    "stigg-customer-portal-paywall-section",
    "stigg-customer-portal-paywall-header",
    "stigg-customer-portal-paywall-section-title",
)


def _portal_classes() -> tuple[str, ...]:
    paywall = WIDGETS.get(PAYWALL_TAG)
    return unique(
        LAYOUT_CLASSES + OVERVIEW_CLASSES + USAGE_CLASSES + PAYMENT_DETAILS_CLASSES + INVOICES_CLASSES
        + (tuple(paywall.css_classes) if paywall else ()) + SHARED_CLASSES
    )


@register_widget
class CustomerPortalWidget(Widget):
    """The full customer portal: overview, usage, plans, payment details and invoices."""

    tag = "stigg-customer-portal"
    summary = "The whole customer portal: overview, usage, plans, payment details, invoices (upstream CustomerPortal)."
    attributes_model = PaywallAttributes
    template = "customer-portal.html"
    loads = ("portal", "paywall")
    events = BASE_EVENTS + (EVENT_MANAGE, EVENT_PLAN_SELECTED, EVENT_CONTACT_SUPPORT, EVENT_CANCEL_UPDATES,
                            EVENT_BUY_MORE, EVENT_BILLING_PERIOD_CHANGE)
    css_classes = _portal_classes()

    @classmethod
    def loads_for(cls, attributes: ElementAttributes) -> tuple[DataKind, ...]:
        # hidden-sections="paywall" (or "plans"): no Plans section, so no GetPaywall request either.
        if attributes.hidden() & PLANS_SECTION_NAMES:
            return ("portal",)
        return cls.loads

    def context(self, render: RenderInput) -> dict[str, Any]:
        options = PortalOptions.from_attributes(render.attributes)
        hide_plans = options.is_hidden(*PLANS_SECTION_NAMES)
        portal = render.data.portal if render.data is not None else None
        payment = invoices = None
        if portal is not None:
            payment = build_payment_details_view(portal, texts=render.texts, options=options)
            invoices = build_invoices_view(portal, texts=render.texts, options=options)
        return {
            **section_context(render),
            "overview": overview_context(render, options),
            "usage": usage_context(render, options),
            "payment": payment,
            "invoices": invoices,
            "paywall_html": None if hide_plans else plans_html(render),
            "hide_plans": hide_plans,
            "hide_usage": options.is_hidden("usage"),
            "hide_payment": options.is_hidden("paymentDetails", "billingInformation"),
            "hide_invoices": options.is_hidden("invoices", "billingInformation"),
            "watermark_url": WATERMARK_URL if portal is not None and portal.show_watermark else None,
        }
