"""The skeleton in the shape of the last real content: after a ready render the loader keeps the
height of each section card (localStorage ``stigg-portal:shapes``, per tag and viewport width,
numbers only), and the next skeleton of that tag at that width has those heights, so the sections
do not move when the data arrives. Real Chromium, the mock Stigg API over real HTTP (slowed, so
that the skeleton stays long enough to be measured)."""

from __future__ import annotations

import json

from browser_helpers import wait_ready

from stigg_portal.mock_api import DEFAULT_API_KEY

# Every layout shift from the first moment of the page (Chromium's Layout Instability API).
SHIFTS = ("<script>window.__shifts=[];new PerformanceObserver(l=>{for(const e of l.getEntries())"
          "window.__shifts.push(e.value)}).observe({type:'layout-shift',buffered:true});</script>")
# Each section card of the portal: [first class, top, height], rounded.
BOXES = """() => [...document.querySelectorAll("#p .stigg-section-card")].map((card) => {
  const box = card.getBoundingClientRect();
  return [card.classList[0], Math.round(box.top), Math.round(box.height)];
})"""
FRAME = "() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))"


def same_boxes(a, b) -> bool:
    """The same sections, each within a pixel (rounding)."""
    return [n for n, _, _ in a] == [n for n, _, _ in b] and all(
        abs(top - top_b) <= 1 and abs(h - h_b) <= 1 for (_, top, h), (_, top_b, h_b) in zip(a, b))


def portal_page(site, mock_api, script_attrs: str = "") -> str:
    return site.page_url(
        f'<stigg-customer-portal id="p" api-key="{DEFAULT_API_KEY}" customer-id="customer-demo" '
        f'base-url="{mock_api.url}"></stigg-customer-portal><p id="below">below the portal</p>',
        head=SHIFTS, script_attrs=script_attrs)


def skeleton_boxes(page, mock_api, url: str):
    """Load ``url`` with both GraphQL answers 1.5 s late; the skeleton's boxes, then the data's."""
    mock_api.fail("slow", count=2, delay=1.5)
    page.goto(url)
    page.wait_for_selector('#p[data-stigg-state="loading"] .stigg-section-card')
    page.evaluate(FRAME)  # painted
    skeleton = page.evaluate(BOXES)
    below = page.evaluate('document.getElementById("below").getBoundingClientRect().top')
    page.evaluate("window.__shifts.length = 0")
    wait_ready(page, "#p")
    page.evaluate(FRAME)
    return skeleton, below, page.evaluate(BOXES)


def test_second_visit_skeleton_has_the_last_renders_shape_and_nothing_moves(page, site, mock_api, watch):
    mock_api.reset()
    page.set_viewport_size({"width": 1280, "height": 900})
    url = portal_page(site, mock_api)
    first_skeleton, _, first_data = skeleton_boxes(page, mock_api, url)
    # the demo customer has a scheduled-update banner and four usage cards: the default skeleton
    # is shorter, so on the first visit the sections below the overview move down
    assert not same_boxes(first_skeleton, first_data)
    stored = json.loads(page.evaluate('localStorage.getItem("stigg-portal:shapes")'))
    [shape] = stored
    assert (shape["tag"], shape["width"], list(shape["heights"])) == (
        "stigg-customer-portal", 1280, [name for name, _, _ in first_data])
    assert all(abs(shape["heights"][name] - height) <= 0.5 for name, _, height in first_data)
    assert "customer-demo" not in json.dumps(stored)  # numbers only, no customer id

    second_skeleton, below_before, second_data = skeleton_boxes(page, mock_api, url)
    assert same_boxes(second_data, first_data)
    assert same_boxes(second_skeleton, second_data), (second_skeleton, second_data)
    assert abs(page.evaluate('document.getElementById("below").getBoundingClientRect().top') - below_before) <= 0.5
    assert page.evaluate("window.__shifts") == []
    # the data's own markup carries no remembered height
    assert page.evaluate('[...document.querySelectorAll("#p .stigg-section-card")].every(c => !c.style.height)')

    # another viewport width has no remembered shape yet: the default skeleton, the same as a first visit
    page.set_viewport_size({"width": 390, "height": 800})
    narrow_skeleton, _, narrow_data = skeleton_boxes(page, mock_api, url)
    assert page.evaluate('JSON.parse(localStorage.getItem("stigg-portal:shapes")).map(s => s.width)') == [390, 1280]
    narrow_again, _, _ = skeleton_boxes(page, mock_api, url)
    assert not same_boxes(narrow_skeleton, narrow_data)
    assert same_boxes(narrow_again, narrow_data), (narrow_again, narrow_data)
    assert watch.console_errors() == []


def test_skeleton_memory_off_reads_and_writes_nothing(page, site, mock_api, watch):
    mock_api.reset()
    page.set_viewport_size({"width": 1280, "height": 900})
    url = portal_page(site, mock_api, script_attrs='data-skeleton-memory="off"')
    first_skeleton, _, _ = skeleton_boxes(page, mock_api, url)
    assert page.evaluate('localStorage.getItem("stigg-portal:shapes")') is None
    # a shape stored by another page of the site is not used either
    page.evaluate("""localStorage.setItem("stigg-portal:shapes", JSON.stringify([{tag: "stigg-customer-portal",
        width: innerWidth, heights: {"stigg-subscription-usage-layout": 900}}]))""")
    again, _, _ = skeleton_boxes(page, mock_api, url)
    assert same_boxes(again, first_skeleton)
    assert watch.console_errors() == []


def test_unreadable_stored_shapes_give_the_default_skeleton(page, site, mock_api, watch):
    mock_api.reset()
    page.set_viewport_size({"width": 1280, "height": 900})
    url = portal_page(site, mock_api)
    default, _, _ = skeleton_boxes(page, mock_api, url)
    for junk in ("not json", '{"tag": 1}', '[null, 3, {"tag": "stigg-customer-portal", "width": 1280}]',
                 '[{"tag": "stigg-customer-portal", "width": 1280, "heights": null}]',
                 '[{"tag": "stigg-customer-portal", "width": 1280, "heights": {"stigg-subscription-usage-layout": "x"}}]'):
        page.evaluate("(junk) => localStorage.setItem('stigg-portal:shapes', junk)", junk)
        skeleton, _, _ = skeleton_boxes(page, mock_api, url)
        assert same_boxes(skeleton, default), junk
    assert watch.console_errors() == []


# The pricing table's boxes, skeleton or data: the period switch, then each plan card shown.
TABLE_BOXES = """() => [...document.querySelectorAll(
    "#w .stigg-skeleton-loader-billing-period, #w .stigg-period-picker-container, "
    + "#w .stigg-paywall-skeleton-plan, #w .stigg-plan-offering-container")]
  .filter((box) => box.getClientRects().length)
  .map((box) => { const r = box.getBoundingClientRect(); return ["box", Math.round(r.top), Math.round(r.height)]; })"""


def test_pricing_table_on_a_phone_keeps_its_plan_cards_heights_and_count(page, site, mock_api, watch):
    """Stacked on a phone, each plan card's height decides where the rest of a public pricing page
    stands; the widget class names its boxes (``skeleton_shape``), the loader remembers them."""
    mock_api.reset()
    page.set_viewport_size({"width": 390, "height": 800})
    # three skeleton cards for four plans: on a first visit the table grows by a card
    url = site.page_url(
        SHIFTS + f'<stigg-paywall id="w" api-key="{DEFAULT_API_KEY}" base-url="{mock_api.url}" '
        'preferred-billing-period="MONTHLY" skeleton-plan-count="3"></stigg-paywall><p id="below">FAQ</p>')

    def visit():
        mock_api.fail("slow", count=1, delay=1.5)
        page.goto(url)
        page.wait_for_selector('#w[data-stigg-state="loading"] .stigg-paywall-skeleton-plan')
        page.evaluate(FRAME)
        skeleton = page.evaluate(TABLE_BOXES)
        below = page.evaluate('document.getElementById("below").getBoundingClientRect().top')
        page.evaluate("window.__shifts.length = 0")
        wait_ready(page, "#w")
        page.evaluate(FRAME)
        return skeleton, below, page.evaluate(TABLE_BOXES), page.evaluate(
            'document.getElementById("below").getBoundingClientRect().top')

    skeleton, below, data, below_after = visit()
    assert len(skeleton) == 4 and len(data) == 5  # the switch and 3 cards, then the switch and 4 plans
    assert below_after - below > 100  # the FAQ moved down on the first visit
    [shape] = json.loads(page.evaluate('localStorage.getItem("stigg-portal:shapes")'))
    assert shape["tag"] == "stigg-paywall" and shape["width"] == 390
    assert sorted(shape["heights"]) == ["stigg-period-picker-container#0"] + [
        f"stigg-plan-offering-container#{n}" for n in range(4)]

    skeleton, below, data_again, below_after = visit()
    assert same_boxes(data_again, data)
    assert same_boxes(skeleton, data), (skeleton, data)  # a fourth skeleton card, each at its plan's height
    assert abs(below_after - below) <= 0.5
    assert page.evaluate("window.__shifts") == []
    assert watch.console_errors() == []


def test_a_table_that_had_fewer_boxes_shows_that_many_skeleton_cards(page, site, mock_api, watch):
    mock_api.reset()
    page.set_viewport_size({"width": 390, "height": 800})
    mock_api.fail("slow", count=1, delay=1.5)
    # what a render with two plans and no period switch left (a table of monthly-only plans)
    page.goto(site.page_url("<p>before</p>"))
    page.evaluate("""localStorage.setItem("stigg-portal:shapes", JSON.stringify([{tag: "stigg-paywall", width: 390,
        heights: {"stigg-plan-offering-container#0": 500, "stigg-plan-offering-container#1": 700}}]))""")
    page.goto(site.page_url(
        f'<stigg-paywall id="w" api-key="{DEFAULT_API_KEY}" base-url="{mock_api.url}"></stigg-paywall>'))
    page.wait_for_selector('#w[data-stigg-state="loading"] .stigg-paywall-skeleton-plan')
    assert [h for _, _, h in page.evaluate(TABLE_BOXES)] == [500, 700]
    wait_ready(page, "#w")  # then the real table, whatever it has
    assert page.locator("#w .stigg-plan-offering-container").count() == 4
    assert watch.console_errors() == []


# Every element the demo client renders, composed section by section under one provider.
EVERY_ELEMENT = ("stigg-subscription-overview", "stigg-usage", "stigg-addons", "stigg-promotions",
                 "stigg-paywall", "stigg-payment-details", "stigg-invoices")
HEIGHTS = f"""() => Object.fromEntries({list(EVERY_ELEMENT)!r}.map((tag) => {{
  const element = document.querySelector(tag);
  return [tag, [element.getAttribute("data-stigg-state"), Math.round(element.getBoundingClientRect().height)]];
}}))"""
# Each element's height when its skeleton goes in (the elements' first renders arrive one by one,
# so they cannot all be measured at one moment): window.__skeletons[tag], the first time only.
SKELETON_HEIGHTS = ("<script>window.__skeletons={};new MutationObserver((records)=>{for(const r of records){"
                    "const e=r.target;if(e.getAttribute('data-stigg-state')==='loading'&&!(e.localName in window.__skeletons))"
                    "window.__skeletons[e.localName]=['loading',Math.round(e.getBoundingClientRect().height)];}})"
                    ".observe(document,{subtree:true,attributes:true,attributeFilter:['data-stigg-state']});</script>")


def test_every_element_on_a_return_visit_is_as_tall_as_its_data(page, site, watch):
    body = ('<stigg-provider client="demo" scenario="paid">'
            + "".join(f"<{tag}></{tag}>" for tag in EVERY_ELEMENT) + "</stigg-provider><p id='below'>end</p>")
    url = site.page_url(body, head=SKELETON_HEIGHTS)
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        seen = []
        for _visit in (1, 2):
            page.goto(url)
            page.wait_for_function(f"() => {list(EVERY_ELEMENT)!r}.every((tag) => tag in window.__skeletons)")
            skeleton = page.evaluate("window.__skeletons")
            page.wait_for_function(f"() => {list(EVERY_ELEMENT)!r}.every((tag) => "
                                   "document.querySelector(tag).getAttribute('data-stigg-state') === 'ready')")
            page.evaluate(FRAME)
            seen.append((skeleton, page.evaluate(HEIGHTS)))
            if _visit == 1:
                # a click that changes a section's height (the overview's Promotions tab) is not
                # what the next visit's first render shows: the memory keeps the first render's
                kept = page.evaluate('localStorage.getItem("stigg-portal:shapes")')
                page.click('stigg-subscription-overview button[data-stigg-state="overviewTab=promotions"]')
                page.wait_for_function(f"() => Math.round(document.querySelector('stigg-subscription-overview')"
                                       f".getBoundingClientRect().height) !== {seen[-1][1]['stigg-subscription-overview'][1]}")
                page.evaluate(FRAME)
                page.wait_for_timeout(200)
                assert page.evaluate('localStorage.getItem("stigg-portal:shapes")') == kept
        (_, first_data), (second_skeleton, second_data) = seen
        assert {tag: h for tag, (_, h) in second_data.items()} == {tag: h for tag, (_, h) in first_data.items()}
        off = {tag: (second_skeleton[tag][1], h) for tag, (_, h) in second_data.items()
               if abs(second_skeleton[tag][1] - h) > 1}
        assert off == {}, f"at {width} px, skeleton vs data height: {off}"
    assert watch.console_errors() == []
