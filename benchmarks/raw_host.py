"""Time to ready (cold, fresh context) from a host that compresses nothing, 20 Mbit/s + 40 ms
emulated: dist/ with its .gz copies (the worker decodes them) vs the same dist/ without them,
and `stigg-portal serve` (brotli) for scale. Usage: python benchmarks/raw_host.py DIST [RUNS]
(DIST built with compression, the default; Chromium at /usr/bin/chromium)."""
import os
import statistics
import sys
import threading
import time
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

from playwright.sync_api import sync_playwright

DIST = Path(sys.argv[1]); RUNS = int(sys.argv[2]) if len(sys.argv) > 2 else 3
import tempfile

WORK = Path(tempfile.mkdtemp(prefix="stigg-raw-host-"))
nogz = WORK / "dist-nogz"
if not nogz.exists():
    for p in DIST.rglob("*"):
        t = nogz / p.relative_to(DIST)
        if p.is_dir(): t.mkdir(parents=True, exist_ok=True)
        elif not p.name.endswith((".gz", ".br")):
            t.parent.mkdir(parents=True, exist_ok=True); os.link(p, t)

class H(SimpleHTTPRequestHandler):
    extensions_map: ClassVar[dict[str, str]] = {**SimpleHTTPRequestHandler.extensions_map, ".wasm": "application/wasm", ".mjs": "text/javascript", ".js": "text/javascript"}
    def end_headers(self):
        self.send_header("Access-Control-Allow-Origin", "*"); super().end_headers()
    def copyfile(self, s, o):
        try: super().copyfile(s, o)
        except (BrokenPipeError, ConnectionResetError): pass
    def log_message(self, *a): pass

def serve(d):
    s = ThreadingHTTPServer(("127.0.0.1", 0), partial(H, directory=str(d)))
    threading.Thread(target=s.serve_forever, daemon=True).start(); return s

page_dir = WORK / "pages"; page_dir.mkdir(exist_ok=True)
ps = serve(page_dir)
results = {}
with sync_playwright() as p:
    b = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--headless", "--no-sandbox", "--disable-gpu"])
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    from stigg_portal.serve import Server
    for label, d in (("stigg-portal serve (brotli)", None), ("packed (.gz decoded in the worker)", DIST), ("raw", nogz)):
        if d is None:
            s = Server(DIST, host="127.0.0.1"); s.server_address = s.httpd.server_address
            s.shutdown = s.stop
        else:
            s = serve(d)
        (page_dir / "p.html").write_text(f'<!doctype html><script type="module" src="http://localhost:{s.server_address[1]}/stigg-portal.js"></script><stigg-usage client="demo" scenario="paid"></stigg-usage>')
        times = []
        for _ in range(RUNS):
            ctx = b.new_context(); pg = ctx.new_page()
            cdp = ctx.new_cdp_session(pg)
            cdp.send("Network.enable")
            cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 40, "downloadThroughput": 20e6 / 8, "uploadThroughput": 20e6 / 8})
            t0 = time.monotonic()
            pg.goto(f"http://127.0.0.1:{ps.server_address[1]}/p.html")
            pg.wait_for_selector('stigg-usage[data-stigg-state="ready"]', timeout=120000)
            times.append(time.monotonic() - t0)
            assert pg.evaluate("StiggPortal.bootMode") == "snapshot"
            ctx.close()
        results[label] = times
        s.shutdown()
    b.close()
for k, v in results.items(): print(f"{k}: median {statistics.median(v):.2f} s  runs {[round(x, 2) for x in v]}")
