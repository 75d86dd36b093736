"""Time to ready (cold, fresh context) from a host that compresses nothing, 20 Mbit/s + 40 ms
emulated (``--fast``: loopback, no emulation): dist/ with its .br copies (the worker decodes them
with the build's wasm brotli decoder), the same dist/ without that decoder (the worker decodes
the .gz copies with DecompressionStream), without any copy (raw), and `stigg-portal serve`
(brotli) for scale. Loads interleaved, medians of RUNS; the bytes are what each host wrote to its
sockets, the raw downloads the worker cancels included (on loopback the kernel takes megabytes
before a cancel arrives): not the bytes the emulated link carried. Usage:
python benchmarks/raw_host.py DIST [RUNS] [--fast] (DIST built with compression, the default;
Chromium at /usr/bin/chromium)."""
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

ARGS = [a for a in sys.argv[1:] if not a.startswith("--")]
DIST = Path(ARGS[0]); RUNS = int(ARGS[1]) if len(ARGS) > 1 else 3; FAST = "--fast" in sys.argv
import tempfile

WORK = Path(tempfile.mkdtemp(prefix="stigg-raw-host-"))


def linked_copy(name, leave_out):
    """DIST as hard links, without the files ``leave_out(path)`` says."""
    target = WORK / name
    for p in DIST.rglob("*"):
        t = target / p.relative_to(DIST)
        if p.is_dir(): t.mkdir(parents=True, exist_ok=True)
        elif not leave_out(p):
            t.parent.mkdir(parents=True, exist_ok=True); os.link(p, t)
    return target


nogz = linked_copy("dist-raw", lambda p: p.name.endswith((".gz", ".br")))
gz_only = linked_copy("dist-gz", lambda p: p.name.startswith("brotli-dec"))
SENT = {}

class H(SimpleHTTPRequestHandler):
    extensions_map: ClassVar[dict[str, str]] = {**SimpleHTTPRequestHandler.extensions_map, ".wasm": "application/wasm", ".mjs": "text/javascript", ".js": "text/javascript"}
    def end_headers(self):
        self.send_header("Access-Control-Allow-Origin", "*"); super().end_headers()
    def copyfile(self, s, o):
        n = 0
        try:
            while chunk := s.read(64 * 1024):
                o.write(chunk); n += len(chunk)
        except (BrokenPipeError, ConnectionResetError): pass
        SENT[self.directory] = SENT.get(self.directory, 0) + n
    def log_message(self, *a): pass

def serve(d):
    s = ThreadingHTTPServer(("127.0.0.1", 0), partial(H, directory=str(d)))
    threading.Thread(target=s.serve_forever, daemon=True).start(); return s

page_dir = WORK / "pages"; page_dir.mkdir(exist_ok=True)
ps = serve(page_dir)
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
from stigg_portal.serve import Server

served = Server(DIST, host="127.0.0.1")
variants = [("stigg-portal serve (brotli)", served.httpd.server_address[1], None)]
for label, d in (("host compresses nothing: .br copies, wasm brotli decoder", DIST),
                 ("host compresses nothing: .gz copies, DecompressionStream", gz_only),
                 ("host compresses nothing: no copies (raw)", nogz)):
    variants.append((label, serve(d).server_address[1], str(d)))
for i, (_, port, _) in enumerate(variants):
    (page_dir / f"p{i}.html").write_text(f'<!doctype html><script type="module" src="http://localhost:{port}/stigg-portal.js"></script><stigg-usage client="demo" scenario="paid"></stigg-usage>')
times = [[] for _ in variants]; sent = [[] for _ in variants]
with sync_playwright() as p:
    b = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--headless", "--no-sandbox", "--disable-gpu"])
    for round_ in range(RUNS):
        order = range(len(variants)) if round_ % 2 == 0 else reversed(range(len(variants)))
        for i in order:
            directory = variants[i][2]
            before = SENT.get(directory, 0)
            ctx = b.new_context(); pg = ctx.new_page()
            cdp = ctx.new_cdp_session(pg)
            cdp.send("Network.enable")
            if not FAST:
                cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 40, "downloadThroughput": 20e6 / 8, "uploadThroughput": 20e6 / 8})
            t0 = time.monotonic()
            pg.goto(f"http://127.0.0.1:{ps.server_address[1]}/p{i}.html")
            pg.wait_for_selector('stigg-usage[data-stigg-state="ready"]', timeout=120000)
            times[i].append(time.monotonic() - t0)
            assert pg.evaluate("StiggPortal.bootMode") == "snapshot"
            pg.wait_for_timeout(300)  # cancelled downloads end
            ctx.close()
            sent[i].append(SENT.get(directory, 0) - before)
    b.close()
served.stop()
print(f"{'20 Mbit/s, 40 ms' if not FAST else 'loopback'}, cold, medians of {RUNS} (interleaved):")
for i, (label, _, directory) in enumerate(variants):
    mb = f", {statistics.median(sent[i]) / 1e6:.1f} MB written by the host (cancelled raw downloads included)" if directory else ""
    print(f"{label}: {statistics.median(times[i]):.2f} s  runs {[round(x, 2) for x in times[i]]}{mb}")
