"""FastAPI (and Starlette): the Jinja2 globals on ``Jinja2Templates`` and a mount serving ``dist/``.

::

    from fastapi import FastAPI
    from fastapi.templating import Jinja2Templates
    from stigg_portal.integrations.fastapi import install

    app = FastAPI()
    templates = Jinja2Templates(directory="templates")
    portal = install(app, templates, api_key="pk_...", signing_secret=SECRET, dist_dir="dist")

Templates use ``{{ stigg_portal_script() }}`` and ``{{ stigg_portal_element(...) }}``. Rendering an
element waits for the API, so render templates from plain ``def`` endpoints (FastAPI runs them in
its thread pool), or in ``async def`` endpoints render the element first with
``await portal.element_async(...)`` and pass it to the template.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from . import DEFAULT_DIST_URL, PortalEmbed
from .jinja import install_embed
from .static import DistFiles

__all__ = ["DistFiles", "install"]


def install(
    app: Any,
    templates: Any,
    *,
    api_key: str | None = None,
    signing_secret: str | None = None,
    dist_dir: str | os.PathLike | None = None,
    dist_url: str | None = None,
    url_prefix: str = DEFAULT_DIST_URL,
    defaults: Mapping[str, Any] | None = None,
    server_render: bool = True,
    transport: Any = None,
    timeout_s: float | None = None,
) -> PortalEmbed:
    """Install the template globals on ``templates.env`` and, unless ``dist_url`` points elsewhere
    (a CDN), mount ``dist_dir`` (default ``$STIGG_PORTAL_DIST`` or ``dist``) at ``url_prefix``.

    A relative ``dist_dir`` is relative to the folder of the module that calls ``install`` (where the
    app is defined), not the current directory.
    """
    import sys
    from pathlib import Path

    caller = sys._getframe(1).f_globals.get("__file__")
    base = Path(caller).resolve().parent if caller else None
    prefix = "/" + url_prefix.strip("/")
    embed = PortalEmbed(
        api_key=api_key,
        signing_secret=signing_secret,
        dist_url=dist_url or prefix + "/",
        defaults=dict(defaults or {}),
        server_render=server_render,
        transport=transport,
        timeout_s=timeout_s,
        key_setting="install(..., api_key=...)",  # the demo-data warning: a Python warning, on uvicorn's stderr
    )
    if app is not None and not dist_url:
        app.mount(prefix, DistFiles(dist_dir, base=base, url_prefix=prefix), name="stigg_portal_dist")
    install_embed(templates.env, embed)
    return embed
