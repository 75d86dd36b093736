"""A/B of two dist folders in the same run: the full portal (demo client), loads interleaved
(A, B, B, A, ...), each load's boot phases and the time to the first `stigg-ready` ("data"),
medians of N (default 5) after one discarded load of each, and the median of each load's longest
main-thread task before the data.

    PYTHONPATH=src .venv/bin/python benchmarks/restore_ab.py DIST_A DIST_B [N] [warm|cold] [CSS_B]

With STIGG_AB_ATTRS_B='hidden-sections="paywall"' (say) B's element gets those attributes too: an
upper bound of what leaving work out of the first render would save, on one dist.

With STIGG_AB_NETWORK=1 in the environment every load runs under run.py's emulated network
(20 Mbit/s, 40 ms; Chromium's own throttling over CDP).

CSS_B: a style sheet added to B's page only (a `<style>` in its head), to measure a CSS change on
one dist: `restore_ab.py dist dist 12 cold '.stigg-skeleton { animation: none }'`.

warm: one persistent profile per dist (HTTP cache, Cache Storage and V8's caches kept between its
loads); cold: a fresh context for every load. Prints, per dist, the medians of "data", "ready" and
of the worker's boot phases (SPANS, from StiggPortal.bootTiming, ms), so that a change in one
phase shows even when the machine's load moves the absolute times.
"""
import os
import pathlib
import statistics
import sys
import tempfile

from ab import PORTAL_PAGE, PORTAL_READY, interleaved, phases_js
from playwright.sync_api import sync_playwright
from servers import ServerProcess

dists = [pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])]
n = int(sys.argv[3]) if len(sys.argv) > 3 else 5
warm = len(sys.argv) > 4 and sys.argv[4] == "warm"
css_b = sys.argv[5] if len(sys.argv) > 5 else ""
network = os.environ.get("STIGG_AB_NETWORK") == "1"
attrs_b = os.environ.get("STIGG_AB_ATTRS_B", "")
INIT = ('addEventListener("stigg-ready", () => { window.__data = window.__data || performance.now(); }, true);'
        'window.__long = []; new PerformanceObserver((list) => { for (const e of list.getEntries())'
        ' window.__long.push([e.startTime, e.duration]); }).observe({type: "longtask", buffered: true});')
# The longest main-thread task (> 50 ms) that started before the data showed, 0 when none.
READ = ("() => ({boot: StiggPortal.bootMode, data: window.__data, longest: Math.max(0, ...window.__long"
        ".filter(([start]) => start < window.__data).map(([, d]) => d)), phases: " + phases_js() + "})")
# Spans of the worker's boot (StiggPortal.bootTiming) whose medians are printed, ms.
SPANS = [("start", "instantiated"), ("instantiated", "preRun"), ("preRun", "downloaded"),
         ("downloaded", "initialized"), ("initialized", "heapWritten"), ("heapWritten", "restored"),
         ("restored", "pyodideLoaded"), ("pyodideLoaded", "ready"), ("ready", "data"), ("start", "ready")]


def main() -> None:
    root = pathlib.Path(tempfile.mkdtemp())
    servers = [ServerProcess("static", str(d)) for d in dists]
    site = ServerProcess("static", str(root))
    try:
        for i, server in enumerate(servers):
            style = f"<style>{css_b}</style>" if i == 1 and css_b else ""
            html = PORTAL_PAGE.format(dist=server.url.replace("127.0.0.1", "localhost"), style=style)
            if i == 1 and attrs_b:
                html = html.replace('scenario="paid"', f'scenario="paid" {attrs_b}')
            (root / f"{i}.html").write_text(html)
        with sync_playwright() as p:
            rows = interleaved(p, [f"{site.url}/{i}.html" for i in range(len(dists))], n, warm=warm,
                               ready=PORTAL_READY,
                               probe=READ, init=INIT, pause_s=0.5, network=network)
    finally:
        for server in (*servers, site):
            server.stop()
    for i, dist in enumerate(dists):
        loads = rows[i]
        if i == 1 and css_b:
            print(f"B's page adds: {css_b}")
        boots = {r["boot"] for r in loads}
        print(f"{dist}: boot {','.join(sorted(boots))}, data median {statistics.median(r['data'] for r in loads):.0f} "
              f"{[round(r['data']) for r in loads]}, ready {statistics.median(r['phases']['ready'] for r in loads):.0f}, "
              f"ready->data {statistics.median(r['data'] - r['phases']['ready'] for r in loads):.0f}, "
              f"longest task {statistics.median(r['longest'] for r in loads):.0f}")
        spans = []
        for start, end in SPANS:
            values = [(r["data"] if end == "data" else r["phases"][end]) - r["phases"][start]
                      for r in loads if start in r["phases"] and (end == "data" or end in r["phases"])]
            if values:
                spans.append(f"{start}->{end} {statistics.median(values):.0f}")
        print("   " + ", ".join(spans))

if __name__ == "__main__":
    main()
