"""Flask: the Jinja2 globals on ``app.jinja_env`` and a blueprint serving ``dist/``.

::

    from stigg_portal.integrations.flask import init_app

    app = Flask(__name__)
    app.config["STIGG_PORTAL"] = {"API_KEY": "pk_...", "SIGNING_SECRET": "...", "DIST_DIR": "dist"}
    init_app(app)

Templates then use ``{{ stigg_portal_script() }}`` and ``{{ stigg_portal_element(...) }}`` (see
:mod:`stigg_portal.integrations.jinja`); ``dist/`` is served at ``/stigg-portal/`` with the headers
``stigg-portal serve`` sends. Set ``DIST_URL`` instead of ``DIST_DIR`` when a CDN serves it.
"""

from __future__ import annotations

import os
from typing import Any

from . import PortalEmbed
from .jinja import install_embed
from .static import resolve_dist_dir

__all__ = ["dist_blueprint", "init_app"]


def dist_blueprint(dist_dir: str | os.PathLike | None = None, url_prefix: str = "/stigg-portal",
                   name: str = "stigg_portal_dist", base: str | os.PathLike | None = None) -> Any:
    """A blueprint serving the built ``dist_dir`` (relative to ``base``) under ``url_prefix``."""
    from flask import Blueprint, Response, request
    from werkzeug.wsgi import wrap_file

    from ..serve import dist_answer

    root = resolve_dist_dir(dist_dir, base, url_prefix)
    blueprint = Blueprint(name, __name__, url_prefix=url_prefix.rstrip("/"))

    @blueprint.route("/<path:path>", methods=["GET", "HEAD"])
    def dist_file(path: str) -> Response:
        answer = dist_answer(root, path, request.headers)
        if answer.body is None:
            return Response(answer.payload(), status=answer.status, headers=answer.headers)
        body = wrap_file(request.environ, answer.body.open("rb"))
        return Response(body, status=answer.status, headers=answer.headers, direct_passthrough=True)

    return blueprint


def init_app(app: Any, **options: Any) -> PortalEmbed:
    """Configure ``app`` from ``app.config["STIGG_PORTAL"]`` (keyword options, in the same upper-case
    names, win): install the template globals and, unless ``DIST_URL`` points elsewhere, serve
    ``DIST_DIR`` (default ``$STIGG_PORTAL_DIST`` or ``dist``; a relative path is relative to
    ``app.root_path``) at ``URL_PREFIX`` (``/stigg-portal``).
    """
    config = {**app.config.get("STIGG_PORTAL", {}), **{k.upper(): v for k, v in options.items()}}
    prefix = "/" + config.get("URL_PREFIX", "/stigg-portal").strip("/")
    # the demo-data warning goes to app.logger: Flask gives it a stderr handler, so `flask run` shows it
    embed = PortalEmbed.from_settings(config, dist_url=prefix + "/", warn_demo=app.logger.warning,
                                      key_setting='app.config["STIGG_PORTAL"]["API_KEY"]')
    if not config.get("DIST_URL"):
        app.register_blueprint(dist_blueprint(config.get("DIST_DIR"), prefix, base=app.root_path))
    install_embed(app.jinja_env, embed)
    app.extensions["stigg_portal"] = embed
    return embed
