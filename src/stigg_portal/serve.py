"""``stigg-portal serve``: a small static server for ``dist/`` (and the demo pages).

It sends what any host of ``dist/`` needs (docs/hosting.md lists the same headers for nginx, a
CDN, S3 or Webflow): correct MIME types (``.wasm`` as ``application/wasm``, ``.mjs``/``.js`` as
``text/javascript``), the pre-compressed ``.br``/``.gz`` files when the browser accepts them,
``Access-Control-Allow-Origin: *`` so pages on other origins can load the loader and the
worker, and cache headers: versioned runtime files are immutable, everything else revalidates.

:func:`static_answer` decides those headers for one request without any server around it, so
the Flask, Django and FastAPI integrations serve ``dist/`` exactly as this server does.
"""

from __future__ import annotations

import email.utils
import hashlib
import io
import mimetypes
import os
import posixpath
import sys
import threading
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar, Self

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

#: Sent with every answer: pages on any origin may load dist/ (module scripts and workers need CORS).
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Cross-Origin-Resource-Policy": "cross-origin",
}
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
#: Pre-compressed siblings, in order of preference.
ENCODINGS = ((".br", "br"), (".gz", "gzip"))


def cache_control(rel_path: str) -> str:
    """Runtime files live under a versioned folder and never change; the rest revalidates."""
    if rel_path.startswith("pyodide-") and "/" in rel_path and not rel_path.endswith("pyodide-lock.json"):
        return IMMUTABLE
    return REVALIDATE


def content_type(path: str | os.PathLike) -> str:
    """The ``Content-Type`` of a file of ``dist/`` (by suffix; unknown ones are octet streams)."""
    path = Path(path)
    return MIME_TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"


def safe_path(root: str | os.PathLike, url_path: str) -> Path | None:
    """The file ``url_path`` names inside ``root``, or ``None`` when it would leave ``root``."""
    root = Path(root).resolve()
    path = posixpath.normpath("/" + urllib.parse.unquote(url_path.split("?", 1)[0].split("#", 1)[0]))
    parts = [p for p in path.split("/") if p and p not in (".", "..")]
    if any("\\" in p or "\0" in p for p in parts):
        return None
    candidate = root.joinpath(*parts).resolve()
    if candidate != root and root not in candidate.parents:
        return None  # a symlink pointing outside root
    return candidate


def _accepts(accept_encoding: str, name: str) -> bool:
    for item in accept_encoding.split(","):
        token, _, params = item.strip().partition(";")
        if token.strip().lower() in (name, "*"):
            q = params.strip()
            return not (q.startswith("q=") and float(q[2:] or 0) == 0)
    return False


def _etag_matches(if_none_match: str, etag: str) -> bool:
    if if_none_match.strip() == "*":
        return True
    tags = [t.strip().removeprefix("W/") for t in if_none_match.split(",")]
    return etag in tags


@dataclass
class StaticAnswer:
    """How to answer one request for a file of ``dist/``: status, headers, and the body's file
    (or, for an answer made in memory such as a designer sheet, ``content``)."""

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: Path | None = None
    content: bytes | None = None

    def payload(self) -> bytes:
        """The body to send when there is no file: ``content``, ``Not found`` for a 404, else nothing."""
        if self.content is not None:
            return self.content
        return b"Not found" if self.status == HTTPStatus.NOT_FOUND else b""


def _lowered(request_headers: Mapping[str, str]) -> dict[str, str]:
    return {k.lower(): v for k, v in request_headers.items()}


def _not_found(**headers: str) -> StaticAnswer:
    """A ``404`` (body ``Not found``, see :meth:`StaticAnswer.payload`) with the CORS headers."""
    return StaticAnswer(HTTPStatus.NOT_FOUND, {"Content-Type": "text/plain; charset=utf-8", **headers, **CORS_HEADERS})


def static_answer(path: Path, rel_path: str, request_headers: Mapping[str, str]) -> StaticAnswer:
    """The answer for the existing file ``path`` (``rel_path`` inside ``dist/``), given the request headers.

    Picks the ``.br`` or ``.gz`` sibling the browser accepts, answers ``304`` to a matching
    ``If-None-Match``, and sets type, cache, ``ETag``, ``Vary`` and CORS headers.
    """
    headers = _lowered(request_headers)
    accept = headers.get("accept-encoding", "")
    body, encoding = path, None
    for suffix, name in ENCODINGS:
        candidate = path.with_name(path.name + suffix)
        if _accepts(accept, name) and candidate.is_file():
            body, encoding = candidate, name
            break
    stat = body.stat()
    etag = '"' + hashlib.md5(f"{body.name}:{stat.st_size}:{stat.st_mtime_ns}".encode()).hexdigest() + '"'
    common = {"ETag": etag, "Cache-Control": cache_control(rel_path), "Vary": "Accept-Encoding", **CORS_HEADERS}
    if _etag_matches(headers.get("if-none-match", ""), etag):
        return StaticAnswer(HTTPStatus.NOT_MODIFIED, common)
    answer = {
        "Content-Type": content_type(path),
        "Content-Length": str(stat.st_size),
        "Last-Modified": email.utils.formatdate(stat.st_mtime, usegmt=True),
        **common,
    }
    if encoding:
        answer["Content-Encoding"] = encoding
    return StaticAnswer(HTTPStatus.OK, answer, body)


def designer_answer(name: str, request_headers: Mapping[str, str]) -> StaticAnswer:
    """``designer/ID.css``: a widget-designer sheet this process rendered a page with
    (:func:`stigg_portal.designer.remember`). Its name is its content's hash, so it never changes;
    a sheet this process does not hold is a ``404`` (the loader then applies the design itself)."""
    from .designer import stored_css

    css = stored_css(name)
    if css is None:
        return _not_found(**{"Cache-Control": "no-store"})
    etag = f'"{name[:-4]}"'
    common = {"ETag": etag, "Cache-Control": IMMUTABLE, **CORS_HEADERS}
    if _etag_matches(_lowered(request_headers).get("if-none-match", ""), etag):
        return StaticAnswer(HTTPStatus.NOT_MODIFIED, common)
    body = css.encode()
    return StaticAnswer(HTTPStatus.OK, {"Content-Type": "text/css; charset=utf-8",
                                        "Content-Length": str(len(body)), **common}, content=body)


def dist_answer(root: str | os.PathLike, url_path: str, request_headers: Mapping[str, str]) -> StaticAnswer:
    """:func:`static_answer` for ``url_path`` inside ``root``; ``404`` for anything but a file in it.
    ``designer/ID.css`` is answered by :func:`designer_answer`."""
    from .designer import DESIGNER_PATH

    clean = url_path.split("?", 1)[0].split("#", 1)[0].lstrip("/")
    if clean.startswith(DESIGNER_PATH):
        return designer_answer(clean[len(DESIGNER_PATH):], request_headers)
    path = safe_path(root, url_path)
    if path is None or not path.is_file():
        return _not_found()
    rel = path.relative_to(Path(root).resolve()).as_posix()
    return static_answer(path, rel, request_headers)


class DistHandler(SimpleHTTPRequestHandler):
    """Serves one folder with the headers above; quiet unless ``verbose``."""

    verbose: ClassVar[bool] = False
    disable_nagle_algorithm = True  # headers and body are separate writes: never wait for an ACK
    extra_headers: ClassVar[dict[str, str]] = {}
    mounts: ClassVar[dict[str, str]] = {}
    page_replacements: ClassVar[dict[str, str]] = {}

    def log_message(self, format: str, *args) -> None:
        if self.verbose:
            super().log_message(format, *args)

    def end_headers(self) -> None:
        for key, value in {**CORS_HEADERS, **self.extra_headers}.items():
            self.send_header(key, value)
        super().end_headers()

    def do_OPTIONS(self) -> None:
        self.send_response(HTTPStatus.NO_CONTENT)
        self.send_header("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS")
        self.send_header("Access-Control-Allow-Headers", "*")
        self.send_header("Access-Control-Max-Age", "86400")
        self.end_headers()

    def list_directory(self, path: str) -> None:
        """A host of dist/ has no reason to list folders."""
        self.send_error(HTTPStatus.NOT_FOUND, "File not found")

    def resolve(self, url_path: str) -> Path | None:
        """The file or folder a URL path names (mounts first), ``None`` outside every root."""
        path = url_path.split("?", 1)[0].split("#", 1)[0]
        first, _, rest = path.lstrip("/").partition("/")
        if urllib.parse.unquote(first) in self.mounts:  # e.g. /dist/ served from the built folder
            return safe_path(self.mounts[urllib.parse.unquote(first)], rest)
        return safe_path(self.directory, path)

    def translate_path(self, path: str) -> str:
        resolved = self.resolve(path)
        return str(resolved) if resolved is not None else ""

    def send_head(self):
        parsed = urllib.parse.urlsplit(self.path)
        path = self.resolve(parsed.path)
        if path is not None and path.is_dir():
            if not parsed.path.endswith("/"):
                self.send_response(HTTPStatus.MOVED_PERMANENTLY)
                self.send_header("Location", parsed.path + "/")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return None
            path = path / "index.html"
        if path is None or not path.is_file():
            self.send_error(HTTPStatus.NOT_FOUND, "File not found")
            return None
        if self.page_replacements and path.suffix == ".html" and not self._in_mount(path):
            return self._rewritten_page(path)
        answer = static_answer(path, _relative(path, [self.directory, *self.mounts.values()]), self.headers)
        self.send_response(answer.status)
        for key, value in answer.headers.items():
            if key not in CORS_HEADERS:  # end_headers adds them
                self.send_header(key, value)
        self.end_headers()
        return answer.body.open("rb") if answer.body else None

    def _in_mount(self, path: Path) -> bool:
        """In a mounted folder other than the served one (dist/ is sent exactly as built)."""
        return any(path.is_relative_to(root) for root in self.mounts.values() if root != self.directory)

    def _rewritten_page(self, path: Path):
        """An HTML page of the served folder with ``page_replacements`` applied (the demo points its
        examples at the mock API's real address), sent uncompressed and never cached."""
        text = path.read_text(encoding="utf-8")
        for old, new in self.page_replacements.items():
            text = text.replace(old, new)
        body = text.encode("utf-8")
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        return io.BytesIO(body)


class _QuietServer(ThreadingHTTPServer):
    """Browsers drop connections all the time (navigation, aborted fetches): not worth a traceback."""

    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        if not isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError)):
            super().handle_error(request, client_address)


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
                 mounts: dict[str, str | os.PathLike] | None = None,
                 page_replacements: dict[str, str] | None = None) -> None:
        directory = str(Path(directory).resolve())
        handler = type("Handler", (DistHandler,), {
            "verbose": verbose,
            "extra_headers": dict(headers or {}),
            "mounts": {k.strip("/"): str(Path(v).resolve()) for k, v in (mounts or {}).items()},
            "page_replacements": dict(page_replacements or {}),
        })

        def factory(*args, **kwargs):
            return handler(*args, directory=directory, **kwargs)

        self.httpd = _QuietServer((host, port), factory)
        self.url = f"http://{host}:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def serve_forever(directory: str | os.PathLike, host: str = "127.0.0.1", port: int = 8000,
                  mounts: dict[str, str | os.PathLike] | None = None,
                  page_replacements: dict[str, str] | None = None) -> None:
    server = Server(directory, host, port, verbose=True, mounts=mounts, page_replacements=page_replacements)
    print(f"Serving {Path(directory).resolve()} on {server.url}/ (Ctrl+C to stop)", flush=True)
    try:
        server.thread.join()
    except KeyboardInterrupt:
        server.stop()
