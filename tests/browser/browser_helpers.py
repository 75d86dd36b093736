"""Helpers for browser tests (import them from here or from conftest)."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager

BOOT_TIMEOUT_MS = 60_000


def wait_ready(page, selector: str, timeout: int = BOOT_TIMEOUT_MS) -> None:
    """Wait until the element rendered real data (state ready)."""
    page.wait_for_selector(f'{selector}[data-stigg-state="ready"]', timeout=timeout)


@contextmanager
def serve_wsgi(app) -> Iterator[str]:
    """A WSGI app (Flask's, say) served on a free loopback port in a thread: yields its base URL."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(5)


def events_script(names: list[str]) -> str:
    return "<script>window.__events=[];" + "".join(
        f"document.addEventListener({json.dumps(n)},e=>window.__events.push({{type:e.type,detail:e.detail,"
        f"target:e.target.localName}}));" for n in names) + "</script>"


def readable_source(dist_dir, name: str) -> str:
    """The text the build generated for ``name`` (the loader or the worker) before minifying: the
    source map's copy when the file shipped minified, else the file itself."""
    source_map = dist_dir / f"{name}.map"
    if source_map.exists():
        [text] = json.loads(source_map.read_text())["sourcesContent"]
        return text
    return (dist_dir / name).read_text()


def runtime_entry(dist_dir, key: str) -> dict:
    """A flat object of the worker's RUNTIME (``"key": {...}``, as the build wrote it); empty when
    the build wrote none."""
    match = re.search(rf'"{key}": (\{{[^}}]*\}})', readable_source(dist_dir, "stigg-worker.js"))
    return json.loads(match.group(1)) if match else {}


def packed_files(dist_dir) -> dict[str, int]:
    """The big binaries the build gave .br/.gz copies (RUNTIME.packed: name -> raw size); empty for
    a ``--no-compress`` dist/."""
    return runtime_entry(dist_dir, "packed")
