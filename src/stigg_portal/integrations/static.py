"""Serve a built ``dist/`` from a Python web app with the headers ``stigg-portal serve`` sends.

:class:`DistFiles` is a plain ASGI app (FastAPI/Starlette ``app.mount``, Django ASGI, any ASGI
server); the Flask blueprint and the Django view call :func:`~stigg_portal.serve.dist_answer`
directly. All of them send the same MIME types, ``.br``/``.gz`` negotiation, CORS, ``ETag``/304
and cache headers (docs/hosting.md).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ..serve import dist_answer

__all__ = ["CHUNK_BYTES", "DistFiles", "resolve_dist_dir"]

CHUNK_BYTES = 256 * 1024
DIST_ENV = "STIGG_PORTAL_DIST"


_announced: set[tuple[str, str]] = set()


def resolve_dist_dir(dist_dir: str | os.PathLike | None, base: str | os.PathLike | None = None,
                     url_prefix: str | None = None) -> Path:
    """The folder to serve: ``dist_dir``, else ``$STIGG_PORTAL_DIST``, else ``dist``.

    A relative ``dist_dir`` (and the default ``dist``) is taken relative to ``base``, the app's root
    (Flask ``root_path``, Django ``BASE_DIR``, the FastAPI app's module), not the current directory;
    ``$STIGG_PORTAL_DIST`` relative to the current directory, as a shell variable is. Logs once
    which folder is served at which URL, and warns if it is not built.
    """
    if dist_dir:
        path = Path(dist_dir)
        path = path if path.is_absolute() or base is None else Path(base) / path
    elif os.environ.get(DIST_ENV):
        path = Path(os.environ[DIST_ENV])
    else:
        path = Path("dist") if base is None else Path(base) / "dist"
    path = path.resolve()
    key = (str(path), url_prefix or "")
    if key not in _announced:
        _announced.add(key)
        import logging

        where = f" at {url_prefix.rstrip('/')}/" if url_prefix else ""
        logging.getLogger("stigg_portal").info("stigg-portal: serving %s%s", path, where)
        if not (path / "stigg-portal.js").is_file():
            import warnings

            warnings.warn(
                f"stigg-portal: {path} has no stigg-portal.js; build it with `stigg-portal build --dist {path}` "
                "(until then the elements show their server-rendered HTML only)",
                stacklevel=3,
            )
    return path


def _route_path(scope: dict[str, Any]) -> str:
    """The path below the mount point (Starlette keeps the full path and sets ``root_path``)."""
    path, root = scope["path"], scope.get("root_path", "")
    if root and path.startswith(root) and (len(path) == len(root) or path[len(root)] == "/"):
        return path[len(root):]
    return path


class DistFiles:
    """ASGI app serving ``dist_dir``: ``app.mount("/stigg-portal", DistFiles("dist"))``."""

    def __init__(self, dist_dir: str | os.PathLike | None = None, *, base: str | os.PathLike | None = None,
                 url_prefix: str | None = None) -> None:
        self.dist_dir = resolve_dist_dir(dist_dir, base, url_prefix)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        method = scope.get("method", "GET")
        request_headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope.get("headers", [])}
        if method not in ("GET", "HEAD"):
            await self._send(send, 405, {"Allow": "GET, HEAD", "Content-Length": "0"})
            return
        answer = dist_answer(self.dist_dir, _route_path(scope), request_headers)
        if answer.body is None:
            body = answer.payload()
            headers = dict(answer.headers)
            headers["Content-Length"] = str(len(body))
            await self._send(send, answer.status, headers, b"" if method == "HEAD" else body)
            return
        await self._send(send, answer.status, answer.headers, more=method != "HEAD")
        if method == "HEAD":
            return
        with answer.body.open("rb") as handle:
            while True:
                chunk = handle.read(CHUNK_BYTES)
                last = len(chunk) < CHUNK_BYTES
                await send({"type": "http.response.body", "body": chunk, "more_body": not last})
                if last:
                    break

    @staticmethod
    async def _send(send: Any, status: int, headers: dict[str, str], body: bytes = b"", *,
                    more: bool = False) -> None:
        raw = [(k.lower().encode("latin-1"), str(v).encode("latin-1")) for k, v in headers.items()]
        await send({"type": "http.response.start", "status": int(status), "headers": raw})
        if not more:
            await send({"type": "http.response.body", "body": body, "more_body": False})
