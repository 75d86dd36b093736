"""The benchmark's servers, each in a process of its own (like Stigg's React portal, whose mock
serves it from its own process): the page and dist/ servers, and the mock Stigg API. In the
benchmark's own process they would share one GIL with each other and with Playwright's driver,
so a GraphQL answer would wait while dist/ streams 8 MB.

    python benchmarks/servers.py static DIR     # prints "PORT <n>", then serves DIR (brotli/gzip)
    python benchmarks/servers.py mock           # prints "PORT <n>", then runs the mock Stigg API
"""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


class ServerProcess:
    """One server in a child process: ``url``; ``stop()`` ends it (the child also ends with us)."""

    def __init__(self, *args: str, host: str = "127.0.0.1") -> None:
        self.proc = subprocess.Popen([sys.executable, __file__, *args], stdout=subprocess.PIPE, stdin=subprocess.PIPE,
                                     text=True, env={**__import__("os").environ, "PYTHONPATH": str(ROOT / "src")})
        line = self.proc.stdout.readline().split()
        if len(line) != 2 or line[0] != "PORT":
            self.proc.kill()
            raise RuntimeError(f"benchmark server {' '.join(args)} did not start")
        self.url = f"http://{host}:{line[1]}"

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.stdin.close()  # the child stops when its stdin closes
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def _main(argv: list[str]) -> int:
    if argv[:1] == ["static"] and len(argv) == 2:
        from stigg_portal.serve import Server

        server = Server(argv[1], host="127.0.0.1")
        port = server.url.rsplit(":", 1)[1]
    elif argv == ["mock"]:
        from stigg_portal.mock_api import start_mock_api

        server = start_mock_api()
        port = server.url.rsplit(":", 1)[1]
    else:
        print(__doc__, file=sys.stderr)
        return 2
    print(f"PORT {port}", flush=True)
    done = threading.Event()
    threading.Thread(target=lambda: (sys.stdin.read(), done.set()), daemon=True).start()
    done.wait()  # stdin closed: the benchmark ended (or died)
    server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
