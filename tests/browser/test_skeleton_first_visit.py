"""A first visit's skeleton shaped by the early GraphQL answer (stigg_portal/shapes.py): before
Python renders, the loader reads off the answer it fetched how many usage cards, whether a
scheduled-update banner and the overview's tabs will show, and whether there is a usage section at
all. Real Chromium, the mock Stigg API over real HTTP, no remembered shape (a fresh profile, or the
memory off). What the loader counts must be what the Python rule counts on the same answer (which
tests/unit/test_shapes.py holds equal to the views), and the shaped skeleton must stand where the
data will."""

from __future__ import annotations

import json

import pytest
from browser_helpers import wait_ready

from stigg_portal.clients.remote import PORTAL_OPERATION
from stigg_portal.demo_data import load_fixture, scenario_answers
from stigg_portal.mock_api import DEFAULT_API_KEY
from stigg_portal.shapes import count

# Records, at every change while #p shows its skeleton, what the skeleton shows (DOM only) and where
# its top-level section cards stand: the last record is the skeleton the data replaces.
RECORDER = """<script>
window.__skeletons = [];
const visible = (p, cls) => p.querySelectorAll("." + cls + ":not(.stigg-skeleton-optional)").length;
const record = () => {
  const p = document.getElementById("p");
  if (!p || p.getAttribute("data-stigg-state") !== "loading") return;
  window.__skeletons.push({
    section: visible(p, "stigg-subscription-usage-layout"), cells: visible(p, "stigg-usage-skeleton-cell"),
    many: p.querySelector(".stigg-subscription-usage-skeleton-layout")?.hasAttribute("data-stigg-many") ?? null,
    toggle: visible(p, "stigg-usage-toggle-skeleton"), banner: visible(p, "stigg-scheduled-updates-skeleton"),
    tabs: visible(p, "stigg-overview-tabs-skeleton"),
    boxes: [...p.querySelectorAll(".stigg-section-card")].filter((c) => !c.parentElement.closest(".stigg-section-card"))
      .filter((c) => c.getBoundingClientRect().height > 0)
      .map((c) => [c.classList[0], Math.round(c.getBoundingClientRect().top), Math.round(c.getBoundingClientRect().height)]),
    end: Math.round(p.getBoundingClientRect().bottom),
  });
};
new MutationObserver(record).observe(document, { subtree: true, childList: true, attributes: true });
</script>"""
DATA_BOXES = """() => { const p = document.getElementById("p"); return {
  boxes: [...p.querySelectorAll(".stigg-section-card")].filter((c) => !c.parentElement.closest(".stigg-section-card"))
    .map((c) => [c.classList[0], Math.round(c.getBoundingClientRect().top), Math.round(c.getBoundingClientRect().height)]),
  end: Math.round(p.getBoundingClientRect().bottom) }; }"""


def rules_recorder() -> str:
    """Records, at every change while #p shows its skeleton, what each of the loader's shape rules
    left on it: the number of its boxes shown, or whether its flag is set."""
    from stigg_portal.shapes import loader_rules

    return ("<script>window.__rules = " + json.dumps(loader_rules()) + """; window.__applied = [];
new MutationObserver(() => {
  const p = document.getElementById("p");
  if (!p || p.getAttribute("data-stigg-state") !== "loading") return;
  const left = (rule, root) => {
    const boxes = [...root.querySelectorAll("." + rule.box)];
    return rule.flag ? boxes.some((box) => box.hasAttribute(rule.flag))
      : boxes.filter((box) => !box.classList.contains("stigg-skeleton-optional")).length;
  };
  // a rule with `each`: what it left inside each shown box of its `within` class (a plan card)
  window.__applied.push(window.__rules.map((rule) => (rule.within
    ? [...p.querySelectorAll("." + rule.within)].filter((box) => !box.classList.contains("stigg-skeleton-optional"))
      .map((box) => left(rule, box))
    : left(rule, p))));
}).observe(document, { subtree: true, childList: true, attributes: true });
</script>""")


def python_counts(answers: dict) -> list:
    """What each rule says for these answers, as the recorder records it."""
    from stigg_portal.shapes import all_rules

    def recorded(rule, n):
        return (n > 0) if rule.flag else n

    counts = [(rule, count(rule, answers[rule.operation])) for rule in all_rules()]
    return [[recorded(rule, k) for k in n] if rule.each else recorded(rule, n) for rule, n in counts]


def answer_for(customer: str) -> dict:
    if customer.startswith("demo-"):
        return scenario_answers(customer.removeprefix("demo-"))[PORTAL_OPERATION]
    return load_fixture(customer)[PORTAL_OPERATION]


def expected(widgets, answer: dict) -> dict:
    """What the Python rules say the skeleton shows for ``answer``."""
    rules = {rule.box: rule for tag in ("stigg-usage", "stigg-subscription-overview")
             for rule in widgets[tag].early_shape}
    return {
        "section": count(rules["stigg-subscription-usage-layout"], answer),
        "cells": count(rules["stigg-usage-skeleton-cell"], answer),
        "many": count(rules["stigg-subscription-usage-skeleton-layout"], answer) > 0,
        "toggle": count(rules["stigg-usage-toggle-skeleton"], answer),
        "banner": count(rules["stigg-scheduled-updates-skeleton"], answer),
        "tabs": count(rules["stigg-overview-tabs-skeleton"], answer),
    }


def load(page, site, mock_api, customer: str, *, mode: str | None = None, head: str = ""):
    """A first visit (no memory); the first and last skeleton records and the data's boxes
    (``head``: more of the page's head, after the recorder)."""
    mock_api.reset()
    if mode:
        mock_api.fail(mode, count=2)
    url = site.page_url(
        f'<stigg-customer-portal id="p" api-key="{DEFAULT_API_KEY}" customer-id="{customer}" '
        f'base-url="{mock_api.url}"></stigg-customer-portal><p id="below">below</p>',
        head=RECORDER + head, script_attrs='data-skeleton-memory="off"')
    page.goto(url)
    wait_ready(page, "#p")
    skeletons = page.evaluate("window.__skeletons")
    return skeletons[0], skeletons[-1], page.evaluate(DATA_BOXES)


SHOWN = ("section", "cells", "many", "toggle", "banner", "tabs")


@pytest.mark.parametrize("customer", [
    "customer-demo", "customer-trial", "customer-custom", "demo-no-subscription", "demo-free",
    "demo-heavy-usage", "demo-billing-period-change", "demo-unit-amount-change", "demo-canceled",
])
def test_the_loader_counts_what_the_python_rules_count(page, site, mock_api, customer):
    from stigg_portal.elements import all_widgets

    page.set_viewport_size({"width": 1280, "height": 900})
    _, shaped, _ = load(page, site, mock_api, customer)
    want = expected(all_widgets(), answer_for(customer))
    assert {key: shaped[key] for key in SHOWN} == want, customer
    # and what the data shows agrees: as many usage cards (up to a page), a banner or none
    rendered = page.evaluate("""() => { const p = document.getElementById("p"); return {
      cells: p.querySelectorAll(".stigg-usage-cell").length,
      banner: p.querySelectorAll(".stigg-scheduled-updates-alert-container").length,
      tabs: p.querySelectorAll(".stigg-overview-tab").length > 0 ? 1 : 0,
      section: p.querySelectorAll(".stigg-subscription-usage-layout").length }; }""")
    assert rendered == {key: want[key] for key in ("cells", "banner", "tabs", "section")}


def test_more_than_a_page_of_usage_gets_six_cards_three_a_row_and_show_more(page, site, mock_api):
    from stigg_portal.elements import all_widgets

    page.set_viewport_size({"width": 1280, "height": 900})
    _, shaped, _ = load(page, site, mock_api, "customer-demo", mode="huge")
    assert {key: shaped[key] for key in ("cells", "many", "toggle")} == {"cells": 6, "many": True, "toggle": 1}
    assert page.locator("#p .stigg-usage-toggle-many-button").count() == 1
    assert expected(all_widgets(), answer_for("customer-demo"))["toggle"] == 0  # the mode made the difference


@pytest.mark.parametrize("width", [1280, 390])
def test_the_demo_customers_sections_stand_where_the_data_puts_them(page, site, mock_api, width):
    """The default skeleton is shorter than the demo customer's data (a banner, four usage cards):
    shaped by the answer, the overview and usage boxes match the data's, and what follows the
    element moves far less when the data arrives than from the default skeleton."""
    page.set_viewport_size({"width": width, "height": 900})
    default, shaped, data = load(page, site, mock_api, "customer-demo")
    by_name = lambda record: {name: (top, height) for name, top, height in record["boxes"]}
    before, after, final = by_name(default), by_name(shaped), by_name(data)
    usage = "stigg-subscription-usage-layout"
    overview = "stigg-customer-portal-subscriptions-overview"
    assert abs(final[usage][1] - before[usage][1]) > 150  # the default skeleton is far off
    assert abs(final[usage][1] - after[usage][1]) <= 40, (after[usage], final[usage])
    # the overview with its banner (at 390 px the banner's text wraps to five lines) and tabs
    assert abs(final[overview][1] - after[overview][1]) <= 10, (after[overview], final[overview])
    assert abs(final[usage][0] - after[usage][0]) <= 10
    moved_default = abs(data["end"] - default["end"])
    moved_shaped = abs(data["end"] - shaped["end"])
    assert moved_shaped < moved_default / 2, (moved_default, moved_shaped)


def test_a_customer_without_usage_has_no_usage_section_in_its_skeleton(page, site, mock_api):
    page.set_viewport_size({"width": 1280, "height": 900})
    answer = answer_for("demo-no-subscription")
    from stigg_portal.elements import all_widgets

    assert expected(all_widgets(), answer)["section"] == 0, "the scenario has usage now: pick another"
    default, shaped, data = load(page, site, mock_api, "demo-no-subscription")
    assert default["section"] == 1 and shaped["section"] == 0
    assert "stigg-subscription-usage-layout" not in json.dumps(shaped["boxes"])
    assert "stigg-subscription-usage-layout" not in json.dumps(data["boxes"])


@pytest.mark.parametrize("mode", ["graphql-errors", "malformed-json", "500", "401", "huge"])
def test_an_error_answer_leaves_the_default_skeleton(page, site, mock_api, mode):
    """A failed or malformed answer shapes nothing (and a huge one at most a page of cards)."""
    page.set_viewport_size({"width": 1280, "height": 900})
    mock_api.reset()
    mock_api.fail(mode, count=2)
    url = site.page_url(
        f'<stigg-customer-portal id="p" api-key="{DEFAULT_API_KEY}" customer-id="customer-demo" '
        f'base-url="{mock_api.url}"></stigg-customer-portal>', head=RECORDER, script_attrs='data-skeleton-memory="off"')
    page.goto(url)
    page.wait_for_selector('#p[data-stigg-state="error"], #p[data-stigg-state="ready"]', timeout=60_000)
    skeletons = page.evaluate("window.__skeletons")
    if mode == "huge":
        assert skeletons[-1]["cells"] == 6
    else:
        assert {key: skeletons[-1][key] for key in SHOWN} == {key: skeletons[0][key] for key in SHOWN}


PAYWALL_RECORDER = """<script>
window.__skeletons = [];
new MutationObserver(() => {
  const p = document.getElementById("p");
  if (!p || p.getAttribute("data-stigg-state") !== "loading") return;
  const shown = (cls) => [...p.querySelectorAll("." + cls)].filter((box) => box.getBoundingClientRect().height > 0).length;
  window.__skeletons.push({ plans: shown("stigg-paywall-skeleton-plan"), switch: shown("stigg-skeleton-loader-billing-period"),
                            cards: [...p.querySelectorAll(".stigg-paywall-skeleton-plan")].map((c) => Math.round(c.getBoundingClientRect().height)).filter((h) => h > 0),
                            below: Math.round(document.getElementById("below").getBoundingClientRect().top) });
}).observe(document, { subtree: true, childList: true, attributes: true });
</script>"""


@pytest.mark.parametrize("attrs", ["", "hide-compatible-addons"])
@pytest.mark.parametrize("width", [390, 1280])
def test_a_public_pricing_table_gets_as_many_plan_cards_as_the_answer_has(page, site, mock_api, width, attrs):
    """No customer, no skeleton-plan-count: the default skeleton has three cards; the public
    answer has four plans (Free, Pro, Team, Enterprise), so on a phone, where the cards are
    stacked, the page below the table moved by a whole card when the data came. With
    hide-compatible-addons no card has an add-ons box, in the skeleton either."""
    from stigg_portal.demo_data.pricing import public_paywall_answer
    from stigg_portal.elements import all_widgets

    rules = {rule.box: rule for rule in all_widgets()["stigg-paywall"].early_shape}
    answer = public_paywall_answer()
    assert count(rules["stigg-paywall-skeleton-plan"], answer) == 4
    page.set_viewport_size({"width": width, "height": 900})
    mock_api.reset()
    url = site.page_url(
        f'<stigg-paywall id="p" api-key="{DEFAULT_API_KEY}" base-url="{mock_api.url}" {attrs}></stigg-paywall>'
        '<p id="below">Questions? Ask us.</p>', head=PAYWALL_RECORDER, script_attrs='data-skeleton-memory="off"')
    page.goto(url)
    wait_ready(page, "#p")
    first, shaped = page.evaluate("window.__skeletons[0]"), page.evaluate("window.__skeletons.at(-1)")
    assert (first["plans"], shaped["plans"]) == (3, 4)
    assert shaped["switch"] == count(rules["stigg-skeleton-loader-billing-period"], answer) == 1
    assert page.locator("#p .stigg-plan-offering-container").count() == 4
    below = page.evaluate('Math.round(document.getElementById("below").getBoundingClientRect().top)')
    assert abs(below - shaped["below"]) < abs(below - first["below"]), (first, shaped, below)
    if width == 390:  # stacked: the missing fourth card was most of the move (858 px measured)
        assert abs(below - first["below"]) > 600, (first, shaped, below)
    # each card as tall as its data: its header's lines, entitlement rows and add-ons (198 px were
    # left at both widths before the per-card rules), so nothing below the table moves
    assert abs(below - shaped["below"]) <= 2, (first, shaped, below)
    cards = page.evaluate('[...document.querySelectorAll("#p .stigg-plan-offering-container")]'
                          '.map((c) => Math.round(c.getBoundingClientRect().height))')
    assert cards == shaped["cards"], (cards, shaped["cards"])
    assert page.locator("#p .stigg-compatible-addon-item").count() == (0 if attrs else 4)


@pytest.mark.parametrize("customer", ["customer-demo", "customer-trial", "customer-custom", "demo-no-subscription",
                                      "demo-free", "demo-heavy-usage", "demo-canceled", "demo-custom-price"])
def test_every_rule_the_loader_applies_is_what_python_counts(page, site, mock_api, customer):
    """Each of the rules (usage cards and their footers, the overview's banner, tabs, charge rows,
    trial badge, next-bill box and empty state, the payment method column, the invoices section):
    what the loader leaves on the skeleton is what stigg_portal.shapes counts on the same answer."""
    from stigg_portal.clients.remote import PAYWALL_OPERATION

    page.set_viewport_size({"width": 390, "height": 900})
    load(page, site, mock_api, customer, head=rules_recorder())
    applied = page.evaluate("window.__applied")
    answers = (scenario_answers(customer.removeprefix("demo-")) if customer.startswith("demo-")
               else load_fixture(customer))
    assert applied[-1] == python_counts({op: answers[op] for op in (PORTAL_OPERATION, PAYWALL_OPERATION)}), customer


@pytest.mark.parametrize("scenario", ["paid", "trial", "custom-price", "no-subscription", "heavy-usage"])
def test_a_demo_customers_first_skeleton_has_every_rules_count(page, site, mock_api, scenario):
    """client="demo": the counts the build worked out (DEMO_SHAPES) are on the first skeleton."""
    page.set_viewport_size({"width": 390, "height": 900})
    url = site.page_url(f'<stigg-customer-portal id="p" client="demo" scenario="{scenario}"></stigg-customer-portal>',
                        head=rules_recorder(), script_attrs='data-skeleton-memory="off"')
    page.goto(url)
    wait_ready(page, "#p")
    applied = page.evaluate("window.__applied")
    assert applied[0] == applied[-1] == python_counts(scenario_answers(scenario)), scenario


@pytest.mark.parametrize("width", [1280, 390])
def test_a_demo_customers_skeleton_has_the_datas_shape_from_its_first_paint(page, site, mock_api, width):
    """client="demo": no early answer (the data never leaves Python), but the build worked the
    rules' counts out for every demo scenario, so the first skeleton already has the banner, the
    tabs and the four usage cards of scenario "paid", and nothing changes until the data comes."""
    from stigg_portal.elements import all_widgets

    page.set_viewport_size({"width": width, "height": 900})
    url = site.page_url('<stigg-customer-portal id="p" client="demo" scenario="paid"></stigg-customer-portal>',
                        head=RECORDER, script_attrs='data-skeleton-memory="off"')
    page.goto(url)
    wait_ready(page, "#p")
    skeletons = page.evaluate("window.__skeletons")
    first, last = skeletons[0], skeletons[-1]
    assert {key: first[key] for key in SHOWN} == expected(all_widgets(), scenario_answers("paid")[PORTAL_OPERATION])
    assert first["boxes"] == last["boxes"]  # shaped before its first paint, not after
    data = page.evaluate(DATA_BOXES)
    final = {name: (top, height) for name, top, height in data["boxes"]}
    for name, top, height in first["boxes"][:2]:  # the overview and usage sections
        assert abs(final[name][0] - top) <= 10 and abs(final[name][1] - height) <= 30, (name, top, height, final[name])


def test_hidden_sections_are_left_out_of_the_skeleton_too(page, site, mock_api):
    """hidden-sections="usage invoices": the skeleton has neither section (the build read which
    cards each name leaves out off the templates), so the sections below the overview stand where
    the data puts them."""
    page.set_viewport_size({"width": 1280, "height": 900})
    url = site.page_url('<stigg-customer-portal id="p" client="demo" scenario="paid" hidden-sections="usage invoices">'
                        '</stigg-customer-portal>', head=RECORDER, script_attrs='data-skeleton-memory="off"')
    page.goto(url)
    wait_ready(page, "#p")
    first = page.evaluate("window.__skeletons[0]")
    data = page.evaluate(DATA_BOXES)
    names = [name for name, _, _ in first["boxes"]]
    assert names == [name for name, _, _ in data["boxes"]] == [
        "stigg-customer-portal-subscriptions-overview", "stigg-customer-portal-paywall-section",
        "stigg-payment-details-section-layout"]
    overview = "stigg-customer-portal-subscriptions-overview"
    tops = {name: top for name, top, _ in first["boxes"]}
    assert all(abs(top - tops[name]) <= 10 for name, top, _ in data["boxes"] if name == overview)


@pytest.mark.parametrize("client", ["stigg", "demo"])
def test_data_skeleton_shape_off_keeps_the_default_skeleton(page, site, mock_api, client):
    """For pages that want a layout-shift score of 0 more than an early move: the skeleton keeps
    the definition's shape (three cards, no banner) until the data replaces it."""
    page.set_viewport_size({"width": 1280, "height": 900})
    mock_api.reset()
    attrs = (f'api-key="{DEFAULT_API_KEY}" customer-id="customer-demo" base-url="{mock_api.url}"'
             if client == "stigg" else 'client="demo" scenario="paid"')
    url = site.page_url(f'<stigg-customer-portal id="p" {attrs}></stigg-customer-portal>', head=RECORDER,
                        script_attrs='data-skeleton-memory="off" data-skeleton-shape="off"')
    page.goto(url)
    wait_ready(page, "#p")
    skeletons = page.evaluate("window.__skeletons")
    assert {key: skeletons[-1][key] for key in SHOWN} == {key: skeletons[0][key] for key in SHOWN} == {
        "section": 1, "cells": 3, "many": True, "toggle": 0, "banner": 0, "tabs": 1}
    assert page.locator("#p .stigg-usage-cell").count() == 4  # the data has four


@pytest.mark.parametrize(("width", "customer"), [
    *((1280, c) for c in ("customer-demo", "customer-trial", "customer-custom", "demo-free", "demo-no-subscription",
                          "demo-heavy-usage")),
    *((390, c) for c in ("customer-demo", "customer-trial", "customer-custom", "demo-free", "demo-no-subscription")),
])
def test_each_section_is_as_tall_as_its_data(page, site, mock_api, width, customer):
    """A trial badge, a contact box, an empty overview, charge rows, cards without a footer line, a
    payment-details card without a card, no invoices link, the plan cards' rows, add-ons and header
    lines, the line on the plan a scheduled downgrade leads to: the shaped skeleton's sections are
    within a few pixels of the data's."""
    page.set_viewport_size({"width": width, "height": 900})
    _, shaped, data = load(page, site, mock_api, customer)
    skeleton = {name: height for name, _, height in shaped["boxes"]}
    final = {name: height for name, _, height in data["boxes"]}
    plans = "stigg-customer-portal-paywall-section"
    assert set(skeleton) == set(final), (skeleton, final)
    off = {name: (skeleton[name], final[name]) for name in final if abs(skeleton[name] - final[name]) > 12}
    assert not off, off
    assert abs(skeleton[plans] - final[plans]) <= 2, (skeleton[plans], final[plans])
