"""WebKit vs Chromium, paired cold loads of examples/full-portal.html from the built dist/.

Usage: xvfb, webkit2gtk-driver and Debian chromium installed (scripts/test.sh), dist/ built, then
    PYTHONPATH=src .venv/bin/python benchmarks/engines.py [pairs]
Each pair: a fresh Chromium context, then a fresh MiniBrowser session (under an Xvfb this starts);
prints the time from navigation to the first stigg-ready and the boot mode of each, then medians.
See docs/speed.md, "(j) Other engines".
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "browser"))

from conftest import CHROMIUM_ARGS
from playwright.sync_api import sync_playwright
from selenium import webdriver
from selenium.webdriver.webkitgtk.service import Service
from test_engines import COLLECT, MINIBROWSER, WEBKIT_DRIVER, _xvfb

from stigg_portal.serve import Server

READY = 'document.querySelector("stigg-customer-portal")?.getAttribute("data-stigg-state") === "ready"'


def main(pairs: int) -> None:
    root = Path(tempfile.mkdtemp())
    (root / "recorder.js").write_text((ROOT / "tests/browser/engines/recorder.js").read_text())
    dist = Server(ROOT / "dist", host="127.0.0.1")
    dist_url = dist.url.replace("127.0.0.1", "localhost")
    html = (ROOT / "examples/full-portal.html").read_text()
    html = html.replace('src="../dist/', f'src="{dist_url}/').replace("<head>", '<head><script src="recorder.js"></script>', 1)
    (root / "p.html").write_text(html)
    site = Server(root, host="127.0.0.1")
    url = f"{site.url}/p.html"
    xvfb, display = _xvfb()
    rows = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            for _ in range(pairs):
                context = browser.new_context()
                page = context.new_page()
                page.goto(url)
                page.wait_for_function(READY, timeout=90_000)
                chromium = page.evaluate(COLLECT)
                context.close()
                options = webdriver.WebKitGTKOptions()
                options.binary_location = MINIBROWSER
                options.add_argument("--automation")
                service = Service(executable_path=WEBKIT_DRIVER, env={**os.environ, "DISPLAY": display})
                driver = webdriver.WebKitGTK(options=options, service=service)
                try:
                    driver.get(url)
                    deadline = time.monotonic() + 90
                    while not driver.execute_script(f"return {READY}") and time.monotonic() < deadline:
                        time.sleep(0.05)
                    webkit = driver.execute_script(f"return {COLLECT}")
                finally:
                    driver.quit()
                c, w = (min(r["rec"]["readyAt"].values()) for r in (chromium, webkit))
                rows.append((c, w, w / c))
                print(f"chromium {c:.0f} ms ({chromium['boot']})  webkit {w:.0f} ms ({webkit['boot']})  "
                      f"ratio {w / c:.2f}", flush=True)
    finally:
        xvfb.terminate()
        site.stop()
        dist.stop()
    print(f"medians: chromium {statistics.median(r[0] for r in rows):.0f} ms, "
          f"webkit {statistics.median(r[1] for r in rows):.0f} ms, ratio {statistics.median(r[2] for r in rows):.2f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
