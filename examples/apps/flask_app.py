"""The portal in a Flask app: server-rendered elements, customer tokens minted here, dist/ served.

Run:  STIGG_PORTAL_DIST=dist flask --app examples/apps/flask_app.py run   (see example_config.py for the rest)
"""

from __future__ import annotations

from pathlib import Path

from example_config import ExampleSettings, User
from flask import Flask, render_template

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

    return app


if __name__ == "__main__":
    create_app().run(port=5000)
