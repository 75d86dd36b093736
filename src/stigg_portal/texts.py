"""Text keys with their defaults, and the ``texts`` / ``text-*`` overrides (spec §3).

Keys are camelCase as upstream; nested groups (``planCTAButton.upgrade``) use dicts. A
``text-*`` attribute names a key in kebab case, nested keys joined with ``-`` too
(``text-manage-subscription``, ``text-plan-cta-button-upgrade``).
"""

from __future__ import annotations

import copy
import json
import re
from typing import Any

from .elements import AttributeProblem

#: Every overridable text with its default (one source of truth for templates, docs and tests).
DEFAULT_TEXTS: dict[str, Any] = {
    # spec §3.1, customer portal
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
    # states of our own
    "demoBadge": "Demo data",
    "errorTitle": "We couldn\u2019t load your billing details.",
    "retry": "Try again",
    "loading": "Loading\u2026",
}


def _kebab(key: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"-\1", key).lower()


def _flatten(tree: dict[str, Any], prefix: tuple[str, ...] = ()) -> dict[tuple[str, ...], Any]:
    out: dict[tuple[str, ...], Any] = {}
    for key, value in tree.items():
        if isinstance(value, dict):
            out.update(_flatten(value, prefix + (key,)))
        else:
            out[prefix + (key,)] = value
    return out


def text_attribute_names() -> dict[str, tuple[str, ...]]:
    """``text-*`` attribute suffix -> key path, for every text key."""
    return {"-".join(_kebab(part) for part in path): path for path in _flatten(DEFAULT_TEXTS)}


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
    texts = copy.deepcopy(DEFAULT_TEXTS)
    problems: list[AttributeProblem] = []
    if texts_json:
        try:
            parsed = json.loads(texts_json)
        except ValueError as exc:
            parsed = None
            problems.append(AttributeProblem("texts", f"attribute texts is not valid JSON ({exc}); defaults used"))
        if parsed is not None and not isinstance(parsed, dict):
            problems.append(AttributeProblem("texts", "attribute texts must be a JSON object; defaults used"))
        elif isinstance(parsed, dict):
            _merge(texts, parsed, "", problems)
    names = text_attribute_names()
    for suffix, value in text_attributes.items():
        path = names.get(suffix)
        if path is None:
            problems.append(AttributeProblem(f"text-{suffix}", f"attribute text-{suffix}: unknown text key (ignored)"))
            continue
        node = texts
        for part in path[:-1]:
            node = node[part]
        node[path[-1]] = value
    return texts, problems
