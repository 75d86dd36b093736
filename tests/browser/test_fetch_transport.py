"""``FetchTransport`` on both hosts: through ``pyscript.fetch`` when PyScript hosts the portal's
Python (the default) and through the browser's ``fetch`` in the plain worker
(``data-runtime="worker"``). The same page on each: Stigg's client against the local mock API
with a healthy customer and the failures a user can meet (403, unknown customer, 500, a timeout,
a refused connection, a malformed body). Each ends with the same ``stigg-error`` code on both
hosts, and a timed-out request is aborted (the browser reports it cancelled), not left running.

A plugin wraps ``pyscript.fetch`` to log each call, so the test sees which path the requests took.
"""

from __future__ import annotations

import socket

import pytest
from browser_helpers import BOOT_TIMEOUT_MS

from stigg_portal.mock_api import DEFAULT_API_KEY, start_mock_api

COUNTING_PLUGIN = '''\
import sys

if "polyscript" in sys.modules:  # PyScript hosts the portal's Python (not the plain worker)
    import pyscript  # imported on first use: after a snapshot restore PyScript's start-up leaves it out

    real_fetch = pyscript.fetch

    def counted(resource, **options):
        print("pyscript.fetch called:", getattr(resource, "url", resource))
        return real_fetch(resource, **options)

    pyscript.fetch = counted
'''

EVENTS_JS = ("window.__events = []; for (const name of ['stigg-ready', 'stigg-error']) "
             "document.addEventListener(name, (e) => window.__events.push({type: e.type, id: e.target.id, "
             "code: e.detail && e.detail.code}));")


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# element id -> (customer, failure mode set on the mock for that customer, extra attributes, expected code)
CASES = {
    "ok": ("customer-demo", None, {}, None),
    "forbidden": ("c-403", ("403", {}), {}, "unauthorized"),
    "unknown": ("no-such-customer", None, {}, "not-found"),
    "down": ("demo-free", ("500", {}), {}, "network"),
    "slow": ("c-slow", ("slow", {"delay": 6}), {"timeout": "1"}, "timeout"),
    "refused": ("c-refused", None, {"base-url": f"http://127.0.0.1:{closed_port()}"}, "network"),
    "malformed": ("c-malformed", ("malformed-json", {}), {}, "bad-response"),
}


@pytest.fixture(scope="module")
def mock_api():
    api = start_mock_api()
    yield api
    api.stop()


@pytest.mark.parametrize("runtime", ["pyscript", "worker"])
def test_fetch_transport_answers_and_errors_on_both_hosts(page, site, mock_api, watch, runtime):
    mock_api.reset()
    for customer, mode, _, _ in CASES.values():
        if mode:
            mock_api.fail(mode[0], customer=customer, **mode[1])
    (site.root / "counting.py").write_text(COUNTING_PLUGIN)
    failed = []
    page.context.on("requestfailed", lambda r: failed.append((r.url, r.failure)))
    page.add_init_script(EVENTS_JS)
    elements = []
    for element_id, (customer, _, extra, _) in CASES.items():
        attrs = {"client": "stigg", "base-url": mock_api.url, "api-key": DEFAULT_API_KEY, "customer-id": customer,
                 **extra}
        elements.append(f'<stigg-usage id="{element_id}" ' + " ".join(f'{k}="{v}"' for k, v in attrs.items())
                        + "></stigg-usage>")
    script_attrs = f'data-plugins="{site.server.url}/counting.py"'
    if runtime == "worker":
        script_attrs += ' data-runtime="worker"'
    page.goto(site.page_url("".join(elements), script_attrs=script_attrs))
    page.wait_for_function(
        "() => [...document.querySelectorAll('stigg-usage')].every((e) => "
        "['ready', 'error'].includes(e.getAttribute('data-stigg-state')))", timeout=BOOT_TIMEOUT_MS)
    assert page.evaluate("StiggPortal.runtime") == runtime
    events = page.evaluate("window.__events")
    for element_id, (_, _, _, code) in CASES.items():
        mine = [e for e in events if e["id"] == element_id]
        assert mine, element_id
        if code is None:
            assert mine[-1]["type"] == "stigg-ready", (element_id, mine)
            assert "Usage" in page.inner_text(f"#{element_id}")
        else:
            assert mine[-1] == {"type": "stigg-error", "id": element_id, "code": code}, (element_id, mine)
    # which fetch carried the requests
    via_pyscript = [text for _, text in watch.console if text.startswith("pyscript.fetch called:")]
    if runtime == "pyscript":
        assert any(f"{mock_api.url}/graphql" in text for text in via_pyscript), watch.console
    else:
        assert via_pyscript == []
    # the timed-out request was aborted by the transport (the mock answers only after 6 s)
    aborted = [url for url, failure in failed if url.startswith(mock_api.url) and "ABORTED" in (failure or "")]
    assert aborted, failed
    assert watch.errors == []  # no uncaught error in the page
    # an abandoned (aborted) request leaves no trace in the worker: no unhandled-exception report,
    # and no traceback printing that would pull the standard library in after a snapshot restore
    noise = [t for _, t in watch.console if "Traceback" in t or "Unhandled" in t or "standard library fetched" in t]
    assert noise == [], noise
