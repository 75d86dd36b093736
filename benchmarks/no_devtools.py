#!/usr/bin/env python3
"""The full portal against Stigg's React portal in Chromium with no DevTools client attached, and
the same pages under Playwright, cold and warm, all in one run (docs/speed.md, (x)).

    PYTHONPATH=src .venv/bin/python benchmarks/no_devtools.py [--runs N] [--dist DIST]

run.py measures cold loads with nothing attached too (its "no DevTools" rows, see no_devtools_runs
there); this script puts the four cases side by side. "Chromium alone": Chromium started from the
command line with run.py's arguments and nothing attached, on a fresh profile per cold load, or on
one profile per page, visited once before, for warm (a returning visitor after a browser restart).
"Playwright": the same pages in a fresh context (cold) or a persistent context loaded again (warm).
Our page: the full portal reading the mock Stigg API, as in run.py. Loopback only. Prints medians
of N (default 7) after one discarded round, and the ratios.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from run import (
    ANCHOR_HEAD,
    ROOT,
    Anchor,
    Beacon,
    Bench,
    chromium_cold_load,
    chromium_load,
    keyed,
    launch_options,
)

HARNESSES = ("Chromium alone", "Playwright")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--dist", default=str(ROOT / "dist"))
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    dist = Path(args.dist)
    with ExitStack() as stack:
        beacon = Beacon(stack)
        bench = Bench(dist, dist, stack)
        anchor = Anchor(stack, head_html=ANCHOR_HEAD + beacon.script())
        pages = {"ours": bench.page("snapshot", bench.portal_body(), head=beacon.script()), "React": anchor.url}
        pw = stack.enter_context(sync_playwright())
        browser = pw.chromium.launch(**launch_options())
        stack.callback(browser.close)
        profiles = {(h, name): tempfile.mkdtemp(prefix="stigg-bench-nodevtools-") for h in HARNESSES for name in pages}
        for folder in profiles.values():
            stack.callback(shutil.rmtree, folder, True)
        contexts = {name: pw.chromium.launch_persistent_context(profiles[("Playwright", name)], **launch_options())
                    for name in pages}
        for context in contexts.values():
            stack.callback(context.close)

        def load(harness: str, kind: str, name: str, key: str) -> Any:
            url = pages[name]
            if harness == "Chromium alone":
                if kind == "warm":
                    return chromium_load(profiles[(harness, name)], url, beacon, key)
                return chromium_cold_load(url, beacon, key)
            context = contexts[name] if kind == "warm" else browser.new_context()
            try:
                page = context.pages[0] if context.pages else context.new_page()
                page.goto(keyed(url, key), wait_until="commit")
                return beacon.wait(key)
            finally:
                if kind == "cold":
                    context.close()

        for harness in HARNESSES:  # the warm profiles' first visits
            for name in pages:
                load(harness, "warm", name, f"first-{harness[0]}-{name}")
        cells = [(h, k, n) for h in HARNESSES for k in ("cold", "warm") for n in pages]
        rows: dict[tuple[str, str, str], list[Any]] = {cell: [] for cell in cells}
        for round_ in range(args.runs + 1):
            for i, cell in enumerate(cells) if round_ % 2 == 0 else reversed(list(enumerate(cells))):
                result = load(*cell, f"{i}-{round_}")
                if result is None:
                    print(f"the page posted nothing: {cell}", flush=True)
                elif round_:
                    rows[cell].append(result)
    print("| harness | load | ours | React portal | ratio | longest task, ours / React | boot |")
    print("|---|---|---|---|---|---|---|")
    for harness in HARNESSES:
        for kind in ("cold", "warm"):
            ours, react = rows[(harness, kind, "ours")], rows[(harness, kind, "React")]
            if not ours or not react:
                continue
            a, b = (statistics.median(r["ready"] for r in x) for x in (ours, react))
            la, lb = (statistics.median(r["longest_task"] for r in x) for x in (ours, react))
            boots = ",".join(sorted({str(r["bootMode"]) for r in ours}))
            print(f"| {harness} | {kind} | {a:.0f} ms | {b:.0f} ms | {a / b:.2f}× | {la:.0f} / {lb:.0f} ms | {boots} |")
    print(f"medians of {args.runs}; load average {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
