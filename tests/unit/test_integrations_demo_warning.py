"""Without an API key a Python integration's server render shows demo data and says so where the
developer looks: one warning per process on the console the framework writes to by default
(Flask: ``app.logger``'s stderr handler, as under ``flask run``; Django: ``py.warnings`` on the
console under DEBUG, as under ``manage.py runserver``; FastAPI: a Python warning, which uvicorn
leaves to Python's default stderr output). Each app runs in a fresh Python process with the
framework's default logging, renders the page twice, and its stderr is read."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from integration_support import make_dist

SRC = Path(__file__).resolve().parents[2] / "src"
MESSAGE = "no API key configured"

FLASK_APP = """
from flask import Flask, render_template_string
from stigg_portal.integrations.flask import init_app

app = Flask(__name__)
app.config["STIGG_PORTAL"] = {"API_KEY": None, "DIST_DIR": DIST, "DEFAULTS": DEFAULTS}
init_app(app)

@app.get("/")
def billing():
    return render_template_string('{{ stigg_portal_element("stigg-customer-portal", customer_id="customer-123") }}')

client = app.test_client()
for _ in range(2):
    page = client.get("/").get_data(as_text=True)
    assert 'data-stigg-ssr="ready"' in page, page[:300]
"""

FASTAPI_APP = """
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from fastapi.testclient import TestClient
from jinja2 import DictLoader, Environment
from stigg_portal.integrations.fastapi import install

app = FastAPI()
templates = Jinja2Templates(env=Environment(loader=DictLoader(
    {"page.html": '{{ stigg_portal_element("stigg-usage", customer_id="customer-123") }}'})))
portal = install(app, templates, dist_dir=DIST, defaults=DEFAULTS)

@app.get("/", response_class=HTMLResponse)
def billing(request: Request):
    return templates.TemplateResponse(request, "page.html")

@app.get("/async", response_class=HTMLResponse)
async def billing_async():
    return str(await portal.element_async("stigg-usage", customer_id="customer-123"))

client = TestClient(app)
for path in ("/", "/async", "/"):
    page = client.get(path).text
    assert 'data-stigg-ssr="ready"' in page, page[:300]
"""

DJANGO_APP = """
import django
from django.conf import settings
from django.urls import path

def billing(request):
    from django.http import HttpResponse
    from django.template import engines
    page = engines["django"].from_string(
        '{% load stigg_portal %}{% stigg_portal_element "stigg-customer-portal" customer_id="customer-123" %}')
    return HttpResponse(page.render({}, request))

urlpatterns = [path("", billing)]
settings.configure(
    DEBUG=True, SECRET_KEY="x", ALLOWED_HOSTS=["testserver"], ROOT_URLCONF=__name__,
    INSTALLED_APPS=["stigg_portal.integrations.django"],
    TEMPLATES=[{"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True}],
    STIGG_PORTAL={"DIST_DIR": DIST, "DEFAULTS": DEFAULTS},
)
django.setup()  # what runserver does first: Django's default LOGGING, warnings captured
from django.test import Client
for _ in range(2):
    page = Client().get("/").content.decode()
    assert 'data-stigg-ssr="ready"' in page, page[:300]
"""

APPS = {"flask": FLASK_APP, "fastapi": FASTAPI_APP, "django": DJANGO_APP}


def run_app(framework: str, tmp_path: Path, defaults: dict) -> str:
    """The app's stderr (it renders the page more than once in one process)."""
    pytest.importorskip(framework)
    dist = make_dist(tmp_path / "dist")
    script = f"DIST = {str(dist)!r}\nDEFAULTS = {defaults!r}\n" + textwrap.dedent(APPS[framework])
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONWARNINGS", "STIGG_PORTAL_DIST")}
    env["PYTHONPATH"] = os.pathsep.join([str(SRC), env.get("PYTHONPATH", "")])
    done = subprocess.run([sys.executable, "-c", script], check=False, env=env, cwd=tmp_path, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stderr


@pytest.mark.parametrize("framework", sorted(APPS))
def test_demo_data_without_an_api_key_is_warned_once_on_the_console(framework, tmp_path):
    stderr = run_app(framework, tmp_path, {})
    lines = [line for line in stderr.splitlines() if MESSAGE in line]
    assert len(lines) == 1, stderr
    assert 'Demo data' in lines[0] and 'client="demo"' in lines[0]
    if framework == "flask":  # Flask's default format: "[time] WARNING in module: message"
        assert "WARNING in" in lines[0]
        assert 'app.config["STIGG_PORTAL"]["API_KEY"]' in lines[0]
    else:
        assert "StiggPortalWarning" in lines[0]
        assert {"django": 'settings.STIGG_PORTAL["API_KEY"]', "fastapi": "install(..., api_key=...)"}[framework] \
            in lines[0]


@pytest.mark.parametrize("framework", sorted(APPS))
def test_demo_data_asked_for_is_not_warned(framework, tmp_path):
    assert MESSAGE not in run_app(framework, tmp_path, {"client": "demo"})
