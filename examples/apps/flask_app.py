"""The portal in a Flask app: server-rendered elements, customer tokens minted here, dist/ served.

Run:  STIGG_PORTAL_DIST=dist flask --app examples/apps/flask_app.py run   (see example_config.py for the rest)
"""

from __future__ import annotations

from pathlib import Path

from example_config import ExampleSettings, User
from flask import Flask, abort, render_template, request

from stigg_portal.clients import DEFAULT_BASE_URL
from stigg_portal.integrations.backend import forward
from stigg_portal.integrations.flask import init_app


def create_app(settings: ExampleSettings | None = None) -> Flask:
    settings = settings or ExampleSettings.from_env()
    app = Flask(__name__, template_folder=str(Path(__file__).resolve().parent / "templates"))
    app.config["STIGG_PORTAL"] = {
        "API_KEY": settings.api_key,
        "SIGNING_SECRET": settings.signing_secret,
        "DIST_DIR": settings.dist_dir,
        "DEFAULTS": settings.defaults(),
    }
    init_app(app)  # template globals + dist/ at /stigg-portal/

    def current_user() -> User:  # your login system goes here
        return User(name="Ada", stigg_customer_id=settings.customer_id)

    @app.get("/")
    def billing() -> str:
        return render_template("portal.html", user=current_user(), framework="Flask")

    @app.get("/sections")
    def sections() -> str:
        return render_template("sections.html", user=current_user(), framework="Flask")

    # Own backend for client="http": the page sends no key and no token; this route asks Stigg
    # with the server key, for the signed-in customer (never the customer id the page sent).
    @app.post("/billing-data")
    def billing_data() -> tuple[dict, int]:
        if not settings.server_api_key:
            abort(404)
        status, body = forward(request.get_json(silent=True), customer_id=current_user().stigg_customer_id,
                               api_key=settings.server_api_key, base_url=settings.base_url or DEFAULT_BASE_URL)
        return body, status

    return app


if __name__ == "__main__":
    create_app().run(port=5000)
