"""``fetch_npm`` downloads npm tarballs over HTTP, without the ``npm`` command (a local registry
stands in for registry.npmjs.org: the same URL layout, metadata and integrity field)."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import shutil
import tarfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from stigg_portal import build


def _tarball(text: str) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        data = text.encode()
        info = tarfile.TarInfo("package/index.js")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


@pytest.fixture()
def registry(tmp_path, monkeypatch):
    """A registry serving ``@scope/thing@1.2.3`` and ``plain@0.1.0``; ``served["tamper"]`` makes
    the tarball differ from the metadata's integrity."""
    tarballs = {"/@scope/thing/-/thing-1.2.3.tgz": _tarball("scoped"), "/plain/-/plain-0.1.0.tgz": _tarball("plain")}
    served: dict = {"paths": [], "tamper": False}

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            served["paths"].append(self.path)
            base = f"http://127.0.0.1:{self.server.server_address[1]}"
            meta = {"/@scope%2Fthing/1.2.3": "/@scope/thing/-/thing-1.2.3.tgz", "/plain/0.1.0": "/plain/-/plain-0.1.0.tgz"}
            if self.path in meta:
                data = tarballs[meta[self.path]]
                integrity = "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()
                body = json.dumps({"version": "x", "dist": {"tarball": base + meta[self.path], "integrity": integrity,
                                                             "shasum": hashlib.sha1(data).hexdigest()}}).encode()
            elif self.path in tarballs:
                body = tarballs[self.path] + (b"!" if served["tamper"] else b"")
            else:
                self.send_response(404)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv("STIGG_PORTAL_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("STIGG_PORTAL_NPM_REGISTRY", f"http://127.0.0.1:{server.server_address[1]}/")
    monkeypatch.setenv("PATH", str(tmp_path / "no-npm-here"))  # no npm command to fall back on
    assert shutil.which("npm") is None
    yield served
    server.shutdown()
    server.server_close()


def test_scoped_and_plain_packages_download_once_and_land_under_npm_pack_names(registry):
    scoped = build.fetch_npm("@scope/thing@1.2.3")
    plain = build.fetch_npm("plain@0.1.0")
    assert scoped.name == "scope-thing-1.2.3.tgz" and plain.name == "plain-0.1.0.tgz"
    with tarfile.open(scoped) as tar:
        assert tar.extractfile("package/index.js").read() == b"scoped"
    count = len(registry["paths"])
    assert build.fetch_npm("@scope/thing@1.2.3") == scoped  # cached: no request
    assert len(registry["paths"]) == count == 4


def test_a_tarball_that_does_not_match_its_integrity_is_refused_and_not_cached(registry):
    registry["tamper"] = True
    with pytest.raises(RuntimeError, match="does not match the registry's sha512"):
        build.fetch_npm("plain@0.1.0")
    assert not list((build.cache_dir() / "npm").iterdir())


def test_an_unknown_version_says_which_url_failed(registry):
    with pytest.raises(RuntimeError, match=r"cannot download plain@9\.9\.9 from http://127\.0\.0\.1:\d+/plain/9\.9\.9"):
        build.fetch_npm("plain@9.9.9")
