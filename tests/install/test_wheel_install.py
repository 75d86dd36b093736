"""The built wheel, installed with pip in a fresh virtualenv: package data inside, and every command works.

Slow (a wheel build, a venv and a pip install: about a minute with warm caches); scripts/test.sh runs
it like every other test, ``pytest -m "not slow"`` leaves it out. ``stigg-portal build`` reuses the
download cache (``$STIGG_PORTAL_CACHE``, default ``~/.cache/stigg-portal``), so nothing is downloaded
twice.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

from stigg_portal.token import mint_customer_token

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
PACKAGE_DATA = ("widgets", "css", "examples")


@pytest.fixture(scope="module")
def progress(pytestconfig):
    """Print each long step as it starts (a minute of silence looks like a hang)."""
    capture = pytestconfig.pluginmanager.getplugin("capturemanager")
    started = time.monotonic()

    def step(message: str) -> None:
        with capture.global_and_fixture_disabled():
            print(f"\n[wheel install {time.monotonic() - started:5.1f}s] {message}", flush=True)

    return step


def run(cmd: list[str], *, env: dict[str, str] | None = None, timeout: float = 300,
        cwd: Path | None = None, stdin: str | None = None) -> str:
    result = subprocess.run(cmd, check=False, env=env, cwd=cwd, input=stdin, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, f"{' '.join(map(str, cmd))} exited {result.returncode}:\n{result.stdout}\n{result.stderr}"
    return result.stdout


@pytest.fixture(scope="module")
def wheel(tmp_path_factory, progress) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    progress("building the wheel (pip wheel . --no-deps)")
    run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--disable-pip-version-check", "-q",
         "-w", str(out)])
    (found,) = out.glob("stigg_portal-*.whl")
    return found


@pytest.fixture(scope="module")
def venv(tmp_path_factory, wheel, progress) -> dict:
    home = tmp_path_factory.mktemp("venv")
    progress("creating a fresh virtualenv")
    # ensurepip is slow on some machines; pip itself comes in with the wheel, from PyPI, instead
    run([sys.executable, "-m", "venv", "--without-pip", str(home / "venv")])
    bin_dir = home / "venv" / "bin"
    progress(f"pip install {wheel.name} (and pip; dependencies from PyPI)")
    run([sys.executable, "-m", "pip", "--python", str(bin_dir / "python"), "install", "--disable-pip-version-check",
         "-q", "--no-compile", str(wheel), "pip"])
    run([str(bin_dir / "python"), "-m", "pip", "check"])
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME")}
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    env.setdefault("STIGG_PORTAL_CACHE", str(Path.home() / ".cache" / "stigg-portal"))
    return {"bin": bin_dir, "env": env, "cwd": home}


def test_the_wheel_carries_templates_styles_and_examples(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    for folder in PACKAGE_DATA:
        shipped = {n for n in names if n.startswith(f"stigg_portal/{folder}/")}
        source = {f"stigg_portal/{folder}/{p.relative_to(ROOT / folder).as_posix()}"
                  for p in (ROOT / folder).rglob("*")
                  if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"}
        assert source and source <= shipped, f"{folder}/ missing from the wheel: {sorted(source - shipped)[:5]}"
    assert "stigg_portal/widgets/customer-portal.html" in names
    assert "stigg_portal/examples/apps/flask_app.py" in names
    assert "stigg_portal/loader/stigg-portal.js" in names
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]


def test_the_installed_package_imports_from_site_packages(venv):
    out = run([str(venv["bin"] / "python"), "-c",
               ("import stigg_portal, stigg_portal.rendering as r; print(stigg_portal.__file__); "
                "print(r._templates_dir())")], env=venv["env"], cwd=venv["cwd"])
    package_file, templates = out.split()
    assert "site-packages" in package_file and "site-packages" in templates


def test_render_prints_a_server_rendered_element(venv):
    out = run([str(venv["bin"] / "stigg-portal"), "render", "stigg-usage", "client=demo"], env=venv["env"],
              cwd=venv["cwd"])
    assert out.startswith('<stigg-usage client="demo" data-stigg-ssr="ready">')
    assert "stigg-subscription-usage-layout" in out


def test_token_mints_from_the_environment_secret(venv):
    env = {**venv["env"], "STIGG_SIGNING_SECRET": "install-test-secret"}
    out = run([str(venv["bin"] / "stigg-portal"), "token", "--customer-id", "customer-9"], env=env, cwd=venv["cwd"])
    assert out.strip() == mint_customer_token("customer-9", "install-test-secret")


@pytest.fixture(scope="module")
def built_dist(venv, progress) -> Path:
    dist = venv["cwd"] / "dist"
    progress(f"stigg-portal build (cache {venv['env']['STIGG_PORTAL_CACHE']})")
    out = run([str(venv["bin"] / "stigg-portal"), "build", "--dist", str(dist), "--snapshot", "no"],
              env=venv["env"], cwd=venv["cwd"], timeout=600)
    assert "done:" in out
    return dist


def test_build_writes_a_complete_dist(built_dist):
    for name in ("stigg-portal.js", "stigg-worker.js", "stigg-portal.css", "custom-elements.json",
                 "build-info.json"):
        assert (built_dist / name).is_file(), name
    (runtime,) = built_dist.glob("pyodide-*")
    assert (runtime / "pyodide.asm.wasm").is_file()
    assert list(runtime.glob("stigg_portal-*.whl"))
    assert (built_dist / "stigg-portal.js.br").is_file() and (built_dist / "stigg-portal.js.gz").is_file()
    assert "stigg-customer-portal" in (built_dist / "stigg-portal.js").read_text()
    assert ".stigg-" in (built_dist / "stigg-portal.css").read_text()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_demo_serves_the_examples_and_dist(venv, built_dist, progress):
    port, mock_port = free_port(), free_port()
    progress(f"stigg-portal demo --no-build on port {port}")
    process = subprocess.Popen(
        [str(venv["bin"] / "stigg-portal"), "demo", "--no-build", "--dist", str(built_dist), "--port", str(port),
         "--mock-port", str(mock_port)],
        env=venv["env"], cwd=venv["cwd"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            assert process.poll() is None, process.stdout.read()
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as page:
                    html = page.read().decode()
                break
            except OSError:
                assert time.monotonic() < deadline, "the demo did not answer within 30 s"
                time.sleep(0.2)
        assert "<stigg-customer-portal" in html
        # the pages that call the mock Stigg API are pointed at the port it really listens on
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/own-api.html", timeout=5) as page:
            own_api = page.read().decode()
        assert f'base-url="http://127.0.0.1:{mock_port}"' in own_api and ":8100" not in own_api
        with urllib.request.urlopen(f"http://127.0.0.1:{mock_port}/rest/customers/customer-demo/portal", timeout=5) as rest:
            assert rest.status == 200
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/dist/stigg-portal.js", timeout=5) as loader:
            assert loader.headers["Content-Type"] == "text/javascript"
            assert loader.headers["Access-Control-Allow-Origin"] == "*"
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_the_integrations_work_from_the_installed_package(venv):
    script = (
        "import jinja2\n"
        "from stigg_portal.integrations.jinja import install\n"
        "env = jinja2.Environment(autoescape=True)\n"
        "install(env, signing_secret='s3cr3t-install', defaults={'client': 'demo'})\n"
        "print(env.from_string(\"{{ stigg_portal_script() }}{{ stigg_portal_element('stigg-usage', customer_id='c-1') }}\").render())\n"
    )
    out = run([str(venv["bin"] / "python"), "-c", script], env=venv["env"], cwd=venv["cwd"])
    assert '<script type="module" src="/stigg-portal/stigg-portal.js"></script>' in out
    assert 'data-stigg-ssr="ready"' in out
    assert mint_customer_token("c-1", "s3cr3t-install") in out
    assert "s3cr3t-install" not in out
