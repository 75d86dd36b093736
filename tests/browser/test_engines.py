"""The portal in every major engine: WebKit (Safari's engine, every iOS browser) and Firefox, beside
Chromium, from Debian packages (see docs/speed.md, "Other engines").

The same pages run in each engine, in one browser session (the first page is a cold visit):
the full portal (examples/full-portal.html), a provider with sections (examples/composed-sections.html),
the paywall with a plan click (its event), a page with an attribute change and an element in its
error state (the API rejects its key), and the full portal again (a return visit: its skeleton has
the shape the first visit's render left in localStorage, so nothing moves when the data arrives).
Every page carries a recorder (engines/recorder.js: page errors, unhandled rejections, console, our
events, each element's height at its skeleton and at its first ready render), since Selenium's
WebKitGTK driver has no log. Each engine
must boot from the memory snapshot and show no page errors; the boot mode and the time to the first
``stigg-ready`` are printed per engine.

WebKit: Selenium's WebKitGTK driver and MiniBrowser under an Xvfb this test starts. Firefox: headless
Firefox ESR through puppeteer-core (engines/firefox.mjs, WebDriver BiDi). scripts/test.sh installs
both (Debian ``webkit2gtk-driver firefox-esr xvfb``, pip ``selenium``, npm ``puppeteer-core``).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from test_foundation import metered_feature_ids

from stigg_portal.mock_api import DEFAULT_API_KEY

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
MINIBROWSER = "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser"
WEBKIT_DRIVER = "/usr/bin/WebKitWebDriver"
FIREFOX = "/usr/bin/firefox-esr"
STEP_TIMEOUT_S = 90  # a plain boot in WebKit takes 10-26 s here; a snapshot boot ~1-3 s
RESULTS: dict[str, list[dict]] = {}

COLLECT = """(() => ({
  rec: window.__rec,
  boot: (window.StiggPortal || {}).bootMode || null,
  timing: (window.StiggPortal || {}).bootTiming || null,
  bootInfo: (window.StiggPortal || {}).bootInfo || null,
  styles: (window.StiggPortal || {}).styles || null,
  levers: { adopted: "adoptedStyleSheets" in Document.prototype, idle: "requestIdleCallback" in window },
  states: Object.fromEntries([...document.querySelectorAll("[data-stigg-state]")]
    .map((e, i) => [e.id || `${e.localName}#${i}`, e.getAttribute("data-stigg-state")])),
  progressbars: document.querySelectorAll("[role=progressbar]").length,
  errorStates: [...document.querySelectorAll(".stigg-error-state")].map((e) => e.closest("[data-stigg-state]").id),
  text: document.body.innerText.slice(0, 4000),
  ua: navigator.userAgent,
  origin: performance.timeOrigin,
  resources: performance.getEntriesByType("resource").map((e) => [e.name.split("/").pop().slice(0, 30), Math.round(e.startTime), Math.round(e.responseEnd)]),
}))()"""


def _state(selector: str, state: str = "ready") -> str:
    return f'document.querySelector({json.dumps(selector)})?.getAttribute("data-stigg-state") === "{state}"'


@pytest.fixture(scope="module")
def steps(site, mock_api, raw_host) -> list[dict]:
    """The pages, on the page origin, loading dist/ from the other origin, each with the recorder;
    the last one loads dist/ from a host that compresses nothing (the worker decodes the big
    binaries' .br copies itself), when the build made those copies."""
    (site.root / "recorder.js").write_text((HERE / "engines" / "recorder.js").read_text())
    recorder = '<script src="recorder.js"></script>'
    for name in ("full-portal.html", "composed-sections.html", "paywall.html"):
        html = (ROOT / "examples" / name).read_text()
        html = html.replace('src="../dist/', f'src="{site.dist_url}/').replace("<head>", "<head>" + recorder, 1)
        (site.root / f"engine-{name}").write_text(html)
    interaction = site.page_url(
        '<stigg-usage id="u" client="demo" scenario="paid"></stigg-usage>'
        f'<stigg-usage id="bad" client="stigg" base-url="{mock_api.url}" '
        'api-key="pk_not_a_key" customer-id="c-1"></stigg-usage>',  # the mock API answers 401
        head=recorder, name="engine-interaction.html")
    # the Stigg client against the mock API, no remembered shape: the early answer shapes the skeleton
    early = site.page_url(
        f'<stigg-usage id="early" api-key="{DEFAULT_API_KEY}" customer-id="customer-demo" '
        f'base-url="{mock_api.url}"></stigg-usage>',
        head=recorder, name="engine-early-shape.html", script_attrs='data-skeleton-memory="off"')
    base = site.server.url
    heavy_only = next(f for f in metered_feature_ids("heavy-usage") if f not in metered_feature_ids("paid"))
    sections = ["stigg-subscription-overview", "stigg-usage", "stigg-payment-details", "stigg-invoices"]
    raw = []
    if raw_host.packed:
        raw_page = raw_host.page_url('<stigg-usage id="u" client="demo" scenario="paid"></stigg-usage>',
                                     head=recorder, name="engine-raw-host.html")
        raw = [{"name": "raw-host", "url": raw_page, "ready": _state("#u"), "act": None, "after": None}]
    return [
        # the page stays open until the loader has kept the render's shape (in the ResizeObserver
        # callback after the ready render's layout: a frame later, or more on a busy machine)
        {"name": "full-portal", "url": f"{base}/engine-full-portal.html",
         "ready": _state("stigg-customer-portal"), "act": None,
         "after": '(localStorage.getItem("stigg-portal:shapes") || "").includes(\'"stigg-customer-portal"\')'},
        {"name": "composed-sections", "url": f"{base}/engine-composed-sections.html",
         "ready": " && ".join(_state(f"stigg-provider {tag}") for tag in sections), "act": None, "after": None},
        {"name": "paywall", "url": f"{base}/engine-paywall.html", "ready": _state("stigg-paywall"),
         "act": 'document.querySelector("stigg-paywall .stigg-paywall-plan-button:not([disabled])").click()',
         "after": 'window.__rec.events.some((e) => e.type === "stigg-plan-selected")'},
        {"name": "interaction", "url": interaction, "ready": _state("#u") + " && " + _state("#bad", "error"),
         "act": 'document.querySelector("#u").setAttribute("scenario", "heavy-usage")',
         # a feature only the heavy-usage customer has
         "after": f'document.querySelector("#u .stigg-entitlement-usage-{heavy_only}") !== null'},
        {"name": "early-shape", "url": early, "ready": _state("#early"), "act": None, "after": None},
        *raw,
        # the same page again in the same profile: its skeleton has the shape the first visit stored
        {"name": "full-portal-return", "url": f"{base}/engine-full-portal.html",
         "ready": _state("stigg-customer-portal"), "act": None, "after": None},
    ]


# ----------------------------------------------------------------------------- checks
def check_engine(engine: str, outcomes: list[dict], *, table: str = "native", trampoline: str = "wasm") -> None:
    """Every page rendered, booted from the snapshot, without page errors; ``table`` / ``trampoline``:
    how the worker had to align the engine's wasm function table (see stigg-worker.js)."""
    RESULTS[engine] = outcomes
    by_name = {o["name"]: o for o in outcomes}
    for outcome in outcomes:
        name, result = outcome["name"], outcome.get("result") or {}
        assert "error" not in outcome, f"{engine} {name}: {outcome['error']}\n{json.dumps(result)[:3000]}"
        rec = result["rec"]
        assert rec["errors"] == [], f"{engine} {name}: page errors {rec['errors']}"
        assert result["boot"] == "snapshot", f"{engine} {name}: boot {result['boot']} {result['bootInfo']}"
        info = result["bootInfo"]
        assert (info["tableIdentity"], info["trampoline"]) == (table, trampoline), f"{engine} {name}: {info}"
        console_errors = [text for level, text in rec["console"] if level == "error"]
        if name == "interaction":  # the failing element logs one line with its code; nothing else does
            assert len(console_errors) == 1 and "(unauthorized)" in console_errors[0], console_errors
        else:
            assert console_errors == [], f"{engine} {name}: {console_errors}"
    full = by_name["full-portal"]["result"]
    assert full["progressbars"] >= 1 and "Usage" in full["text"], full["text"][:500]
    sections = by_name["composed-sections"]["result"]
    assert "Invoices" in sections["text"] or "invoice" in sections["text"].lower(), sections["text"][:500]
    [selected] = [e for e in by_name["paywall"]["result"]["rec"]["events"] if e["type"] == "stigg-plan-selected"]
    assert {"plan", "intentionType", "billingPeriod"} <= set(selected["detail"]), selected
    if "raw-host" in by_name:  # the three big binaries came as .br copies the worker decoded
        copies = by_name["raw-host"]["result"]["bootInfo"]["packedCopies"]
        assert len(copies) == 3 and all(c.endswith(".br") for c in copies), f"{engine} raw-host: {copies}"
    # the skeleton memory (localStorage + ResizeObserver): the return visit's skeleton is as tall
    # as its data
    first, again = (by_name[n]["result"]["rec"]["heights"]["stigg-customer-portal"]
                    for n in ("full-portal", "full-portal-return"))
    # the example's demo customer: the build worked out the shape rules' counts for it
    # (stigg_portal/shapes.py, demo_shapes), so the first visit's skeleton has the data's banner,
    # tabs and usage cards from its first paint: within 5% of the data's height (the default
    # skeleton was 346 px short in Chromium, 266 in WebKit, 455 in Firefox: 7-14%)
    assert abs(first["ready"] - first["skeleton"]) <= 0.05 * first["ready"], f"{engine} first visit: {first}"
    assert abs(again["ready"] - again["skeleton"]) <= 2, f"{engine} return visit: {again} (first {first})"
    assert again["ready"] == first["ready"], f"{engine}: {first} then {again}"
    # the early GraphQL answer shaped the usage skeleton (four cards, not the default three) before
    # the data came: the loader's rule evaluation in this engine
    early = by_name["early-shape"]["result"]["rec"]["heights"]["early"]
    assert "shaped" in early and abs(early["ready"] - early["shaped"]) < abs(early["ready"] - early["skeleton"]) / 2, \
        f"{engine} early shape: {early}"
    interaction = by_name["interaction"]["result"]
    errors = [e for e in interaction["rec"]["events"] if e["type"] == "stigg-error"]
    assert [e["target"] for e in errors] == ["bad"] and errors[0]["detail"]["code"] == "unauthorized", errors
    assert interaction["errorStates"] == ["bad"], interaction["errorStates"]
    assert interaction["states"]["u"] == "ready"
    report(engine, outcomes)


def ready_ms(outcome: dict) -> float | None:
    ready = (outcome.get("result") or {}).get("rec", {}).get("readyAt", {})
    return round(min(ready.values())) if ready else None


def report(engine: str, outcomes: list[dict]) -> None:
    line = ", ".join(f"{o['name']} {ready_ms(o)} ms ({(o.get('result') or {}).get('boot')})" for o in outcomes)
    print(f"\n[engines] {engine}: time to first stigg-ready: {line}")
    chromium = RESULTS.get("chromium")
    if chromium and engine != "chromium":
        ours, theirs = ready_ms(outcomes[0]), ready_ms(chromium[0])
        if ours and theirs:
            print(f"[engines] {engine} / chromium, cold full portal: {ours / theirs:.2f}x")


# ----------------------------------------------------------------------------- engines
def run_playwright_steps(context, steps: list[dict]) -> list[dict]:
    outcomes = []
    try:
        for step in steps:
            page = context.new_page()
            outcome = {"name": step["name"]}
            page.goto(step["url"])
            page.wait_for_function(step["ready"], timeout=STEP_TIMEOUT_S * 1000, polling=50)
            if step["act"]:
                page.evaluate(step["act"])
            if step["after"]:
                page.wait_for_function(step["after"], timeout=STEP_TIMEOUT_S * 1000, polling=50)
            outcome["result"] = page.evaluate(COLLECT)
            outcomes.append(outcome)
            page.close()
    finally:
        context.close()
    return outcomes


def test_chromium_reference(browser, steps):
    """The same pages in Chromium: the reference for the other engines' times."""
    check_engine("chromium", run_playwright_steps(browser.new_context(), steps))


IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
          "Version/18.0 Mobile/15E148 Safari/604.1")


def test_ios_zero_trampoline_pointer_restores_the_snapshot(browser, steps):
    """On iOS Pyodide's getPyEMTrampolinePtr returns 0 (it tests the user agent, workers included):
    no wasm trampoline, one table slot fewer. The worker reserves the slot and keeps the zero word,
    and the restored Python runs every page through the JavaScript trampoline."""
    outcomes = run_playwright_steps(browser.new_context(user_agent=IPHONE), steps)
    assert all("iPhone" in o["result"]["ua"] for o in outcomes)
    check_engine("chromium-as-ios", outcomes, trampoline="js")


def _xvfb() -> tuple[subprocess.Popen, str]:
    """An X server of our own for MiniBrowser (it has no headless mode); returns it and its DISPLAY."""
    read, write = os.pipe()
    server = subprocess.Popen(["Xvfb", "-displayfd", str(write), "-screen", "0", "1280x1400x24", "-nolisten", "tcp"],
                              pass_fds=(write,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write)
    with os.fdopen(read) as pipe:
        display = pipe.readline().strip()
    if not display:
        server.kill()
        pytest.fail("Xvfb did not start")
    return server, f":{display}"


def test_webkit(steps):
    if not (Path(WEBKIT_DRIVER).exists() and Path(MINIBROWSER).exists() and shutil.which("Xvfb")):
        pytest.skip("WebKitGTK driver or Xvfb missing: scripts/test.sh installs webkit2gtk-driver and xvfb")
    from selenium import webdriver
    from selenium.webdriver.webkitgtk.service import Service

    server, display = _xvfb()
    driver = None
    try:
        options = webdriver.WebKitGTKOptions()
        options.binary_location = MINIBROWSER
        options.add_argument("--automation")
        service = Service(executable_path=WEBKIT_DRIVER, env={**os.environ, "DISPLAY": display})
        driver = webdriver.WebKitGTK(options=options, service=service)
        outcomes = []
        for step in steps:
            outcomes.append(run_webdriver_step(driver, step))
            # a fresh window for the next page: closing this one ends its page and worker
            old = driver.current_window_handle
            driver.switch_to.new_window("window")
            fresh = driver.current_window_handle
            driver.switch_to.window(old)
            driver.close()
            driver.switch_to.window(fresh)
    finally:
        if driver:
            driver.quit()
        server.terminate()
        server.wait(10)
    check_engine("webkit", outcomes, table="patched")


def run_webdriver_step(driver, step: dict) -> dict:
    outcome = {"name": step["name"]}

    def wait(expression: str) -> None:
        deadline = time.monotonic() + STEP_TIMEOUT_S
        while not driver.execute_script(f"return !!({expression})"):
            if time.monotonic() > deadline:
                raise TimeoutError(f"timed out waiting for {expression}")
            time.sleep(0.05)

    try:
        driver.get(step["url"])
        wait(step["ready"])
        if step["act"]:
            driver.execute_script(step["act"])
        if step["after"]:
            wait(step["after"])
    except Exception as exc:  # noqa: BLE001 - reported with what the page recorded
        outcome["error"] = f"{type(exc).__name__}: {exc}"
    outcome["result"] = driver.execute_script(f"return {COLLECT}")
    return outcome


def test_firefox(steps):
    node = shutil.which("node")
    if not (Path(FIREFOX).exists() and node and (ROOT / "tests/js/node_modules/puppeteer-core").exists()):
        pytest.skip("firefox-esr, node or puppeteer-core missing: scripts/test.sh installs them")
    plan = {"steps": steps, "timeoutMs": STEP_TIMEOUT_S * 1000, "collect": COLLECT, "executable": FIREFOX}
    run = subprocess.run([node, str(HERE / "engines" / "firefox.mjs")], input=json.dumps(plan), text=True, check=False,
                         capture_output=True, timeout=STEP_TIMEOUT_S * len(steps) + 60)
    assert run.returncode == 0, run.stderr[-3000:]
    outcomes = []
    for step, line in zip(steps, run.stdout.splitlines(), strict=True):
        outcome = {"name": step["name"], **json.loads(line)}
        outcome.pop("console", None)
        outcomes.append(outcome)
    check_engine("firefox", outcomes)


def test_without_adopted_stylesheets_or_idle_callbacks(browser, steps):
    """Engines without constructed stylesheets or requestIdleCallback (older Safari): the loader
    links stigg-portal.css and uses timers; every page still renders, without page errors."""
    context = browser.new_context()
    context.add_init_script("delete Document.prototype.adoptedStyleSheets; delete window.requestIdleCallback;"
                            "delete Window.prototype.requestIdleCallback;")
    pages = [s for s in steps if s["name"] == "full-portal"]
    outcomes = run_playwright_steps(context, pages)
    for outcome in outcomes:
        result = outcome["result"]
        assert result["levers"] == {"adopted": False, "idle": False}
        assert result["rec"]["errors"] == [] and result["boot"] == "snapshot", result["rec"]
        assert [t for level, t in result["rec"]["console"] if level == "error"] == []
    assert outcomes[0]["result"]["styles"] == "link"
    assert outcomes[0]["result"]["progressbars"] >= 1
