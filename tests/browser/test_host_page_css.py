"""A host page's own CSS in real Chromium: element-level rules (Bootstrap 5 and its reboot,
Tailwind's preflight, normalize.css plus Webflow-like base rules, all from their npm packages in
tests/js) leave the portal's look unchanged, while a page rule naming one of our documented classes
still wins over our defaults. Narrow screens: nothing overflows at 320 or 390 px.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from browser_helpers import wait_ready

ROOT = Path(__file__).resolve().parents[2]
NODE_MODULES = ROOT / "tests" / "js" / "node_modules"
WEBFLOW_LIKE = """
h1 { font-size: 38px; line-height: 44px; margin: 20px 0 10px; font-weight: 700; }
h2 { font-size: 32px; line-height: 36px; margin-top: 20px; margin-bottom: 10px; font-weight: bold; }
h3 { font-size: 24px; line-height: 30px; margin-top: 20px; margin-bottom: 10px; letter-spacing: 1px; }
p { margin-top: 0; margin-bottom: 10px; line-height: 1.8; font-size: 17px; }
a { color: #e83e8c; text-decoration: underline; font-weight: 600; }
ul, ol { margin-top: 0; margin-bottom: 10px; padding-left: 40px; list-style: square; }
li { margin-bottom: 6px; }
button { text-transform: uppercase; letter-spacing: 2px; border-radius: 0; padding: 12px 30px;
  font-size: 18px; font-weight: 800; background: #222; color: yellow; }
section, div { line-height: 2; }
span { font-style: italic; }
"""
HOST_SHEETS = {
    "bootstrap": ["bootstrap/dist/css/bootstrap.css"],
    "tailwind-preflight": ["tailwindcss/preflight.css"],
    "normalize+webflow": ["normalize.css/normalize.css", WEBFLOW_LIKE],
}
# what "the portal's look" is measured by: titles, texts, buttons, cards, lists, links, icons
MEASURED = [
    ".stigg-section-title", ".stigg-subscription-plan-name, .stigg-overview-plan-name, .stigg-plan-header",
    ".stigg-plan-header", ".stigg-manage-subscription-button", ".stigg-manage-subscription-button-text",
    ".stigg-section-card", ".stigg-plan-offering-container", ".stigg-paywall-plan-button",
    ".stigg-paywall-plan-button-text", ".stigg-usage-card", ".stigg-usage-card-title",
    ".stigg-edit-payment-details-button", ".stigg-view-invoice-history-button", ".stigg-info-row",
    ".stigg-plan-entitlements-container, .stigg-plan-entitlement-row", ".stigg-period-switch",
    ".stigg-monthly-period-text", ".stigg-price-text", ".stigg-icon",
    "p", "h2", "h3", "button", "ul", "li", "a", "span", "svg",
]
PROPERTIES = [
    "font-size", "font-weight", "font-style", "line-height", "letter-spacing", "text-transform",
    "text-decoration-line", "color", "background-color", "margin-top", "margin-right", "margin-bottom",
    "margin-left", "padding-top", "padding-right", "padding-bottom", "padding-left", "border-top-width",
    "border-radius", "list-style-type", "display", "box-sizing",
]
MEASURE = """([selectors, props]) => {
  const out = {};
  const root = document.getElementById('p');
  for (const selector of selectors) {
    const el = root.querySelector(selector);
    if (!el) { out[selector] = null; continue; }
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    out[selector] = Object.fromEntries(props.map((p) => [p, style.getPropertyValue(p)]));
    out[selector].size = `${Math.round(box.width)}x${Math.round(box.height)}`;
  }
  return out;
}"""


def host_head(sheets: list[str]) -> str:
    css = []
    for sheet in sheets:
        if "{" in sheet:
            css.append(sheet)
            continue
        path = NODE_MODULES / sheet
        if not path.exists():
            pytest.fail(f"{path} missing: run `npm install --prefix tests/js` (scripts/test.sh does)")
        css.append(path.read_text())
    return "".join(f"<style>{text}</style>" for text in css)


def measure(page, site, head: str) -> dict:
    page.set_viewport_size({"width": 1280, "height": 900})
    # the same width on every page (page resets change the body's margin, which is the page's)
    page.goto(site.page_url('<x-frame><stigg-customer-portal id="p" client="demo" scenario="paid">'
                            "</stigg-customer-portal></x-frame>",
                            head=head + "<style>x-frame { display: block; width: 1200px; }</style>"))
    wait_ready(page, "#p")
    return page.evaluate(MEASURE, [MEASURED, PROPERTIES])


@pytest.fixture(scope="module")
def bare(browser, site):
    page = browser.new_page()
    try:
        yield measure(page, site, "")
    finally:
        page.close()


def test_measured_parts_exist_on_the_bare_page(bare):
    missing = [s for s, v in bare.items() if v is None]
    assert len(missing) <= 3, missing  # a few selectors name alternative spellings


@pytest.mark.parametrize("host", list(HOST_SHEETS))
def test_host_element_rules_leave_the_look_unchanged(page, site, bare, host, watch):
    styled = measure(page, site, host_head(HOST_SHEETS[host]))
    differences = {
        selector: {prop: (bare[selector][prop], value) for prop, value in styled[selector].items()
                   if bare[selector][prop] != value}
        for selector in MEASURED if bare[selector] is not None
    }
    assert {k: v for k, v in differences.items() if v} == {}
    assert watch.errors == []


def test_a_page_rule_on_our_class_still_wins(page, site):
    head = host_head(HOST_SHEETS["bootstrap"]) + """<style>
      .stigg-section-title { font-size: 40px; text-transform: lowercase; margin-bottom: 3px; }
      .stigg-manage-subscription-button { border-radius: 0; letter-spacing: 3px; }
      stigg-customer-portal { margin-top: 17px; }
    </style>"""
    page.goto(site.page_url('<stigg-customer-portal id="p" client="demo" scenario="paid"></stigg-customer-portal>',
                            head=head))
    wait_ready(page, "#p")
    title = page.evaluate("""() => { const s = getComputedStyle(document.querySelector('#p .stigg-section-title'));
        return [s.fontSize, s.textTransform, s.marginBottom]; }""")
    assert title == ["40px", "lowercase", "3px"]
    button = page.evaluate("""() => { const s = getComputedStyle(document.querySelector('#p .stigg-manage-subscription-button'));
        return [s.borderTopLeftRadius, s.letterSpacing]; }""")
    assert button == ["0px", "3px"]
    # a rule on the element's own tag wins too
    assert page.evaluate("getComputedStyle(document.getElementById('p')).marginTop") == "17px"


# =============================================================================== narrow screens
@pytest.mark.parametrize("width", [320, 390])
@pytest.mark.parametrize("scenario", ["paid", "trial", "custom-price", "heavy-usage", "eur-annual"])
def test_nothing_overflows_on_a_narrow_screen(page, site, width, scenario):
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(site.page_url(f'<stigg-customer-portal id="p" client="demo" scenario="{scenario}">'
                            "</stigg-customer-portal>", head="<style>body{margin:8px}</style>"))
    wait_ready(page, "#p")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    # the plan cards stack: one column, every card fully inside the viewport's width
    boxes = page.evaluate("""() => [...document.querySelectorAll('#p .stigg-plan-offering-container')]
        .map((c) => { const b = c.getBoundingClientRect(); return [b.left, b.right, b.top]; })""")
    assert len(boxes) >= 2
    assert all(left >= 0 and right <= width for left, right, _ in boxes)
    tops = [top for _, _, top in boxes]
    assert tops == sorted(tops) and len(set(tops)) == len(tops)  # one under another


def test_three_cards_share_a_row_on_a_wide_screen(page, site):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(site.page_url('<stigg-customer-portal id="p" client="demo" scenario="paid"></stigg-customer-portal>'))
    wait_ready(page, "#p")
    tops = page.evaluate("""() => [...document.querySelectorAll('#p .stigg-plan-offering-container')]
        .map((c) => Math.round(c.getBoundingClientRect().top))""")
    assert len(tops) >= 3 and len(set(tops[:3])) == 1


@pytest.mark.parametrize("width", [320, 390])
def test_the_demo_index_fits_a_phone(page, dist_dir, width):
    from stigg_portal.cli import examples_dir
    from stigg_portal.serve import Server

    examples = examples_dir()
    with Server(examples, mounts={"dist": dist_dir, "examples": examples}) as server:
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(f"{server.url}/index.html")
        wait_ready(page, "#portal")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
