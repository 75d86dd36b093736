"""What the snapshot's heap trimming (docs/speed.md, lever (m)) leaves a page: after a restore,
tracebacks through the portal's own code keep their exact line numbers, library frames point at
their function's first line, a released standard-library module comes back on first use, the
package files a worker reads are still there, and bytecode the warm-up specialized was saved in
its fresh state (docs/speed.md (o)).
The check runs as a page author's plugin in the portal's worker (strict CSP, dist/ cross-origin)."""

from __future__ import annotations

import json
import traceback
from contextlib import contextmanager

import pytest
from browser_helpers import wait_ready
from test_plugins import page_html
from test_security import csp

from stigg_portal.serve import Server

PLUGIN = '''\
import json, traceback
from stigg_portal import rendering
from stigg_portal.clients import DemoClient, register

def frames(fail):
    try:
        fail()
    except Exception as exc:
        return [(f.filename.rsplit("/", 1)[-1], f.name, f.lineno) for f in traceback.extract_tb(exc.__traceback__)]

own = [f for f in frames(lambda: rendering.prepare("no-such-element", {})) if f[0] in ("rendering.py", "elements.py")]
lib = [f + ((getattr(json.decoder.JSONDecoder, f[1], None) or getattr(json, f[1])).__code__.co_firstlineno,)
       for f in frames(lambda: json.loads("{bad")) if f[0] in ("__init__.py", "decoder.py")]
import tarfile  # released from the heap: imported again
# Package files after the restore: the cached readers answer, the templates are back on disk,
# the style sheets (read by nothing in the worker) were not kept.
import os
from stigg_portal.demo_data import load_fixture
from stigg_portal.graphql import load_document
env = rendering.environment()
data = {"fixture": load_fixture("customer-trial")["customerId"], "document": load_document("GetPaywall")[:17],
        "template": "stigg-" in env.loader.get_source(env, "usage.html")[0],
        "css": os.path.exists(os.path.join(os.path.dirname(rendering.__file__), "css", "stigg-portal.css"))}
# Bytecode the warm-up specialized (a loop over every template), reset before the heap was saved:
# nothing in a page runs compile_templates again.
import dis, opcode
from stigg_portal.browser import boot
adaptive = {i.opname for i in dis.get_instructions(boot.compile_templates.__code__, adaptive=True)}
# Strings whose cached hash was forgotten before the save: lookups with strings made now still hit.
import sys
fresh = "".join(["_py", "odide"])
hashing = [fresh in sys.modules, getattr(rendering, "".join(["envir", "onment"])) is rendering.environment,
           hash("".join(["stigg-", "usage"])) == hash("stigg-usage"), "".join(["usage", ".html"]) in env.list_templates()]
print("stigg-heap-check:" + json.dumps({"own": own, "lib": lib, "tarfile": callable(tarfile.open), "data": data,
                                        "hashing": hashing,
                                        "specialized": sorted(adaptive & set(opcode._specialized_opmap)),
                                        "generic": "FOR_ITER" in adaptive}))


class HeapCheck(DemoClient):
    name = "heap-check"


register("heap-check", HeapCheck)
'''


def _own_frames() -> list[list]:
    from stigg_portal import rendering

    try:
        rendering.prepare("no-such-element", {})
    except Exception as exc:  # noqa: BLE001 - the same failure as in the page
        return [[f.filename.rsplit("/", 1)[-1], f.name, f.lineno] for f in traceback.extract_tb(exc.__traceback__)
                if f.filename.rsplit("/", 1)[-1] in ("rendering.py", "elements.py")]
    raise AssertionError("prepare() accepted an unknown element")


@contextmanager
def _restored_page_with_plugin(page, dist_server, tmp_path, plugin: str, body: str, ready: str):
    """``body`` with ``plugin`` (check.py) under the strict CSP, dist/ cross-origin, open until the
    block ends, once ``ready`` rendered from a snapshot boot (skipped without a snapshot)."""
    dist = dist_server.url
    (tmp_path / "check.py").write_text(plugin)
    (tmp_path / "index.html").write_text(page_html(dist, body, plugins="check.py"))
    policy = csp(script=f"'self' {dist}", worker=f"blob: {dist}", connect=f"'self' {dist}", style=dist)
    with Server(tmp_path, headers={"Content-Security-Policy": policy}) as server:
        page.goto(f"{server.url}/index.html")
        wait_ready(page, ready)
        if page.evaluate("StiggPortal.bootMode") != "snapshot":  # pragma: no cover
            pytest.skip("dist/ has no memory snapshot: the restore path was not exercised")
        yield server


def test_restored_heap_keeps_our_line_numbers_and_gives_back_released_modules(page, dist_server, watch,
                                                                               tmp_path):
    body = '<stigg-usage id="mine" client="heap-check" scenario="paid"></stigg-usage>'
    with _restored_page_with_plugin(page, dist_server, tmp_path, PLUGIN, body, "#mine"):
        lines = [text for _, text in watch.console if text.startswith("stigg-heap-check:")]
    assert len(lines) == 1, watch.console
    found = json.loads(lines[0].split(":", 1)[1])
    assert found["own"] == _own_frames() and len(found["own"]) == 2  # exact lines of our code
    assert len(found["lib"]) >= 2
    for _file, _name, line, first in found["lib"]:
        assert line == first  # library code: its function's first line, an int
    assert found["tarfile"] is True
    assert found["hashing"] == [True, True, True, True]
    assert found["specialized"] == [] and found["generic"] is True
    assert found["data"] == {"fixture": "customer-trial", "document": "query GetPaywall(", "template": True,
                             "css": False}
    assert watch.console_errors() == []


# Jinja's template compiler (lexer, parser, code generator) was released from the saved heap
# (docs/speed.md (o), third round): the page's elements render from the compiled cache without it,
# and a template compiled after the restore brings it back (the wheel is extracted again). The
# check runs when a second element asks its client for data, after the first one has rendered.
COMPILER_PLUGIN = '''\
import json, sys
import jinja2
from jinja2 import environment as jinja_environment
from stigg_portal.clients import DemoClient, register

COMPILER = ("jinja2.compiler", "jinja2.parser", "jinja2.lexer", "jinja2.optimizer", "jinja2.idtracking")

class CompileCheck(DemoClient):
    name = "compile-check"

    async def get_customer_portal(self):
        from stigg_portal import rendering
        before = {"loaded": sorted(m for m in COMPILER if m in sys.modules),
                  "stand_in": type(jinja_environment.Parser).__name__,
                  "skeleton": "stigg" in rendering.render_skeleton("stigg-usage")}
        env = jinja2.Environment(autoescape=True)
        html = env.from_string("{% for i in items %}<b>{{ i|upper }}</b>{% endfor %}{{ x }}").render(
            items=["a", "b"], x="<&>")
        after = {"html": html, "loaded": sorted(m for m in COMPILER if m in sys.modules),
                 "parser": type(jinja_environment.Parser).__name__,
                 "ours": "stigg-" in rendering.environment().from_string("stigg-{{ 1 + 1 }}").render()}
        print("stigg-compile-check:" + json.dumps({"before": before, "after": after}))
        return await super().get_customer_portal()

register("compile-check", CompileCheck)
'''


def test_template_compiler_released_and_a_new_template_still_compiles(page, dist_server, watch, tmp_path):
    body = '<stigg-usage id="first" scenario="paid"></stigg-usage>'
    with _restored_page_with_plugin(page, dist_server, tmp_path, COMPILER_PLUGIN, body, "#first"):
        assert not [t for _, t in watch.console if "extracted after a snapshot restore" in t], watch.console
        page.evaluate("document.body.insertAdjacentHTML('beforeend', "
                      "'<stigg-usage id=\"second\" client=\"compile-check\" scenario=\"trial\"></stigg-usage>')")
        wait_ready(page, "#second")
        lines = [text for _, text in watch.console if text.startswith("stigg-compile-check:")]
        extracted = [text for _, text in watch.console if "extracted after a snapshot restore" in text]
    assert len(lines) == 1, watch.console
    found = json.loads(lines[0].split(":", 1)[1])
    # Before: the first element rendered with real data, the compiler modules were not there.
    assert found["before"] == {"loaded": [], "stand_in": "_ReleasedName", "skeleton": True}
    # A new template compiles (its wheel is extracted again, with the console.info line).
    assert found["after"]["html"] == "<b>A</b><b>B</b>&lt;&amp;&gt;"
    assert found["after"]["loaded"] == ["jinja2.compiler", "jinja2.idtracking", "jinja2.lexer", "jinja2.optimizer",
                                        "jinja2.parser"]
    assert found["after"]["parser"] == "type" and found["after"]["ours"] is True
    assert len(extracted) == 1 and "jinja2-" in extracted[0]
    assert watch.console_errors() == []


def test_everyday_pages_need_nothing_the_heap_released(page, dist_server, mock_api, watch, worker_requests,
                                                       tmp_path):
    """What the save released (standard-library modules, Jinja's compiler, package files) is only
    for rare paths: the portal over real HTTP to the mock Stigg API, API errors (500, malformed JSON,
    401), a re-render after an attribute change and the designer's customer download neither the
    standard library nor a wheel after a restore, and say nothing about it in the console."""
    mock_api.reset()
    mock_api.fail("500", customer="customer-trial")
    mock_api.fail("malformed-json", customer="customer-custom")
    api = f'base-url="{mock_api.url}"'
    body = (f'<stigg-customer-portal id="portal" api-key="pk_test_mock" customer-id="customer-demo" {api}>'
            '</stigg-customer-portal>'
            f'<stigg-usage id="e500" api-key="pk_test_mock" customer-id="customer-trial" {api}></stigg-usage>'
            f'<stigg-usage id="bad" api-key="pk_test_mock" customer-id="customer-custom" {api}></stigg-usage>'
            f'<stigg-usage id="key" api-key="pk_wrong" customer-id="customer-demo" {api}></stigg-usage>'
            f'<stigg-paywall id="designer" api-key="pk_test_mock" customer-id="customer-designer" {api}>'
            '</stigg-paywall>')
    (tmp_path / "index.html").write_text(page_html(dist_server.url, body))
    with Server(tmp_path) as server:
        page.goto(f"{server.url}/index.html")
        wait_ready(page, "#portal")
        if page.evaluate("StiggPortal.bootMode") != "snapshot":  # pragma: no cover
            pytest.skip("dist/ has no memory snapshot: the restore path was not exercised")
        wait_ready(page, "#designer")
        for selector in ("#e500", "#bad", "#key"):
            page.wait_for_selector(f'{selector}[data-stigg-state="error"]', timeout=30_000)
        page.eval_on_selector("#portal", "e => e.setAttribute('locale', 'de-DE')")
        page.wait_for_function("document.querySelector('#portal').textContent.includes('€') || "
                               "/\\d\\.\\d{3}|\\d,\\d/.test(document.querySelector('#portal').textContent)")
        wait_ready(page, "#portal")
        page.wait_for_timeout(500)
    assert any(url.startswith(mock_api.url) for url in worker_requests)  # the requests are seen
    fetched = [url for url in worker_requests if "python_stdlib.zip" in url or url.split("?")[0].endswith(".whl")]
    assert fetched == []
    assert not [t for _, t in watch.console if "after a snapshot restore" in t], watch.console
    assert not [t for _, t in watch.console if "Traceback" in t]
