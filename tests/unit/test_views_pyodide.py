"""The portal sections render byte-for-byte the same HTML on the browser's Python (Pyodide 314,
Python 3.14, in Node) as on CPython: views, texts, theme and money/date formatting included.

Booting Pyodide takes ~15 s, so this runs only with ``STIGG_PYODIDE_TESTS=1`` (needs ``node`` and a
built ``dist/``), like the data layer's Pyodide test.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from stigg_portal.clients import ClientConfig, DemoClient
from stigg_portal.demo_data import REFERENCE_NOW
from stigg_portal.rendering import render_async

ROOT = Path(__file__).resolve().parents[2]
RUNTIMES = sorted((ROOT / "dist").glob("pyodide-*/pyodide.mjs"))

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(os.environ.get("STIGG_PYODIDE_TESTS") != "1", reason="set STIGG_PYODIDE_TESTS=1 to run"),
    pytest.mark.skipif(not (shutil.which("node") and RUNTIMES), reason="needs node and a built dist/"),
]

TAGS = ["stigg-customer-portal", "stigg-subscription-overview", "stigg-usage", "stigg-addons", "stigg-promotions",
        "stigg-payment-details", "stigg-invoices"]
CASES = [
    {"scenario": "paid", "cancel-scheduled-updates": ""},
    {"scenario": "trial"},
    {"scenario": "custom-price", "contact-support": ""},
    {"scenario": "heavy-usage", "buy-more": "", "locale": "fr-FR"},
    {"scenario": "eur-annual", "locale": "de-DE", "theme": '{"palette": {"primary": "#7c3aed"}}'},
    {"scenario": "unit-amount-change", "locale": "ja-JP", "texts": '{"manageSubscription": "Plan"}'},
    {"scenario": "canceled"},
]

RENDER = """
import asyncio, json, sys
from datetime import datetime
sys.path.insert(0, "/repo/src")
from stigg_portal.clients import ClientConfig, DemoClient
from stigg_portal.rendering import render_async
NOW = datetime.fromisoformat(%(now)s)
async def main():
    out = []
    for tag in %(tags)s:
        for case in %(cases)s:
            client = DemoClient(ClientConfig(scenario=case["scenario"]), now=NOW)
            result = await render_async(tag, {"client": "demo", **case}, client=client, now=NOW)
            out.append([result.html, result.style])
    return json.dumps({"version": list(sys.version_info[:2]), "platform": sys.platform, "renders": out})
await main()
"""

SCRIPT = """
import { loadPyodide } from %(module)s;
const py = await loadPyodide({ indexURL: %(index)s });
await py.loadPackage(["pydantic", "jinja2", "markupsafe"]);
py.mountNodeFS("/repo", %(root)s);
console.log(await py.runPythonAsync(%(code)s));
"""


def test_sections_render_the_same_html_under_pyodide(tmp_path):
    runtime = RUNTIMES[-1]
    code = RENDER % {"now": repr(REFERENCE_NOW.isoformat()), "tags": repr(TAGS), "cases": repr(CASES)}
    script = tmp_path / "run.mjs"
    script.write_text(SCRIPT % {
        "module": json.dumps(runtime.as_uri()), "index": json.dumps(str(runtime.parent) + "/"),
        "root": json.dumps(str(ROOT)), "code": json.dumps(code),
    })
    done = subprocess.run(["node", str(script)], check=False, capture_output=True, text=True, timeout=180,
                          cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    browser = json.loads(done.stdout.strip().splitlines()[-1])
    assert browser["platform"] == "emscripten" and browser["version"] >= [3, 14]

    async def cpython() -> list[list]:
        out = []
        for tag in TAGS:
            for case in CASES:
                client = DemoClient(ClientConfig(scenario=case["scenario"]), now=REFERENCE_NOW)
                result = await render_async(tag, {"client": "demo", **case}, client=client, now=REFERENCE_NOW)
                out.append([result.html, result.style])
        return out

    expected = asyncio.run(cpython())
    assert len(browser["renders"]) == len(expected)
    for (html, style), (want_html, want_style) in zip(browser["renders"], expected, strict=True):
        assert style == want_style
        assert html == want_html
