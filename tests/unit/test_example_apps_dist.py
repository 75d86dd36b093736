"""The example apps run as examples/apps/README.md says: from the repo root with
``STIGG_PORTAL_DIST=dist``, the page's loader (``/stigg-portal/stigg-portal.js``) is the repo's
built ``dist/``, not a 404 for ``examples/apps/dist`` (which left the page server-rendered only,
with no Python in the browser behind its buttons)."""

from __future__ import annotations

import pytest
from integration_support import LOADER_JS, example, make_site

ExampleSettings = example("example_config").ExampleSettings


@pytest.fixture
def from_repo_root(tmp_path, monkeypatch):
    """The current directory holds ``dist/`` and STIGG_PORTAL_DIST names it relatively."""
    make_site(tmp_path)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("STIGG_PORTAL_DIST", "dist")


def test_the_flask_example_serves_the_dist_named_relative_to_the_current_directory(from_repo_root):
    app = example("flask_app").create_app(ExampleSettings.from_env())
    answer = app.test_client().get("/stigg-portal/stigg-portal.js", headers={"Accept-Encoding": "identity"})
    assert answer.status_code == 200
    assert answer.get_data() == LOADER_JS


def test_the_fastapi_example_serves_the_dist_named_relative_to_the_current_directory(from_repo_root):
    from starlette.testclient import TestClient

    app = example("fastapi_app").create_app(ExampleSettings.from_env())
    answer = TestClient(app).get("/stigg-portal/stigg-portal.js", headers={"Accept-Encoding": "identity"})
    assert answer.status_code == 200
    assert answer.content == LOADER_JS


def test_without_the_variable_the_integrations_default_applies(monkeypatch):
    monkeypatch.delenv("STIGG_PORTAL_DIST", raising=False)
    assert ExampleSettings.from_env().dist_dir is None
