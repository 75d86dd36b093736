"""What the same-run A/B scripts (pyscript_ab.py, restore_ab.py, cpu_by_thread.py) share: Chromium's
arguments and the portal's "data shown" selector (those of run.py), the full-portal page, the probe
of the boot's phases, and interleaved loads of several pages, cold (a fresh context per load) or
warm (one persistent profile per page, after a first visit)."""

from __future__ import annotations

import tempfile
import time
from typing import Any

from run import CHROMIUM_ARGS, PORTAL_READY, _cdp_network

__all__ = ["CHROMIUM", "CHROMIUM_ARGS", "PORTAL_PAGE", "PORTAL_READY", "interleaved", "phases_js"]

CHROMIUM = "/usr/bin/chromium"

#: The full portal (demo client) loading ``{dist}/stigg-portal.js``; ``{style}``: extra head markup.
PORTAL_PAGE = ('<!doctype html><html lang="en"><head><meta charset="utf-8"><title>t</title>{style}'
               '<script type="module" src="{dist}/stigg-portal.js"></script></head>'
               '<body><stigg-customer-portal client="demo" scenario="paid"></stigg-customer-portal></body></html>')

#: The boot's phases, ms after navigation: the loader's marks (names after "stigg-portal:"
#: starting with ``mark_prefix``), then the worker's StiggPortal.bootTiming.
PHASES = """Object.fromEntries([
    ...performance.getEntriesByType("mark").filter((m) => m.name.startsWith("stigg-portal:" + MARK_PREFIX))
        .map((m) => [m.name.slice(13), m.startTime]),
    ...Object.entries(StiggPortal.bootTiming).map(([k, v]) => [k, v - performance.timeOrigin])])"""


def phases_js(mark_prefix: str = "") -> str:
    return PHASES.replace("MARK_PREFIX", repr(mark_prefix))


def interleaved(pw: Any, urls: list[str], runs: int, *, warm: bool, ready: str, probe: str,
                init: str | None = None, pause_s: float = 0.0,
                network: bool = False) -> list[list[dict[str, Any]]]:
    """``runs`` loads of each of ``urls``, alternating their order every round, after one round
    that is not kept (the servers' and disk's warm-up; the first visit when warm). Each load waits
    for ``ready`` and returns ``probe``'s result (a JavaScript function). ``network``: every load
    under run.py's emulated network (NETWORK: 20 Mbit/s, 40 ms)."""
    browser = None if warm else pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    profiles = [pw.chromium.launch_persistent_context(tempfile.mkdtemp(), executable_path=CHROMIUM,
                                                      args=CHROMIUM_ARGS) for _ in urls] if warm else []
    rows: list[list[dict[str, Any]]] = [[] for _ in urls]
    try:
        for round_ in range(runs + 1):
            order = range(len(urls)) if round_ % 2 == 0 else reversed(range(len(urls)))
            for i in order:
                context = profiles[i] if warm else browser.new_context()
                if init and (not warm or round_ == 0):
                    context.add_init_script(init)
                page = context.new_page()
                _cdp_network(context, page, network)
                page.goto(urls[i])
                page.wait_for_selector(ready, timeout=60000)
                row = page.evaluate(probe)
                page.close()
                if not warm:
                    context.close()
                if round_:
                    rows[i].append(row)
                if pause_s:
                    time.sleep(pause_s)
    finally:
        for context in profiles:
            context.close()
        if browser is not None:
            browser.close()
    return rows
