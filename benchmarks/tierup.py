#!/usr/bin/env python3
"""What V8 compiles during one cold load of the full portal, per wasm module and tier (docs/speed.md, (y)).

    PYTHONPATH=src .venv/bin/python benchmarks/tierup.py [--dist DIST] [--log FILE]

Chromium started as in run.py's "no DevTools" rows (a fresh profile, nothing attached) with
``--js-flags=--trace-wasm-compilation-times``: V8 prints one line per compiled function (its
module, index, tier, compile time, body size). Prints, per module and tier, the number of
functions, their CPU and the six most expensive; the raw trace stays in ``--log``.
"""

from __future__ import annotations

import argparse
import os
import re
from collections import defaultdict
from contextlib import ExitStack
from pathlib import Path

from run import ROOT, Beacon, Bench, chromium_cold_load

LINE = re.compile(r"Compiled function (0x[0-9a-f]+)#(\d+) using (\w+), took (\d+) μs.*?bodysize (\d+)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dist", default=str(ROOT / "dist"))
    parser.add_argument("--log", default=str(ROOT / "build" / "tierup.log"))
    args = parser.parse_args()
    log = Path(args.log)
    log.parent.mkdir(parents=True, exist_ok=True)
    dist = Path(args.dist)
    with ExitStack() as stack, log.open("w") as out:
        beacon = Beacon(stack)
        bench = Bench(dist, dist, stack)
        url = bench.page("snapshot", bench.portal_body(), head=beacon.script())
        result = chromium_cold_load(url, beacon, "tierup", extra_args=["--js-flags=--trace-wasm-compilation-times"],
                                    output=out, settle_s=0.5)  # 0.5 s: the compiles still running
    if result is None:
        print("the page posted nothing")
        return 1
    print(f"data shown at {result['ready']:.0f} ms ({result.get('bootMode')} boot); trace in {log}")
    modules: dict[tuple[str, str], list[tuple[float, int, int]]] = defaultdict(list)
    for m in LINE.finditer(log.read_text(errors="replace")):
        modules[(m[1], m[3])].append((int(m[4]) / 1000, int(m[2]), int(m[5])))
    print("| module | tier | functions | CPU | the most expensive (index, body, ms) |")
    print("|---|---|---|---|---|")
    cpu = {key: sum(t for t, _, _ in functions) for key, functions in modules.items()}
    for (module, tier), functions in sorted(modules.items(), key=lambda kv: -cpu[kv[0]]):
        functions.sort(reverse=True)
        top = ", ".join(f"#{i} {b / 1000:.1f} KB {t:.0f}" for t, i, b in functions[:6])
        print(f"| {module} | {tier} | {len(functions)} | {cpu[(module, tier)]:.0f} ms | {top} |")
    print(f"load average {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
