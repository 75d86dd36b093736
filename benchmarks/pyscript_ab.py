"""A/B: Python hosted by PyScript's PyWorker vs the plain module worker (`data-runtime="worker"`),
in the same run: cold (fresh context each), loopback, alternating, time from navigation to
"Python ready", medians of N (default 5).

    PYTHONPATH=src .venv/bin/python benchmarks/pyscript_ab.py dist [N]
"""
import pathlib
import statistics
import sys
import tempfile

from playwright.sync_api import sync_playwright

from stigg_portal.serve import Server

dist = pathlib.Path(sys.argv[1]); n = int(sys.argv[2]) if len(sys.argv) > 2 else 5
root = pathlib.Path(tempfile.mkdtemp())
for name, attrs in {"pyscript": "", "worker": 'data-runtime="worker"'}.items():
    (root / f"{name}.html").write_text(f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>t</title>'
        f'<script type="module" src="DIST/stigg-portal.js" {attrs}></script></head>'
        '<body><stigg-usage client="demo" scenario="paid"></stigg-usage></body></html>')
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost']
res = {"pyscript": [], "worker": []}
with Server(dist, host="127.0.0.1") as ds, Server(root, host="127.0.0.1") as ps, sync_playwright() as p:
    durl = ds.url.replace("127.0.0.1", "localhost")
    for f in root.glob("*.html"):
        f.write_text(f.read_text().replace("DIST", durl))
    b = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
    for i in range(n + 1):
        for name in ("pyscript", "worker") if i % 2 else ("worker", "pyscript"):
            c = b.new_context(); page = c.new_page()
            page.goto(f"{ps.url}/{name}.html")
            page.wait_for_selector('stigg-usage[data-stigg-state="ready"]', timeout=60000)
            r = page.evaluate("""() => ({runtime: StiggPortal.runtime, boot: StiggPortal.bootMode,
                ready: StiggPortal.bootTiming.ready - performance.timeOrigin,
                now: performance.now(),
                // the boot's phases, ms after navigation (loader marks, then the worker's timing)
                phases: Object.fromEntries([
                    ...performance.getEntriesByType("mark").filter((m) => m.name.startsWith("stigg-portal:pyscript"))
                        .map((m) => [m.name.slice(13), m.startTime]),
                    ...Object.entries(StiggPortal.bootTiming).map(([k, v]) => [k, v - performance.timeOrigin])])})""")
            c.close()
            if i:  # first round is a warm-up of the servers/disk
                res[name].append(r)
    b.close()
for name, rows in res.items():
    print(name, rows[0]["runtime"], rows[0]["boot"], f"ready median {statistics.median(r['ready'] for r in rows):.0f} ms",
          [round(r["ready"]) for r in rows])
    keys = [k for k in rows[0]["phases"] if all(k in r["phases"] for r in rows)]
    print("   phases (median ms after navigation):", ", ".join(
        f"{k} {statistics.median(r['phases'][k] for r in rows):.0f}" for k in sorted(keys, key=lambda k: rows[0]["phases"][k])))
