"""The speed levers work (issue 6): these tests check behaviour, never timings.

- the memory snapshot is used when dist/ has one (``StiggPortal.bootMode`` / ``<html data-stigg-boot>``),
  and then no wheel and no standard library is downloaded;
- a corrupted snapshot falls back to the plain boot with one console.info line, and still renders;
- ``cache="session"`` paints the last HTML before the worker is ready, then replaces it;
- server-rendered HTML (``data-stigg-ssr``) is what the first paint shows: no skeleton, ever;
- one data load per provider and customer, however many sections (counted at the mock API);
- the styles come with the loader (no stylesheet request, the first skeleton is styled, page CSS
  still wins; a page that links the stylesheet keeps it);
- the fonts are looked up during the load by an invisible box that never moves the skeleton.

Each page boots Python, so there are few pages. When the session's dist/ has no snapshot (built
with ``--snapshot no``), one is built for this module.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from stigg_portal.mock_api import DEFAULT_API_KEY
from stigg_portal.serve import Server

BOOT_MS = 60_000

# Recorded from the first moment of the page: every data-stigg-state an element goes through,
# what its first content was, and whether the worker was ready at that moment.
TRACE = """<script>
window.__trace = [];
const __seen = new Map();
const __check = () => {
  for (const el of document.querySelectorAll("[data-trace]")) {
    const state = el.getAttribute("data-stigg-state") || (el.hasAttribute("data-stigg-ssr") ? "ssr" : "");
    const skeleton = !!el.querySelector(".stigg-skeleton");
    const hasData = !!el.querySelector(".stigg-subscription-usage-layout:not(.stigg-loading)");
    const key = el.id + ":" + state + ":" + skeleton + ":" + hasData;
    if (__seen.has(key)) continue;
    __seen.set(key, true);
    window.__trace.push({ id: el.id, state, skeleton, workerReady: !!document.documentElement.dataset.stiggBoot,
                          hasData });
  }
};
new MutationObserver(__check).observe(document, { subtree: true, childList: true, attributes: true });
document.addEventListener("DOMContentLoaded", __check);
</script>"""


def snapshot_files(dist: Path) -> list[Path]:
    return sorted(dist.glob("pyodide-*/snapshot-*.bin"))


@pytest.fixture(scope="module")
def snapshot_dist(dist_dir, tmp_path_factory) -> Path:
    """A dist/ with a memory snapshot: the session's when it has one, else one built here."""
    if snapshot_files(dist_dir):
        return dist_dir
    from stigg_portal.build import build

    out = tmp_path_factory.mktemp("dist-snapshot")
    build(out, compress=False, snapshot=True)
    return out


@pytest.fixture(scope="module")
def snapshot_site(site, snapshot_dist):
    """Pages on the test origin that load the snapshot dist (from localhost, like a CDN)."""
    with Server(snapshot_dist) as server:
        server.url = server.url.replace("127.0.0.1", "localhost")
        yield type(site)(site.root, site.server, server.url)


@pytest.fixture(scope="module")
def corrupted_site(site, snapshot_dist, tmp_path_factory):
    """A copy of the snapshot dist whose snapshot has flipped bytes in its heap."""
    out = tmp_path_factory.mktemp("dist-corrupted")
    for path in snapshot_dist.rglob("*"):
        target = out / path.relative_to(snapshot_dist)
        if path.is_dir():
            target.mkdir(parents=True, exist_ok=True)
        elif path.name.startswith("snapshot-") or path.suffix in {".br", ".gz"}:
            continue  # without .br/.gz the server sends the raw files, the corrupted one included
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(path, target)  # the server refuses symlinks out of its folder
            except OSError:
                shutil.copyfile(path, target)
    original = snapshot_files(snapshot_dist)[0]
    data = bytearray(original.read_bytes())
    middle = len(data) // 2
    data[middle:middle + 64] = bytes(b ^ 0xFF for b in data[middle:middle + 64])
    corrupted = out / original.relative_to(snapshot_dist)
    corrupted.write_bytes(bytes(data))  # no .br/.gz beside it: the server sends these bytes
    with Server(out) as server:
        server.url = server.url.replace("127.0.0.1", "localhost")
        yield type(site)(site.root, site.server, server.url)


def boot_mode(page) -> str | None:
    return page.evaluate("document.documentElement.dataset.stiggBoot || null")


def test_snapshot_is_used_and_nothing_else_is_downloaded(page, snapshot_site, worker_requests, watch):
    page.goto(snapshot_site.page_url('<stigg-usage client="demo" scenario="heavy-usage"></stigg-usage>',
                                     name="speed-snapshot.html"))
    page.wait_for_selector('stigg-usage[data-stigg-state="ready"]', timeout=BOOT_MS)
    assert boot_mode(page) == "snapshot"
    assert page.evaluate("window.StiggPortal.bootMode") == "snapshot"
    timing = page.evaluate("window.StiggPortal.bootTiming")
    assert timing["restored"] >= timing["downloaded"] >= timing["start"]
    assert page.locator("stigg-usage .stigg-subscription-usage-layout").count() == 1
    names = [url.rsplit("/", 1)[-1].split("?")[0] for url in worker_requests]
    assert any(n.startswith("snapshot-") and n.endswith(".bin") for n in names), names
    assert not [n for n in names if n.endswith(".whl")], names  # wheels are in the heap
    assert "python_stdlib.zip" not in names, names  # fetched only if a new module is imported
    assert names.count("pyodide.asm.wasm") == 1, names  # compiled early, fetched once
    assert not [text for kind, text in watch.console if "snapshot not used" in text or "after a snapshot" in text]
    assert watch.console_errors() == []


def test_corrupted_snapshot_falls_back_to_plain_boot(page, corrupted_site, watch):
    page.goto(corrupted_site.page_url('<stigg-usage client="demo" scenario="paid"></stigg-usage>',
                                      name="speed-corrupted.html"))
    page.wait_for_selector('stigg-usage[data-stigg-state="ready"]', timeout=BOOT_MS * 2)
    assert boot_mode(page) == "plain"
    assert page.locator("stigg-usage .stigg-subscription-usage-layout").count() == 1
    lines = [(kind, text) for kind, text in watch.console if "memory snapshot not used" in text]
    assert len(lines) == 1, watch.console
    assert lines[0][0] == "info"
    assert "checksum" in lines[0][1]
    assert watch.console_errors() == []


def test_cache_session_paints_cached_html_before_the_worker_is_ready(page, snapshot_site, watch):
    body = TRACE + '<stigg-usage id="u" data-trace cache="session" client="demo" scenario="paid"></stigg-usage>'
    url = snapshot_site.page_url(body, name="speed-cache.html")
    page.goto(url)
    page.wait_for_selector('stigg-usage[data-stigg-state="ready"]', timeout=BOOT_MS)
    first = page.evaluate("window.__trace")
    assert [t["state"] for t in first if t["state"]][:1] == ["loading"]  # no cache yet: skeleton
    page.reload()  # same tab: sessionStorage kept
    page.wait_for_selector('stigg-usage[data-stigg-state="ready"]', timeout=BOOT_MS)
    trace = page.evaluate("window.__trace")
    painted = [t for t in trace if t["state"]]
    assert painted[0]["state"] == "cached", trace
    assert painted[0]["hasData"] and not painted[0]["skeleton"], trace
    assert painted[0]["workerReady"] is False, trace  # painted before Python was up
    assert "loading" not in [t["state"] for t in painted], trace  # never the skeleton in between
    assert painted[-1]["state"] == "ready", trace
    assert watch.console_errors() == []


def test_server_rendered_html_is_kept_at_first_paint(page, snapshot_site, watch):
    from stigg_portal.server import render

    html = render("stigg-usage", client="demo", scenario="paid")
    assert 'data-stigg-ssr="ready"' in html
    body = TRACE + html.replace("<stigg-usage ", '<stigg-usage id="s" data-trace ', 1)
    page.goto(snapshot_site.page_url(body, name="speed-ssr.html"))
    page.wait_for_selector('stigg-usage[data-stigg-state="ready"]', timeout=BOOT_MS)
    # An entry of the server HTML without its data yet is the parser half-way through the element
    # (a busy machine yields mid-document); what the loader does starts after the whole element.
    trace = [t for t in page.evaluate("window.__trace") if t["hasData"] or t["state"] != "ssr"]
    assert trace[0]["state"] == "ssr" and trace[0]["hasData"] and not trace[0]["skeleton"], trace
    assert not [t for t in trace if t["skeleton"] or t["state"] == "loading"], trace  # no skeleton flash
    assert trace[-1]["state"] == "ready"
    assert watch.console_errors() == []


def test_one_data_load_per_provider_and_customer(page, snapshot_site, mock_api, watch):
    mock_api.reset()

    def attrs(customer: str) -> str:
        return f'api-key="{DEFAULT_API_KEY}" base-url="{mock_api.url}" customer-id="{customer}"'

    sections = ("<stigg-subscription-overview></stigg-subscription-overview><stigg-usage></stigg-usage>"
                "<stigg-payment-details></stigg-payment-details><stigg-invoices></stigg-invoices>")
    body = (f'<stigg-provider id="a" {attrs("customer-demo")}>{sections}</stigg-provider>'
            f'<stigg-provider id="b" {attrs("customer-trial")}>{sections}</stigg-provider>')
    page.goto(snapshot_site.page_url(body, name="speed-loads.html"))
    page.wait_for_function(
        """() => [...document.querySelectorAll("stigg-provider > *")]
                 .every((el) => el.getAttribute("data-stigg-state") === "ready")""", timeout=BOOT_MS)
    page.wait_for_timeout(300)
    portal_requests = [r for r in mock_api.requests if r.get("operation") == "GetCustomerPortalByRefId"]
    by_customer: dict[str, int] = {}
    for request in portal_requests:
        by_customer[request.get("customerId")] = by_customer.get(request.get("customerId"), 0) + 1
    assert by_customer == {"customer-demo": 1, "customer-trial": 1}, json.dumps(mock_api.requests, default=str)[:2000]
    assert watch.console_errors() == []


# File name -> byte length of every entry in the runtime cache.
RUNTIME_CACHE_SIZES = """async () => {
  const cache = await caches.open("stigg-portal-runtime");
  const out = {};
  for (const request of await cache.keys()) out[request.url.split("/").pop()] = (await (await cache.match(request)).arrayBuffer()).byteLength;
  return out;
}"""
RUNTIME_CACHE_KEYS = """async () => {
  if (!(await caches.keys()).includes("stigg-portal-runtime")) return [];
  const cache = await caches.open("stigg-portal-runtime");
  return (await cache.keys()).map((request) => request.url);
}"""


def poll(page, script: str, arg=None, *, until=bool):
    """Evaluate ``script`` every 100 ms until ``until(value)`` (the cache is written a moment
    after the boot; evaluate awaits the script's promise); returns the last value."""
    for _ in range(BOOT_MS // 100):
        value = page.evaluate(script, arg)
        if until(value):
            return value
        page.wait_for_timeout(100)
    return page.evaluate(script, arg)


def runtime_file_names(dist: Path) -> set[str]:
    """The files a snapshot boot downloads and then keeps decoded: wasm, snapshot, side modules."""
    folder = next(dist.glob("pyodide-*"))
    names = {"pyodide.asm.wasm"} | {p.name for p in folder.glob("snapshot-*.bin")}
    names |= {p.name for p in folder.glob("dynlib-*.so")}
    return names


def test_runtime_files_are_kept_decoded_and_read_back_on_the_next_visit(page, snapshot_site, snapshot_dist, watch):
    url = snapshot_site.page_url('<stigg-usage client="demo" scenario="paid"></stigg-usage>', name="speed-rtcache.html")
    page.goto(url)
    page.wait_for_selector('stigg-usage[data-stigg-state="ready"]', timeout=BOOT_MS)
    assert page.evaluate("StiggPortal.runtimeCache") == "miss"  # first visit: downloaded
    expected = runtime_file_names(snapshot_dist)
    keys = poll(page, RUNTIME_CACHE_KEYS, until=lambda found: len(found) >= len(expected))
    # only our public runtime files, from the dist origin: no API answer, no customer data
    assert {k.rsplit("/", 1)[-1] for k in keys} == expected, keys
    assert all(k.startswith(snapshot_site.dist_url + "/") for k in keys), keys
    sizes = page.evaluate(RUNTIME_CACHE_SIZES)
    folder = next(snapshot_dist.glob("pyodide-*"))
    assert sizes == {name: (folder / name).stat().st_size for name in expected}  # decoded bytes, whole

    page.reload()  # the next visit reads them back: same boot path, same result
    page.wait_for_selector('stigg-usage[data-stigg-state="ready"]', timeout=BOOT_MS)
    assert page.evaluate("StiggPortal.runtimeCache") == "hit"
    assert boot_mode(page) == "snapshot"
    assert page.locator("stigg-usage .stigg-subscription-usage-layout").count() == 1

    # a damaged cached snapshot is dropped and downloaded again: still the snapshot boot
    snapshot_url = next(k for k in keys if k.rsplit("/", 1)[-1].startswith("snapshot-"))
    page.evaluate("""async (url) => {
      const cache = await caches.open("stigg-portal-runtime");
      await cache.put(url, new Response(new Uint8Array(4096).fill(7)));
    }""", snapshot_url)
    page.reload()
    page.wait_for_selector('stigg-usage[data-stigg-state="ready"]', timeout=BOOT_MS)
    assert boot_mode(page) == "snapshot"
    assert page.evaluate("StiggPortal.runtimeCache") == "miss"
    assert page.locator("stigg-usage .stigg-subscription-usage-layout").count() == 1
    cached_size = """async (url) => {
      const hit = await (await caches.open("stigg-portal-runtime")).match(url);
      return hit ? (await hit.arrayBuffer()).byteLength : 0;
    }"""
    good = sizes[snapshot_url.rsplit("/", 1)[-1]]
    assert poll(page, cached_size, snapshot_url, until=lambda size: size == good) == good  # replaced
    assert [text for kind, text in watch.console if "not usable" in text], watch.console
    assert watch.console_errors() == []


def test_runtime_cache_off(page, snapshot_site):
    url = snapshot_site.page_url('<stigg-usage client="demo" scenario="paid"></stigg-usage>',
                                 name="speed-rtcache-off.html", script_attrs='data-runtime-cache="off"')
    page.goto(url)
    page.wait_for_selector('stigg-usage[data-stigg-state="ready"]', timeout=BOOT_MS)
    assert boot_mode(page) == "snapshot"
    assert page.evaluate("StiggPortal.runtimeCache") == "off"
    page.wait_for_timeout(1000)  # the cache would be written ~0.3 s after ready
    assert page.evaluate("caches.keys()") == []


# Recorded at the moment the first skeleton appears: whether our styles already apply to it.
FIRST_SKELETON = """<script>
window.__first = null;
new MutationObserver(() => {
  // the first box a skeleton always shows (not one the early answer may show, hidden until then)
  const bar = !window.__first && document.querySelector("stigg-customer-portal .stigg-skeleton:not(.stigg-skeleton-optional *)");
  if (!bar) return;
  const style = getComputedStyle(bar);
  window.__first = { display: style.display, animation: style.animationName, timing: style.animationTimingFunction,
                     height: bar.getBoundingClientRect().height, state: bar.closest("stigg-customer-portal").dataset.stiggState };
}).observe(document, { subtree: true, childList: true });
</script>"""


def test_styles_travel_with_the_loader_and_style_the_first_paint(page, snapshot_site, mock_api, watch):
    """No stylesheet request and no wait: the skeleton is styled from the moment it appears, and
    the page's own CSS still wins over ours (zero specificity), classes and variables alike."""
    overrides = ("<style>.stigg-overview-title { text-transform: uppercase; }"
                 " stigg-customer-portal { --stigg-palette-primary: rgb(1, 2, 3); }</style>")
    body = (FIRST_SKELETON + overrides + f'<stigg-customer-portal api-key="{DEFAULT_API_KEY}" base-url="{mock_api.url}" '
            'customer-id="customer-demo"></stigg-customer-portal>')
    page.goto(snapshot_site.page_url(body, name="speed-styles.html"))
    page.wait_for_selector('stigg-customer-portal[data-stigg-state="ready"]', timeout=BOOT_MS)
    first = page.evaluate("window.__first")
    assert first["animation"] == "stigg-shimmer" and first["state"] == "loading", first
    assert first["timing"].startswith("steps("), first  # a per-frame sweep costs the cold boot CPU
    assert first["display"] != "inline" and first["height"] > 0, first  # an unstyled span would be 0 high
    assert page.evaluate("StiggPortal.styles") == "adopted"
    assert page.evaluate("document.adoptedStyleSheets.length") == 1
    assert not [url for url in watch.requests if url.split("?")[0].endswith("stigg-portal.css")], watch.requests
    assert page.evaluate("getComputedStyle(document.querySelector('.stigg-overview-title')).textTransform") == "uppercase"
    assert page.evaluate("getComputedStyle(document.querySelector('.stigg-section-card')).display") == "flex"
    assert page.evaluate("""getComputedStyle(document.querySelector('stigg-customer-portal'))
                            .getPropertyValue('--stigg-palette-primary').trim()""") == "rgb(1, 2, 3)"
    assert watch.console_errors() == []


def test_a_page_that_links_the_stylesheet_keeps_its_link(page, snapshot_site, watch):
    head = f'<link rel="stylesheet" href="{snapshot_site.dist_url}/stigg-portal.css" data-stigg-portal>'
    url = snapshot_site.page_url('<stigg-usage client="demo" scenario="paid"></stigg-usage>', head=head,
                                 name="speed-linked.html")
    page.goto(url)
    page.wait_for_selector('stigg-usage[data-stigg-state="ready"]', timeout=BOOT_MS)
    assert page.evaluate("StiggPortal.styles") == "page"
    assert page.evaluate("document.adoptedStyleSheets.length") == 0  # styles are not applied twice
    assert page.evaluate("getComputedStyle(document.querySelector('.stigg-section-card')).display") == "flex"
    assert watch.console_errors() == []


# While the data loads, every node added to the element that is not the skeleton, the element's
# height, and layout shifts.
WARM_UP_WATCH = """<script>
window.__warm = { added: [], removedBeforeData: 0, heights: new Set(), shifts: [] };
new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__warm.shifts.push(e.value); })
  .observe({ type: "layout-shift", buffered: true });
new MutationObserver((records) => {
  const el = document.querySelector("stigg-customer-portal");
  if (!el || el.dataset.stiggState !== "loading") return;
  window.__warm.heights.add(Math.round(el.getBoundingClientRect().height));
  for (const record of records) {
    if (record.target !== el) continue;
    for (const node of record.addedNodes) {
      if (node.nodeType !== 1 || node.classList.contains("stigg-customer-portal-layout")) continue;
      const rect = node.getBoundingClientRect();
      window.__warm.added.push({ ariaHidden: node.getAttribute("aria-hidden"), visibility: getComputedStyle(node).visibility,
                                 width: rect.width, height: rect.height, probes: node.children.length });
    }
    for (const node of record.removedNodes) {
      if (node.nodeType === 1 && !node.classList.contains("stigg-customer-portal-layout")) window.__warm.removedBeforeData++;
    }
  }
}).observe(document, { subtree: true, childList: true, attributes: true });
</script>"""


def test_font_warm_up_during_the_load_is_invisible(page, snapshot_site, mock_api, watch):
    """While Python boots and the data loads (slow API here), the loader lays out its fonts once
    inside the element: nothing visible, no layout shift, gone before the data is shown."""
    mock_api.reset()
    mock_api.fail("slow", delay=3, customer="customer-trial")
    try:
        body = WARM_UP_WATCH + (f'<stigg-customer-portal api-key="{DEFAULT_API_KEY}" base-url="{mock_api.url}" '
                                'customer-id="customer-trial"></stigg-customer-portal>')
        # the skeleton's own first-visit shape (the early answer's, tested in
        # test_skeleton_first_visit.py) left out: what is watched here is the font warm-up alone
        page.goto(snapshot_site.page_url(body, name="speed-fonts.html", script_attrs='data-skeleton-shape="off"'))
        page.wait_for_selector('stigg-customer-portal[data-stigg-state="ready"]', timeout=BOOT_MS)
    finally:
        mock_api.fail(None, customer="customer-trial")
    warm = page.evaluate("({ ...window.__warm, heights: [...window.__warm.heights] })")
    assert len(warm["added"]) == 1, warm  # one invisible box of probes
    box = warm["added"][0]
    assert box["ariaHidden"] == "true" and box["visibility"] == "hidden", warm
    assert box["width"] == 0 and box["height"] == 0 and box["probes"] > 1, warm
    assert warm["removedBeforeData"] == 1, warm  # done, and removed, before the data arrived
    assert len(warm["heights"]) == 1, warm  # the skeleton never moved
    assert warm["shifts"] == [], warm
    assert page.locator("stigg-customer-portal .stigg-subscription-usage-layout").count() == 1
    assert watch.console_errors() == []


SHIFTS = """<script>window.__shifts = []; new PerformanceObserver((list) => { for (const e of list.getEntries())
  if (!e.hadRecentInput) window.__shifts.push(e.value); }).observe({ type: "layout-shift", buffered: true });</script>"""


@pytest.mark.parametrize("placement", ["head", "embed"])
def test_a_classic_tag_before_the_element_puts_the_skeleton_in_the_first_frame_and_moves_nothing(
        page, snapshot_site, watch, placement):
    """The README's tag placements: a classic <script src> in <head> (the quick start) or right
    before the element (a Webflow Embed). The element is defined when the parser creates it: the
    host's text below it is first painted where it stays, through the skeleton and the data (no
    layout shift), and the skeleton is in place before anything is painted."""
    body = ('<h1>Billing</h1>' + (snapshot_site.loader_tag("") if placement == "embed" else "")
            + '<stigg-customer-portal client="demo"></stigg-customer-portal>'
            '<script>window.__firstParse = {state: document.querySelector("stigg-customer-portal")'
            '.getAttribute("data-stigg-state"), height: document.querySelector("stigg-customer-portal")'
            '.getBoundingClientRect().height};</script>'
            '<p id="below" style="font-size:20px">Questions? Write to us.</p>')
    url = snapshot_site.page_url(body, head=SHIFTS, script_type="", loader_in_head=placement == "head",
                                 name=f"speed-classic-{placement}.html")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(url)
    page.wait_for_selector('stigg-customer-portal[data-stigg-state="ready"]', timeout=BOOT_MS)
    page.wait_for_timeout(300)
    first = page.evaluate("window.__firstParse")
    assert first["state"] == "loading" and first["height"] > 300, first  # the skeleton, before any paint
    assert page.evaluate("window.__shifts") == []
    assert watch.console_errors() == []
