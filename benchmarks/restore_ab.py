"""A/B of two dist folders in the same run: the full portal (demo client), loads interleaved
(A, B, B, A, ...), each load's boot phases and the time to the first `stigg-ready` ("data"),
medians of N (default 5) after one discarded load of each.

    PYTHONPATH=src .venv/bin/python benchmarks/restore_ab.py DIST_A DIST_B [N] [warm|cold]

warm: one persistent profile per dist (HTTP cache, Cache Storage and V8's caches kept between its
loads); cold: a fresh context for every load. Prints, per dist, the medians of "data", "ready" and
of the worker's boot phases (SPANS, from StiggPortal.bootTiming, ms), so that a change in one
phase shows even when the machine's load moves the absolute times.
"""
import pathlib
import statistics
import sys
import tempfile
import time

from playwright.sync_api import sync_playwright

from stigg_portal.serve import Server

dists = [pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])]
n = int(sys.argv[3]) if len(sys.argv) > 3 else 5
warm = len(sys.argv) > 4 and sys.argv[4] == "warm"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost']
INIT = 'addEventListener("stigg-ready", () => { window.__data = window.__data || performance.now(); }, true);'
READ = """() => ({boot: StiggPortal.bootMode, data: window.__data,
  phases: Object.fromEntries([
    ...performance.getEntriesByType("mark").filter((m) => m.name.startsWith("stigg-portal:"))
      .map((m) => [m.name.slice(13), m.startTime]),
    ...Object.entries(StiggPortal.bootTiming).map(([k, v]) => [k, v - performance.timeOrigin])])})"""
# Spans of the worker's boot (StiggPortal.bootTiming) whose medians are printed, ms.
SPANS = [("start", "instantiated"), ("instantiated", "preRun"), ("preRun", "downloaded"),
         ("downloaded", "initialized"), ("initialized", "heapWritten"), ("heapWritten", "restored"),
         ("restored", "pyodideLoaded"), ("pyodideLoaded", "ready"), ("ready", "data"), ("start", "ready")]
PAGE = ('<!doctype html><html lang="en"><head><meta charset="utf-8"><title>t</title>'
        '<script type="module" src="{dist}/stigg-portal.js"></script></head>'
        '<body><stigg-customer-portal client="demo" scenario="paid"></stigg-customer-portal></body></html>')


def main() -> None:
    root = pathlib.Path(tempfile.mkdtemp())
    rows: list[list[dict]] = [[], []]
    with Server(dists[0], host="127.0.0.1") as a, Server(dists[1], host="127.0.0.1") as b, \
            Server(root, host="127.0.0.1") as pages, sync_playwright() as p:
        for i, server in enumerate((a, b)):
            (root / f"{i}.html").write_text(PAGE.format(dist=server.url.replace("127.0.0.1", "localhost")))
        browser = None if warm else p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        profiles = [p.chromium.launch_persistent_context(tempfile.mkdtemp(), executable_path="/usr/bin/chromium",
                                                         args=ARGS) for _ in dists] if warm else None
        for round_ in range(n + 1):
            for i in (0, 1) if round_ % 2 == 0 else (1, 0):
                context = profiles[i] if warm else browser.new_context()
                context.add_init_script(INIT)
                page = context.new_page()
                page.goto(f"{pages.url}/{i}.html")
                page.wait_for_selector('stigg-customer-portal[data-stigg-state="ready"] .stigg-subscription-usage-layout',
                                       timeout=60000)
                row = page.evaluate(READ)
                page.close()
                if not warm:
                    context.close()
                if round_:
                    rows[i].append(row)
                time.sleep(0.5)
    for i, dist in enumerate(dists):
        loads = rows[i]
        boots = {r["boot"] for r in loads}
        print(f"{dist}: boot {','.join(sorted(boots))}, data median {statistics.median(r['data'] for r in loads):.0f} "
              f"{[round(r['data']) for r in loads]}, ready {statistics.median(r['phases']['ready'] for r in loads):.0f}, "
              f"ready->data {statistics.median(r['data'] - r['phases']['ready'] for r in loads):.0f}")
        spans = []
        for start, end in SPANS:
            values = [(r["data"] if end == "data" else r["phases"][end]) - r["phases"][start]
                      for r in loads if start in r["phases"] and (end == "data" or end in r["phases"])]
            if values:
                spans.append(f"{start}->{end} {statistics.median(values):.0f}")
        print("   " + ", ".join(spans))

if __name__ == "__main__":
    main()
