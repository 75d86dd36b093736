"""Serve the built ``dist/`` (``settings.STIGG_PORTAL["DIST_DIR"]``) with the right headers."""

from __future__ import annotations

from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseNotAllowed

from ...serve import dist_answer
from .conf import dist_dir


def dist_file(request: HttpRequest, path: str) -> HttpResponse:
    """One file of ``dist/``: MIME type, ``.br``/``.gz`` negotiation, CORS, ETag/304, cache headers."""
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    answer = dist_answer(dist_dir(), path, request.headers)
    if answer.body is None:
        response = HttpResponse(answer.payload(), status=answer.status)
    else:
        response = FileResponse(answer.body.open("rb"), status=answer.status)
    for name, value in answer.headers.items():
        response[name] = value
    return response
