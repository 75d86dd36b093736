"""Clear errors (issue 14): unknown locale, server/CLI renders report problems, the CLI's one-line
errors and plain help, the demo notice once per provider group."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import warnings
from datetime import UTC, datetime
from pathlib import Path

import pytest

import stigg_portal
from stigg_portal.runtime import PortalRuntime
from stigg_portal.server import StiggPortalWarning, render_provider

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)


def _cli(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    return subprocess.run([sys.executable, "-m", "stigg_portal.cli", *args], check=False, capture_output=True, text=True,
                          env=env, timeout=120)


def test_unknown_locale_is_reported_and_en_us_kept():
    result = asyncio.run(stigg_portal.server.render_result_async("stigg-invoices", client="demo", locale="xx-YY",
                                                                 now=NOW))
    problems = [p for p in result.problems if p.attribute == "locale"]
    assert problems and "xx-YY" in problems[0].message and "en-US" in problems[0].message
    known = asyncio.run(stigg_portal.server.render_result_async("stigg-invoices", client="demo", locale="de-AT",
                                                                now=NOW))
    assert not [p for p in known.problems if p.attribute == "locale"]  # falls back to de-DE quietly


def test_server_render_warns_about_every_attribute_problem(caplog):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with caplog.at_level("WARNING", logger="stigg_portal"):
            html = stigg_portal.render("stigg-usage", client="demo", texts="{not json", hidden_sections="usage bogus",
                                       locale="xx-YY", now=NOW)
    assert 'data-stigg-ssr="ready"' in html
    messages = [str(w.message) for w in caught if issubclass(w.category, StiggPortalWarning)]
    assert len(messages) == 3, messages
    assert any("texts is not valid JSON" in m for m in messages)
    assert any("unknown section(s) bogus" in m for m in messages)
    assert any("locale='xx-YY'" in m for m in messages)
    assert all(m.startswith("<stigg-usage>") for m in messages)
    assert len([r for r in caplog.records if r.name == "stigg_portal"]) == 3


def test_cli_render_reports_problems_on_stderr():
    run = _cli("render", "stigg-usage", "client=demo", "hidden-sections=bogus", "texts={oops")
    assert run.returncode == 0
    assert "<stigg-usage" in run.stdout
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 2, run.stderr
    assert all(line.startswith("stigg-portal render: warning:") for line in lines)


@pytest.mark.parametrize("args,expected", [
    (["render", "stigg-usagee"], "unknown element 'stigg-usagee'"),
    (["render", "stigg-usage", "scenario=nope"], "unknown scenario 'nope'"),
    (["render", "stigg-usage", "colour=red"], "unknown attribute 'colour'"),
    (["render", "stigg-usage", "client"], "expected name=value"),
])
def test_cli_mistakes_exit_non_zero_with_one_line(args, expected):
    run = _cli(*args)
    assert run.returncode == 2
    assert run.stdout == ""
    assert "Traceback" not in run.stderr
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and expected in lines[0], run.stderr


def test_cli_help_is_plain_words_with_every_option_explained():
    top = _cli("--help")
    assert top.returncode == 0
    assert "``" not in top.stdout and ":func:" not in top.stdout
    for command in ("build", "serve", "demo", "render", "reference", "token", "mock-api"):
        assert command in top.stdout
    for command in ("build", "serve", "demo", "render", "reference", "token", "mock-api"):
        text = _cli(command, "--help").stdout
        for line in text.splitlines():  # every option line has its help text on it or below it
            if line.strip().startswith("--") and len(line.split()) <= 2:
                following = text.splitlines()[text.splitlines().index(line) + 1]
                assert following.startswith(" " * 10), (command, line)
    for command in ("build", "serve", "demo"):
        text = _cli(command, "--help").stdout
        options = [line for line in text.splitlines() if line.strip().startswith("--")]
        assert options, text
        flat = " ".join(text.split())
        for line in options:
            name = line.split()[0].rstrip(",")
            assert name in flat
        assert "(default:" in text
    assert "(default: dist)" in " ".join(_cli("build", "--help").stdout.split())
    assert "(default: 8000)" in " ".join(_cli("serve", "--help").stdout.split())


# ------------------------------------------------------------------------------ demo notice
def _run_group(tags: list[str], provider_attrs: dict[str, str]):
    posted: list[dict] = []
    runtime = PortalRuntime(posted.append, now=lambda: NOW)

    async def play():
        await runtime.handle({"type": "render", "id": "p1", "tag": "stigg-provider", "attrs": provider_attrs,
                              "seq": 1})
        for index, tag in enumerate(tags):
            await runtime.handle({"type": "render", "id": f"e{index}", "tag": tag, "attrs": provider_attrs,
                                  "provider": "p1", "seq": 1})

    asyncio.run(play())
    return posted


def test_a_provider_without_api_key_warns_once_and_shows_one_badge():
    posted = _run_group(["stigg-subscription-overview", "stigg-usage", "stigg-payment-details", "stigg-invoices"],
                        {"customer-id": "customer-123"})
    warnings_ = [m for m in posted if m["type"] == "log" and "demo data" in m["message"]]
    renders = [m for m in posted if m["type"] == "render" and m["status"] == "ready" and m["id"] != "p1"]
    assert len(renders) == 4
    assert len(warnings_) == 1
    badges = [m["id"] for m in renders if "stigg-demo-badge" in m["html"]]
    assert badges == ["e0"]


def test_elements_outside_a_provider_each_keep_their_badge():
    posted: list[dict] = []
    runtime = PortalRuntime(posted.append, now=lambda: NOW)

    async def play():
        for index, tag in enumerate(["stigg-usage", "stigg-invoices"]):
            await runtime.handle({"type": "render", "id": f"s{index}", "tag": tag, "attrs": {}, "seq": 1})

    asyncio.run(play())
    renders = [m for m in posted if m["type"] == "render"]
    assert all("stigg-demo-badge" in m["html"] for m in renders)


def test_server_rendered_provider_shows_one_badge():
    html = render_provider(["stigg-usage", "stigg-payment-details", "stigg-invoices"], customer_id="c-1", now=NOW)
    assert html.count('class="stigg-demo-badge"') == 1


# ------------------------------------------------------------------- DIST_DIR against the app root
def _fake_dist(folder: Path) -> None:
    (folder / "dist").mkdir(parents=True)
    (folder / "dist" / "stigg-portal.js").write_text("export const built = true;\n")


def test_flask_resolves_a_relative_dist_dir_against_its_root_path(tmp_path, monkeypatch, caplog):
    flask = pytest.importorskip("flask")
    from stigg_portal.integrations.flask import init_app

    app_root = tmp_path / "myapp"
    _fake_dist(app_root)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    app = flask.Flask("myapp", root_path=str(app_root))
    app.config["STIGG_PORTAL"] = {"DIST_DIR": "dist"}
    with caplog.at_level("INFO", logger="stigg_portal"):
        init_app(app)
    answer = app.test_client().get("/stigg-portal/stigg-portal.js")
    assert answer.status_code == 200 and b"built = true" in answer.data
    assert f"serving {app_root / 'dist'} at /stigg-portal/" in caplog.text


def test_fastapi_resolves_a_relative_dist_dir_against_the_app_module(tmp_path, monkeypatch):
    pytest.importorskip("fastapi")
    import importlib.util

    from fastapi.testclient import TestClient

    app_root = tmp_path / "svc"
    _fake_dist(app_root)
    (app_root / "main.py").write_text(
        "from fastapi import FastAPI\n"
        "from fastapi.templating import Jinja2Templates\n"
        "from stigg_portal.integrations.fastapi import install\n"
        "app = FastAPI()\n"
        "templates = Jinja2Templates(directory='.')\n"
        "portal = install(app, templates, dist_dir='dist')\n"
    )
    monkeypatch.chdir(tmp_path)
    spec = importlib.util.spec_from_file_location("svc_main_for_test", app_root / "main.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    answer = TestClient(module.app).get("/stigg-portal/stigg-portal.js")
    assert answer.status_code == 200 and "built = true" in answer.text


def test_django_base_dir_and_absolute_paths(tmp_path, monkeypatch):
    from stigg_portal.integrations.static import resolve_dist_dir

    _fake_dist(tmp_path / "site")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("STIGG_PORTAL_DIST", raising=False)
    assert resolve_dist_dir("dist", tmp_path / "site") == (tmp_path / "site" / "dist").resolve()
    assert resolve_dist_dir(None, tmp_path / "site") == (tmp_path / "site" / "dist").resolve()
    assert resolve_dist_dir(str(tmp_path / "site" / "dist"), "/nowhere") == (tmp_path / "site" / "dist").resolve()
