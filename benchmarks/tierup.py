#!/usr/bin/env python3
"""What V8 compiles during one cold load of the full portal, per wasm module and tier (docs/speed.md, (y)).

    PYTHONPATH=src .venv/bin/python benchmarks/tierup.py [--dist DIST] [--log FILE]

Chromium started as in run.py's "no DevTools" rows (a fresh profile, nothing attached) with
``--js-flags=--trace-wasm-compilation-times``: V8 prints one line per compiled function (its
module's address, function index, tier, compile time, body size). Prints, per module and tier, the
number of functions, their CPU and the six most expensive; the raw trace stays in ``--log``.
V8 names a module by an address only; each is named here by the wasm file of Pyodide's folder whose
function count holds the highest index compiled under that address, when no smaller file could.
"""

from __future__ import annotations

import argparse
import os
import re
from collections import defaultdict
from contextlib import ExitStack
from pathlib import Path

from run import ROOT, Beacon, Bench, chromium_cold_load


def _leb(data: bytes, at: int) -> tuple[int, int]:
    """An unsigned LEB128 number at ``at``: (value, position after it)."""
    value = shift = 0
    while True:
        byte = data[at]
        at += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, at


def function_count(path: Path) -> int:
    """Imported plus defined functions of a wasm module (its import and function sections)."""
    data = path.read_bytes()
    at, imported, defined = 8, 0, 0
    while at < len(data):
        section, at = data[at], at + 1
        size, at = _leb(data, at)
        end = at + size
        if section == 2:  # imports: module name, field name, kind, then the kind's descriptor
            count, pos = _leb(data, at)
            for _ in range(count):
                for _name in range(2):
                    length, pos = _leb(data, pos)
                    pos += length
                kind, pos = data[pos], pos + 1
                if kind == 0:  # function: a type index
                    imported += 1
                    _, pos = _leb(data, pos)
                elif kind in (1, 2):  # table (a reference type first), memory: limits
                    pos += kind == 1
                    flags, pos = _leb(data, pos)
                    _, pos = _leb(data, pos)
                    if flags & 1:
                        _, pos = _leb(data, pos)
                elif kind == 3:  # global: value type, mutability
                    pos += 2
                else:  # tag: attribute, type index
                    pos += 1
                    _, pos = _leb(data, pos)
        elif section == 3:
            defined, _ = _leb(data, at)
        at = end
    return imported + defined


def module_names(dist: Path, highest: dict[str, int]) -> dict[str, str]:
    """V8's module address -> the dist file whose function count holds its highest compiled index."""
    counts = sorted((function_count(f), f.name[:40]) for f in dist.glob("pyodide-*/*")
                    if f.suffix in (".wasm", ".so"))  # the page loads no MicroPython
    # the modules made at run time (Emscripten's call trampolines) have a function or two: below
    # RUNTIME_MADE, an index names no file
    counts = [(RUNTIME_MADE, ""), *counts]

    def name(index: int) -> str:
        fits = [n for n, (count, _) in enumerate(counts) if count > index]
        # named only when no smaller module could hold that index too
        if fits and fits[0] > 0 and counts[fits[0] - 1][0] <= index:
            return counts[fits[0]][1]
        return f"another module (up to #{index})"

    return {address: name(index) for address, index in highest.items()}


RUNTIME_MADE = 16
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
    highest: dict[str, int] = {}
    for (address, _tier), functions in modules.items():
        highest[address] = max(highest.get(address, 0), *(i for _, i, _ in functions))
    names = module_names(dist, highest)
    print("| module | tier | functions | CPU | the most expensive (index, body, ms) |")
    print("|---|---|---|---|---|")
    cpu = {key: sum(t for t, _, _ in functions) for key, functions in modules.items()}
    for (module, tier), functions in sorted(modules.items(), key=lambda kv: -cpu[kv[0]]):
        functions.sort(reverse=True)
        top = ", ".join(f"#{i} {b / 1000:.1f} KB {t:.0f}" for t, i, b in functions[:6])
        print(f"| {names[module]} | {tier} | {len(functions)} | {cpu[(module, tier)]:.0f} ms | {top} |")
    print(f"load average {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
