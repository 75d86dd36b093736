"""Where the CPU of a cold load goes: every thread's CPU time on this machine, summed by process
type and thread name, over cold loads of the full portal (demo client), dist/ on another origin.

    PYTHONPATH=src .venv/bin/python benchmarks/cpu_by_thread.py DIST [N] [--anchor] [--js-flags=F]

Reads /proc (Linux) before the navigation and once the portal shows its data, for each of N
loads (default 3) after one that is not counted, each in a fresh context of one Chromium; prints
the median wall time and, per thread kind, the CPU time per load. Unlike a Chromium trace, this
counts everything (untraced work, the network service, other processes on the machine), so it
shows whether the cores were saturated and by what. ``--anchor`` measures Stigg's React portal
(run.py's build of ../shared/anchor-react-portal) in the same run, loads interleaved, and prints
both side by side. ``--js-flags=F`` passes V8 flags to Chromium, for measuring what a browser
setting would change (no page can set them), e.g. ``--js-flags=--wasm-tiering-budget=1000000000``
(no TurboFan tier-up of wasm). See docs/speed.md, (r) and (s).
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import os
import pathlib
import re
import statistics
import tempfile
import time

from ab import CHROMIUM, CHROMIUM_ARGS, PORTAL_PAGE, PORTAL_READY
from playwright.sync_api import sync_playwright
from run import ANCHOR_CONFIG, Anchor
from servers import ServerProcess


def _kind(pid: str) -> str:
    comm = pathlib.Path(f"/proc/{pid}/comm").read_text().strip()
    if comm != "chromium":
        return comm
    cmdline = pathlib.Path(f"/proc/{pid}/cmdline").read_text()
    kind = re.search(r"--type=([a-z-]+)", cmdline)
    sub = re.search(r"--utility-sub-type=([\w.]+)", cmdline)
    return "chromium " + (kind.group(1) if kind else "browser") + (f" ({sub.group(1).split('.')[-1]})" if sub else "")


def cpu_ticks() -> dict[tuple[str, str], tuple[str, int]]:
    """(pid, tid) -> ("process kind / thread name", user + system clock ticks)."""
    out = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            kind = _kind(pid)
            for tid in os.listdir(f"/proc/{pid}/task"):
                stat = pathlib.Path(f"/proc/{pid}/task/{tid}/stat").read_text()
                name = stat[stat.index("(") + 1:stat.rindex(")")]
                fields = stat[stat.rindex(")") + 2:].split()
                out[(pid, tid)] = (f"{kind} / {name}", int(fields[11]) + int(fields[12]))
        except (OSError, ValueError):
            continue  # gone meanwhile
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dist", type=pathlib.Path)
    parser.add_argument("runs", type=int, nargs="?", default=3)
    parser.add_argument("--anchor", action="store_true", help="Stigg's React portal too, in the same run")
    parser.add_argument("--js-flags", default="", help="V8 flags for Chromium (measurement only)")
    args = parser.parse_args()
    root = pathlib.Path(tempfile.mkdtemp())
    pages = {}  # name -> (url, selector that shows data)
    hz = os.sysconf("SC_CLK_TCK")
    with contextlib.ExitStack() as stack:
        server, site = ServerProcess("static", str(args.dist)), ServerProcess("static", str(root))
        stack.callback(server.stop)
        stack.callback(site.stop)
        (root / "0.html").write_text(PORTAL_PAGE.format(dist=server.url.replace("127.0.0.1", "localhost"), style=""))
        pages["ours"] = (f"{site.url}/0.html", PORTAL_READY)
        if args.anchor:
            anchor = Anchor(stack)
            pages["React portal"] = (anchor.url, ANCHOR_CONFIG["readyText"][0])
        per_load: dict[str, list[collections.Counter]] = {name: [] for name in pages}
        walls: dict[str, list[float]] = {name: [] for name in pages}
        flags = [f"--js-flags={args.js_flags}"] if args.js_flags else []
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS + flags)
            for i in range(args.runs + 1):
                for name in list(pages)[:: 1 if i % 2 else -1]:
                    url, ready = pages[name]
                    context = browser.new_context()
                    page = context.new_page()
                    before, start = cpu_ticks(), time.monotonic()
                    page.goto(url)
                    page.wait_for_selector(ready, timeout=60000)
                    after, wall = cpu_ticks(), time.monotonic() - start
                    context.close()
                    time.sleep(0.5)
                    if not i:
                        continue  # the servers' and the disk's warm-up
                    used = collections.Counter()
                    for key, (thread, ticks) in after.items():
                        used[thread] += ticks - before.get(key, (thread, 0))[1]
                    per_load[name].append(used)
                    walls[name].append(wall)
            browser.close()

    def ms(loads: list[collections.Counter], thread: str | None = None) -> float:
        return statistics.median(used[thread] if thread else sum(used.values()) for used in loads) * 1000 / hz

    threads = {thread for loads in per_load.values() for used in loads for thread in used}
    first = next(iter(pages))
    rows = sorted(threads, key=lambda t: -ms(per_load[first], t))
    print(f"cold loads: {args.runs} each{'; ' + args.js_flags if args.js_flags else ''}; "
          "CPU time per load (median), ms")
    print("| | " + " | ".join(pages) + " |")
    print("|---|" + "---:|" * len(pages))
    print("| wall (navigation to data) | " + " | ".join(f"{statistics.median(walls[n]) * 1000:.0f}" for n in pages) + " |")
    print("| CPU, all threads | " + " | ".join(
        f"{ms(per_load[n]):.0f} ({ms(per_load[n]) / statistics.median(walls[n]) / 1000:.2f} cores of {os.cpu_count()})"
        for n in pages) + " |")
    for thread in rows:
        values = [ms(per_load[n], thread) for n in pages]
        if max(values) >= 5:
            print(f"| {thread} | " + " | ".join(f"{v:.0f}" for v in values) + " |")


if __name__ == "__main__":
    main()
