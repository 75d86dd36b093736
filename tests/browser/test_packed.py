"""The big binaries reach the worker compressed even from a host that compresses nothing
(issue 11, item 4): the build names them in RUNTIME.packed and ships a .gz copy; the worker sees
the raw Content-Length, drops that download and decodes the .gz copy itself.

The host here is Python's plain http.server (no compression at all, CORS allowed), dist/ on
another origin than the page. The session's dist/ must be built with compression (the default
``stigg-portal build``); a ``--no-compress`` dist/ skips these tests.
"""

from __future__ import annotations

import json
import re
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest
from browser_helpers import BOOT_TIMEOUT_MS


def packed_files(dist_dir) -> dict[str, int]:
    match = re.search(r'"packed": (\{[^}]*\})', (dist_dir / "stigg-worker.js").read_text())
    return json.loads(match.group(1)) if match else {}


@pytest.fixture(scope="module")
def raw_host(dist_dir):
    if not packed_files(dist_dir):
        pytest.skip("dist/ was built with --no-compress: no packed binaries")
    sent: list[tuple[str, int]] = []

    class Handler(SimpleHTTPRequestHandler):
        extensions_map: ClassVar[dict[str, str]] = {**SimpleHTTPRequestHandler.extensions_map, ".wasm": "application/wasm",
                          ".mjs": "text/javascript", ".js": "text/javascript"}

        def end_headers(self):
            self.send_header("Access-Control-Allow-Origin", "*")
            super().end_headers()

        def copyfile(self, source, outputfile):
            size = 0
            try:
                while chunk := source.read(64 * 1024):
                    outputfile.write(chunk)
                    size += len(chunk)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the worker cancelled a raw download: expected
            sent.append((self.path.split("?")[0], size))

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Handler, directory=str(dist_dir)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.sent = sent
    server.url = f"http://localhost:{server.server_address[1]}"
    yield server
    server.shutdown()


def test_binaries_come_compressed_from_a_host_that_compresses_nothing(page, site, dist_dir, raw_host,
                                                                     worker_requests, watch):
    site.page_url('<stigg-usage id="u" client="demo" scenario="paid"></stigg-usage>', name="packed.html")
    # the session's site loads dist/ from the compressing server: this page loads it from the raw host
    (site.root / "packed-raw.html").write_text(
        (site.root / "packed.html").read_text().replace(site.dist_url, raw_host.url))
    raw_host.sent.clear()
    page.goto(f"{site.server.url}/packed-raw.html")
    page.wait_for_selector('#u[data-stigg-state="ready"]', timeout=BOOT_TIMEOUT_MS)
    assert page.evaluate("StiggPortal.bootMode") == "snapshot"
    names = [url.split("?")[0].rsplit("/", 1)[-1] for url in worker_requests]
    packed = packed_files(dist_dir)
    for name in packed:
        assert name + ".gz" in names, (name, names)
    gz_bytes = sum(size for path, size in raw_host.sent if path.endswith(".gz"))
    raw_bytes = sum(packed.values())
    print(f"\npacked binaries: {raw_bytes} bytes raw, {gz_bytes} bytes of .gz sent")
    assert 0 < gz_bytes < raw_bytes / 2
    assert watch.console_errors() == []
    assert not [text for _, text in watch.console if "snapshot not used" in text]

    # the decoded bytes went to Cache Storage, whole, under the raw URLs: the next visit reads them
    from test_speed_levers import RUNTIME_CACHE_KEYS, RUNTIME_CACHE_SIZES, poll

    keys = poll(page, RUNTIME_CACHE_KEYS, until=lambda found: len(found) >= len(packed))
    assert {k.rsplit("/", 1)[-1] for k in keys} >= set(packed), keys
    sizes = page.evaluate(RUNTIME_CACHE_SIZES)
    assert {name: sizes.get(name) for name in packed} == packed
    worker_requests.clear()
    page.reload()
    page.wait_for_selector('#u[data-stigg-state="ready"]', timeout=BOOT_TIMEOUT_MS)
    assert page.evaluate("StiggPortal.runtimeCache") == "hit"
    assert page.evaluate("StiggPortal.bootMode") == "snapshot"
    # (on a hit the downloads started in parallel with the cache lookup are aborted, .gz included)


def test_a_compressing_host_is_not_asked_for_the_gz_copies(page, site, dist_dir, worker_requests, watch):
    if not packed_files(dist_dir):
        pytest.skip("dist/ was built with --no-compress: no packed binaries")
    page.goto(site.page_url('<stigg-usage id="u" client="demo" scenario="paid"></stigg-usage>',
                            name="packed-served.html"))
    page.wait_for_selector('#u[data-stigg-state="ready"]', timeout=BOOT_TIMEOUT_MS)
    assert page.evaluate("StiggPortal.bootMode") == "snapshot"
    assert not [url for url in worker_requests if url.split("?")[0].endswith(".gz")], worker_requests
    assert watch.console_errors() == []
