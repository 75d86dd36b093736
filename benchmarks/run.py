#!/usr/bin/env python3
"""Speed benchmark of the embeddable portal (issue 6).

    .venv/bin/python benchmarks/run.py            # build dist/ (+ a plain copy), measure, print a table
    .venv/bin/python benchmarks/run.py --no-build # reuse dist/ (and build/bench-plain/ when present)
    make bench

What it does: builds ``dist/`` (with the memory snapshot when Chromium is available) and a second
dist without it (``build/bench-plain/``: the plain boot), serves both and the pages on loopback
(pages on 127.0.0.1, dist/ on localhost, like a CDN), starts the mock Stigg API when it exists,
and measures in real Chromium with Playwright, medians of ``--runs`` (default 5):

- time from navigation to the usage section showing real data (the full portal), cold (a fresh
  browser context) and warm (a persistent context, loaded again), plain boot vs snapshot boot,
  on loopback and under an emulated 20 Mbit/s, 40 ms RTT network (CDP);
- the same cold load, ours and Stigg's React portal's, in Chromium started with no DevTools client
  attached (the "no DevTools" rows; an attached client slows every page down, see no_devtools_runs);
- first paint of the element's final layout (the skeleton the loader paints), the cumulative
  layout shift until data arrived, how far the element's sections (and what follows it) moved
  between the skeleton's frame and the data's (layout-shift entries miss that: the data's nodes
  are new), the longest main-thread task during the load;
- bytes of the files actually requested, summed raw / gzip / brotli (from the files on disk);
- ``cache="session"`` (cached HTML painted before Python is ready) and server-rendered HTML
  (``data-stigg-ssr``) against the same plain boot;
- re-render after an attribute change (heavy-usage customer) in the browser;
- CPython timings of the views and templates for 1, 30 and 1,000 features.

Prints a markdown table and writes ``benchmarks/results/latest.json`` (gitignored). Timings on a
shared or busy machine are noisy: the load average is recorded with the results.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT / "src") not in sys.path:
    sys.path.insert(0, str(ROOT / "src"))

CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",
]
NETWORK = {"offline": False, "latency": 40, "downloadThroughput": 20e6 / 8, "uploadThroughput": 20e6 / 8}
PORTAL_READY = 'stigg-customer-portal[data-stigg-state="ready"] .stigg-subscription-usage-layout'
USAGE_READY = 'stigg-usage[data-stigg-state="ready"]'
TIMEOUT_MS = 120_000
WARM_RERENDERS = 30  # re-renders before the steady-state ones are timed
UPSTREAM = {"cold_s": 0.89, "warm_s": 0.28, "transfer_mb": 0.58, "plain_pyodide_cold_s": 3.4,
            "plain_pyodide_warm_s": 2.3}
TARGETS = {"cold_s": 0.9, "warm_s": 0.3, "first_paint_ms": 100, "longtask_ms": 50, "transfer_br_mb": 8.0,
           "rerender_ms": 16}

# Installed before any page script: observers for paint, layout shifts, long tasks and the
# moments the target element gets content (skeleton or cached or server HTML) and real data.
INIT_SCRIPT = """
(() => {
  const b = window.__bench = { longtasks: [], cls: 0, shifts: [], paint: {}, states: [] };
  const now = () => performance.now();
  const observe = (type, fn) => { try { new PerformanceObserver((l) => l.getEntries().forEach(fn)).observe({ type, buffered: true }); } catch (e) {} };
  observe("longtask", (e) => b.longtasks.push([Math.round(e.startTime), Math.round(e.duration)]));
  const describe = (node) => !node ? "?" : node.nodeType !== 1 ? node.nodeName :
    node.localName + [...node.classList].slice(0, 2).map((c) => "." + c).join("");
  const rect = (r) => r ? [Math.round(r.x), Math.round(r.y), Math.round(r.width), Math.round(r.height)] : null;
  observe("layout-shift", (e) => {
    if (e.hadRecentInput) return;
    b.cls += e.value;
    b.shifts.push({ t: Math.round(e.startTime), value: Math.round(e.value * 1e4) / 1e4,
                    sources: (e.sources || []).slice(0, 4).map((s) => [describe(s.node), rect(s.previousRect), rect(s.currentRect)]) });
  });
  observe("paint", (e) => { b.paint[e.name] = Math.round(e.startTime); });
  // Where the target's top-level section cards stand (page y of top, height) and where the target
  // ends: taken at the skeleton's frame and at the data's, so the harness can tell how far the
  // sections (and whatever follows the element) moved. Layout-shift entries miss that move: the
  // data's nodes are new, not moved.
  const boxes = () => {
    const root = document.querySelector(window.__benchConfig.target);
    if (!root) return null;
    const out = {};
    for (const card of root.querySelectorAll(".stigg-section-card")) {
      if (card.parentElement.closest(".stigg-section-card")) continue;
      const r = card.getBoundingClientRect();
      out[card.classList[0]] = [Math.round(r.top + scrollY), Math.round(r.height)];
    }
    if (!Object.keys(out).length) return null;
    out[":end"] = [Math.round(root.getBoundingClientRect().bottom + scrollY), 0];
    return out;
  };
  // the harness waits for these lines (see measure())
  const frame = (key) => requestAnimationFrame(() => {
    const seen = boxes();
    if (key === "skeletonFrame") { // kept only when the skeleton's boxes changed, while it still shows
      const root = document.querySelector(window.__benchConfig.target);
      if (b.ready !== undefined || root?.getAttribute("data-stigg-state") !== "loading") return;
      if (JSON.stringify(seen) === JSON.stringify(b.skeletonFrameBoxes || b.contentFrameBoxes)) return;
    }
    b[key] = now(); b[key + "Boxes"] = seen; console.debug("__bench:" + key);
  });
  const check = () => {
    const cfg = window.__benchConfig;
    if (!cfg) return;
    const root = document.querySelector(cfg.target);
    if (root) {
      const state = root.getAttribute("data-stigg-state") || (root.hasAttribute("data-stigg-ssr") ? "ssr" : "");
      if (b.states[b.states.length - 1] !== state) b.states.push(state);
      if (b.content === undefined && root.firstElementChild) { b.content = now(); b.contentState = state; frame("contentFrame"); }
      // the skeleton changed after its first frame (the early answer shaped it): its latest frame
      else if (b.content !== undefined && b.ready === undefined && state === "loading") frame("skeletonFrame");
    }
    // cfg.ready: a selector; cfg.readyText: selectors that must each match an element with text
    const ready = document.querySelector(cfg.ready) && (cfg.readyText || []).every((sel) =>
      [...document.querySelectorAll(sel)].some((el) => el.textContent.trim()));
    if (b.ready === undefined && ready) { b.ready = now(); frame("readyFrame"); }
  };
  new MutationObserver(check).observe(document, { subtree: true, childList: true, attributes: true });
  document.addEventListener("DOMContentLoaded", check);
})();
"""


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def median(values: list[float]) -> float | None:
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def load_average() -> list[float] | None:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


# ----------------------------------------------------------------------------- build
def build_dists(args: argparse.Namespace) -> tuple[Path, Path]:
    from stigg_portal.build import build

    os.environ.setdefault("STIGG_PORTAL_BROTLI_QUALITY", "11")  # measure a release build's bytes
    dist = Path(args.dist).resolve()
    plain = Path(args.plain_dist).resolve()
    with contextlib.redirect_stdout(sys.stderr):  # keep stdout for the table
        if not args.no_build or not (dist / "stigg-portal.js").exists():
            log(f"building {dist} (snapshot: auto)")
            build(dist, progress=lambda m: log("build: " + m))
        if not args.no_build or not (plain / "stigg-portal.js").exists():
            log(f"building {plain} (no snapshot: the plain boot)")
            build(plain, snapshot=False, progress=lambda m: log("build: " + m))
    return dist, plain


def snapshot_file(dist: Path) -> Path | None:
    found = sorted(dist.glob("pyodide-*/snapshot-*.bin"))
    return found[0] if found else None


def file_sizes(dist: Path, rel: str) -> dict[str, int] | None:
    path = dist / rel
    if not path.is_file():
        return None
    raw = path.stat().st_size
    sizes = {"raw": raw}
    for suffix, key in ((".gz", "gzip"), (".br", "brotli")):
        packed = path.with_name(path.name + suffix)
        sizes[key] = packed.stat().st_size if packed.is_file() else raw
    return sizes


# ----------------------------------------------------------------------------- pages
class Bench:
    """Servers (two dists, pages, mock API) and the pages under test."""

    def __init__(self, dist: Path, plain: Path, stack: ExitStack, *, in_process: bool = False) -> None:
        from servers import ServerProcess

        from stigg_portal.serve import Server

        def static(folder: Path) -> Any:
            if in_process:
                return stack.enter_context(Server(folder, host="127.0.0.1"))
            server = ServerProcess("static", str(folder))
            stack.callback(server.stop)
            return server

        self.dists = {"snapshot": dist, "plain": plain}
        self.servers = {}
        for name, folder in self.dists.items():
            server = static(folder)
            server.url = server.url.replace("127.0.0.1", "localhost")  # the "CDN" origin
            self.servers[name] = server
        self.site_dir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="stigg-bench-")))
        self.site = static(self.site_dir)
        # The mock in this process records requests (lever (c) counts them); timed loads use one in
        # a process of its own unless --in-process-servers (see benchmarks/servers.py).
        self.mock = None
        self.mock_url = None
        try:
            from stigg_portal.mock_api import start_mock_api

            self.mock = start_mock_api()
            stack.callback(self.mock.stop)
            self.mock_url = self.mock.url
            if not in_process:
                timed = ServerProcess("mock")
                stack.callback(timed.stop)
                self.mock_url = timed.url
        except Exception as exc:  # noqa: BLE001 - the demo client needs no API
            log(f"mock Stigg API not available ({exc}): using client=\"demo\"")
        self.has_portal = _defines(dist, "stigg-customer-portal")
        self.count = 0

    def runtime_files(self, variant: str) -> int:
        """How many files a snapshot boot keeps decoded: the wasm, the snapshot, the side modules."""
        dist = self.dists["plain" if variant == "plain" else "snapshot"]
        return sum(len(list(dist.glob(f"pyodide-*/{pattern}")))
                   for pattern in ("pyodide.asm.wasm", "snapshot-*.bin", "dynlib-*.so"))

    def customer_attrs(self, customer: str = "customer-demo", *, counted: bool = False) -> str:
        if self.mock is not None:
            url = self.mock.url if counted else self.mock_url
            return f'api-key="pk_test_mock" customer-id="{customer}" base-url="{url}"'
        return 'client="demo"'

    def target(self) -> tuple[str, str]:
        """(element selector, selector of 'real data shown')."""
        if self.has_portal:
            return "stigg-customer-portal", PORTAL_READY
        return "stigg-usage", USAGE_READY

    def page(self, variant: str, body: str, *, ready: str | None = None, target: str | None = None,
             stylesheet: bool = False, script_attrs: str = "", classic: bool = False, head: str = "") -> str:
        self.count += 1
        default_target, default_ready = self.target()
        config = {"target": target or default_target, "ready": ready or default_ready}
        dist_url = self.servers["plain" if variant == "plain" else "snapshot"].url
        # classic: the README's tag (a parser-blocking script in <head>), else type="module" (deferred)
        script_type = "" if classic else ' type="module"'
        html = (
            '<!doctype html><html lang="en"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,">'
            f"<title>bench {variant}</title><script>window.__benchConfig = {json.dumps(config)};</script>{head}"
            + (f'<link rel="stylesheet" href="{dist_url}/stigg-portal.css">' if stylesheet else "") +
            f'<script{script_type} src="{dist_url}/stigg-portal.js" {script_attrs}></script></head>'
            f'<body style="margin:0;font-family:sans-serif"><main style="max-width:1100px;margin:0 auto">{body}</main></body></html>'
        )
        name = f"{variant}-{self.count}.html"
        (self.site_dir / name).write_text(html)
        return f"{self.site.url}/{name}"

    def portal_body(self, extra: str = "", *, counted: bool = False) -> str:
        tag = self.target()[0]
        return f"<{tag} {self.customer_attrs(counted=counted)} {extra}></{tag}>"

    def ssr_body(self) -> str:
        from stigg_portal.server import render

        tag = self.target()[0]
        attrs: dict[str, Any] = {"client": "demo", "scenario": "paid"}
        return render(tag, **attrs)

    def bytes_of(self, urls: list[str]) -> dict[str, Any]:
        """Sum of the raw / gzip / brotli sizes of the dist files among ``urls`` (each counted once)."""
        totals = {"raw": 0, "gzip": 0, "brotli": 0}
        files = {}
        for url in dict.fromkeys(urls):
            parts = urlsplit(url)
            for name, server in self.servers.items():
                if f"{parts.scheme}://{parts.netloc}" == server.url:
                    sizes = file_sizes(self.dists[name], parts.path.lstrip("/"))
                    if sizes:
                        files[parts.path.lstrip("/")] = sizes
                        for key in totals:
                            totals[key] += sizes[key]
        return {**totals, "files": files}


def _defines(dist: Path, tag: str) -> bool:
    try:
        manifest = json.loads((dist / "custom-elements.json").read_text())
    except (OSError, ValueError):
        return False
    return any(d.get("tagName") == tag for m in manifest.get("modules", []) for d in m.get("declarations", []))


# ----------------------------------------------------------------------------- browser measurements
# What a load's observers (INIT_SCRIPT) and the portal's boot recorded, ms since navigation start.
COLLECT = """() => {
    const b = window.__bench;
    // the largest move, in px, of a section's top or of the element's end between the first
    // content and the data (null where the page has no section cards, as Stigg's React portal)
    const jump = (before, after) => !before || !after ? null : Math.max(0, ...Object.keys(before)
        .filter((k) => k in after).map((k) => Math.abs(after[k][0] - before[k][0])));
    const portal = window.StiggPortal || {};
    const boot = portal.bootTiming ? Object.fromEntries(Object.entries(portal.bootTiming)
        .map(([k, v]) => [k, Math.round(v - performance.timeOrigin)])) : null;
    return { ready: b.ready, readyFrame: b.readyFrame, content: b.content, contentFrame: b.contentFrame,
             contentState: b.contentState, states: b.states, fcp: b.paint["first-contentful-paint"],
             cls: b.cls, shifts: b.shifts, jump: jump(b.contentFrameBoxes, b.readyFrameBoxes),
             // the part of it when the data replaced the skeleton, and the skeleton's own move before
             jumpAtData: jump(b.skeletonFrameBoxes || b.contentFrameBoxes, b.readyFrameBoxes),
             skeletonMoved: b.skeletonFrameBoxes ? Math.round(b.skeletonFrame) : null,
             longtasks: b.longtasks, bootMode: portal.bootMode || null, boot,
             runtimeCache: portal.runtimeCache || null };
}"""


def with_longest_task(result: dict[str, Any]) -> dict[str, Any]:
    result["longest_task"] = max((d for _, d in result["longtasks"]), default=0)
    return result


def measure(page: Any, url: str, requests: list[str] | None = None, *, until: str = "ready") -> dict[str, Any]:
    """Navigate and collect the observers' numbers (ms since navigation start)."""
    if requests is not None:
        requests.clear()
    # The page tells when it is done with a console line. Polling with page.wait_for_function
    # would first inject Playwright's script into the page: ~20 ms on the main thread right after
    # navigation, in front of the loader, which no visitor's browser runs.
    with page.expect_console_message(lambda m: m.text == f"__bench:{until}Frame", timeout=TIMEOUT_MS):
        page.goto(url, wait_until="commit", timeout=TIMEOUT_MS)
    page.wait_for_timeout(300)  # late layout shifts and long tasks
    result = with_longest_task(page.evaluate(COLLECT))
    if requests is not None:
        result["requests"] = list(requests)
    return result


def _cdp_network(context: Any, page: Any, emulate: bool) -> None:
    if not emulate:
        return
    session = context.new_cdp_session(page)
    session.send("Network.enable")
    session.send("Network.emulateNetworkConditions", NETWORK)


def _fresh_page(browser: Any, network: bool) -> tuple[Any, Any, list[str]]:
    """A fresh context (a cold visit) with the page's recorder and the requests it finishes."""
    context = browser.new_context()
    seen: list[str] = []
    context.on("requestfinished", lambda r: seen.append(r.url))
    context.add_init_script(INIT_SCRIPT)
    page = context.new_page()
    _cdp_network(context, page, network)
    return context, page, seen


def cold_runs(pw: Any, bench: Bench, variant: str, url: str, runs: int, *, network: bool,
              before: Callable[[Any, list[str]], dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """A fresh context per load; ``before(page, seen)`` (if any) runs first in that context and its
    dict is added to the row."""
    browser = pw.chromium.launch(**launch_options())
    out = []
    try:
        for _ in range(runs):
            context, page, seen = _fresh_page(browser, network)
            extra = before(page, seen) if before else {}
            out.append({**measure(page, url, seen), **extra})
            context.close()
    finally:
        browser.close()
    return out


def warm_runs(pw: Any, bench: Bench, variant: str, url: str, runs: int, *, network: bool,
              until: str = "ready") -> list[dict[str, Any]]:
    profile = tempfile.mkdtemp(prefix="stigg-bench-profile-")
    context = pw.chromium.launch_persistent_context(profile, **launch_options())
    out = []
    try:
        seen: list[str] = []
        context.on("requestfinished", lambda r: seen.append(r.url))
        context.add_init_script(INIT_SCRIPT)
        page = context.pages[0] if context.pages else context.new_page()
        _cdp_network(context, page, network)
        measure(page, url, seen)  # the first visit: fills the HTTP and code caches (and sessionStorage)
        stay_until_runtime_files_stored(page, bench.runtime_files(variant))
        page.wait_for_timeout(int(os.environ.get("STIGG_BENCH_DWELL_MS", "500")))
        for _ in range(runs):
            out.append(measure(page, url, seen, until=until))
    finally:
        context.close()
        shutil.rmtree(profile, ignore_errors=True)
    return out


def preload_runs(pw: Any, bench: Bench, shell_url: str, url: str, runs: int, *, network: bool) -> list[dict[str, Any]]:
    """Lever (n): a first visit of the portal page right after an app shell with ``data-preload``
    (fresh context per run: the shell boots the runtime in idle time and stores its files, then
    the visitor navigates to the billing page)."""

    def shell(page: Any, seen: list[str]) -> dict[str, Any]:
        page.goto(shell_url, wait_until="load", timeout=TIMEOUT_MS)
        page.wait_for_function("window.StiggPortal && StiggPortal.preload", timeout=TIMEOUT_MS)
        page.evaluate("StiggPortal.preload()")  # resolves once the runtime is up and its files are stored
        shell_tasks = page.evaluate("window.__bench.longtasks")
        return {"shell_longest_task": max((d for _, d in shell_tasks), default=0), "shell_requests": list(seen)}

    return cold_runs(pw, bench, "snapshot", url, runs, network=network, before=shell)


def interleaved_runs(pw: Any, bench: Bench, urls: dict[str, str], runs: int, *, network: bool,
                     warm: bool) -> dict[str, list[dict[str, Any]]]:
    """An A/B with the variants measured in turn (run 1 of each, then run 2 of each, …), so that
    the load of a shared machine drifts over both alike. Cold: a fresh context per load; warm: one
    persistent profile per variant, after a first visit that stored the runtime files."""
    out: dict[str, list[dict[str, Any]]] = {name: [] for name in urls}
    if not warm:
        browser = pw.chromium.launch(**launch_options())
        try:
            for _ in range(runs):
                for name, url in urls.items():
                    context, page, seen = _fresh_page(browser, network)
                    out[name].append(measure(page, url, seen))
                    context.close()
        finally:
            browser.close()
        return out
    with ExitStack() as stack:
        pages = {}
        for name, url in urls.items():
            profile = tempfile.mkdtemp(prefix="stigg-bench-ab-")
            stack.callback(shutil.rmtree, profile, ignore_errors=True)
            context = pw.chromium.launch_persistent_context(profile, **launch_options())
            stack.callback(context.close)
            context.add_init_script(INIT_SCRIPT)
            page = context.pages[0] if context.pages else context.new_page()
            _cdp_network(context, page, network)
            measure(page, url)
            stay_until_runtime_files_stored(page, bench.runtime_files("snapshot"))
            pages[name] = page
        for _ in range(runs):
            for name, url in urls.items():
                out[name].append(measure(pages[name], url))
    return out


def stay_until_runtime_files_stored(page: Any, files: int, timeout_s: float = 15.0) -> None:
    """The first visit of a warm measurement lasts until the worker has stored its decoded runtime
    files in Cache Storage (about a second after the data shows): what any visitor who looked at
    the page for a moment leaves behind. Nothing to wait for on the plain boot or with the cache off."""
    if page.evaluate("(window.StiggPortal || {}).runtimeCache || 'off'") == "off":
        return
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        stored = page.evaluate("""async () => {
            if (!(await caches.keys()).includes("stigg-portal-runtime")) return 0;
            return (await (await caches.open("stigg-portal-runtime")).keys()).length;
        }""")
        if stored >= files:
            return
        page.wait_for_timeout(100)
    log("warning: the runtime files were not stored in Cache Storage within 15 s")


def launch_options() -> dict[str, Any]:
    from stigg_portal.snapshot import chromium_executable

    options: dict[str, Any] = {"args": CHROMIUM_ARGS}
    executable = chromium_executable()
    if executable:
        options["executable_path"] = executable
    return options


def rerender_runs(pw: Any, bench: Bench, variant: str, runs: int) -> dict[str, Any]:
    """Attribute change -> new HTML applied, heavy-usage customer (usage section and full portal)."""
    browser = pw.chromium.launch(**launch_options())
    out: dict[str, Any] = {}
    try:
        tags = ["stigg-usage"] + (["stigg-customer-portal"] if bench.has_portal else [])
        for tag in tags:
            attrs = (f'{bench.customer_attrs("demo-heavy-usage")}' if bench.mock else 'client="demo" scenario="heavy-usage"')
            url = bench.page(variant, f"<{tag} {attrs}></{tag}>", target=tag, ready=f'{tag}[data-stigg-state="ready"]')
            context = browser.new_context()
            context.add_init_script(INIT_SCRIPT)
            page = context.new_page()
            measure(page, url)
            times = page.evaluate("""async ([tag, runs]) => {
                const el = document.querySelector(tag);
                const values = ["en-GB", "en-US"];
                const times = [];
                for (let i = 0; i < runs; i++) {
                    const t = performance.now();
                    await new Promise((resolve) => {
                        el.addEventListener("stigg-ready", resolve, { once: true });
                        el.setAttribute("locale", values[i % 2]);
                    });
                    times.push(performance.now() - t);
                    await new Promise((r) => setTimeout(r, 30));
                }
                return times;
            }""", [tag, WARM_RERENDERS + max(runs * 3, 15)])
            # Right after boot the interpreter still runs V8's baseline code (wasm tiers up in the
            # background): both the first re-renders and the steady state are reported.
            first, steady = times[:15], times[WARM_RERENDERS:]
            out[tag] = {"median_ms": round(median(steady), 1), "min_ms": round(min(steady), 1),
                        "max_ms": round(max(steady), 1), "after_boot_median_ms": round(median(first), 1),
                        "samples": [round(t, 1) for t in times]}
            context.close()
    finally:
        browser.close()
    return out


# ----------------------------------------------------------------------------- Chromium with nothing attached
# Playwright drives Chromium over the DevTools protocol, and the attached client slows every page
# down (+0.3 to +0.46 s cold for both portals here, docs/speed.md (x)). These loads start Chromium
# from the command line instead, on a fresh profile each (cold), first on a data: page that
# navigates after 1.5 s (the browser's own start-up out of the way); the page carries INIT_SCRIPT
# inline and posts COLLECT's numbers to a loopback beacon 300 ms after the data is in a frame.
# Loopback only: the emulated network needs the DevTools protocol.
BEACON_WAIT_S = 60


class Beacon:
    """Loopback HTTP endpoint the pages post their numbers to: ``POST /<key>`` with a JSON body."""

    def __init__(self, stack: ExitStack) -> None:
        import http.server
        import threading

        self.got: dict[str, Any] = {}
        got = self.got

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                got[self.path.lstrip("/")] = json.loads(self.rfile.read(int(self.headers["content-length"])))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        stack.callback(server.shutdown)
        self.url = f"http://127.0.0.1:{server.server_address[1]}"

    def wait(self, key: str) -> dict[str, Any] | None:
        """What the page loaded with ``bench-key=key`` posted (None after BEACON_WAIT_S)."""
        deadline = time.monotonic() + BEACON_WAIT_S
        while key not in self.got and time.monotonic() < deadline:
            time.sleep(0.05)
        result = self.got.pop(key, None)
        return None if result is None else with_longest_task(result)

    def script(self) -> str:
        """Head markup: the observers, then the reporter (posts COLLECT's numbers)."""
        report = ("(() => { const timer = setInterval(() => {"
                  " const b = window.__bench; if (!b || b.readyFrame === undefined) return; clearInterval(timer);"
                  f" setTimeout(() => fetch({json.dumps(self.url + '/')} + new URLSearchParams(location.search).get('bench-key'),"
                  f" {{ method: 'POST', mode: 'no-cors', body: JSON.stringify(({COLLECT})()) }}), 300);"
                  " }, 20); })();")
        return f"<script>{INIT_SCRIPT}</script><script>{report}</script>"


def keyed(url: str, key: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}bench-key={key}"


def chromium_load(profile: str, url: str, beacon: Beacon, key: str, *, extra_args: Sequence[str] = (),
                  output: IO[str] | None = None, settle_s: float = 0.0) -> dict[str, Any] | None:
    """Chromium started on ``profile`` with nothing attached; returns what the page posted.

    ``extra_args`` go after CHROMIUM_ARGS, the browser's stdout and stderr to ``output`` (else
    nowhere); it runs on for ``settle_s`` after the page posted (tierup.py: the compiles still
    under way)."""
    import signal
    import subprocess

    from stigg_portal.snapshot import chromium_executable

    start = f"data:text/html,<script>setTimeout(() => location.href = {json.dumps(keyed(url, key))}, 1500)</script>"
    sink = output or subprocess.DEVNULL
    proc = subprocess.Popen([chromium_executable() or "chromium", *CHROMIUM_ARGS, *extra_args,
                             f"--user-data-dir={profile}", "--window-size=1280,720", start],
                            stdout=sink, stderr=sink, start_new_session=True)
    try:
        result = beacon.wait(key)
        time.sleep(settle_s)
        return result
    finally:
        os.killpg(proc.pid, signal.SIGTERM)  # a clean exit: a reused profile keeps its caches
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def chromium_cold_load(url: str, beacon: Beacon, key: str, **options: Any) -> dict[str, Any] | None:
    """:func:`chromium_load` (with ``options``) on a fresh profile, removed afterwards (a cold visit)."""
    profile = tempfile.mkdtemp(prefix="stigg-bench-nodevtools-")
    try:
        return chromium_load(profile, url, beacon, key, **options)
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def no_devtools_runs(beacon: Beacon, urls: dict[str, str], runs: int) -> dict[str, list[dict[str, Any]]]:
    """Cold loads (a fresh profile each) of every page in ``urls`` (name -> URL), interleaved, after
    one round that is not kept."""
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in urls}
    for round_ in range(runs + 1):
        for i, name in enumerate(urls) if round_ % 2 == 0 else reversed(list(enumerate(urls))):
            result = chromium_cold_load(urls[name], beacon, f"{i}-{round_}")
            if result is None:
                log(f"{name}: the page posted nothing within {BEACON_WAIT_S} s")
            elif round_:
                rows[name].append(result)
    return rows


# ----------------------------------------------------------------------------- Stigg's React portal
ANCHOR_SRC = ROOT.parent / "shared" / "anchor-react-portal"
ANCHOR_CONFIG = {"target": "body", "ready": ".stigg-customer-portal-usage-section-title",
                 "readyText": ['[class*="stigg-entitlement-usage-"]']}
ANCHOR_HEAD = f"<script>window.__benchConfig = {json.dumps(ANCHOR_CONFIG)};</script>"


class Anchor:
    """Stigg's own React portal (``../shared/anchor-react-portal``) built with Vite and served by its
    mock API, measured in the same run as ours (its README gives the 'usage shown' condition)."""

    def __init__(self, stack: ExitStack, source: Path = ANCHOR_SRC, *, head_html: str = "") -> None:
        """``head_html``: markup put first in the app's ``<head>`` (served from a copy of its build)."""
        import socket
        import subprocess

        work = ROOT / "build" / "anchor"
        app = work / "app"
        if not (app / "dist" / "index.html").exists():
            if not source.is_dir():
                raise RuntimeError(f"{source} not found")
            log(f"building Stigg's React portal from {source} (npm install + vite build, once)")
            shutil.rmtree(work, ignore_errors=True)
            shutil.copytree(source, work, ignore=shutil.ignore_patterns("node_modules", "dist", "logs"))
            for cmd in (["npm", "install", "--no-audit", "--no-fund", "--silent"], ["npm", "run", "build", "--silent"]):
                subprocess.run(cmd, cwd=app, check=True, stdout=sys.stderr)

        def free_port() -> int:
            with socket.socket() as sock:
                sock.bind(("127.0.0.1", 0))
                return sock.getsockname()[1]

        served = app / "dist"
        if head_html:
            served = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="stigg-bench-anchor-"))) / "dist"
            shutil.copytree(app / "dist", served)
            index = served / "index.html"
            index.write_text(index.read_text().replace("<head>", "<head>" + head_html, 1))
        self.api_port, self.static_port = free_port(), free_port()
        proc = subprocess.Popen([sys.executable, str(work / "mock_stigg.py"), "--port", str(self.api_port),
                                 "--static", str(served), "--static-port", str(self.static_port), "--quiet"],
                                cwd=work, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        stack.callback(proc.wait)
        stack.callback(proc.terminate)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.static_port), timeout=0.5):
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("the anchor's mock server did not start")
        self.url = (f"http://127.0.0.1:{self.static_port}/?customer=customer-demo"
                    f"&api=http://127.0.0.1:{self.api_port}")


def anchor_runs(pw: Any, anchor: Anchor, runs: int, *, network: bool, warm: bool) -> list[dict[str, Any]]:
    """Cold (fresh context) or warm (persistent profile, loaded again) loads of the React portal;
    ``transfer`` is what went over the wire (Playwright's encoded body sizes; its server gzips)."""
    config = f"window.__benchConfig = {json.dumps(ANCHOR_CONFIG)};"
    out: list[dict[str, Any]] = []

    def prepare(context: Any) -> tuple[Any, list[Any]]:
        finished: list[Any] = []
        context.on("requestfinished", lambda r: finished.append(r))
        context.add_init_script(config)
        context.add_init_script(INIT_SCRIPT)
        page = context.pages[0] if context.pages else context.new_page()
        _cdp_network(context, page, network)
        return page, finished

    def transfer(finished: list[Any]) -> int:
        total = 0
        for request in finished:
            try:
                sizes = request.sizes()
                total += sizes["responseBodySize"] + sizes["responseHeadersSize"]
            except Exception:  # noqa: BLE001, S110 - a request without sizes (data: URL)
                pass
        return total

    if warm:
        profile = tempfile.mkdtemp(prefix="stigg-bench-anchor-")
        context = pw.chromium.launch_persistent_context(profile, **launch_options())
        try:
            page, finished = prepare(context)
            measure(page, anchor.url)
            for _ in range(runs):
                out.append(measure(page, anchor.url))
        finally:
            context.close()
            shutil.rmtree(profile, ignore_errors=True)
        return out
    browser = pw.chromium.launch(**launch_options())
    try:
        for _ in range(runs):
            context = browser.new_context()
            page, finished = prepare(context)
            row = measure(page, anchor.url)
            row["transfer_bytes"] = transfer(finished)
            out.append(row)
            context.close()
    finally:
        browser.close()
    return out


def summarize(samples: list[dict[str, Any]], bench: Bench) -> dict[str, Any]:
    def pick(key: str) -> float | None:
        value = median([s.get(key) for s in samples])
        return None if value is None else round(value)

    transfer = bench.bytes_of(samples[0].get("requests", [])) if samples and samples[0].get("requests") else None
    return {
        "ready_ms": pick("ready"),
        "ready_frame_ms": pick("readyFrame"),
        "first_content_ms": pick("content"),
        "first_content_frame_ms": pick("contentFrame"),
        "fcp_ms": pick("fcp"),
        "cls": round(median([s["cls"] for s in samples]) or 0, 4),
        "shifts": samples[0].get("shifts") if samples else None,
        "jump_px": pick("jump"),
        "jump_at_data_px": pick("jumpAtData"),
        "skeleton_moved_ms": pick("skeletonMoved"),
        "longtasks": samples[0].get("longtasks") if samples else None,
        "longest_task_ms": max((s["longest_task"] for s in samples), default=0),
        "longest_task_median_ms": pick("longest_task"),
        "boot_modes": sorted({s.get("bootMode") or "?" for s in samples}),
        "runtime_cache": sorted({s.get("runtimeCache") or "off" for s in samples}),
        "content_states": sorted({s.get("contentState") or "?" for s in samples}),
        "states_seen": samples[0].get("states") if samples else None,
        "boot": samples[len(samples) // 2].get("boot") if samples else None,
        "samples_ready_ms": [round(s["ready"]) for s in samples if s.get("ready") is not None],
        "transfer": ({k: v for k, v in transfer.items() if k != "files"} if transfer else
                     {"wire": int(median([s["transfer_bytes"] for s in samples]))}
                     if samples and "transfer_bytes" in samples[0] else None),
        "files": transfer["files"] if transfer else None,
        **({"shell_longest_task_ms": max(s["shell_longest_task"] for s in samples),
            "shell_stigg_api_requests": sum(1 for s in samples for u in s["shell_requests"] if "/graphql" in u)}
           if samples and "shell_longest_task" in samples[0] else {}),
    }


# ----------------------------------------------------------------------------- CPython timings
def cpython_timings(repeat: int) -> dict[str, Any]:
    from stigg_portal.demo_data import scenario_answers
    from stigg_portal.elements import LoadedData, all_widgets
    from stigg_portal.models import parse_customer_portal, parse_paywall
    from stigg_portal.rendering import prepare, render_prepared

    base = scenario_answers("heavy-usage", datetime.now(UTC))
    portal_env = base["GetCustomerPortalByRefId"]
    paywall = parse_paywall(base["GetPaywall"])
    features = portal_env["data"]["customerPortal"]["entitlementsV2"]

    def with_features(n: int) -> dict[str, Any]:
        env = copy.deepcopy(portal_env)
        items = []
        for i in range(n):
            item = copy.deepcopy(features[i % len(features)])
            if i >= len(features):
                feature = item.get("feature") or {}
                for key in ("refId", "id"):
                    if feature.get(key):
                        feature[key] = f"{feature[key]}-{i}"
                if feature.get("displayName"):
                    feature["displayName"] = f"{feature['displayName']} {i}"
            items.append(item)
        env["data"]["customerPortal"]["entitlementsV2"] = items
        return env

    tags = ["stigg-usage"] + (["stigg-customer-portal"] if "stigg-customer-portal" in all_widgets() else [])
    out: dict[str, Any] = {}
    for n in (1, 30, 1000):
        parse_times = []
        started = time.perf_counter()
        portal = parse_customer_portal(with_features(n))
        parse_times.append((time.perf_counter() - started) * 1000)
        for tag in tags:
            prepared = prepare(tag, {"client": "demo", "scenario": "heavy-usage"})
            data = LoadedData(portal=portal, paywall=paywall)
            render_prepared(prepared, data)  # warm caches
            times = []
            for _ in range(repeat):
                started = time.perf_counter()
                html = render_prepared(prepared, data)
                times.append((time.perf_counter() - started) * 1000)
            out[f"{tag} x{n}"] = {"median_ms": round(median(times), 2), "html_kb": round(len(html) / 1024, 1),
                                  "parse_ms": round(parse_times[0], 1)}
    return out


# ----------------------------------------------------------------------------- one data load
def data_loads(pw: Any, bench: Bench) -> dict[str, Any] | None:
    """Lever (c): requests to the mock API for a provider with several sections, and a portal."""
    if bench.mock is None:
        return None
    browser = pw.chromium.launch(**launch_options())
    out = {}
    try:
        cases = {
            "portal": bench.portal_body(counted=True),
            "provider+3 sections": f'<stigg-provider {bench.customer_attrs(counted=True)}><stigg-subscription-overview></stigg-subscription-overview>'
                                   '<stigg-usage></stigg-usage><stigg-payment-details></stigg-payment-details></stigg-provider>',
        }
        for name, body in cases.items():
            bench.mock.reset()
            url = bench.page("snapshot", body, target="stigg-usage" if "provider" in name else None,
                             ready='stigg-usage[data-stigg-state="ready"]' if "provider" in name else None)
            context = browser.new_context()
            context.add_init_script(INIT_SCRIPT)
            page = context.new_page()
            measure(page, url)
            page.wait_for_timeout(500)
            requests = bench.mock.requests
            ops: dict[str, int] = {}
            for request in requests:
                op = request.get("operation") if isinstance(request, dict) else getattr(request, "operation", None)
                ops[str(op)] = ops.get(str(op), 0) + 1
            out[name] = ops
            context.close()
    finally:
        browser.close()
    return out


# ----------------------------------------------------------------------------- report
def fmt_ms(value: float | None) -> str:
    return "–" if value is None else f"{value / 1000:.2f} s" if value >= 1000 else f"{value:.0f} ms"


def fmt_px(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f} px"


def moved(row: dict[str, Any]) -> str:
    """``283 px / 10 px (at 190 ms)``: the sections' largest move from the first paint to the data,
    the part of it when the data came, and when the skeleton took the early answer's shape."""
    if row.get("jump_px") is None:
        return "–"
    at = row.get("skeleton_moved_ms")
    return f"{fmt_px(row['jump_px'])} / {fmt_px(row.get('jump_at_data_px'))}" + (f" (at {fmt_ms(at)})" if at else "")


def ratio(base: float | None, value: float | None) -> str:
    if not base or not value:
        return "–"
    return f"{base / value:.1f}×"


def mb(value: int | None) -> str:
    return "–" if value is None else f"{value / 1e6:.2f} MB"


def runtime_cache_note(row: dict[str, Any]) -> str:
    used = [x for x in row.get("runtime_cache") or [] if x != "off"]
    return f" (runtime files: {'/'.join(used)})" if used else ""


def report(results: dict[str, Any]) -> str:
    loads = results["loads"]
    lines = [
        (f"Measured {results['date']} on {results['machine']} (load average {results['load_start']} → "
         f"{results['load_end']}), Chromium {results.get('chromium', '?')}, medians of {results['runs']} runs. "
         f"Element: `{results['target']}`, data from {results['data_source']}."),
        "",
        "| variant | real data shown | vs plain | ÷ React portal (same run) | first paint of final layout (what) | CLS | sections moved after first paint / when data arrived (skeleton shaped at) | longest main-thread task | boot | transfer raw / gzip / brotli |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, row in loads.items():
        network = " (20 Mbit/s, 40 ms)" if "Mbit" in name else ""
        kind = "warm" if "warm" in name else "cold"
        base = loads.get(f"plain {kind}{network}", {}).get("ready_ms")
        devtools = ", no DevTools" if "no DevTools" in name else ""
        react = loads.get(f"React portal {kind}{network}{devtools}", {}).get("ready_ms")
        transfer = row.get("transfer")
        size = f"{mb(transfer['raw'])} / {mb(transfer['gzip'])} / {mb(transfer['brotli'])}" if transfer and "raw" in transfer \
            else f"{mb(transfer['wire'])} on the wire" if transfer else "–"
        if "warm" in name:
            size = "(cached)"
        paint = row.get("first_content_frame_ms")
        state = ",".join(row.get("content_states") or [])
        vs_react = "–" if not react or row.get("ready_ms") is None or "React" in name else f"{row['ready_ms'] / react:.2f}×"
        vs_plain = "–" if "React" in name else ratio(base, row.get("ready_ms")) if "plain" not in name else "1.0×"
        lines.append(
            f"| {name} | {fmt_ms(row.get('ready_ms'))} | {vs_plain} | {vs_react} | "
            f"{fmt_ms(paint)} ({state}) | {row.get('cls')} | {moved(row)} | {fmt_ms(row.get('longest_task_ms'))} | "
            f"{','.join(row.get('boot_modes') or [])}{runtime_cache_note(row)} | {size} |")
    rr = results.get("rerender") or {}
    if rr:
        lines += ["", ("| re-render after an attribute change (heavy-usage, browser) | median (steady) | min | max "
                       "| median of the first 15 after boot |"), "|---|---|---|---|---|"]
        for variant, tags in rr.items():
            for tag, row in tags.items():
                lines.append(f"| {variant}: `{tag}` | {row['median_ms']} ms | {row['min_ms']} ms | {row['max_ms']} ms "
                             f"| {row.get('after_boot_median_ms', '–')} ms |")
    cp = results.get("cpython") or {}
    if cp:
        lines += ["", "| CPython: views + templates | render (median) | parse | HTML |", "|---|---|---|---|"]
        for name, row in cp.items():
            lines.append(f"| `{name}` features | {row['median_ms']} ms | {row['parse_ms']} ms | {row['html_kb']} KB |")
    dl = results.get("data_loads")
    if dl:
        lines += ["", "| data loads (requests to the mock API) | " + " | ".join(dl) + " |",
                  "|---|" + "---|" * len(dl),
                  "| per operation | " + " | ".join(json.dumps(v) for v in dl.values()) + " |"]
    lines += ["", "Targets:"]
    for key, verdict in results["targets"].items():
        lines.append(f"- {key}: {verdict}")
    return "\n".join(lines)


def verdicts(results: dict[str, Any]) -> dict[str, str]:
    loads = results["loads"]

    def check(label: str, value: float | None, target: float, unit: str = "ms") -> str:
        if value is None:
            return f"{label}: not measured"
        ok = value <= target
        return f"{'met' if ok else 'NOT met'} ({value:g} {unit}, target ≤ {target:g} {unit})"

    best_cold = loads.get("snapshot cold", loads.get("plain cold", {}))
    best_warm = loads.get("snapshot warm", loads.get("plain warm", {}))
    transfer = (best_cold.get("transfer") or {}).get("brotli")
    def vs_react(kind: str, network: str, limit: float) -> str:
        ours = (loads.get(f"snapshot {kind}{network}") or {}).get("ready_ms")
        react = (loads.get(f"React portal {kind}{network}") or {}).get("ready_ms")
        if not ours or not react:
            return "not measured"
        return (f"{'met' if ours / react <= limit else 'NOT met'} ({ours / react:.2f}×: {ours:g} ms vs "
                f"{react:g} ms, target ≤ {limit:g}×)")

    network = " (20 Mbit/s, 40 ms)"
    return {
        "cold ≤ 1.2× the React portal (loopback)": vs_react("cold", "", 1.2),
        "warm ≤ 2.5× the React portal (loopback)": vs_react("warm", "", 2.5),
        "cold ≤ 1.2× the React portal (loopback, no DevTools attached)": vs_react("cold", ", no DevTools", 1.2),
        "cold ≤ 1.2× the React portal (20 Mbit/s, 40 ms)": vs_react("cold", network, 1.2),
        "warm ≤ 2.5× the React portal (20 Mbit/s, 40 ms)": vs_react("warm", network, 2.5),
        "cold to real data ≤ 0.9 s": check("cold", best_cold.get("ready_ms"), TARGETS["cold_s"] * 1000),
        "warm ≤ 0.3 s": check("warm", best_warm.get("ready_ms"), TARGETS["warm_s"] * 1000),
        "first paint of final layout ≤ 100 ms": check("paint", best_cold.get("first_content_frame_ms"),
                                                      TARGETS["first_paint_ms"]),
        "first paint of final layout ≤ 100 ms, the README's classic script tag": check(
            "paint", (loads.get("snapshot cold, classic script tag") or {}).get("first_content_frame_ms"),
            TARGETS["first_paint_ms"]),
        "no layout shift when data arrives (CLS 0)": check("cls", best_cold.get("cls"), 0.0, ""),
        "no layout jump when data arrives, first visit (sections' boxes)": check(
            "jump", best_cold.get("jump_at_data_px"), 0.0, "px"),
        "no layout jump after the first paint, first visit (the early shape's move included)": check(
            "jump", best_cold.get("jump_px"), 0.0, "px"),
        "no layout jump when data arrives, return visit (sections' boxes)": check(
            "jump", best_warm.get("jump_px"), 0.0, "px"),
        "no main-thread long task > 50 ms": check("task", best_cold.get("longest_task_ms"), TARGETS["longtask_ms"]),
        "cold transfer ≤ 8 MB brotli": check("transfer", None if transfer is None else round(transfer / 1e6, 2),
                                             TARGETS["transfer_br_mb"], "MB"),
        "re-render ≤ 16 ms median (heavy-usage)": check(
            "rerender", ((results.get("rerender") or {}).get("snapshot") or {}).get("stigg-usage", {}).get("median_ms"),
            TARGETS["rerender_ms"]),
    }


# ----------------------------------------------------------------------------- main
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-build", action="store_true", help="reuse the built dist folders")
    parser.add_argument("--dist", default=str(ROOT / "dist"), help="dist folder to build/measure (default dist/)")
    parser.add_argument("--plain-dist", default=str(ROOT / "build" / "bench-plain"),
                        help="dist folder without snapshot (the plain boot)")
    parser.add_argument("--runs", type=int, default=5, help="runs per measurement (median; default 5)")
    parser.add_argument("--no-network", action="store_true", help="skip the emulated 20 Mbit/s, 40 ms RTT runs")
    parser.add_argument("--only", default="", help="measure only the page loads whose name contains this (or one of these, comma-separated)")
    parser.add_argument("--no-anchor", action="store_true",
                        help="skip Stigg's React portal (../shared/anchor-react-portal, built once into build/anchor)")
    parser.add_argument("--in-process-servers", action="store_true",
                        help="serve dist/, the pages and the mock API from threads of this process (as before "
                             "2026-12-02) instead of a process each")
    parser.add_argument("--skip-extras", action="store_true", help="skip re-render, data loads and CPython timings")
    parser.add_argument("--output", default=str(ROOT / "benchmarks" / "results" / "latest.json"))
    args = parser.parse_args(argv)

    from playwright.sync_api import sync_playwright

    started = time.monotonic()
    load_start = load_average()
    dist, plain = build_dists(args)
    snapshot = snapshot_file(dist)
    if snapshot is None:
        log("WARNING: dist has no memory snapshot; the 'snapshot' rows measure the plain boot")
    results: dict[str, Any] = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs",
        "load_start": load_start,
        "runs": args.runs,
        "dist": str(dist),
        "snapshot": snapshot.name if snapshot else None,
        "upstream": UPSTREAM,
        "targets_definition": TARGETS,
        "loads": {},
    }
    with ExitStack() as stack:
        bench = Bench(dist, plain, stack, in_process=args.in_process_servers)
        results["target"] = bench.target()[1]
        results["data_source"] = "the mock Stigg API (customer-demo)" if bench.mock else 'client="demo"'
        with sync_playwright() as pw:
            browser = pw.chromium.launch(**launch_options())
            results["chromium"] = browser.version
            browser.close()
            body = bench.portal_body()
            urls = {"plain": bench.page("plain", body), "snapshot": bench.page("snapshot", body)}
            def wanted(name: str) -> bool:
                return any(part in name for part in args.only.split(","))

            def record(name: str, measure_fn: Callable[[], list[dict[str, Any]]]) -> None:
                if wanted(name):
                    log(name)
                    results["loads"][name] = summarize(measure_fn(), bench)

            networks = [False] if args.no_network else [False, True]
            anchor = None
            if not args.no_anchor:
                try:
                    anchor = Anchor(stack)
                except Exception as exc:  # noqa: BLE001 - report, keep measuring ours
                    log(f"Stigg's React portal not measured: {exc}")
            # lever (m): the same portal page with the loader's early GraphQL requests off (A/B)
            early_off = bench.page("snapshot", body, script_attrs='data-early-requests="off"')
            # lever (af): the first visit's skeleton shaped by the early answer, off (as before it)
            shape_off = bench.page("snapshot", body, script_attrs='data-skeleton-shape="off"')
            # lever (n): an app shell with data-preload (no element), then the portal page
            shell = bench.page("snapshot", "<p>app shell</p>", script_attrs="data-preload")
            # the README's classic <script src> in <head>: the elements are defined before the body
            # is parsed, so their skeleton is in the page's first frame
            classic = bench.page("snapshot", body, classic=True)
            # Chromium with nothing attached (see no_devtools_runs), cold, loopback, interleaved pairs
            ours_nd, react_nd = "snapshot cold, no DevTools", "React portal cold, no DevTools"
            if anchor and (wanted(ours_nd) or wanted(react_nd)):
                log("cold loads with no DevTools attached")
                beacon = Beacon(stack)
                pair = {ours_nd: bench.page("snapshot", body, head=beacon.script()),
                        react_nd: Anchor(stack, head_html=ANCHOR_HEAD + beacon.script()).url}
                for name, rows in no_devtools_runs(beacon, pair, args.runs).items():
                    results["loads"][name] = summarize(rows, bench)
            for network in networks:
                suffix = " (20 Mbit/s, 40 ms)" if network else ""
                for kind in ("cold", "warm") if anchor else ():
                    record(f"React portal {kind}{suffix}",
                           lambda k=kind, n=network: anchor_runs(pw, anchor, args.runs, network=n, warm=k == "warm"))
                record(f"snapshot cold, early requests off{suffix}",
                       lambda n=network: cold_runs(pw, bench, "snapshot", early_off, args.runs, network=n))
                record(f"snapshot warm, early requests off{suffix}",
                       lambda n=network: warm_runs(pw, bench, "snapshot", early_off, args.runs, network=n))
                for kind in ("cold", "warm"):
                    names = {f"A/B early requests on, {kind}{suffix}": urls["snapshot"],
                             f"A/B early requests off, {kind}{suffix}": early_off}
                    if any(wanted(name) for name in names):
                        log(f"A/B early requests, {kind}{suffix}")
                        samples = interleaved_runs(pw, bench, names, args.runs, network=network, warm=kind == "warm")
                        for name, rows in samples.items():
                            results["loads"][name] = summarize(rows, bench)
                names = {f"A/B skeleton shape on, cold{suffix}": urls["snapshot"],
                         f"A/B skeleton shape off, cold{suffix}": shape_off}
                if any(wanted(name) for name in names):
                    log(f"A/B skeleton shape, cold{suffix}")
                    samples = interleaved_runs(pw, bench, names, args.runs, network=network, warm=False)
                    for name, rows in samples.items():
                        results["loads"][name] = summarize(rows, bench)
                record(f"snapshot cold, classic script tag{suffix}",
                       lambda n=network: cold_runs(pw, bench, "snapshot", classic, args.runs, network=n))
                record(f"snapshot cold after a data-preload shell{suffix}",
                       lambda n=network: preload_runs(pw, bench, shell, urls["snapshot"], args.runs, network=n))
                for variant in ("plain", "snapshot"):
                    url = urls[variant]
                    record(f"{variant} cold{suffix}",
                           lambda v=variant, u=url, n=network: cold_runs(pw, bench, v, u, args.runs, network=n))
                    record(f"{variant} warm{suffix}",
                           lambda v=variant, u=url, n=network: warm_runs(pw, bench, v, u, args.runs, network=n))
            # lever (d): cache="session": cached HTML on a repeat visit in the same tab
            for variant in ("plain", "snapshot"):
                url = bench.page(variant, bench.portal_body('cache="session"'))
                record(f'{variant} warm + cache="session"',
                       lambda v=variant, u=url: warm_runs(pw, bench, v, u, args.runs, network=False))
            # lever (e): server-rendered HTML, with the stylesheet linked in <head> as the
            # integrations' head tags do
            try:
                ssr = bench.ssr_body()
            except Exception as exc:  # noqa: BLE001 - report, keep measuring
                ssr = None
                log(f"server rendering failed: {exc}")
            for variant in ("plain", "snapshot") if ssr else ():
                url = bench.page(variant, ssr, stylesheet=True)
                record(f"{variant} cold + server-rendered HTML",
                       lambda v=variant, u=url: cold_runs(pw, bench, v, u, args.runs, network=False))
            if not args.skip_extras:
                log("re-render after an attribute change")
                results["rerender"] = {v: rerender_runs(pw, bench, v, args.runs) for v in ("snapshot", "plain")}
                log("data loads per provider/customer")
                results["data_loads"] = data_loads(pw, bench)
    if not args.skip_extras:
        log("CPython view + template timings")
        results["cpython"] = cpython_timings(max(args.runs, 20))
    results["load_end"] = load_average()
    results["seconds"] = round(time.monotonic() - started)
    results["targets"] = verdicts(results)
    table = report(results)
    results["table"] = table
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(results, indent=1, default=str))
    print(table)
    log(f"wrote {output} in {results['seconds']} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
