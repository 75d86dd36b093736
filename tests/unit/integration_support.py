"""What the server-render, integration and serve tests share: a fake built dist/, the mock API with
hardening on, and the checks a page with a server-rendered portal must pass."""

from __future__ import annotations

import gzip
import re
import sys
from pathlib import Path

import brotli
import pytest

from stigg_portal.designer import designer_sheet, remember
from stigg_portal.token import mint_customer_token

ROOT = Path(__file__).resolve().parents[2]
APPS_DIR = ROOT / "examples" / "apps"
if str(APPS_DIR) not in sys.path:  # the example apps import example_config from their folder
    sys.path.insert(0, str(APPS_DIR))

API_KEY = "pk_test_mock"
SIGNING_SECRET = "sk-hardening-secret-never-in-pages-7f3a"
CUSTOMER_ID = "customer-demo"
RUNTIME_DIR = "pyodide-0.0.1"
LOADER_JS = ("// stigg-portal loader (test double)\n" + "export const padding = 'x';\n" * 200).encode()
WASM = b"\0asm\x01\0\0\0" + bytes(4096)


class _Design:
    """A ``configuration`` as the Stigg app's widget designer saves it (custom CSS only)."""

    def __init__(self, custom_css: str) -> None:
        self.custom_css, self.typography = custom_css, None


def make_dist(root: Path) -> Path:
    """A small dist/ shaped like the real one, with .br/.gz siblings for the loader."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "stigg-portal.js").write_bytes(LOADER_JS)
    (root / "stigg-portal.js.gz").write_bytes(gzip.compress(LOADER_JS, mtime=0))
    (root / "stigg-portal.js.br").write_bytes(brotli.compress(LOADER_JS))
    (root / "stigg-portal.css").write_text(":where(.stigg-customer-portal-layout) { display: grid; }\n")
    (root / "stigg-worker.js").write_text("self.onmessage = () => {};\n")
    (root / "custom-elements.json").write_text('{"schemaVersion": "1.0.0"}')
    runtime = root / RUNTIME_DIR
    runtime.mkdir(exist_ok=True)
    (runtime / "pyodide.asm.wasm").write_bytes(WASM)
    (runtime / "pyodide.mjs").write_text("export const loadPyodide = () => {};\n")
    (runtime / "pyodide-lock.json").write_text('{"packages": {}}')
    (runtime / "stigg_portal-0.1.0-py3-none-any.whl").write_bytes(b"PK\x05\x06" + bytes(18))
    return root


def attribute(html: str, tag: str, name: str) -> str | None:
    """The value of ``name`` on the first ``<tag ...>`` of ``html`` (``None`` when absent)."""
    start = re.search(rf"<{tag}\b[^>]*>", html)
    assert start, f"<{tag}> not in the page"
    found = re.search(rf'\s{name}(?:="([^"]*)")?[\s>]', start.group(0))
    if not found:
        return None
    return (found.group(1) or "").replace("&#34;", '"').replace("&amp;", "&")


def assert_portal_page(html: str, *, dist_url: str = "/stigg-portal/", customer_id: str = CUSTOMER_ID,
                       tag: str = "stigg-customer-portal", layout_class: str = "stigg-customer-portal-layout") -> None:
    """The page a Python app serves: server-rendered element, token, no secret, dist/ loader."""
    assert f"<{tag} " in html
    assert attribute(html, tag, "data-stigg-ssr") == "ready", "the element was not server-rendered with data"
    assert layout_class in html, "the server-rendered content is missing"
    assert attribute(html, tag, "api-key") == API_KEY
    assert attribute(html, tag, "customer-id") == customer_id
    assert attribute(html, tag, "customer-token") == mint_customer_token(customer_id, SIGNING_SECRET)
    assert SIGNING_SECRET not in html, "the signing secret leaked into the page"
    assert f'<script type="module" src="{dist_url}stigg-portal.js"></script>' in html
    assert f'<link rel="stylesheet" href="{dist_url}stigg-portal.css"' in html


def hardened_requests(api) -> list[dict]:
    """The mock API's data requests, each checked to carry the customer's valid token."""
    token = mint_customer_token(CUSTOMER_ID, SIGNING_SECRET)
    requests = [r for r in api.requests if r.get("customerId") == CUSTOMER_ID]
    assert requests, "the server never asked the API"
    for request in requests:
        headers = {k.lower(): v for k, v in request["headers"].items()}
        assert headers.get("x-customer-key") == token
        assert request["status"] == 200
    return requests


# ------------------------------------------------------------------------------------- serving dist/
SECRET_FILE_TEXT = "outside dist: must never be served"


class Answer:
    """One HTTP answer as every test client gives it: status, lower-case headers, raw (undecoded) body."""

    def __init__(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.status, self.body = status, body
        self.headers = {k.lower(): v for k, v in headers.items()}

    def decoded(self) -> bytes:
        encoding = self.headers.get("content-encoding")
        if encoding == "br":
            return brotli.decompress(self.body)
        if encoding == "gzip":
            return gzip.decompress(self.body)
        return self.body


def make_site(tmp: Path) -> Path:
    """``tmp/dist`` (returned) beside a file that a path traversal would try to reach."""
    (tmp / "secret.txt").write_text(SECRET_FILE_TEXT)
    return make_dist(tmp / "dist")


TRAVERSALS = ("/../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E%2Fsecret.txt", f"/{RUNTIME_DIR}/../../secret.txt",
              f"/{RUNTIME_DIR}/..%2f..%2fsecret.txt")


def assert_serves_dist(get, prefix: str = "") -> None:
    """The headers every host of dist/ must send (docs/hosting.md); ``get(path, headers) -> Answer``."""
    # compression: brotli preferred, gzip next, identity otherwise; always Vary and CORS
    for accept, encoding in (("gzip, deflate, br", "br"), ("gzip", "gzip"), ("identity", None)):
        answer = get(f"{prefix}/stigg-portal.js", {"Accept-Encoding": accept})
        assert answer.status == 200, (accept, answer.status)
        assert answer.headers["content-type"].split(";")[0] == "text/javascript"
        assert answer.headers.get("content-encoding") == encoding, accept
        assert answer.decoded() == LOADER_JS
        assert "accept-encoding" in answer.headers.get("vary", "").lower()
        assert answer.headers["access-control-allow-origin"] == "*"
        assert "immutable" not in answer.headers.get("cache-control", "")
        assert "no-cache" in answer.headers.get("cache-control", "")
        assert answer.headers.get("etag")

    # the versioned runtime folder is cached for a year; its lock file revalidates
    wasm = get(f"{prefix}/{RUNTIME_DIR}/pyodide.asm.wasm", {"Accept-Encoding": "identity"})
    assert wasm.status == 200
    assert wasm.headers["content-type"] == "application/wasm"
    assert wasm.body == WASM
    assert "immutable" in wasm.headers["cache-control"] and "max-age=31536000" in wasm.headers["cache-control"]
    assert wasm.headers["access-control-allow-origin"] == "*"
    mjs = get(f"{prefix}/{RUNTIME_DIR}/pyodide.mjs", {"Accept-Encoding": "identity"})
    assert mjs.headers["content-type"].split(";")[0] == "text/javascript"
    assert "immutable" in mjs.headers["cache-control"]
    lock = get(f"{prefix}/{RUNTIME_DIR}/pyodide-lock.json", {})
    assert lock.headers["content-type"].split(";")[0] == "application/json"
    assert "immutable" not in lock.headers.get("cache-control", "")
    css = get(f"{prefix}/stigg-portal.css", {})
    assert css.headers["content-type"].split(";")[0] == "text/css"

    # revalidation: the ETag answers 304 without a body
    first = get(f"{prefix}/stigg-portal.js", {"Accept-Encoding": "br"})
    again = get(f"{prefix}/stigg-portal.js", {"Accept-Encoding": "br", "If-None-Match": first.headers["etag"]})
    assert again.status == 304
    assert again.body == b""

    # nothing outside dist/, and a clear 404 inside it
    for path in TRAVERSALS:
        answer = get(prefix + path, {})
        assert answer.status in (400, 403, 404), (path, answer.status)
        assert SECRET_FILE_TEXT.encode() not in answer.body
    assert get(f"{prefix}/no-such-file.js", {}).status == 404


def assert_serves_designer_sheets(get, prefix: str = "") -> None:
    """An app's dist/ route also answers ``designer/ID.css``: a widget-designer sheet this process
    rendered a page with, as CSS, cached for good (its name is its hash); one it never rendered,
    or a name that is not a sheet's, is a 404. (Static hosts of dist/ have no such sheets.)"""
    sheet = designer_sheet(_Design(".stigg-plan-header { color: rgb(1, 2, 3); }"))
    remember(sheet)
    served = get(f"{prefix}/designer/{sheet.id}.css", {})
    assert served.status == 200, served.status
    assert served.headers["content-type"] == "text/css; charset=utf-8"
    assert served.body.decode() == sheet.css and "rgb(1, 2, 3)" in served.body.decode()
    assert "immutable" in served.headers["cache-control"]
    assert served.headers["access-control-allow-origin"] == "*"
    assert get(f"{prefix}/designer/{sheet.id}.css", {"If-None-Match": served.headers["etag"]}).status == 304
    for missing in ("0123456789ab.css", f"{sheet.id}.js", f"{sheet.id}.css.map", f"{sheet.id.upper()}.css"):
        answer = get(f"{prefix}/designer/{missing}", {})
        assert answer.status == 404, (missing, answer.status)
        assert "immutable" not in answer.headers.get("cache-control", "")


def example(name: str):
    """A module of examples/apps (``flask_app``, ``fastapi_app``, ``example_config``, ``django_site.settings``)."""
    import importlib

    return importlib.import_module(name)


# ------------------------------------------------------------------------------------- fixtures
def hardened_api_fixtures():
    """A test module's ``api`` (the mock of Stigg's API, hardening on: tokens signed with
    SIGNING_SECRET) and autouse ``clean_api`` fixtures: ``api, clean_api = hardened_api_fixtures()``."""

    @pytest.fixture(scope="module", name="api")
    def api_fixture():
        from stigg_portal.mock_api import start_mock_api

        with start_mock_api(signing_secret=SIGNING_SECRET) as server:
            yield server

    @pytest.fixture(autouse=True, name="clean_api")
    def clean_api_fixture(api):
        """No recorded requests and no failure mode left over from another test."""
        api.reset()
        yield
        api.reset()

    return api_fixture, clean_api_fixture
