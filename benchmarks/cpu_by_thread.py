"""Where the CPU of a cold load goes: every thread's CPU time on this machine, summed by process
type and thread name, over cold loads of the full portal (demo client), dist/ on another origin.

    PYTHONPATH=src .venv/bin/python benchmarks/cpu_by_thread.py DIST [N]

Reads /proc (Linux) before the navigation and once the portal shows its data, for each of N
loads (default 3) after one that is not counted, each in a fresh context of one Chromium; prints
the median wall time and, per thread kind, the CPU time per load. Unlike a Chromium trace, this
counts everything (untraced work, the network service, other processes on the machine), so it
shows whether the cores were saturated and by what. See docs/speed.md, (r).
"""

from __future__ import annotations

import collections
import os
import pathlib
import re
import statistics
import sys
import tempfile
import time

from ab import CHROMIUM, CHROMIUM_ARGS, PORTAL_PAGE, PORTAL_READY
from playwright.sync_api import sync_playwright
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
    dist = pathlib.Path(sys.argv[1])
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    root = pathlib.Path(tempfile.mkdtemp())
    server, site = ServerProcess("static", str(dist)), ServerProcess("static", str(root))
    (root / "0.html").write_text(PORTAL_PAGE.format(dist=server.url.replace("127.0.0.1", "localhost"), style=""))
    per_load: list[collections.Counter] = []
    walls = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for i in range(runs + 1):
                context = browser.new_context()
                page = context.new_page()
                before, start = cpu_ticks(), time.monotonic()
                page.goto(f"{site.url}/0.html")
                page.wait_for_selector(PORTAL_READY, timeout=60000)
                after, wall = cpu_ticks(), time.monotonic() - start
                context.close()
                time.sleep(0.5)
                if not i:
                    continue  # the servers' and the disk's warm-up
                used = collections.Counter()
                for key, (name, ticks) in after.items():
                    used[name] += ticks - before.get(key, (name, 0))[1]
                per_load.append(used)
                walls.append(wall)
            browser.close()
    finally:
        server.stop()
        site.stop()
    hz = os.sysconf("SC_CLK_TCK")
    names = {name for used in per_load for name in used}
    rows = sorted(((statistics.median(used[n] for used in per_load) * 1000 / hz, n) for n in names), reverse=True)
    total = statistics.median(sum(used.values()) for used in per_load) * 1000 / hz
    wall = statistics.median(walls) * 1000
    print(f"cold loads: {runs}; wall (navigation to data) median {wall:.0f} ms; CPU median {total:.0f} ms "
          f"({total / wall:.2f} cores of {os.cpu_count()})")
    for ms, name in rows:
        if ms >= 5:
            print(f"  {ms:6.0f} ms  {name}")


if __name__ == "__main__":
    main()
