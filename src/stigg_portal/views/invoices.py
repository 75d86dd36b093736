"""``<stigg-invoices>``: the link to the billing provider's invoice history (spec §6.1)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..clients.remote import PORTAL_OPERATION
from ..elements import RenderInput, Widget, register_widget
from ..models import CustomerPortal
from ..shapes import Pick, ShapeRule
from .common import BASE_EVENTS, SHARED_CLASSES, PortalOptions, safe_url, section_context


@dataclass(frozen=True)
class InvoicesView:
    visible: bool
    title: str
    url: str | None
    button_label: str


def build_invoices_view(
    portal: CustomerPortal, *, texts: dict[str, Any], options: PortalOptions | None = None
) -> InvoicesView:
    """Shown when there is a safe billing-portal URL and the section is not hidden."""
    options = options or PortalOptions()
    url = safe_url(portal.billing_portal_url)
    visible = url is not None and not options.is_hidden("invoices", "billingInformation")
    return InvoicesView(visible, texts["invoicesTitle"], url, texts["viewInvoiceHistory"])


#: Whether the section shows (:func:`build_invoices_view`): a link to the billing portal.
BILLING_PORTAL = Pick("customerPortal", where=(("billingPortalUrl", "is url", None),))


INVOICES_CLASSES = (
    "stigg-invoices-section-layout",
    "stigg-invoices-section-header",
    "stigg-invoices-section-title",
    "stigg-view-invoice-history-button",
)


@register_widget
class InvoicesWidget(Widget):
    """The Invoices card with its View invoice history link."""

    tag = "stigg-invoices"
    summary = "Invoice history link to the billing portal (upstream InvoicesSection)."
    template = "invoices.html"
    loads = ("portal",)
    events = BASE_EVENTS
    css_classes = INVOICES_CLASSES + SHARED_CLASSES
    early_shape = (ShapeRule(PORTAL_OPERATION, "stigg-invoices-section-layout", (BILLING_PORTAL,), at_most=1),)

    def context(self, render: RenderInput) -> dict[str, Any]:
        options = PortalOptions.from_attributes(render.attributes)
        view = None
        if not render.loading:
            view = build_invoices_view(render.data.portal, texts=render.texts, options=options)
        return {**section_context(render), "view": view, "hidden": options.is_hidden("invoices", "billingInformation")}
