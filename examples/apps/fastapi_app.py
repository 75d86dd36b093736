"""The portal in a FastAPI app: server-rendered elements, customer tokens minted here, dist/ mounted.

Run:  STIGG_PORTAL_DIST=dist uvicorn --factory --app-dir examples/apps fastapi_app:create_app   (see example_config.py)
"""

from __future__ import annotations

from pathlib import Path

from example_config import ExampleSettings, User
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from stigg_portal.integrations.fastapi import install


def create_app(settings: ExampleSettings | None = None) -> FastAPI:
    settings = settings or ExampleSettings.from_env()
    app = FastAPI()
    templates = Jinja2Templates(directory=str(Path(__file__).resolve().parent / "templates"))
    portal = install(  # template globals + dist/ mounted at /stigg-portal/
        app,
        templates,
        api_key=settings.api_key,
        signing_secret=settings.signing_secret,
        dist_dir=settings.dist_dir,
        defaults=settings.defaults(),
    )

    def current_user() -> User:  # your login system goes here
        return User(name="Ada", stigg_customer_id=settings.customer_id)

    # A plain `def`: FastAPI runs it in its thread pool, so the template's server render (which
    # waits for the API) never blocks the event loop.
    @app.get("/", response_class=HTMLResponse)
    def billing(request: Request) -> HTMLResponse:
        return templates.TemplateResponse(request, "portal.html", {"user": current_user(), "framework": "FastAPI"})

    @app.get("/sections", response_class=HTMLResponse)
    def sections(request: Request) -> HTMLResponse:
        return templates.TemplateResponse(request, "sections.html", {"user": current_user(), "framework": "FastAPI"})

    # In `async def` code, render the element with `await` and hand the HTML to the page.
    @app.get("/usage", response_class=HTMLResponse)
    async def usage() -> str:
        element = await portal.element_async("stigg-usage", customer_id=current_user().stigg_customer_id)
        return f"<!doctype html><html><head>{portal.script()}</head><body>{element}</body></html>"

    return app

