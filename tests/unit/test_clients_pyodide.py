"""The data layer on the browser's Python: Pyodide (Python 3.14) in Node, ``FetchTransport`` over
real HTTP against the mock API.

Booting Pyodide in Node takes ~15 s, too slow for the unit suite: it runs only with
``STIGG_PYODIDE_TESTS=1`` (and needs ``node`` and a built ``dist/``).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from stigg_portal.mock_api import DEFAULT_API_KEY, start_mock_api

ROOT = Path(__file__).resolve().parents[2]
RUNTIMES = sorted((ROOT / "dist").glob("pyodide-*/pyodide.mjs"))

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(os.environ.get("STIGG_PYODIDE_TESTS") != "1", reason="set STIGG_PYODIDE_TESTS=1 to run"),
    pytest.mark.skipif(not (shutil.which("node") and RUNTIMES), reason="needs node and a built dist/"),
]

SCRIPT = """
import { loadPyodide } from %(module)s;
const py = await loadPyodide({ indexURL: %(index)s });
await py.loadPackage(["pydantic"]);
py.mountNodeFS("/src", %(src)s);
py.globals.set("API_URL", %(url)s);
const result = await py.runPythonAsync(`
import sys, json
sys.path.insert(0, "/src")
from stigg_portal.clients import ClientConfig, ClientError, create_client, default_transport, set_default_transport
from stigg_portal.browser.fetch_transport import FetchTransport
set_default_transport(FetchTransport)  # as the browser worker does
base = ClientConfig(api_key=%(key)s, customer_id="demo-paid", base_url=API_URL, customer_token="tok")
out = {"platform": sys.platform, "version": list(sys.version_info[:2]), "transport": type(default_transport()).__name__}
portal = await create_client(base).get_customer_portal()
out["plan"] = portal.active_subscription.plan_name
out["plans"] = len((await create_client(base).get_paywall()).plans)
out["demo"] = (await create_client(ClientConfig(scenario="trial")).get_customer_portal()).trial_subscription.plan_name
errors = []
for change in ({"api_key": "wrong"}, {"customer_id": "nobody"}, {"base_url": "http://127.0.0.1:9", "retries": 0}):
    try:
        await create_client(base.model_copy(update=change)).get_customer_portal()
    except ClientError as exc:
        errors.append(exc.code)
out["errors"] = errors
json.dumps(out)
`);
console.log(result);
"""


def test_clients_work_under_pyodide_with_fetch(tmp_path):
    runtime = RUNTIMES[-1]
    with start_mock_api() as api:
        script = tmp_path / "run.mjs"
        script.write_text(SCRIPT % {
            "module": json.dumps(runtime.as_uri()), "index": json.dumps(str(runtime.parent) + "/"),
            "src": json.dumps(str(ROOT / "src")), "url": json.dumps(api.url), "key": repr(DEFAULT_API_KEY),
        })
        done = subprocess.run(["node", str(script)], check=False, capture_output=True, text=True, timeout=120, cwd=tmp_path)
        assert done.returncode == 0, done.stderr[-2000:]
        result = json.loads(done.stdout.strip().splitlines()[-1])
        headers = {k.lower(): v for k, v in api.requests[0]["headers"].items()}
    assert result["platform"] == "emscripten" and result["version"] >= [3, 14]
    assert result["transport"] == "FetchTransport"
    assert result["plan"] == "Pro" and result["plans"] == 3 and result["demo"] == "Pro"
    assert result["errors"] == ["unauthorized", "not-found", "network"]
    assert headers["x-api-key"] == DEFAULT_API_KEY and headers["x-customer-key"] == "tok"
