"""Serving dist/ over real HTTP: ``stigg-portal serve`` and the example nginx config send the same headers.

Both are checked by :func:`integration_support.assert_serves_dist`: MIME types (.wasm, .mjs), brotli
and gzip negotiation, CORS, immutable caching of the versioned runtime, ETag/304, no path traversal.
"""

from __future__ import annotations

import http.client
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import pytest
from integration_support import ROOT, RUNTIME_DIR, Answer, assert_serves_dist, make_dist, make_site

from stigg_portal.serve import Server, cache_control, content_type, safe_path

NGINX_CONF = ROOT / "examples" / "nginx" / "stigg-portal.conf"
BROTLI_MODULE = Path("/usr/lib/nginx/modules/ngx_http_brotli_static_module.so")


def raw_get(base_url: str):
    """``get(path, headers) -> Answer`` over http.client: the path is sent exactly as written."""
    netloc = urllib.parse.urlsplit(base_url).netloc

    def get(path: str, headers: dict[str, str], method: str = "GET") -> Answer:
        connection = http.client.HTTPConnection(netloc, timeout=10)
        try:
            connection.request(method, path, headers=headers)
            response = connection.getresponse()
            return Answer(response.status, dict(response.getheaders()), response.read())
        finally:
            connection.close()

    return get


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            out = process.stdout.read() if process.stdout else ""
            raise AssertionError(f"server exited with {process.returncode}:\n{out}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise AssertionError(f"nothing listened on port {port} within {seconds} s")


# ------------------------------------------------------------------------------------ stigg-portal serve
def test_the_python_server_sends_the_headers_dist_needs(tmp_path):
    with Server(make_site(tmp_path)) as server:
        assert_serves_dist(raw_get(server.url))


def test_the_serve_command_sends_the_headers_dist_needs(tmp_path):
    dist = make_site(tmp_path)
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "stigg_portal.cli", "serve", str(dist), "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        wait_for_port(port, process)
        assert_serves_dist(raw_get(f"http://127.0.0.1:{port}"))
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_preflight_and_errors_carry_cors(tmp_path):
    with Server(make_site(tmp_path)) as server:
        get = raw_get(server.url)
        preflight = get("/stigg-portal.js", {"Origin": "https://shop.example", "Access-Control-Request-Method": "GET"},
                        method="OPTIONS")
        assert preflight.status == 204
        assert preflight.headers["access-control-allow-origin"] == "*"
        missing = get("/missing.js", {})
        assert missing.status == 404
        assert missing.headers["access-control-allow-origin"] == "*"


def test_folders_are_not_listed(tmp_path):
    with Server(make_site(tmp_path)) as server:
        answer = raw_get(server.url)(f"/{RUNTIME_DIR}/", {})
        assert answer.status == 404
        assert b"pyodide.asm.wasm" not in answer.body


def test_the_demo_mount_serves_dist_with_the_same_rules(tmp_path):
    dist = make_dist(tmp_path / "build")
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "index.html").write_text("<!doctype html><title>demo</title>")
    with Server(pages, mounts={"dist": dist}) as server:
        get = raw_get(server.url)
        assert get("/", {}).headers["content-type"].startswith("text/html")
        wasm = get(f"/dist/{RUNTIME_DIR}/pyodide.asm.wasm", {})
        assert wasm.headers["content-type"] == "application/wasm"
        assert "immutable" in wasm.headers["cache-control"]
        assert get("/dist/../../build/stigg-portal.js", {}).status == 404


def test_the_demo_points_its_pages_at_the_mock_api_it_started(tmp_path):
    """``stigg-portal demo --mock-port N`` (or 8100 taken): the example pages name the mock's real address."""
    dist = make_dist(tmp_path / "build")
    (dist / "page.html").write_text('<stigg-usage base-url="http://127.0.0.1:8100"></stigg-usage>')
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "own-api.html").write_text('<stigg-customer-portal base-url="http://127.0.0.1:8100">')
    with Server(pages, mounts={"dist": dist, "examples": pages}, page_replacements={"http://127.0.0.1:8100": "http://127.0.0.1:9123"}) as server:
        get = raw_get(server.url)
        page = get("/own-api.html", {})
        assert page.status == 200
        assert page.headers["content-type"] == "text/html; charset=utf-8"
        assert page.body == b'<stigg-customer-portal base-url="http://127.0.0.1:9123">'
        assert page.headers["access-control-allow-origin"] == "*"
        assert get("/examples/own-api.html", {}).body == page.body  # the demo mounts its pages again
        assert b"8100" in get("/dist/page.html", {}).body  # dist/ is served as built
    with Server(pages) as server:  # no replacements: the file as it is, with the usual headers
        page = raw_get(server.url)("/own-api.html", {})
        assert b"8100" in page.body and page.headers["etag"]


def test_header_rules():
    assert content_type("a/pyodide.asm.wasm") == "application/wasm"
    assert content_type("pyodide.mjs") == "text/javascript"
    assert cache_control("pyodide-314.0.7/python_stdlib.zip").endswith("immutable")
    assert cache_control("pyodide-314.0.7/pyodide-lock.json") == "no-cache"
    assert cache_control("stigg-portal.js") == "no-cache"


def test_safe_path_never_leaves_the_root(tmp_path):
    root = tmp_path / "dist"
    root.mkdir()
    (tmp_path / "outside").mkdir()
    os.symlink(tmp_path / "outside", root / "link")
    assert safe_path(root, "/a/../b.js") == (root / "b.js").resolve()
    assert safe_path(root, "/../../etc/passwd") == (root / "etc" / "passwd").resolve()
    assert safe_path(root, "/%2e%2e/%2e%2e/etc/passwd") == (root / "etc" / "passwd").resolve()
    assert safe_path(root, "/link/x") is None


# ------------------------------------------------------------------------------------ nginx
def nginx_binary() -> str | None:
    return shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx")
                                          if os.access(p, os.X_OK)), None)


@pytest.fixture
def nginx(tmp_path):
    """The example config under a real nginx (no daemon, loopback port, everything in a temp prefix)."""
    binary = nginx_binary()
    if binary is None:
        pytest.skip("nginx is not installed (scripts/test.sh installs it: apt-get install nginx-light)")
    prefix = tmp_path / "nginx"
    for folder in ("logs", "tmp"):
        (prefix / folder).mkdir(parents=True)
    www = tmp_path / "www"
    make_dist(www / "stigg-portal")
    (tmp_path / "secret.txt").write_text("outside dist: must never be served")
    port = free_port()
    brotli = BROTLI_MODULE.is_file()
    site = NGINX_CONF.read_text()
    assert "listen 8080;" in site and "root /var/www;" in site, "the test rewrites these two lines"
    site = site.replace("listen 8080;", f"listen 127.0.0.1:{port};").replace("root /var/www;", f"root {www};")
    if not brotli:
        site = site.replace("brotli_static on;", "")
    (prefix / "stigg-portal.conf").write_text(site)
    temp_paths = "\n".join(f"    {kind}_temp_path {prefix}/tmp/{kind};"
                           for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    (prefix / "nginx.conf").write_text(
        (f"load_module {BROTLI_MODULE};\n" if brotli else "")
        + f"daemon off;\nmaster_process off;\nworker_processes 1;\npid {prefix}/nginx.pid;\n"
        f"error_log {prefix}/logs/error.log warn;\n"
        "events { worker_connections 64; }\n"
        f"http {{\n    access_log off;\n{temp_paths}\n    include {prefix}/stigg-portal.conf;\n}}\n"
    )
    process = subprocess.Popen([binary, "-p", str(prefix), "-c", str(prefix / "nginx.conf"),
                                "-e", str(prefix / "logs" / "error.log")],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        try:
            wait_for_port(port, process)
        except AssertionError as exc:
            log = (prefix / "logs" / "error.log")
            raise AssertionError(f"{exc}\n{log.read_text() if log.exists() else ''}") from None
        yield f"http://127.0.0.1:{port}", brotli
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_the_example_nginx_config_sends_the_same_headers(nginx):
    base_url, brotli = nginx
    get = raw_get(base_url)
    if not brotli:  # no ngx_brotli: the same checks with gzip standing in for br
        pytest.skip("libnginx-mod-http-brotli-static is not installed (scripts/test.sh installs it)")
    assert_serves_dist(get, prefix="/stigg-portal")


def test_nginx_answers_preflight_and_keeps_cors_on_errors(nginx):
    base_url, _ = nginx
    get = raw_get(base_url)
    preflight = get("/stigg-portal/stigg-portal.js", {"Origin": "https://shop.example"}, method="OPTIONS")
    assert preflight.status == 204
    assert preflight.headers["access-control-allow-origin"] == "*"
    missing = get("/stigg-portal/missing.js", {})
    assert missing.status == 404
    assert missing.headers["access-control-allow-origin"] == "*"
