"""The first visit's skeleton rules (stigg_portal/shapes.py) against the views they stand for.

A widget class declares, as data, how many of a skeleton box its data will show, read off the raw
GraphQL answer before Python runs; the views keep their own filters. On every fixture here (the
reference customers, every demo scenario, the hostile fixtures and variations made from them:
legacy entitlement lists, numbers as strings, zero and missing limits, more than a page of items,
updates in every status and kind, no active subscription), the count a rule reads must be the count
the view renders. A view filter changed without its rule fails here."""

from __future__ import annotations

import copy
import itertools
import json
from pathlib import Path
from typing import Any

import pytest

from stigg_portal.build import _section_cards, hidden_section_boxes
from stigg_portal.clients.early import loader_plan
from stigg_portal.clients.remote import PAYWALL_OPERATION, PORTAL_OPERATION
from stigg_portal.demo_data import (
    DEMO_SCENARIOS,
    FIXTURE_NAMES,
    REFERENCE_NOW,
    load_fixture,
    scenario_answers,
)
from stigg_portal.elements import all_widgets
from stigg_portal.models import parse_customer_portal, parse_paywall
from stigg_portal.rendering import render_skeleton
from stigg_portal.shapes import Pick, ShapeRule, all_rules, count, loader_rules
from stigg_portal.texts import resolve_texts
from stigg_portal.views.common import PortalOptions
from stigg_portal.views.invoices import build_invoices_view
from stigg_portal.views.payment_details import build_payment_details_view
from stigg_portal.views.paywall import build_paywall_view
from stigg_portal.views.subscription_overview import build_overview_view, build_scheduled_banner
from stigg_portal.views.usage import PAGE_SIZE, USAGE_ITEMS, build_usage_view

TEXTS = resolve_texts(None, {})[0]
HOSTILE = Path(__file__).resolve().parents[1] / "fixtures" / "hostile"


def base_answers() -> list[tuple[str, dict[str, Any]]]:
    out = [(f"fixture {name}", load_fixture(name)[PORTAL_OPERATION]) for name in FIXTURE_NAMES]
    out += [(f"scenario {name}", scenario_answers(name, REFERENCE_NOW)[PORTAL_OPERATION]) for name in DEMO_SCENARIOS]
    for path in sorted(HOSTILE.glob("*.json")):
        answers = json.loads(path.read_text())
        if PORTAL_OPERATION in answers:
            out.append((f"hostile {path.stem}", answers[PORTAL_OPERATION]))
    return out


def _portal(answer: dict[str, Any]) -> dict[str, Any]:
    return answer["data"]["customerPortal"]


def variations(name: str, answer: dict[str, Any]):
    """The answer, and copies that exercise each test of the rules."""
    yield name, answer
    portal = _portal(answer)
    entitlements = portal.get("entitlementsV2") or []

    legacy = copy.deepcopy(answer)
    p = _portal(legacy)
    p["entitlements"] = [{k: v for k, v in e.items() if k != "__typename"} for e in entitlements
                         if e.get("__typename") == "FeatureEntitlement"]
    p["entitlementsV2"] = []
    yield f"{name}, legacy list only", legacy
    missing = copy.deepcopy(legacy)
    del _portal(missing)["entitlementsV2"]
    yield f"{name}, no entitlementsV2 key", missing

    strings = copy.deepcopy(answer)
    for e in _portal(strings).get("entitlementsV2") or []:
        if isinstance(e.get("usageLimit"), (int, float)):
            e["usageLimit"] = str(e["usageLimit"])
    yield f"{name}, limits as strings", strings

    for limit in (0, None, -5, "0"):
        changed = copy.deepcopy(answer)
        for e in _portal(changed).get("entitlementsV2") or []:
            e["usageLimit"] = limit
        yield f"{name}, every limit {limit!r}", changed

    for k in range(1, len(entitlements)):
        fewer = copy.deepcopy(answer)
        _portal(fewer)["entitlementsV2"] = copy.deepcopy(entitlements[:k])
        yield f"{name}, its first {k} entitlements", fewer

    if entitlements:
        many = copy.deepcopy(answer)
        extra = []
        for n, e in enumerate(itertools.islice(itertools.cycle(entitlements), 3 * PAGE_SIZE)):
            e = copy.deepcopy(e)
            if isinstance(e.get("feature"), dict):
                e["feature"]["refId"] = f"{e['feature'].get('refId')}-{n}"
            if isinstance(e.get("currency"), dict):
                e["currency"]["currencyId"] = f"{e['currency'].get('currencyId')}-{n}"
            extra.append(e)
        _portal(many)["entitlementsV2"] = entitlements + extra
        yield f"{name}, more than a page", many

    subscriptions = portal.get("subscriptions") or []
    for status, kind in itertools.product(("Scheduled", "PendingPayment", "Done", "Failed", "Canceled"),
                                          ("Downgrade", "BillingPeriod", "UnitAmount", "Plan", "Addon")):
        for existing in subscriptions[:1]:
            changed = copy.deepcopy(answer)
            sub = _portal(changed)["subscriptions"][0]
            template = (existing.get("scheduledUpdates") or [{}])[0]
            update = {**copy.deepcopy(template), "scheduleStatus": status, "subscriptionScheduleType": kind}
            sub["scheduledUpdates"] = [update]
            yield f"{name}, one update {status} {kind}", copy.deepcopy(changed)
            for variables in ({"billingPeriod": "ANNUALLY"}, {"newUnitAmount": 5, "featureId": "seats"},
                              {"newUnitAmount": None, "billingPeriod": None}, None):
                sub["scheduledUpdates"] = [{**update, "scheduleVariables": variables}]
                yield f"{name}, one update {status} {kind} with {variables}", copy.deepcopy(changed)
            sub["scheduledUpdates"] = [update, {**update, "subscriptionScheduleType": "Downgrade"}]
            yield f"{name}, updates {status} {kind} and {status} Downgrade", copy.deepcopy(changed)
            sub["scheduledUpdates"] = [update, {**update, "scheduleStatus": "Done"}]
            yield f"{name}, an update {status} {kind} and a done one", copy.deepcopy(changed)
    # a pending downgrade to a free plan (the reference customer's own), on every answer
    downgrade = load_fixture("customer-demo")[PORTAL_OPERATION]["data"]["customerPortal"]["subscriptions"][0][
        "scheduledUpdates"][0]
    for sub_index, sub in enumerate(subscriptions):
        changed = copy.deepcopy(answer)
        _portal(changed)["subscriptions"][sub_index]["scheduledUpdates"] = [copy.deepcopy(downgrade)]
        yield f"{name}, subscription {sub_index} downgrading to free", changed
    for drop in ("promotionalEntitlements", "addons", "both"):
        changed = copy.deepcopy(answer)
        if drop in ("promotionalEntitlements", "both"):
            _portal(changed)["promotionalEntitlements"] = []
        if drop in ("addons", "both"):
            for sub in _portal(changed).get("subscriptions") or []:
                sub["addons"] = []
        yield f"{name}, no {drop}", changed
    for when in ("2000-01-01T00:00:00.000Z", None):
        changed = copy.deepcopy(answer)
        for e in _portal(changed).get("entitlementsV2") or []:
            e["usagePeriodEnd"] = when
        yield f"{name}, every usage period end {when!r}", changed
    for reset in ("YEAR", None, "DAY"):
        changed = copy.deepcopy(answer)
        for e in _portal(changed).get("entitlementsV2") or []:
            e["resetPeriod"] = reset
        yield f"{name}, every reset period {reset!r}", changed
    unlimited = copy.deepcopy(answer)
    for e in _portal(unlimited).get("entitlementsV2") or []:
        e["hasUnlimitedUsage"] = True
    yield f"{name}, every entitlement unlimited", unlimited
    for url in (None, "", "javascript:alert(1)", " https://billing.example/p ", "https://billing.example/a b",
                "http://", "HTTPS://BILLING.EXAMPLE", "https://billing.example/\x07", "ftp://billing.example"):
        changed = copy.deepcopy(answer)
        _portal(changed)["billingPortalUrl"] = url
        yield f"{name}, billing portal URL {url!r}", changed
    card = {"defaultPaymentMethodId": "pm_1", "defaultPaymentMethodLast4Digits": "4242",
            "defaultPaymentExpirationMonth": 12, "defaultPaymentExpirationYear": 2030}
    for info in (None, {}, {"name": "Ada"}, {"email": "ada@example.com"}, {"name": "", "email": ""},
                 {"defaultPaymentMethodId": "pm_1"}, card, {**card, "defaultPaymentMethodLast4Digits": None},
                 {**card, "defaultPaymentExpirationMonth": 0}, {**card, "name": "Ada", "email": None}):
        changed = copy.deepcopy(answer)
        _portal(changed)["billingInformation"] = copy.deepcopy(info)
        yield f"{name}, billing information {info!r}", changed
    for sub_index, sub in enumerate(subscriptions):
        for price_index, _ in enumerate(sub.get("prices") or []):
            for drop in ("feature", "price"):
                changed = copy.deepcopy(answer)
                _portal(changed)["subscriptions"][sub_index]["prices"][price_index][drop] = None
                yield f"{name}, subscription {sub_index} price {price_index} without its {drop}", changed
        for k in range(1, len(sub.get("prices") or [])):
            changed = copy.deepcopy(answer)
            _portal(changed)["subscriptions"][sub_index]["prices"] = sub["prices"][:k]
            yield f"{name}, subscription {sub_index} with its first {k} prices", changed
        if sub.get("prices"):
            changed = copy.deepcopy(answer)
            _portal(changed)["subscriptions"][sub_index]["prices"] = []
            yield f"{name}, subscription {sub_index} without prices", changed
    for status in ("IN_TRIAL", "CANCELED", "EXPIRED", "NOT_STARTED"):
        changed = copy.deepcopy(answer)
        for sub in _portal(changed).get("subscriptions") or []:
            sub["status"] = status
        yield f"{name}, every subscription {status}", changed


CASES = [case for name, answer in base_answers() for case in variations(name, answer)]


def _downgrade_to_free_billed_by_usage(answer: dict[str, Any]) -> bool:
    active = [sub for sub in _portal(answer).get("subscriptions") or [] if sub.get("status") == "ACTIVE"][:1]
    return any(
        u.get("subscriptionScheduleType") == "Downgrade" and u.get("scheduleStatus") not in ("Done", "Failed", "Canceled")
        and (u.get("targetPackage") or {}).get("pricingType") == "FREE"
        and any(p.get("billingModel") == "USAGE_BASED" for p in sub.get("prices") or [])
        and sub.get("pricingType") == "PAID" and sub.get("previewNextInvoice")
        for sub in active for u in sub.get("scheduledUpdates") or [])


def _period_end_past(answer: dict[str, Any]) -> bool:
    """A card that would have a footer but for a period end already past (the rule has no clock)."""
    view = build_usage_view(parse_customer_portal(answer), now=REFERENCE_NOW, texts=TEXTS, locale="en-US")
    far = build_usage_view(parse_customer_portal(answer), now=REFERENCE_NOW.replace(year=1990), texts=TEXTS,
                           locale="en-US")
    return sum(1 for item in far.items if item.footer) > sum(1 for item in view.items if item.footer)


def _charge_without_entitlement(answer: dict[str, Any]) -> bool:
    """A charge of the ACTIVE subscription whose feature the customer has no entitlement to: the
    view leaves it out (build_charges), the rule, which cannot join two lists, counts it."""
    portal = parse_customer_portal(answer)
    active = portal.active_subscription
    refs = {e.feature.ref_id for e in portal.feature_entitlements}
    return active is not None and any(p.feature is not None and p.price is not None and p.feature.ref_id not in refs
                                      for p in active.prices)


def rules_of(tag: str) -> dict[str, ShapeRule]:
    return {rule.box: rule for rule in all_widgets()[tag].early_shape}


def usage_rules() -> dict[str, ShapeRule]:
    return rules_of("stigg-usage")


def overview_rules() -> dict[str, ShapeRule]:
    return rules_of("stigg-subscription-overview")


@pytest.mark.parametrize(("name", "answer"), CASES, ids=[name for name, _ in CASES])
def test_each_rule_counts_what_its_view_renders(name: str, answer: dict[str, Any]):
    portal = parse_customer_portal(answer)
    view = build_usage_view(portal, now=REFERENCE_NOW, texts=TEXTS, locale="en-US")
    items = ShapeRule(PORTAL_OPERATION, "-", USAGE_ITEMS)
    assert count(items, answer) == view.total
    rules = usage_rules()
    assert count(rules["stigg-subscription-usage-layout"], answer) == int(view.visible)
    assert count(rules["stigg-usage-skeleton-cell"], answer) == len(view.items)
    assert (count(rules["stigg-subscription-usage-skeleton-layout"], answer) > 0) == view.many
    assert count(rules["stigg-usage-toggle-skeleton"], answer) == int(view.toggle is not None)
    footers = count(rules["stigg-usage-footer-skeleton"], answer)
    if _period_end_past(answer):
        assert footers > sum(1 for item in view.items if item.footer), name  # the limit the rule names
    elif view.total <= PAGE_SIZE:
        assert footers == sum(1 for item in view.items if item.footer), name
    else:  # which items make the first page depends on the view's order (priced features first)
        assert footers <= PAGE_SIZE

    banner = build_scheduled_banner(portal, texts=TEXTS, locale="en-US", options=PortalOptions())
    overview = build_overview_view(portal, now=REFERENCE_NOW, texts=TEXTS, locale="en-US")
    rules = overview_rules()
    assert count(rules["stigg-scheduled-updates-skeleton"], answer) == int(banner is not None)
    assert count(rules["stigg-overview-tabs-skeleton"], answer) == int(bool(overview.tabs))
    amount, known, contact, shown = (rule for rule in all_widgets()["stigg-subscription-overview"].early_shape
                                     if rule.box == "stigg-bill-skeleton")
    assert count(known, answer) == int(not overview.empty)
    assert count(shown, answer) == int(not overview.empty)
    assert count(rules["stigg-overview-empty-skeleton"], answer) == int(overview.empty)
    assert count(rules["stigg-trial-badge-skeleton"], answer) == int(not overview.empty and overview.trial is not None)
    assert count(contact, answer) == int(not overview.empty and overview.bill.kind == "contact"), name
    billed = not overview.empty and overview.bill.kind == "bill"
    if _downgrade_to_free_billed_by_usage(answer):
        # the limit the rule names: such a bill stays (it is billed by usage), the rule says a message
        assert (count(amount, answer), billed) == (0, True), name
    else:
        assert count(amount, answer) == int(billed), name
    charges = 0 if overview.empty else len(overview.charges)
    if _charge_without_entitlement(answer):
        assert count(rules["stigg-charge-skeleton"], answer) > charges, name  # the limit the rule names
    else:
        assert count(rules["stigg-charge-skeleton"], answer) == min(charges, 12), name
        assert count(rules["stigg-charge-list-skeleton"], answer) == int(charges > 0), name

    payment = build_payment_details_view(portal, texts=TEXTS)
    rules = rules_of("stigg-payment-details")
    assert count(rules["stigg-payment-details-section-layout"], answer) == int(payment.visible), name
    assert count(rules["stigg-payment-method-skeleton"], answer) == int(bool(payment.method_rows)), name
    invoices = build_invoices_view(portal, texts=TEXTS)
    assert count(rules_of("stigg-invoices")["stigg-invoices-section-layout"], answer) == int(invoices.visible), name


def test_the_variations_cover_each_outcome():
    """Not a corpus of one shape: cards from none to a full page, the toggle, banners and none."""
    rules = usage_rules()
    cells = {count(rules["stigg-usage-skeleton-cell"], a) for _, a in CASES}
    assert {0, 1, 2, 3, PAGE_SIZE} <= cells
    assert {count(rules["stigg-usage-toggle-skeleton"], a) for _, a in CASES} == {0, 1}
    for tag in ("stigg-subscription-overview", "stigg-payment-details", "stigg-invoices"):
        for rule in all_widgets()[tag].early_shape:
            if rule.box != "stigg-charge-skeleton":
                assert {count(rule, a) for _, a in CASES} == {0, 1}, rule.box
    assert {0, 1, 2, 3, 4} <= {count(overview_rules()["stigg-charge-skeleton"], a) for _, a in CASES}
    assert any(_period_end_past(a) for _, a in CASES)
    # and the limit is rare: a handful of cases among thousands
    assert 0 < sum(_charge_without_entitlement(a) for _, a in CASES) < len(CASES) / 20


def test_the_footers_rule_comes_after_the_rule_that_makes_the_cards():
    """The loader applies the rules in order: the footers are counted over the cards the cells'
    rule made (it never clones a footer on its own)."""
    boxes = [rule.box for rule in all_rules()]
    assert boxes.index("stigg-usage-skeleton-cell") < boxes.index("stigg-usage-footer-skeleton")
    assert boxes.index("stigg-charge-list-skeleton") < boxes.index("stigg-charge-skeleton")
    rules = usage_rules()
    for _, answer in CASES:
        assert count(rules["stigg-usage-footer-skeleton"], answer) <= count(rules["stigg-usage-skeleton-cell"], answer)


def test_an_answer_without_data_shapes_nothing():
    rule = ShapeRule(PORTAL_OPERATION, "x", USAGE_ITEMS)
    assert count(rule, {"errors": [{"message": "no"}], "data": None}) is None
    assert count(rule, {"data": {"customerPortal": None}, "errors": [{"message": "partial"}]}) is None
    assert count(rule, "not an object") is None
    assert count(rule, {"data": {"customerPortal": {"entitlementsV2": "not a list"}}}) == 0


def test_every_repeated_box_is_bounded():
    """However long a list an answer (or a hostile one) has, the loader clones a box a bounded
    number of times."""
    for rule in all_rules():
        assert rule.flag is not None or (rule.at_most is not None and rule.at_most <= 12), rule


def test_an_unknown_operator_is_refused_where_it_is_declared():
    with pytest.raises(ValueError, match="unknown operator"):
        Pick("a.b", where=(("x", "==", 1),))


def test_every_rule_names_an_early_operation_and_a_box_of_a_skeleton():
    operations = set(loader_plan()["operations"])
    skeletons = {tag: render_skeleton(tag) for tag in all_widgets()}
    for tag, widget in all_widgets().items():
        for rule in widget.early_shape:
            assert rule.operation in operations
            assert f'{rule.box}"' in skeletons[tag] or f"{rule.box} " in skeletons[tag], (tag, rule.box)
    # the portal composes the sections: their boxes are in its skeleton too
    for rule in loader_rules():
        assert rule["box"] in skeletons["stigg-customer-portal"], rule["box"]
    json.dumps(loader_rules())  # the loader's DEFINITIONS carry them as JSON


# ------------------------------------------------------------------------------ the pricing table
def paywall_answers() -> list[tuple[str, dict[str, Any]]]:
    from stigg_portal.demo_data.pricing import public_paywall_answer

    out = [(f"fixture {name}", load_fixture(name)[PAYWALL_OPERATION]) for name in FIXTURE_NAMES]
    out += [(f"scenario {name}", scenario_answers(name, REFERENCE_NOW)[PAYWALL_OPERATION]) for name in DEMO_SCENARIOS]
    out.append(("public pricing table", public_paywall_answer()))
    for path in sorted(HOSTILE.glob("*.json")):
        answers = json.loads(path.read_text())
        if PAYWALL_OPERATION in answers:
            out.append((f"hostile {path.stem}", answers[PAYWALL_OPERATION]))
    return out


def _current_plan(answer: dict[str, Any]) -> str | None:
    subscriptions = answer["data"]["paywall"].get("activeSubscriptions") or []
    return ((subscriptions[0].get("plan") or {}).get("refId")) if subscriptions else None


def _current_period(answer: dict[str, Any]) -> str | None:
    subscriptions = answer["data"]["paywall"].get("activeSubscriptions") or []
    active = [s for s in subscriptions if s.get("status") == "ACTIVE"]
    prices = [p["price"] for p in (active[0].get("prices") or []) if p.get("price")] if active else []
    return prices[0].get("billingPeriod") if prices else None


# What the pricing table's rules cannot see (each case below is expected to differ, strictly: a
# case that starts to agree fails too). A first visit's skeleton is then as far off as with no
# rule; the pricing table on a public page (no customer) has neither.
CURRENT_PLAN_HIDDEN = "the customer's own plan shows even when hidden from the paywall"
OTHER_PERIOD_ONLY = "paid plans priced only in the other period than the customer's subscription are left out"
UNKNOWN_PERIODS = "billing periods other than MONTHLY and ANNUALLY"
TRIAL_WITHOUT_CARD = "a trial customer's plan with no card of its own still counts for the trial line"
RANGE_ONE_PERIOD = "a plan's quantity ranges that differ between its periods count for both"
CUSTOM_PRICE_DOWNGRADE = ("a customer on a custom price has no buttons, so no line on the plan a downgrade "
                          "leads to, but the rule counts one (a card's rule reads its plan, not the subscription)")


def _on_trial(answer: dict[str, Any]) -> bool:
    return any(s.get("status") == "IN_TRIAL" for s in answer["data"]["paywall"].get("activeSubscriptions") or [])


def paywall_variations(name: str, answer: dict[str, Any]):
    plans = answer["data"]["paywall"].get("plans") or []
    periods = {p.get("billingPeriod") for plan in plans for p in plan.get("prices") or []}
    if periods - {"MONTHLY", "ANNUALLY"}:
        yield name, answer, UNKNOWN_PERIODS
        return
    yield name, answer, None
    current = _current_plan(answer)
    for n in range(len(plans)):
        hidden = copy.deepcopy(answer)
        hidden["data"]["paywall"]["plans"][n]["hiddenFromWidgets"] = ["PAYWALL"]
        yield f"{name}, plan {n} hidden", hidden, CURRENT_PLAN_HIDDEN if plans[n].get("refId") == current else None
        unpriced = copy.deepcopy(answer)
        plan = unpriced["data"]["paywall"]["plans"][n]
        plan["prices"] = []
        trial_card_gone = plans[n].get("refId") == current and plan.get("pricingType") == "PAID" and _on_trial(answer)
        yield (f"{name}, plan {n} ({plan.get('pricingType')}) without prices", unpriced,
               TRIAL_WITHOUT_CARD if trial_card_gone else None)
    for period in ("MONTHLY", "ANNUALLY"):
        one_period = copy.deepcopy(answer)
        for plan in one_period["data"]["paywall"]["plans"]:
            plan["prices"] = [p for p in plan.get("prices") or [] if p.get("billingPeriod") == period]
        other = _current_period(answer) not in (None, period)
        yield f"{name}, {period} prices only", one_period, OTHER_PERIOD_ONLY if other else None
    if plans:
        more = copy.deepcopy(answer)
        extra = copy.deepcopy(plans)
        for n, plan in enumerate(extra):
            plan["refId"] = f"{plan.get('refId')}-copy-{n}"
            plan["id"] = f"{plan.get('id')}-copy-{n}"
        more["data"]["paywall"]["plans"] = plans + extra
        yield f"{name}, every plan twice", more, None
    yield from card_variations(name, answer)


def card_variations(name: str, answer: dict[str, Any]):
    """What changes a card's height: its description, entitlement rows, add-ons, quantity ranges."""
    def changed(label: str, change, limit: str | None = None) -> tuple[str, dict[str, Any], str | None]:
        out = copy.deepcopy(answer)
        for n, plan in enumerate(out["data"]["paywall"].get("plans") or []):
            change(n, plan)
        return f"{name}, {label}", out, limit

    def entitlement_lists(plan):
        return [plan[key] for key in ("packageEntitlements", "entitlements") if isinstance(plan.get(key), list)]

    def hide_every_other(n, plan):
        for items in entitlement_lists(plan):
            for i, item in enumerate(items):
                if i % 2 == 0:
                    item["hiddenFromWidgets"] = ["PAYWALL"]

    def deny_first(n, plan):
        for items in entitlement_lists(plan):
            if items:
                items[0]["isGranted"] = False

    def legacy(n, plan):
        typed = plan.pop("packageEntitlements", None)
        if typed:
            plan["entitlements"] = [{k: v for k, v in item.items() if k != "__typename"} for item in typed]

    def none_on_odd(n, plan):
        if n % 2:
            plan["packageEntitlements"], plan["entitlements"] = [], []

    def many_addons(n, plan):
        addons = plan.get("compatibleAddons") or []
        plan["compatibleAddons"] = [{**a, "refId": f"{a.get('refId')}-{k}", "id": f"{a.get('id')}-{k}"}
                                    for k in range(3) for a in addons]

    def hide_first_addon(n, plan):
        for addon in (plan.get("compatibleAddons") or [])[:1]:
            addon["hiddenFromWidgets"] = ["PAYWALL"]

    def free_addons(n, plan):
        for addon in plan.get("compatibleAddons") or []:
            addon["pricingType"] = "FREE"

    def ranges(n, plan):
        for price in plan.get("prices") or []:
            if price.get("billingModel") == "PER_UNIT":
                price["minUnitQuantity"], price["maxUnitQuantity"] = (3, None) if n % 2 else (1, 50)

    def range_in_one_period(n, plan):
        for price in plan.get("prices") or []:
            if price.get("billingModel") == "PER_UNIT":
                monthly = price.get("billingPeriod") == "MONTHLY"
                price["minUnitQuantity"], price["maxUnitQuantity"] = (3, None) if monthly else (1, 50)

    def no_base(n, plan):
        plan["basePlan"] = None
        if n % 2:
            plan["packageEntitlements"], plan["entitlements"] = [], []

    subscriptions = answer["data"]["paywall"].get("activeSubscriptions") or []
    downgrades = [u for sub in subscriptions for u in sub.get("scheduledUpdates") or []
                  if u.get("subscriptionScheduleType") == "Downgrade"]
    if subscriptions:
        custom = copy.deepcopy(answer)
        for sub in custom["data"]["paywall"]["activeSubscriptions"]:
            sub["pricingType"] = "CUSTOM"
        yield f"{name}, on a custom price", custom, CUSTOM_PRICE_DOWNGRADE if downgrades else None
    if downgrades:
        other = copy.deepcopy(answer)
        for sub in other["data"]["paywall"]["activeSubscriptions"]:
            for update in sub.get("scheduledUpdates") or []:
                variables = update.setdefault("scheduleVariables", {}) or {}
                update["scheduleVariables"] = {**variables, "billingPeriod": "ANNUALLY"
                                               if variables.get("billingPeriod") == "MONTHLY" else "MONTHLY"}
        yield f"{name}, the downgrade in the other period", other, None
    yield changed("no descriptions", lambda n, plan: plan.update(description=None))
    yield changed("every other entitlement hidden", hide_every_other)
    yield changed("first entitlement not granted", deny_first)
    yield changed("legacy entitlements list", legacy)
    yield changed("no entitlements on every other plan", none_on_odd)
    yield changed("every add-on three times", many_addons)
    yield changed("first add-on hidden", hide_first_addon)
    yield changed("free add-ons", free_addons)
    yield changed("quantity ranges on per-unit prices", ranges)
    yield changed("no base plans, no entitlements on every other plan", no_base)
    count_of = len(answer["data"]["paywall"].get("plans") or [])
    yield changed("plans ordered last to first", lambda n, plan: plan.update(order=str(count_of - n) if n % 2 else count_of - n))
    yield changed("the last plan ordered first", lambda n, plan: plan.update(order=-1) if n == count_of - 1 else None)
    per_unit_both = any({p.get("billingPeriod") for p in plan.get("prices") or [] if p.get("billingModel") == "PER_UNIT"}
                        >= {"MONTHLY", "ANNUALLY"} for plan in answer["data"]["paywall"].get("plans") or [])
    yield changed("a quantity range of another kind in each period", range_in_one_period,
                  RANGE_ONE_PERIOD if per_unit_both else None)


PAYWALL_CASES = [case for name, answer in paywall_answers() for case in paywall_variations(name, answer)]


@pytest.mark.parametrize(("name", "answer"), [
    pytest.param(name, answer, id=name, marks=[pytest.mark.xfail(strict=True, reason=limit)] if limit else [])
    for name, answer, limit in PAYWALL_CASES])
def test_the_pricing_tables_rules_count_what_it_renders(name: str, answer: dict[str, Any]):
    view = build_paywall_view(parse_paywall(answer), now=REFERENCE_NOW, texts=TEXTS)
    rules = paywall_rules()
    assert count(rules["stigg-paywall-skeleton-plan"], answer) == len(view.plans)
    assert count(rules["stigg-skeleton-loader-billing-period"], answer) == int(view.period_switch is not None)
    rendered = rendered_cards(view)
    assert rendered == counted_cards(answer, rendered)


def paywall_rules() -> dict[str, ShapeRule]:
    """The pricing table's rules by box, or by flag for the flags on one box."""
    return {rule.flag or rule.box: rule for rule in all_widgets()["stigg-paywall"].early_shape}


def rendered_cards(view) -> dict[str, Any]:
    """What the rendered table's cards have, per card, as the per-card rules count it."""
    cards = view.plans[:12]
    return {
        "data-stigg-described": view.show_description, "data-stigg-tiers": view.with_tiers_row,
        "data-stigg-trial": view.with_trial_row,
        "data-stigg-scheduled": [bool(c.cta and c.cta.schedule_text) for c in cards],
        "stigg-paywall-skeleton-row": [min(len(c.entitlement_rows), 12) for c in cards],
        "stigg-paywall-skeleton-rows-title": [int(bool(c.entitlements_title)) for c in cards],
        "stigg-paywall-skeleton-addons-gap": [int(c.has_entitlements) for c in cards],
        "stigg-paywall-skeleton-addons": [int(bool(c.addons)) for c in cards],
        "stigg-paywall-skeleton-addon": [len(c.addons) for c in cards],
        "stigg-paywall-skeleton-addons-toggle": [int(bool(c.addons_toggle_text)) for c in cards],
    }


def counted_cards(answer: dict[str, Any], keys) -> dict[str, Any]:
    """What the rules count for ``keys`` (rendered_cards' keys) on the raw answer."""
    rules = paywall_rules()
    def counted(rule):
        n = count(rule, answer)
        if not rule.flag:
            return n
        return [k > 0 for k in n] if isinstance(n, list) else n > 0

    return {key: counted(rules[key]) for key in keys}


def test_the_pricing_table_variations_cover_each_outcome():
    rules = rules_of("stigg-paywall")
    exact = [a for _, a, limit in PAYWALL_CASES if not limit]
    assert {count(rules["stigg-skeleton-loader-billing-period"], a) for a in exact} == {0, 1}
    assert len({count(rules["stigg-paywall-skeleton-plan"], a) for a in exact}) >= 4
    assert len(exact) > 4 * len([1 for *_, limit in PAYWALL_CASES if limit])
    # every per-card rule and table flag counts both ways somewhere in the corpus
    for rule in all_widgets()["stigg-paywall"].early_shape:
        if rule.each or rule.box == "stigg-skeleton-loader-plans-container":
            seen = set()
            for answer in exact:
                n = count(rule, answer)
                seen.update(min(k, 1) for k in (n if isinstance(n, list) else [n]))
            assert seen == {0, 1}, (rule.box, rule.flag, seen)


def test_the_demo_customers_counts_are_the_rules_on_their_answers():
    from stigg_portal.demo_data.pricing import PUBLIC_SCENARIO, public_paywall_answer
    from stigg_portal.shapes import all_rules, demo_shapes

    shapes = demo_shapes()
    assert shapes["scenario"] == "paid" and set(shapes["counts"]) == {*DEMO_SCENARIOS, PUBLIC_SCENARIO}
    rules = all_rules()
    for scenario, counts in shapes["counts"].items():
        answers = {PAYWALL_OPERATION: public_paywall_answer()} if scenario == PUBLIC_SCENARIO \
            else scenario_answers(scenario)
        assert counts == [count(rule, answers[rule.operation]) if rule.operation in answers else None
                          for rule in rules]
    # and they differ between customers: the banner of "paid", none for "trial"; no usage section without a subscription
    banner = next(i for i, rule in enumerate(rules) if rule.box == "stigg-scheduled-updates-skeleton")
    usage = next(i for i, rule in enumerate(rules) if rule.box == "stigg-subscription-usage-layout")
    assert (shapes["counts"]["paid"][banner], shapes["counts"]["trial"][banner]) == (1, 0)
    assert shapes["counts"]["no-subscription"][usage] == 0
    assert json.loads(json.dumps(shapes)) == shapes


def test_hidden_sections_leave_the_same_section_cards_out_of_the_skeleton_and_the_data():
    """The loader removes, for each hidden-sections name, the skeleton's section cards the build
    read off the templates (build.hidden_section_boxes): the data leaves the same ones out, so a
    portal with hidden sections does not shrink when its data arrives."""
    from stigg_portal.server import render

    boxes = hidden_section_boxes("stigg-customer-portal")
    assert set(boxes) == {"usage", "billingInformation", "paymentDetails", "invoices", "paywall", "plans"}
    def cards(html: str) -> set[str]:
        return set(_section_cards(html))
    for tag in ("stigg-customer-portal", "stigg-usage", "stigg-payment-details", "stigg-invoices"):
        shown = cards(render(tag, {"client": "demo", "scenario": "paid"}, now=REFERENCE_NOW))
        for name, gone in hidden_section_boxes(tag).items():
            left = cards(render(tag, {"client": "demo", "scenario": "paid", "hidden-sections": name}, now=REFERENCE_NOW))
            assert set(gone) <= shown and not set(gone) & left, (tag, name, gone, left)
