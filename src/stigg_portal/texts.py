"""Text keys with their defaults, and the ``texts`` / ``text-*`` overrides (spec §3).

Keys are camelCase as upstream; nested groups (``planCTAButton.upgrade``) use dicts. A ``text-*``
attribute names a key in kebab case, nested keys joined with ``-`` too (``text-manage-subscription``,
``text-plan-cta-button-upgrade``, ``text-price-free``).

Three kinds of keys live here, all overridable the same way:

- upstream's ``CustomerPortalLocalization`` (§3.1) and ``PaywallLocalization`` (§3.2) keys, with
  upstream's defaults and names;
- strings upstream hard-codes (``Subscription``, ``{planName} plan``, ``Buy more``, the
  scheduled-update sentences, …), under names of our own;
- our own states (demo badge, error, empty states).

Upstream overrides that are functions become templates with named placeholders
(``"Start {trialDays} day trial"``), filled by :func:`format_text`, which leaves unknown
placeholders as they are. ``**double stars**`` mark the bold part of a sentence: :func:`rich_text`
splits a template into plain and bold segments *before* filling placeholders, so a value can never
introduce markup or bold; templates escape every segment and wrap bold ones in ``<strong>``.
An upstream key whose default is "no override" (``entitlementsTitle``, ``price.paid``,
``formatResetPeriod``) defaults to ``""``, which means "use the built-in text".
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from functools import cache
from types import MappingProxyType
from typing import Any

from .elements import AttributeProblem

__all__ = [
    "DEFAULT_TEXTS",
    "format_text",
    "resolve_texts",
    "rich_text",
    "text_at",
    "text_attribute_names",
]

#: Every overridable text with its default (one source of truth for templates, docs and tests).
DEFAULT_TEXTS: dict[str, Any] = {
    # ---- spec §3.1, CustomerPortalLocalization (upstream names and defaults) ----
    "manageSubscription": "Manage",
    "usageTabTitle": "Usage",
    "addonsTabTitle": "Add-ons",
    "promotionsTabTitle": "Promotions",
    "promotionsSubtitle": "You were granted access to additional functionality at no additional cost.",
    "contactSupportTitle": "Have questions about your subscription?",
    "contactSupportLink": "Contact support",
    "editBilling": "Edit billing details",
    "invoicesTitle": "Invoices",
    "viewInvoiceHistory": "View invoice history",
    "editPaymentDetails": "Edit",
    "paywallSectionTitle": "Plans",
    "cancelScheduledUpdatesButtonTitle": "Cancel",
    "usageUnavailable": "Usage unavailable",
    "nextBillUnavailable": "We couldn\u2019t estimate your next bill right now. Please check back later.",
    #: Credits only: replaces the relative part of "Refreshes …"; placeholders {date} {days} {hours} {minutes}.
    "formatResetPeriod": "",
    # ---- strings upstream hard-codes in the portal ----
    "subscriptionTitle": "Subscription",
    "planName": "{planName} plan",
    "trialDaysRemaining": "{days} days remaining in trial",
    "trialDaysRemainingOfPlan": "{days} days remaining in trial of the {planName} plan",
    "upgradePlan": "Upgrade plan",
    "nextEstimatedBill": "Next estimated bill",
    "billedMonthlyOn": "Billed monthly on {date}",
    "billedAnnuallyOn": "Billed annually on {date}",
    "additionalTaxes": "* Additional tax rates may apply",
    "noUpcomingBill": "No upcoming bill",
    "freePlanNoCharges": "You're on a free plan, so you don\u2019t have any upcoming charges",
    "downgradeToFreeNoCharges": (
        "Your plan will be downgraded to a free plan, so you don\u2019t have any upcoming charges"
    ),
    "trialNoCharges": "You\u2019re on a free trial of the {planName} plan, so you don\u2019t have any upcoming charges",
    "promotionsFeatureColumn": "Feature",
    "promotionsExpirationColumn": "Expiration date",
    "promotionNoExpiration": "None",
    "promotionUnlimited": "Unlimited {name}",
    "promotionWithLimit": "{name} x {limit}",
    "addonWithQuantity": "{quantity} X {name}",
    "buyMore": "Buy more",
    "upgrade": "Upgrade",
    "billedForCommittedUsage": "Billed for committed usage",
    "billedForActualUsage": "Billed for actual usage",
    "inCurrentBillingPeriod": "In current billing period",
    "resetsMonthly": "Resets monthly - in {days} days",
    "resetsWeekly": "Resets weekly - in {days} days",
    "resetsDaily": "Resets daily - in {hours} hours",
    "resetsHourly": "Resets hourly - in {minutes} minutes",
    "refreshes": "Refreshes {when}",
    "refreshesInDays": "in {days} days",
    "refreshesInHours": "in {hours} hours",
    "refreshesInMinutes": "in {minutes} minutes",
    "showMore": "Show more",
    "showLess": "Show less",
    "chargePrice": "{price} per {unit}",
    "usageOfLimit": "{usage} of {limit}",
    "usageWithLimit": "{usage} / {limit} ({percent}%)",
    "usageProgressLabel": "{feature} usage",
    "paymentDetailsTitle": "Payment details",
    "billedTo": "Billed to",
    "paymentMethod": "Payment method",
    "customerName": "Name",
    "customerEmail": "Email",
    "cardLabel": "Card",
    "bankAccountLabel": "Bank account",
    "cashAppLabel": "Cash App",
    "cardEndingIn": "Ending in {last4}",
    "cardExpires": "Expires",
    "missingValue": "-",
    # scheduled updates (spec §6.8); **…** is bold
    "scheduledDowngrade": "Your subscription will be downgraded to the **{planName} plan** {when}.",
    "scheduledOnDate": "on {date}",
    "scheduledAtPeriodEnd": "at the end of the current billing period",
    "scheduledDowngradeSubtitle": "Until then you still have access to your current plan.",
    "scheduledBillingPeriod": (
        "Your billing cycle will change to **{period}** at the end of the current billing period."
    ),
    "scheduledUnitAmount": (
        "Your subscription will be updated to **{quantity}** {units} at the end of the current billing period."
    ),
    "scheduledUnitAmountSubtitle": "Until then you still have access to your current {units} count.",
    "scheduledUpdatesIntro": "The following updates will take effect in the next billing cycle:",
    "scheduledListDowngrade": "Downgrade to the **{planName}** plan",
    "scheduledListBillingPeriod": "Change from an {fromPeriod} to a **{toPeriod}** billing cycle",
    "scheduledListUnitAmount": "Reduce the **{units}** quantity to {quantity} {unit}",
    "periodMonthly": "monthly",
    "periodAnnually": "annually",
    # ---- spec §3.2, PaywallLocalization (upstream names and defaults) ----
    "highlightChip": "Recommended",
    #: "" = built-in (paywall.entitlementsTitle*); placeholders {planName} {basePlan}.
    "entitlementsTitle": "",
    "addonsTitle": "Available add-ons:",
    "planCTAButton": {
        "upgrade": "Upgrade",
        "downgrade": "Downgrade",
        "startTrial": "Start {trialDays} day trial",
        "custom": "Contact us",
        "currentPlan": "Current plan",
        "startNew": "Get started",
        #: {period} is paywall.switchMonthly / paywall.switchAnnual
        "switchToBillingPeriod": "Switch to {period} billing",
        "cancelScheduledUpdate": "Cancel",
    },
    "price": {
        "startingAtCaption": "Starts at",
        #: {period} is periodMonthly / periodAnnually
        "billingPeriod": ", billed {period}",
        #: {period} is paywall.month / paywall.year
        "pricePeriod": "/ {period}",
        "custom": "Custom",
        "priceNotSet": "Price not set",
        "free": "{currencySymbol}0",
        #: "" = built-in; placeholders {price} {unit} {billingPeriod}
        "paid": "",
    },
    # ---- strings upstream hard-codes in the paywall ----
    "paywall": {
        "monthly": "Monthly",
        "annual": "Annual",
        "discountRate": "{percent}% off",
        "nextPlan": "Next plan",
        #: the next plan's sentence for a scheduled billing-period change; {when} is scheduledOnDate
        "scheduledBillingPeriod": "Your billing cycle will change to **{period}** {when}.",
        "showMoreAddons": "Show {count} more",
        "showLessAddons": "Show less",
        "trialDaysLeft": "**{days} days** left on your free trial",
        "entitlementsTitleBasePlan": "Everything in {basePlan}, plus:",
        "entitlementsTitleBasePlanOnly": "Everything in {basePlan}",
        "entitlementsTitleIncludes": "Includes:",
        "month": "month",
        "year": "year",
        "switchMonthly": "monthly",
        "switchAnnual": "annual",
        "perUnit": "per {unit}",
        "forBlock": "for {blockSize} {units}",
        "unlimited": "Unlimited {units}",
        "custom": "Custom {units}",
        "limit": "{limit} {units}",
        "perHour": "per hour",
        "perDay": "per day",
        "perWeek": "per week",
        "perMonth": "per month",
        "perYear": "per year",
        "upTo": "Up to {max} {units}",
        "range": "{min}-{max} {units}",
        "minimum": "Minimum {min} {units}",
    },
    # ---- states of our own ----
    "demoBadge": "Demo data",
    # the customer's words; the technical reason goes to the console and stigg-error's detail
    "errorTitle": "We couldn\u2019t load your billing details right now.",
    # the same, where only the plans could not be loaded (a pricing table, the portal's Plans section):
    # a visitor of a public pricing table has no billing details
    "plansErrorTitle": "We couldn\u2019t load the plans right now.",
    "errorMessage": "Please try again in a moment.",
    "retry": "Try again",
    "loading": "Loading\u2026",
    # said once, politely, by screen readers when the page's billing details have arrived
    "readyAnnouncement": "Billing details loaded.",
    "noSubscriptionTitle": "No active subscription",
    "noSubscriptionDescription": "You don\u2019t have an active subscription right now.",
    "viewPlans": "See plans",
    "poweredByStigg": "Powered by Stigg",
}

_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


def format_text(template: str, /, **values: Any) -> str:
    """Fill ``{name}`` placeholders; unknown placeholders (and stray braces) stay as written.

    Never raises on user-written templates, unlike ``str.format``.
    """
    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in values or values[name] is None:
            return match.group(0)
        return str(values[name])

    return _PLACEHOLDER.sub(fill, str(template))


def rich_text(template: str, /, **values: Any) -> list[tuple[str, bool]]:
    """Split ``**bold**`` parts first, then fill placeholders: ``[(text, is_bold), …]``.

    Values are inserted as plain text (the template escapes them), so data containing ``**`` or
    markup can never change what is bold or inject HTML.
    """
    parts = str(template).split("**")
    if len(parts) % 2 == 0:  # an unmatched ** is literal text, not the start of bold
        parts = parts[:-2] + [parts[-2] + "**" + parts[-1]]
    segments = []
    for index, part in enumerate(parts):
        text = format_text(part, **values)
        if text:
            segments.append((text, index % 2 == 1))
    return segments


def text_at(texts: Mapping[str, Any], dotted: str) -> str:
    """The text at ``planCTAButton.upgrade``-style path (``""`` when missing)."""
    node: Any = texts
    for part in dotted.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return ""
        node = node[part]
    return node if isinstance(node, str) else ""


def _kebab(key: str) -> str:
    """``manageSubscription`` -> ``manage-subscription``; ``planCTAButton`` -> ``plan-cta-button``."""
    key = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1-\2", key)
    key = re.sub(r"([a-z0-9])([A-Z])", r"\1-\2", key)
    return key.lower()


def _flatten(tree: dict[str, Any], prefix: tuple[str, ...] = ()) -> dict[tuple[str, ...], Any]:
    out: dict[tuple[str, ...], Any] = {}
    for key, value in tree.items():
        if isinstance(value, dict):
            out.update(_flatten(value, prefix + (key,)))
        else:
            out[prefix + (key,)] = value
    return out


@cache  # the text keys are fixed: computed once (in the snapshot's warm-up), not on every render
def text_attribute_names() -> Mapping[str, tuple[str, ...]]:
    """``text-*`` attribute suffix -> key path, for every text key (read-only)."""
    return MappingProxyType({"-".join(_kebab(part) for part in path): path for path in _flatten(DEFAULT_TEXTS)})


def _copy_tree(tree: dict[str, Any]) -> dict[str, Any]:
    """A copy of a tree of dicts whose leaves are strings (``DEFAULT_TEXTS``), ~20x faster than
    ``copy.deepcopy``."""
    return {key: _copy_tree(value) if isinstance(value, dict) else value for key, value in tree.items()}


def _merge(base: dict[str, Any], override: dict[str, Any], path: str, problems: list[AttributeProblem]) -> None:
    for key, value in override.items():
        where = f"{path}.{key}" if path else key
        if key not in base:
            problems.append(AttributeProblem("texts", f"attribute texts: unknown text key {where!r} (ignored)"))
        elif isinstance(base[key], dict):
            if isinstance(value, dict):
                _merge(base[key], value, where, problems)
            else:
                problems.append(AttributeProblem("texts", f"attribute texts: {where!r} must be an object"))
        elif isinstance(value, (str, int, float)) and not isinstance(value, bool):
            base[key] = str(value)
        else:
            problems.append(AttributeProblem("texts", f"attribute texts: {where!r} must be a string"))


def resolve_texts(
    texts_json: str | None, text_attributes: dict[str, str]
) -> tuple[dict[str, Any], list[AttributeProblem]]:
    """Defaults, deep-merged with the ``texts`` JSON, then the ``text-*`` attributes."""
    texts = _copy_tree(DEFAULT_TEXTS)
    problems: list[AttributeProblem] = []
    if texts_json:
        try:
            parsed = json.loads(texts_json)
        except (ValueError, RecursionError) as exc:  # RecursionError: absurdly deep nesting
            parsed = None
            problems.append(AttributeProblem("texts", f"attribute texts is not valid JSON ({exc}); defaults used"))
        if parsed is not None and not isinstance(parsed, dict):
            problems.append(AttributeProblem("texts", "attribute texts must be a JSON object; defaults used"))
        elif isinstance(parsed, dict):
            _merge(texts, parsed, "", problems)
    names = text_attribute_names()
    for suffix, value in text_attributes.items():
        path = names.get(suffix.lower())
        if path is None:
            problems.append(AttributeProblem(f"text-{suffix}", f"attribute text-{suffix}: unknown text key (ignored)"))
            continue
        node = texts
        for part in path[:-1]:
            node = node[part]
        node[path[-1]] = value
    return texts, problems
