"""Page glue in MicroPython (issue 11): examples/micropython-glue.html runs
micropython-glue/glue.py with `<script type="mpy">` on the main thread, through the same
dist/pyscript/core.js that hosts the portal's Python, with MicroPython from dist/micropython/
(offline: nothing leaves 127.0.0.1) under the page's strict CSP meta. Selecting a plan runs the
Python handler (`pyscript.when("stigg-plan-selected", ...)`): the page shows the chosen plan and
billing period, and the plan's button stays busy for the promise the handler gave `waitUntil`."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from browser_helpers import BOOT_TIMEOUT_MS, wait_ready

from stigg_portal import pins
from stigg_portal.serve import Server

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
# Records CSP violations from the first moment (an init script is not subject to the page's CSP).
VIOLATIONS_JS = ("window.__violations = []; document.addEventListener('securitypolicyviolation', (e) => "
                 "window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));")


def test_dist_ships_the_micropython_core_asks_for(dist_dir):
    # the version @pyscript/core 0.7.31 would load from its CDN is the one pinned and shipped
    core_chunks = [p for p in (dist_dir / "pyscript").glob("core-*.js")]
    defaults = {m for p in core_chunks for m in re.findall(
        r'type:"micropython",module:\(\w="([^"]+)"\)', p.read_text(encoding="utf-8"))}
    assert defaults == {pins.MICROPYTHON_NPM.rsplit("@", 1)[1]}, defaults
    files = sorted(p.name for p in (dist_dir / "micropython").iterdir())
    assert {"micropython.mjs", "micropython.wasm"} <= set(files), files
    assert (dist_dir / "micropython" / "micropython.wasm").read_bytes()[:4] == b"\0asm"
    if (dist_dir / "stigg-portal.js.br").exists():  # a compressed build: .br/.gz like every file
        assert {"micropython.wasm.br", "micropython.wasm.gz", "micropython.mjs.br"} <= set(files), files


@pytest.fixture
def glue_site(tmp_path, dist_dir):
    """The example as shipped (examples/ and dist/ side by side, as `stigg-portal demo` serves them)."""
    shutil.copytree(EXAMPLES / "micropython-glue", tmp_path / "examples" / "micropython-glue")
    shutil.copy(EXAMPLES / "micropython-glue.html", tmp_path / "examples")

    def serve(html_edit=lambda html: html):
        path = tmp_path / "examples" / "micropython-glue.html"
        path.write_text(html_edit((EXAMPLES / "micropython-glue.html").read_text()))
        return Server(tmp_path, mounts={"dist": dist_dir})

    return serve


def strict_meta(html: str) -> str:
    match = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', html)
    assert match, "the example carries its CSP in a meta tag"
    return match.group(1)


def pick_annual_plan(page) -> tuple[str, object]:
    """Switch the pricing table to annual billing and click the first enabled plan button."""
    portal = page.locator("#portal")
    portal.locator("[role=switch]").first.click()
    page.wait_for_function("() => document.querySelector('#portal [role=switch]').getAttribute('aria-checked') === 'true'")
    # a handle, not a locator: once clicked the button is disabled and would no longer match
    first = portal.locator('[data-stigg-event="stigg-plan-selected"]:not([disabled])').first
    plan_name = first.locator("xpath=ancestor::*[contains(@class,'stigg-plan-offering-container')]") \
        .locator(":is(h3, h4)").first.inner_text().strip()
    button = first.element_handle()
    button.scroll_into_view_if_needed()
    button.click()
    return plan_name, button


def run_example(page, watch, glue_site, html_edit=lambda html: html) -> dict:
    page.add_init_script(VIOLATIONS_JS)
    with glue_site(html_edit) as server:
        page.goto(f"{server.url}/examples/micropython-glue.html")
        wait_ready(page, "#portal")
        page.wait_for_function("() => document.getElementById('glue-state').textContent === 'MicroPython: ready'",
                               timeout=BOOT_TIMEOUT_MS)
        assert page.inner_text("#choice-text") == "no plan picked yet"
        plan_name, button = pick_annual_plan(page)
        # the MicroPython handler ran synchronously in the event: text shown, button busy
        page.wait_for_function("() => document.getElementById('choice').dataset.billingPeriod")
        shown = page.inner_text("#choice-text")
        busy = button.get_attribute("aria-busy")
        state = page.inner_text("#glue-state")
        # the promise from waitUntil settles after 1.5 s: the button is given back
        page.wait_for_function("() => !document.querySelector('#portal [aria-busy=true]')", timeout=10_000)
        after = page.inner_text("#glue-state")
        return {"server": server.url, "plan": plan_name, "shown": shown, "busy": busy, "state": state,
                "after": after, "dataset": page.evaluate("({...document.getElementById('choice').dataset})"),
                "runtime": page.evaluate("StiggPortal.runtime"),
                "violations": page.evaluate("window.__violations")}


def test_micropython_glue_example_handles_plan_selected(page, watch, glue_site):
    html = (EXAMPLES / "micropython-glue.html").read_text()
    policy = strict_meta(html)
    assert "'unsafe-eval'" not in policy and "'unsafe-inline'" not in policy and "'wasm-unsafe-eval'" in policy
    assert '<script type="mpy" src="micropython-glue/glue.py"' in html
    assert not re.search(r'<script[^>]*src="[^"]*core\.js"', html)  # the loader's core.js runs the glue
    assert 'href="examples/micropython-glue.html"' in (EXAMPLES / "index.html").read_text()

    result = run_example(page, watch, glue_site)
    assert result["shown"].startswith(f"{result['plan']} (billed yearly)"), result
    assert result["dataset"]["billingPeriod"] == "ANNUALLY" and result["dataset"]["planId"], result
    assert result["busy"] == "true" and result["state"] == "MicroPython: checking out…", result
    assert result["after"] == "MicroPython: ready"
    assert result["runtime"] == "pyscript"
    assert result["violations"] == [] and watch.console_errors() == []
    # offline: MicroPython and PyScript from dist/, nothing from a CDN; one core.js for the page
    assert watch.origins() == {result["server"]}, watch.origins()
    paths = [url.split("?")[0].removeprefix(result["server"]) for url in watch.requests]
    assert "/dist/micropython/micropython.wasm" in paths and "/examples/micropython-glue/glue.py" in paths
    assert paths.count("/dist/pyscript/core.js") == 1, paths


def test_micropython_glue_with_the_plain_worker(page, watch, glue_site):
    """data-runtime="worker": the portal's Python skips PyScript, the page's mpy glue still runs
    (the loader imports core.js for the page's scripts only)."""
    result = run_example(page, watch, glue_site, lambda html: html.replace(
        'src="../dist/stigg-portal.js"', 'src="../dist/stigg-portal.js" data-runtime="worker"'))
    assert result["runtime"] == "worker"
    assert result["shown"].startswith(f"{result['plan']} (billed yearly)"), result
    assert result["busy"] == "true"
    assert result["violations"] == [] and watch.console_errors() == []
    assert watch.origins() == {result["server"]}, watch.origins()


@pytest.mark.parametrize("width", [390, 1280])
def test_micropython_glue_example_fits(page, glue_site, width):
    page.set_viewport_size({"width": width, "height": 900})
    with glue_site() as server:
        page.goto(f"{server.url}/examples/micropython-glue.html")
        wait_ready(page, "#portal")
        page.wait_for_function("() => document.getElementById('glue-state').textContent === 'MicroPython: ready'",
                               timeout=BOOT_TIMEOUT_MS)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        box = page.locator("#choice").bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= width
        shots = ROOT / "screenshots"
        shots.mkdir(exist_ok=True)
        page.screenshot(path=str(shots / f"micropython-glue-test-{width}.png"), full_page=False)
