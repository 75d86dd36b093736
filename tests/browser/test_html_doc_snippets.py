"""Every HTML snippet in README.md and docs/*.md works in Chromium, served the way the README says:
``stigg-portal serve dist --pages DIR`` with the loader at ``/stigg-portal/stigg-portal.js``.

A snippet that loads the loader from a CDN or host of yours (``https://…/stigg-portal.js``) gets the
local one at the same path; a fragment without the script tag gets the tag the README puts first.
Elements without ``api-key`` (demo data) must show real content; elements with a placeholder key or
an endpoint that does not exist here must show their error state (never a blank page, a 404 for a
file of ours, or a runtime/render error).
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit"))
from doc_snippets import ROOT, snippets

HTML = [s for s in snippets("html") if s.run]
LOADER = '<script type="module" src="/stigg-portal/stigg-portal.js"></script>'
EVENTS = ("<script>window.__errors=[];document.addEventListener('stigg-error',"
          "e=>window.__errors.push({tag:e.target.localName,code:e.detail.code,message:e.detail.message}));</script>")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def served(dist_dir, tmp_path_factory):
    """The documented command, for real: ``stigg-portal serve dist --pages pages``."""
    pages = tmp_path_factory.mktemp("pages")
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    process = subprocess.Popen([sys.executable, "-m", "stigg_portal.cli", "serve", str(dist_dir), "--pages",
                                str(pages), "--port", str(port)], env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(url + "/stigg-portal/stigg-portal.js", timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    try:
        yield pages, url
    finally:
        process.terminate()
        process.wait(timeout=10)


def _page(code: str) -> str:
    code = re.sub(r'src="https?://[^"]*/stigg-portal\.js"', 'src="/stigg-portal/stigg-portal.js"', code)
    if "stigg-portal.js" not in code:
        code = LOADER + "\n" + code
    if "<head>" in code:
        return code.replace("<head>", "<head>" + EVENTS, 1)
    return EVENTS + "\n" + code


def test_the_docs_have_html_snippets():
    assert len(HTML) >= 5
    assert any(s.path.name == "README.md" for s in HTML)


@pytest.mark.parametrize("snippet", HTML, ids=[s.id for s in HTML])
def test_html_snippet_works_in_chromium(snippet, served, page, watch):
    pages, url = served
    name = re.sub(r"\W+", "-", snippet.id) + ".html"
    (pages / name).write_text(_page(snippet.code))
    failed = []
    ours = (f"{url}/stigg-portal/", f"{url}/{name}")  # dist/ and the page (not a snippet's own endpoint)
    page.on("response", lambda r: failed.append(r.url) if r.status >= 400 and r.url.startswith(ours) else None)
    page.goto(f"{url}/{name}")
    tags = page.eval_on_selector_all("*", "els => els.map(e => e.localName).filter(n => n.startsWith('stigg-') "
                                           "&& n !== 'stigg-provider')")
    if not tags:  # just the script tag: the loader must load and define the elements
        page.wait_for_function("() => window.StiggPortal && customElements.get('stigg-customer-portal')",
                               timeout=30_000)
        assert not failed and not watch.errors, (failed, watch.errors)
        return
    page.wait_for_function(
        "() => [...document.querySelectorAll('*')].filter(e => e.localName.startsWith('stigg-') && "
        "e.localName !== 'stigg-provider').every(e => ['ready', 'error'].includes(e.dataset.stiggState))",
        timeout=90_000,
    )
    states = page.eval_on_selector_all(
        "*", "els => els.filter(e => e.localName.startsWith('stigg-') && e.localName !== 'stigg-provider')"
             ".map(e => ({tag: e.localName, state: e.dataset.stiggState, text: e.innerText.trim().length, "
             "real: !!(e.getAttribute('api-key') || e.closest('[api-key]') || e.getAttribute('client') || "
             "document.querySelector('script[data-api-key]'))}))")
    errors = page.evaluate("window.__errors")
    assert not failed, f"requests for files of ours failed: {failed}"
    for state in states:
        assert state["text"] > 0, f"{state['tag']} is blank"
        if not state["real"]:
            assert state["state"] == "ready", (state, errors)
    assert not [e for e in errors if e["code"] in {"runtime", "render", "bad-config"}], errors
    assert not watch.errors
