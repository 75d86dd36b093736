"""``stigg-portal serve``: a small static server for ``dist/`` (and the demo pages).

It sends what any host of ``dist/`` needs (the README lists the same headers for nginx, a CDN,
S3 or Webflow): correct MIME types (``.wasm`` as ``application/wasm``, ``.mjs``/``.js`` as
``text/javascript``), the pre-compressed ``.br``/``.gz`` files when the browser accepts them,
``Access-Control-Allow-Origin: *`` so pages on other origins can load the loader and the
worker, and cache headers: versioned runtime files are immutable, everything else revalidates.
"""

from __future__ import annotations

import email.utils
import hashlib
import mimetypes
import os
import posixpath
import threading
import urllib.parse
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

MIME_TYPES = {
    ".wasm": "application/wasm",
    ".mjs": "text/javascript",
    ".js": "text/javascript",
    ".css": "text/css",
    ".json": "application/json",
    ".whl": "application/zip",
    ".zip": "application/zip",
    ".html": "text/html; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".so": "application/wasm",
    ".bin": "application/octet-stream",
}


def cache_control(rel_path: str) -> str:
    """Runtime files live under a versioned folder and never change; the rest revalidates."""
    if rel_path.startswith("pyodide-") and "/" in rel_path and not rel_path.endswith("pyodide-lock.json"):
        return "public, max-age=31536000, immutable"
    return "no-cache"


class DistHandler(SimpleHTTPRequestHandler):
    """Serves one folder with the headers above; quiet unless ``verbose``."""

    verbose = False
    extra_headers: dict[str, str] = {}

    def log_message(self, format: str, *args) -> None:  # noqa: A002
        if self.verbose:
            super().log_message(format, *args)

    def end_headers(self) -> None:
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Cross-Origin-Resource-Policy", "cross-origin")
        for key, value in self.extra_headers.items():
            self.send_header(key, value)
        super().end_headers()

    def do_OPTIONS(self) -> None:  # noqa: N802
        self.send_response(HTTPStatus.NO_CONTENT)
        self.send_header("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS")
        self.send_header("Access-Control-Allow-Headers", "*")
        self.send_header("Access-Control-Max-Age", "86400")
        self.end_headers()

    def send_head(self):  # noqa: C901 - one place decides what is sent
        parsed = urllib.parse.urlsplit(self.path)
        path = Path(self.translate_path(parsed.path))
        if path.is_dir():
            index = path / "index.html"
            if not parsed.path.endswith("/"):
                self.send_response(HTTPStatus.MOVED_PERMANENTLY)
                self.send_header("Location", parsed.path + "/")
                self.end_headers()
                return None
            if not index.exists():
                return super().send_head()
            path = index
        if not path.is_file():
            self.send_error(HTTPStatus.NOT_FOUND, "File not found")
            return None
        rel = _relative(path, [self.directory, *self.mounts.values()])
        content_type = MIME_TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        accept = self.headers.get("Accept-Encoding", "")
        body_path, encoding = path, None
        for suffix, name in ((".br", "br"), (".gz", "gzip")):
            candidate = path.with_name(path.name + suffix)
            if name in accept and candidate.is_file():
                body_path, encoding = candidate, name
                break
        stat = body_path.stat()
        etag = '"' + hashlib.md5(f"{body_path.name}:{stat.st_size}:{stat.st_mtime_ns}".encode()).hexdigest() + '"'
        if self.headers.get("If-None-Match") == etag:
            self.send_response(HTTPStatus.NOT_MODIFIED)
            self.send_header("ETag", etag)
            self.send_header("Cache-Control", cache_control(rel))
            self.send_header("Vary", "Accept-Encoding")
            self.end_headers()
            return None
        handle = body_path.open("rb")
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(stat.st_size))
        self.send_header("Last-Modified", email.utils.formatdate(stat.st_mtime, usegmt=True))
        self.send_header("ETag", etag)
        self.send_header("Cache-Control", cache_control(rel))
        self.send_header("Vary", "Accept-Encoding")
        if encoding:
            self.send_header("Content-Encoding", encoding)
        self.end_headers()
        return handle

    mounts: dict[str, str] = {}

    def translate_path(self, path: str) -> str:
        path = posixpath.normpath(urllib.parse.unquote(path.split("?", 1)[0].split("#", 1)[0]))
        parts = [p for p in path.split("/") if p and p not in (".", "..")]
        result = Path(self.directory).resolve()
        if parts and parts[0] in self.mounts:  # e.g. /dist/ served from the built folder
            result = Path(self.mounts[parts[0]]).resolve()
            parts = parts[1:]
        for part in parts:
            result = result / part
        return str(result)


def _relative(path: Path, roots: list[str]) -> str:
    for root in roots:
        try:
            return path.relative_to(Path(root).resolve()).as_posix()
        except ValueError:
            continue
    return path.name


class Server:
    """A ``DistHandler`` server in a background thread (``.url``, ``.stop()``, context manager)."""

    def __init__(self, directory: str | os.PathLike, host: str = "127.0.0.1", port: int = 0,
                 headers: dict[str, str] | None = None, verbose: bool = False,
                 mounts: dict[str, str | os.PathLike] | None = None) -> None:
        directory = str(Path(directory).resolve())
        handler = type("Handler", (DistHandler,), {
            "verbose": verbose,
            "extra_headers": dict(headers or {}),
            "mounts": {k.strip("/"): str(Path(v).resolve()) for k, v in (mounts or {}).items()},
        })

        def factory(*args, **kwargs):
            return handler(*args, directory=directory, **kwargs)

        self.httpd = ThreadingHTTPServer((host, port), factory)
        self.httpd.daemon_threads = True
        self.url = f"http://{host}:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self) -> "Server":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def serve_forever(directory: str | os.PathLike, host: str = "127.0.0.1", port: int = 8000,
                  mounts: dict[str, str | os.PathLike] | None = None) -> None:
    server = Server(directory, host, port, verbose=True, mounts=mounts)
    print(f"Serving {Path(directory).resolve()} on {server.url}/ (Ctrl+C to stop)", flush=True)
    try:
        server.thread.join()
    except KeyboardInterrupt:
        server.stop()
