"""Browser tests: real Debian Chromium driven by pytest-playwright against the built dist/.

Pages are served from one origin (127.0.0.1) and dist/ from another (localhost), so every test
also proves cross-origin loading. Chromium's own background traffic is kept off the network.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from stigg_portal.serve import Server

ROOT = Path(__file__).resolve().parents[2]
DIST = Path(os.environ.get("STIGG_PORTAL_DIST", ROOT / "dist"))
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost',
]


def chromium_path() -> str | None:
    return os.environ.get("STIGG_PORTAL_CHROMIUM") or shutil.which("chromium") or (
        "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def dist_dir() -> Path:
    """The built dist/ (scripts/test.sh builds it; built here when missing)."""
    if not (DIST / "stigg-portal.js").exists():
        subprocess.run([sys.executable, "-m", "stigg_portal.cli", "build", "--dist", str(DIST),
                        "--no-compress"], check=True)
    return DIST


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    path = chromium_path()
    if not path:
        pytest.fail("Chromium not found: scripts/test.sh installs Debian's chromium")
    return {**browser_type_launch_args, "executable_path": path, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def dist_server(dist_dir):
    """dist/ on its own origin (localhost), as a CDN would serve it."""
    with Server(dist_dir, host="127.0.0.1") as server:
        server.url = server.url.replace("127.0.0.1", "localhost")
        yield server


class Site:
    """A folder of test pages on the page origin (127.0.0.1); ``page_url`` writes one."""

    def __init__(self, root: Path, server: Server, dist_url: str) -> None:
        self.root, self.server, self.dist_url = root, server, dist_url
        self.count = 0

    def page_url(self, body: str, *, head: str = "", name: str | None = None, script_attrs: str = "",
                 script_type: str = 'type="module"', loader_in_head: bool = True) -> str:
        """A page with the loader's tag in its head (``script_type=""``: the classic tag;
        ``loader_in_head=False``: none, the body brings its own, see :meth:`loader_tag`)."""
        self.count += 1
        name = name or f"page{self.count}.html"
        loader = self.loader_tag(script_type, script_attrs) if loader_in_head else ""
        html = textwrap.dedent(f"""\
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>test</title><link rel="icon" href="data:,">{head}
            {loader}
            </head><body>
            {body}
            </body></html>""")
        (self.root / name).write_text(html)
        return f"{self.server.url}/{name}"

    def loader_tag(self, script_type: str = 'type="module"', script_attrs: str = "") -> str:
        """The loader's ``<script>`` tag for this site's dist (``script_type=""``: classic)."""
        return f'<script {script_type} src="{self.dist_url}/stigg-portal.js" {script_attrs}></script>'


@pytest.fixture(scope="session")
def site(tmp_path_factory, dist_server):
    root = tmp_path_factory.mktemp("site")
    with Server(root, host="127.0.0.1") as server:
        yield Site(root, server, dist_server.url)


class PageWatch:
    """Console messages, page errors and every request a page makes."""

    def __init__(self, page) -> None:
        self.console: list[tuple[str, str]] = []
        self.errors: list[str] = []
        self.requests: list[str] = []
        page.on("console", lambda m: self.console.append((m.type, m.text)))
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        # the context also sees the worker's requests
        page.context.on("request", lambda r: self.requests.append(r.url))

    def console_errors(self) -> list[str]:
        return [text for kind, text in self.console if kind == "error"] + self.errors

    def origins(self) -> set[str]:
        out = set()
        for url in self.requests:
            parts = urlsplit(url)
            if parts.scheme in {"http", "https"}:
                out.add(f"{parts.scheme}://{parts.netloc}")
        return out


@pytest.fixture
def watch(page):
    return PageWatch(page)


@pytest.fixture
def worker_requests(context):
    """Requests from workers too (Playwright reports them on the context)."""
    seen: list[str] = []
    context.on("request", lambda r: seen.append(r.url))
    return seen


from browser_helpers import BOOT_TIMEOUT_MS, events_script, packed_files, wait_ready  # noqa: F401  (re-exported)


@pytest.fixture(scope="module")
def mock_api():
    """The local mock of Stigg's API (real HTTP, default fixtures), one per test module.
    A module that needs other fixtures (test_security's hostile strings) defines its own."""
    from stigg_portal.mock_api import start_mock_api

    api = start_mock_api()
    yield api
    api.stop()


@pytest.fixture(scope="module")
def raw_host(dist_dir, site):
    """dist/ from a host that compresses nothing (Python's http.server, CORS allowed), on its own
    origin (``raw_host.url``; ``raw_host.page_url(body, name=...)``: a site page loading dist/ from
    it): ``sent`` lists (path, bytes written), ``missing`` / ``halved`` make paths ending so answer
    404 / half their bytes (the worker's fallbacks, test_packed.py); ``packed``: the binaries with
    copies."""
    import io
    import threading
    from functools import partial
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
    from typing import ClassVar

    sent: list[tuple[str, int]] = []
    missing: set[str] = set()  # path endings this host answers 404 (a test sets and clears them)
    halved: set[str] = set()  # path endings this host sends the first half of (a cut-off upload)

    class Handler(SimpleHTTPRequestHandler):
        extensions_map: ClassVar[dict[str, str]] = {**SimpleHTTPRequestHandler.extensions_map, ".wasm": "application/wasm",
                          ".mjs": "text/javascript", ".js": "text/javascript"}

        def end_headers(self):
            self.send_header("Access-Control-Allow-Origin", "*")
            super().end_headers()

        def send_head(self):
            path = self.path.split("?")[0]
            if any(path.endswith(end) for end in missing):
                self.send_error(404)
                return None
            if any(path.endswith(end) for end in halved):
                data = (dist_dir / path.lstrip("/")).read_bytes()
                data = data[: len(data) // 2]
                self.send_response(200)
                self.send_header("Content-Type", "application/octet-stream")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                return io.BytesIO(data)
            return super().send_head()

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
    server.missing = missing
    server.halved = halved
    server.url = f"http://localhost:{server.server_address[1]}"
    server.packed = packed_files(dist_dir)

    def page_url(body: str, *, name: str, head: str = "") -> str:
        url = site.page_url(body, head=head, name=name)
        page = site.root / name
        page.write_text(page.read_text().replace(site.dist_url, server.url))
        return url

    server.page_url = page_url
    yield server
    server.shutdown()
