#!/usr/bin/env python3
"""The full portal against Stigg's React portal in Chromium with no DevTools client attached, and
the same pages under Playwright, all in one run (docs/speed.md, (x)).

    PYTHONPATH=src .venv/bin/python benchmarks/no_devtools.py [--runs N] [--dist DIST]

run.py drives Chromium through Playwright, that is over the DevTools protocol, and an attached
client slows a page down (its Runtime, Page and Network domains report on everything the page does),
not by the same amount for every page. Here each load starts Chromium from the command line with
run.py's arguments and nothing attached: on a profile of its own (a fresh one per load: cold; one
per page, visited once before: warm, a returning visitor after a browser restart), on a data: page
that navigates after 1.5 s (the browser's start-up out of the way). The page carries run.py's
observers inline and posts its numbers to a beacon on loopback 300 ms after the data showed. The
same pages are also loaded by Playwright (a fresh context: cold; a persistent context loaded again:
warm), interleaved with the rest. Our page: the full portal reading the mock Stigg API, as in
run.py. Loopback only: the emulated 20 Mbit/s network of run.py needs the DevTools protocol.
Prints medians of N (default 7) after one discarded round, and the ratios.
"""

from __future__ import annotations

import argparse
import http.server
import json
import os
import shutil
import signal
import statistics
import subprocess
import tempfile
import threading
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from run import ANCHOR_CONFIG, CHROMIUM_ARGS, INIT_SCRIPT, ROOT, Anchor, Bench

from stigg_portal.snapshot import chromium_executable

ANCHOR_HEAD = f"<script>window.__benchConfig = {json.dumps(ANCHOR_CONFIG)};</script>"
WAIT_S = 60


class Beacon:
    """Loopback HTTP endpoint the pages post their numbers to: ``POST /<key>`` with a JSON body."""

    def __init__(self, stack: ExitStack) -> None:
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

    def wait(self, key: str) -> Any:
        deadline = time.monotonic() + WAIT_S
        while key not in self.got and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.got.pop(key, None)

    def script(self) -> str:
        """run.py's observers, then a reporter: once the data is in a frame (+300 ms for late
        shifts and tasks), post the time to data, the longest task and the boot mode."""
        report = """(() => { const timer = setInterval(() => {
  const b = window.__bench; if (!b || b.readyFrame === undefined) return;
  clearInterval(timer);
  setTimeout(() => fetch("BEACON/" + new URLSearchParams(location.search).get("bench-key"), { method: "POST", mode: "no-cors",
    body: JSON.stringify({ ready: b.ready, longest: Math.max(0, ...b.longtasks.map((t) => t[1])),
                           boot: (window.StiggPortal || {}).bootMode || null }) }), 300);
}, 20); })();""".replace("BEACON", self.url)
        return f"<script>{INIT_SCRIPT}</script><script>{report}</script>"


def keyed(url: str, key: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}bench-key={key}"


def chromium_load(executable: str, profile: str, url: str, beacon: Beacon, key: str) -> Any:
    """Chromium started on ``profile`` with nothing attached; returns what the page posted."""
    start = f"data:text/html,<script>setTimeout(() => location.href = {json.dumps(keyed(url, key))}, 1500)</script>"
    proc = subprocess.Popen([executable, *CHROMIUM_ARGS, f"--user-data-dir={profile}", "--window-size=1280,720", start],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        return beacon.wait(key)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)  # a clean exit: a warm profile keeps its caches
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--dist", default=str(ROOT / "dist"))
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    executable = chromium_executable() or "/usr/bin/chromium"
    dist = Path(args.dist)
    with ExitStack() as stack:
        beacon = Beacon(stack)
        bench = Bench(dist, dist, stack)
        anchor = Anchor(stack, head_html=ANCHOR_HEAD + beacon.script())
        pages = {"ours": bench.page("snapshot", bench.portal_body(), head=beacon.script()), "React": anchor.url}
        pw = stack.enter_context(sync_playwright())
        browser = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        stack.callback(browser.close)
        profiles = {name: tempfile.mkdtemp(prefix="stigg-bench-nodevtools-") for name in pages}
        pw_profiles = {name: tempfile.mkdtemp(prefix="stigg-bench-pw-") for name in pages}
        for folder in (*profiles.values(), *pw_profiles.values()):
            stack.callback(shutil.rmtree, folder, True)
        contexts = {name: pw.chromium.launch_persistent_context(pw_profiles[name], executable_path=executable,
                                                                args=CHROMIUM_ARGS) for name in pages}
        for context in contexts.values():
            stack.callback(context.close)

        def load(harness: str, kind: str, name: str, key: str) -> Any:
            url = pages[name]
            if harness == "Chromium alone":
                if kind == "warm":
                    return chromium_load(executable, profiles[name], url, beacon, key)
                fresh = tempfile.mkdtemp(prefix="stigg-bench-nodevtools-")
                try:
                    return chromium_load(executable, fresh, url, beacon, key)
                finally:
                    shutil.rmtree(fresh, ignore_errors=True)
            if kind == "warm":
                page = contexts[name].pages[0] if contexts[name].pages else contexts[name].new_page()
                page.goto(keyed(url, key), wait_until="commit")
                return beacon.wait(key)
            context = browser.new_context()
            try:
                context.new_page().goto(keyed(url, key), wait_until="commit")
                return beacon.wait(key)
            finally:
                context.close()

        for harness in ("Chromium alone", "Playwright"):  # warm profiles: their first visit
            for name in pages:
                load(harness, "warm", name, f"first-{harness[0]}-{name}")
        cells = [(h, k, n) for h in ("Chromium alone", "Playwright") for k in ("cold", "warm") for n in pages]
        rows: dict[tuple[str, str, str], list[Any]] = {cell: [] for cell in cells}
        for round_ in range(args.runs + 1):
            for cell in cells if round_ % 2 == 0 else reversed(cells):
                result = load(*cell, f"{round_}-{'-'.join(cell)}".replace(" ", "_"))
                if result is None:
                    print(f"no answer within {WAIT_S} s: {cell}", flush=True)
                elif round_:
                    rows[cell].append(result)
    print("| harness | load | ours | React portal | ratio | longest task, ours / React | boot |")
    print("|---|---|---|---|---|---|---|")
    for harness in ("Chromium alone", "Playwright"):
        for kind in ("cold", "warm"):
            ours, react = rows[(harness, kind, "ours")], rows[(harness, kind, "React")]
            if not ours or not react:
                continue
            a, b = (statistics.median(r["ready"] for r in x) for x in (ours, react))
            la, lb = (statistics.median(r["longest"] for r in x) for x in (ours, react))
            boots = ",".join(sorted({str(r["boot"]) for r in ours}))
            print(f"| {harness} | {kind} | {a:.0f} ms | {b:.0f} ms | {a / b:.2f}× | {la:.0f} / {lb:.0f} ms | {boots} |")
    print(f"medians of {args.runs}; load average {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
