"""``<stigg-payment-details>``: billing name, email, card and the Edit link (spec §6.1, §6.9)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..clients.remote import PORTAL_OPERATION
from ..elements import RenderInput, Widget, register_widget
from ..formatting import format_card_expiry
from ..models import CustomerPortal, PaymentMethodType
from ..shapes import Pick, ShapeRule
from ..texts import format_text
from .common import BASE_EVENTS, SHARED_CLASSES, PortalOptions, safe_url, section_context


@dataclass(frozen=True)
class InfoRow:
    """One label/value row; ``prefix`` gives its classes (``{prefix}-label``, ``{prefix}-text``)."""

    prefix: str
    label: str
    value: str
    missing: bool


@dataclass(frozen=True)
class PaymentDetailsView:
    visible: bool
    title: str
    edit_url: str | None
    edit_label: str
    method_title: str
    method_rows: tuple[InfoRow, ...]  # empty when there is no complete payment method
    billed_to_title: str
    billed_to_rows: tuple[InfoRow, ...]


def _method_label(kind: PaymentMethodType | None, texts: dict[str, Any]) -> str:
    if kind == PaymentMethodType.BANK:
        return texts["bankAccountLabel"]
    if kind == PaymentMethodType.CASH_APP:
        return texts["cashAppLabel"]
    return texts["cardLabel"]


def build_payment_details_view(
    portal: CustomerPortal, *, texts: dict[str, Any], options: PortalOptions | None = None
) -> PaymentDetailsView:
    """Shown unless hidden, when the customer has a name, an email or a payment method."""
    options = options or PortalOptions()
    info = portal.billing_information
    has_info = info is not None and bool(info.name or info.email or info.default_payment_method_id)
    visible = has_info and not options.is_hidden("paymentDetails", "billingInformation")
    method_rows: tuple[InfoRow, ...] = ()
    billed_to: tuple[InfoRow, ...] = ()
    if info is not None:
        complete = all(
            (info.default_payment_method_id, info.default_payment_method_last4_digits,
             info.default_payment_expiration_month, info.default_payment_expiration_year)
        )
        if complete:
            method_rows = (
                InfoRow("stigg-credit-card", _method_label(info.default_payment_method_type, texts),
                        format_text(texts["cardEndingIn"], last4=info.default_payment_method_last4_digits), False),
                InfoRow("stigg-credit-card-expiration", texts["cardExpires"],
                        format_card_expiry(info.default_payment_expiration_month,
                                           info.default_payment_expiration_year), False),
            )
        billed_to = (
            InfoRow("stigg-customer-name", texts["customerName"], info.name or texts["missingValue"], not info.name),
            InfoRow("stigg-customer-email", texts["customerEmail"], info.email or texts["missingValue"],
                    not info.email),
        )
    return PaymentDetailsView(
        visible=visible,
        title=texts["paymentDetailsTitle"],
        edit_url=safe_url(portal.billing_portal_url),
        edit_label=texts["editPaymentDetails"],
        method_title=texts["paymentMethod"],
        method_rows=method_rows,
        billed_to_title=texts["billedTo"],
        billed_to_rows=billed_to,
    )


_GIVEN = ("not in", [None, "", 0, False])
#: Whether the section shows (:func:`build_payment_details_view`): a name, an email or a payment
#: method; the picks are summed, so the rule says at most 1.
PAYMENT_INFO = tuple(Pick("customerPortal.billingInformation", where=((name, *_GIVEN),))
                     for name in ("name", "email", "defaultPaymentMethodId"))
#: Whether its payment-method column shows: every field of the card given.
PAYMENT_METHOD = Pick("customerPortal.billingInformation", where=tuple(
    (name, *_GIVEN) for name in ("defaultPaymentMethodId", "defaultPaymentMethodLast4Digits",
                                 "defaultPaymentExpirationMonth", "defaultPaymentExpirationYear")))


PAYMENT_DETAILS_CLASSES = (
    "stigg-payment-details-section-layout",
    "stigg-payment-details-section-header",
    "stigg-payment-details-section-title",
    "stigg-edit-payment-details-button",
    "stigg-payment-method-layout",
    "stigg-payment-details-divider",
    "stigg-user-information-layout",
    "stigg-info-column-title",
    "stigg-customer-name",
    "stigg-customer-name-label",
    "stigg-customer-name-text",
    "stigg-customer-email",
    "stigg-customer-email-label",
    "stigg-customer-email-text",
    "stigg-credit-card",
    "stigg-credit-card-label",
    "stigg-credit-card-text",
    "stigg-credit-card-expiration",
    "stigg-credit-card-expiration-label",
    "stigg-credit-card-expiration-text",
    "stigg-missing-value",
    "stigg-payment-details-columns",
    "stigg-info-column",
    "stigg-info-rows",
    "stigg-info-row",
    "stigg-payment-method-skeleton",
)


@register_widget
class PaymentDetailsWidget(Widget):
    """The Payment details card: payment method, billing name and email, Edit link."""

    tag = "stigg-payment-details"
    summary = "Billing name, email, card, expiry and the Edit link (upstream PaymentDetailsSection)."
    template = "payment-details.html"
    loads = ("portal",)
    events = BASE_EVENTS
    css_classes = PAYMENT_DETAILS_CLASSES + SHARED_CLASSES
    early_shape = (
        ShapeRule(PORTAL_OPERATION, "stigg-payment-details-section-layout", PAYMENT_INFO, at_most=1),
        ShapeRule(PORTAL_OPERATION, "stigg-payment-method-skeleton", (PAYMENT_METHOD,), at_most=1),
    )

    def context(self, render: RenderInput) -> dict[str, Any]:
        options = PortalOptions.from_attributes(render.attributes)
        view = None
        if not render.loading:
            view = build_payment_details_view(render.data.portal, texts=render.texts, options=options)
        return {
            **section_context(render),
            "view": view,
            "hidden": options.is_hidden("paymentDetails", "billingInformation"),
        }
