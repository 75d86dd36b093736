"""A/B: Python hosted by PyScript's PyWorker vs the plain module worker (`data-runtime="worker"`),
in the same run: cold (fresh context each) or warm (`--warm`: one persistent profile per page,
after a first visit), loopback, alternating, time from navigation to "Python ready", medians of N
(default 5). Several dist folders (say main's and a branch's) are measured side by side, every
page of every folder once per round, so that a lever's effect is not the machine's drift.

    PYTHONPATH=src .venv/bin/python benchmarks/pyscript_ab.py dist [N]
    PYTHONPATH=src .venv/bin/python benchmarks/pyscript_ab.py --warm before/dist after/dist 7
"""
import pathlib
import statistics
import sys
import tempfile

from ab import interleaved, phases_js
from playwright.sync_api import sync_playwright
from servers import ServerProcess

args = sys.argv[1:]
warm = "--warm" in args
args = [a for a in args if a != "--warm"]
n = int(args.pop()) if len(args) > 1 and args[-1].isdigit() else 5
dists = [pathlib.Path(a) for a in args]
HOSTS = {"pyscript": "", "worker": 'data-runtime="worker"'}
PROBE = ("""() => ({runtime: StiggPortal.runtime, boot: StiggPortal.bootMode,
    ready: StiggPortal.bootTiming.ready - performance.timeOrigin, phases: """ + phases_js("pyscript") + "})")
root = pathlib.Path(tempfile.mkdtemp())
pages = [(d, host) for d in range(len(dists)) for host in HOSTS]
servers = [ServerProcess("static", str(d)) for d in dists]
site = ServerProcess("static", str(root))
try:
    for d, host in pages:
        durl = servers[d].url.replace("127.0.0.1", "localhost")  # the dist on another origin
        (root / f"{d}-{host}.html").write_text(
            f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>t</title>'
            f'<script type="module" src="{durl}/stigg-portal.js" {HOSTS[host]}></script></head>'
            '<body><stigg-usage client="demo" scenario="paid"></stigg-usage></body></html>')
    with sync_playwright() as p:
        rows = interleaved(p, [f"{site.url}/{d}-{host}.html" for d, host in pages], n, warm=warm,
                           ready='stigg-usage[data-stigg-state="ready"]', probe=PROBE)
finally:
    for server in (*servers, site):
        server.stop()
res = dict(zip(pages, rows, strict=True))
for d, dist in enumerate(dists):
    print(f"{dist} ({'warm' if warm else 'cold'}, medians of {n}):")
    ready = {}
    for host in HOSTS:
        rows = res[(d, host)]
        ready[host] = statistics.median(r["ready"] for r in rows)
        print(" ", host, rows[0]["runtime"], rows[0]["boot"], f"ready median {ready[host]:.0f} ms",
              [round(r["ready"]) for r in rows])
        keys = [k for k in rows[0]["phases"] if all(k in r["phases"] for r in rows)]
        print("     phases (median ms after navigation):", ", ".join(
            f"{k} {statistics.median(r['phases'][k] for r in rows):.0f}"
            for k in sorted(keys, key=lambda k: statistics.median(r["phases"][k] for r in rows))))
    print(f"  PyScript's cost: {ready['pyscript'] - ready['worker']:+.0f} ms")
