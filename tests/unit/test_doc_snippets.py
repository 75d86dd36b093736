"""Every Python snippet in README.md and docs/*.md runs as written on CPython (issue 14).

Each runs in a fresh interpreter from a file in an empty folder (with the built dist/ beside it
when there is one), with no Stigg key or signing secret in the environment, so the integrations
show the demo customer as a newcomer would see it. A snippet that defines a Flask or FastAPI
``app`` is then asked for each of its pages, which must render the elements.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest
from doc_snippets import ROOT, snippets, templates_for

PYTHON = [s for s in snippets("python") if s.run]

RUNNER = textwrap.dedent("""\
    import runpy, sys, warnings
    warnings.simplefilter("default")
    module = runpy.run_path(sys.argv[1], run_name="doc_snippet")
    app = module.get("app")
    pages = 0
    if app is not None and type(app).__name__ == "Flask":
        client = app.test_client()
        for rule in app.url_map.iter_rules():
            if "GET" in rule.methods and not rule.arguments:
                answer = client.get(rule.rule)
                assert answer.status_code == 200, (rule.rule, answer.status_code)
                assert b"<stigg-" in answer.data, rule.rule
                pages += 1
    elif app is not None and type(app).__name__ == "FastAPI":
        from fastapi.testclient import TestClient
        client = TestClient(app)
        for route in app.routes:
            if "GET" in getattr(route, "methods", ()) and "{" not in route.path and route.path.count("/") == 1 \\
                    and not route.path.startswith(("/docs", "/redoc", "/openapi")):
                answer = client.get(route.path)
                assert answer.status_code == 200, (route.path, answer.status_code)
                assert "<stigg-" in answer.text, route.path
                pages += 1
    print("pages", pages)
    """)


def test_the_docs_have_snippets_to_run():
    assert len(PYTHON) >= 8
    assert any(s.path.name == "README.md" for s in PYTHON)


@pytest.mark.parametrize("snippet", PYTHON, ids=[s.id for s in PYTHON])
def test_python_snippet_runs_as_written(snippet, tmp_path):
    folder = tmp_path / "app"
    folder.mkdir()
    if (ROOT / "dist" / "stigg-portal.js").exists():
        (folder / "dist").symlink_to(ROOT / "dist")
    for name, code in templates_for(snippet.path).items():
        (folder / "templates").mkdir(exist_ok=True)
        (folder / "templates" / name).write_text(code)
    (folder / "snippet.py").write_text(snippet.code)
    (tmp_path / "runner.py").write_text(RUNNER)
    elsewhere = tmp_path / "cwd"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("STIGG_")}
    env["PYTHONPATH"] = str(ROOT / "src") + os.pathsep + str(folder)
    run = subprocess.run([sys.executable, str(tmp_path / "runner.py"), str(folder / "snippet.py")],
                         check=False, cwd=folder if "templates" in snippet.code else elsewhere, env=env,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, f"{snippet.id}\n{snippet.code}\n{run.stdout}\n{run.stderr}"
    assert "Traceback" not in run.stderr
    if "app = " in snippet.code:
        assert "pages 0" not in run.stdout, "an app snippet should serve at least one page"


def test_readme_first_screen_and_no_internal_notes():
    readme = (ROOT / "README.md").read_text()
    headings = [line for line in readme.splitlines() if line.startswith("## ")]
    assert headings[:4] == ["## The two commands", "## Quick start: plain HTML (60 seconds)",
                            "## Quick start: Flask (60 seconds)", "## Quick start: a Python plugin (60 seconds)"]
    first_screen = readme[:readme.index("## The two commands")]
    assert "docs/screenshot.png" in first_screen
    for path in [ROOT / "README.md", *(ROOT / "docs").glob("*.md")]:
        text = path.read_text()
        for note in ("project brief", "the brief", "README material", "stigg_portal.render_provider"):
            assert note not in text, (path.name, note)
