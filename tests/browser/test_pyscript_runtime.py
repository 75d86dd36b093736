"""PyScript hosts the portal's Python: dist/ ships @pyscript/core, the loader starts a PyWorker
whose interpreter module is stigg-worker.js (snapshot boot, plain boot as its fallback), and the
plain module worker takes over when PyScript cannot start (here: a CSP without blob: workers)."""

from __future__ import annotations

from pathlib import Path

import pytest
from browser_helpers import wait_ready

from stigg_portal.serve import Server

USAGE = '<stigg-usage client="demo" scenario="paid"></stigg-usage>'
# A page author's plugin using PyScript's package in the portal's worker.
PYSCRIPT_PLUGIN = """\
import pyscript

print("pyscript in the plugin:", pyscript.RUNNING_IN_WORKER, callable(pyscript.fetch), callable(pyscript.when))
"""


def boot(page) -> dict:
    return page.evaluate("({runtime: StiggPortal.runtime, boot: StiggPortal.bootMode})")


def test_dist_ships_pyscript_core_only(dist_dir):
    files = sorted(p.name for p in (dist_dir / "pyscript").iterdir())
    assert "core.js" in files
    assert any(name.startswith("core-") for name in files)
    # editor, terminal and TOML helpers PyScript loads lazily are left out
    assert not [name for name in files if name.startswith(("codemirror", "xterm", "toml", "zip"))], files
    assert (dist_dir / "stigg-pyscript.py").read_text().count("pyscript_host") == 2
    # its six plugins are cut at build time (the portal uses none): their chunks are not shipped
    assert files == sorted(["core.js", *[name for name in files if name.startswith("core-")]]), files
    # the snapshot maker's copy of PyScript's Python package does not stay in dist/
    assert not list(dist_dir.rglob("stigg-pyscript-python.json"))


def test_snapshot_boot_runs_under_pyscript(page, site, watch, dist_dir):
    if not list((dist_dir / "pyodide-314.0.7").glob("snapshot-*.bin")):
        pytest.skip("this dist/ has no memory snapshot")
    page.goto(site.page_url(USAGE))
    wait_ready(page, "stigg-usage")
    assert boot(page) == {"runtime": "pyscript", "boot": "snapshot"}
    assert page.locator("stigg-usage [role=progressbar]").count() >= 1
    assert watch.console_errors() == []
    # PyScript came from dist/ (offline, no CDN)
    assert watch.origins() <= {site.server.url, site.dist_url}, watch.origins()
    assert [url for url in watch.requests if url.startswith(site.dist_url + "/pyscript/core")]
    # no plugin chunk is fetched before <py-script> is defined
    pyscript_files = {url.split("?")[0].rsplit("/", 1)[1] for url in watch.requests if "/pyscript/" in url}
    assert all(name == "core.js" or name.startswith("core-") for name in pyscript_files), pyscript_files
    # PyScript's own `import pyscript` after the restore needs nothing from the standard library
    # that is not in the heap (its package and imports are precompiled into the snapshot)
    assert not [url for url in watch.requests if "python_stdlib.zip" in url]


@pytest.fixture(scope="module")
def plain_dist(tmp_path_factory) -> Path:
    from stigg_portal.build import build

    out = tmp_path_factory.mktemp("dist-plain")
    build(out, compress=False, snapshot=False)
    return out


def test_plain_boot_runs_under_pyscript(page, site, watch, plain_dist):
    (site.root / "uses-pyscript.py").write_text(PYSCRIPT_PLUGIN)
    with Server(plain_dist) as server:
        url = server.url.replace("127.0.0.1", "localhost")
        page.goto(type(site)(site.root, site.server, url).page_url(
            USAGE, script_attrs=f'data-plugins="{site.server.url}/uses-pyscript.py"'))
        wait_ready(page, "stigg-usage")
        assert boot(page) == {"runtime": "pyscript", "boot": "plain"}
        assert "Usage" in page.locator("stigg-usage").inner_text()
        assert watch.console_errors() == []
        # no snapshot, no precompiled package: PyScript writes and imports its files as usual
        timing = page.evaluate("StiggPortal.bootTiming")
        assert "pyscriptDeferred" not in timing and "pyscriptExports" not in timing
        lines = [text for _, text in watch.console if text.startswith("pyscript ")]
        assert lines == ["pyscript in the plugin: True True True"], lines


def test_pyscript_package_is_imported_on_first_use_after_a_restore(page, site, watch, dist_dir):
    if not list((dist_dir / "pyodide-314.0.7").glob("snapshot-*.bin")):
        pytest.skip("this dist/ has no memory snapshot")
    (site.root / "uses-pyscript.py").write_text(PYSCRIPT_PLUGIN)
    page.goto(site.page_url(USAGE, script_attrs=f'data-plugins="{site.server.url}/uses-pyscript.py"'))
    wait_ready(page, "stigg-usage")
    assert boot(page) == {"runtime": "pyscript", "boot": "snapshot"}
    # PyScript's start-up left its package out (no files written, no import) ...
    timing = page.evaluate("StiggPortal.bootTiming")
    assert "pyscriptDeferred" in timing
    # ... and, once the main script had run, its Python line collecting `__export__` (set from
    # JavaScript instead: our script exports nothing)
    assert timing["pyscriptExports"] >= timing["hostMain"]
    lines = [text for _, text in watch.console if text.startswith("pyscript ")]
    # ... and a plugin still imports and uses it (from the code precompiled into the snapshot; here
    # FetchTransport already imported it on first use, to fetch the plugin with pyscript.fetch)
    assert lines == ["pyscript in the plugin: True True True"], lines
    assert not [url for url in watch.requests if "python_stdlib.zip" in url]
    assert "Usage" in page.locator("stigg-usage").inner_text()
    assert watch.console_errors() == []


def test_a_page_without_pyscript_plugins_gets_no_pyscript_console_noise(page, site, watch, dist_dir):
    page.goto(site.page_url(USAGE))
    wait_ready(page, "stigg-usage")
    page.evaluate("StiggPortal.refresh()")  # more messages to the worker after the boot
    wait_ready(page, "stigg-usage")
    assert boot(page)["runtime"] == "pyscript"
    # neither PyScript's SharedArrayBuffer warning (its package is not imported at start-up) nor
    # a console line per message the page posts (PyScript's default xworker.onmessage)
    noise = [text for _, text in watch.console if "SharedArrayBuffer" in text or "MessageEvent" in text]
    assert noise == [], noise


def test_loader_preloads_pyscripts_modules_from_dist(page, site, watch, dist_dir):
    page.goto(site.page_url(USAGE))
    wait_ready(page, "stigg-usage")
    assert boot(page)["runtime"] == "pyscript"
    links = page.evaluate("[...document.querySelectorAll('link[rel=modulepreload]')].map((l) => l.href)")
    chunk = [p.name for p in (dist_dir / "pyscript").glob("core-*.js")]
    assert sorted(links) == sorted(f"{site.dist_url}/pyscript/{name}" for name in ["core.js", *chunk]), links
    for href in links:  # files of this dist/, each fetched once (the import used the preload)
        assert (dist_dir / href.removeprefix(site.dist_url + "/")).is_file(), href
        assert watch.requests.count(href) == 1, (href, watch.requests)
    # a page whose elements come later (and the plain worker) preloads nothing at once
    page.goto(site.page_url(""))
    page.wait_for_function("window.StiggPortal && window.StiggPortal.scriptUrl")
    assert page.evaluate("document.querySelectorAll('link[rel=modulepreload]').length") == 0
    page.goto(site.page_url(USAGE, script_attrs='data-runtime="worker"'))
    wait_ready(page, "stigg-usage")
    assert page.evaluate("document.querySelectorAll('link[rel=modulepreload]').length") == 0


def test_data_runtime_worker_uses_the_plain_worker(page, site, watch):
    page.goto(site.page_url(USAGE, script_attrs='data-runtime="worker"'))
    wait_ready(page, "stigg-usage")
    assert boot(page)["runtime"] == "worker"
    assert not [url for url in watch.requests if "/pyscript/" in url]  # PyScript not even fetched
    assert watch.console_errors() == []


def test_csp_without_blob_workers_falls_back_to_the_plain_worker(browser, tmp_path, dist_dir):
    policy = ("default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; "
              "connect-src 'self'; style-src 'self'; font-src 'self'; img-src 'self' data:")
    (tmp_path / "index.html").write_text(
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>t</title>'
        '<script type="module" src="/dist/stigg-portal.js"></script></head>'
        f'<body>{USAGE}</body></html>')
    with Server(tmp_path, headers={"Content-Security-Policy": policy}, mounts={"dist": dist_dir}) as server:
        context = browser.new_context()
        page = context.new_page()
        lines = []
        page.on("console", lambda m: lines.append(m.text))
        page.goto(f"{server.url}/index.html")
        wait_ready(page, "stigg-usage")
        assert boot(page)["runtime"] == "worker"
        assert any("PyScript did not start" in line and "plain worker" in line for line in lines), lines
        context.close()


def _runtime_requests(watch) -> dict[str, int]:
    counts: dict[str, int] = {}
    for url in watch.requests:
        name = url.split("?")[0].rsplit("/", 1)[-1]
        if name == "pyodide.asm.wasm" or name.startswith(("snapshot-", "dynlib-")):
            counts[name] = counts.get(name, 0) + 1
    return counts


def test_page_hands_compiled_wasm_and_snapshot_to_the_pyscript_worker(page, site, watch, dist_dir):
    folder = dist_dir / "pyodide-314.0.7"
    if not list(folder.glob("snapshot-*.bin")):
        pytest.skip("this dist/ has no memory snapshot")
    page.goto(site.page_url(USAGE))
    wait_ready(page, "stigg-usage")
    assert boot(page) == {"runtime": "pyscript", "boot": "snapshot"}
    timing = page.evaluate("StiggPortal.bootTiming")
    # the worker used the page's compiled wasm and snapshot bytes ...
    assert "wasmHanded" in timing and "snapshotHanded" in timing, timing
    # ... and downloaded none of them again: each runtime file is requested once
    expected = {"pyodide.asm.wasm"} | {p.name for p in folder.glob("snapshot-*.bin")}
    expected |= {p.name for p in folder.glob("dynlib-*.so")}
    assert _runtime_requests(watch) == {name: 1 for name in expected}
    assert page.locator("stigg-usage [role=progressbar]").count() >= 1
    assert watch.console_errors() == []


def test_a_bad_head_start_falls_back_to_the_workers_own_downloads(page, site, watch, dist_dir):
    if not list((dist_dir / "pyodide-314.0.7").glob("snapshot-*.bin")):
        pytest.skip("this dist/ has no memory snapshot")
    seen: dict[str, int] = {}

    def first_one_broken(route):
        name = route.request.url.split("?")[0].rsplit("/", 1)[-1]
        seen[name] = seen.get(name, 0) + 1
        if seen[name] > 1:
            return route.continue_()
        if name == "pyodide.asm.wasm":  # the page's compile fails: it sends null
            return route.fulfill(body=b"not wasm at all", content_type="application/wasm")
        # the page hands over bytes that fail the worker's checks
        return route.fulfill(body=bytes([7]) * 4096, content_type="application/octet-stream")

    page.context.route("**/pyodide.asm.wasm", first_one_broken)
    page.context.route("**/snapshot-*.bin", first_one_broken)
    page.goto(site.page_url(USAGE))
    wait_ready(page, "stigg-usage")
    assert boot(page) == {"runtime": "pyscript", "boot": "snapshot"}  # the worker's own downloads
    timing = page.evaluate("StiggPortal.bootTiming")
    assert "wasmHanded" not in timing and "snapshotHanded" not in timing, timing
    assert seen["pyodide.asm.wasm"] == 2 and max(v for k, v in seen.items() if k.startswith("snapshot-")) == 2, seen
    assert [text for _, text in watch.console if "the page's snapshot not used" in text], watch.console
    assert "Usage" in page.locator("stigg-usage").inner_text()
    assert watch.console_errors() == []


def test_first_render_request_is_queued_in_the_worker_before_ready(page, site, watch, dist_dir):
    """The loader sends its messages from PyScript's "host-alive" on (not from "ready"): the first
    render request waits in the worker, which handles it right after saying "ready" (no round trip
    through the page between Python being up and the first render)."""
    page.goto(site.page_url(USAGE))
    wait_ready(page, "stigg-usage")
    assert boot(page)["runtime"] == "pyscript"
    timing = page.evaluate("StiggPortal.bootTiming")
    assert "firstMessage" in timing, timing
    assert timing["firstMessage"] <= timing["ready"], timing
    assert "Usage" in page.locator("stigg-usage").inner_text()
    assert watch.console_errors() == []


def test_pyscript_worker_failing_after_host_alive_hands_its_messages_to_the_plain_worker(page, site, dist_dir):
    """Messages already sent to PyScript's worker (after "host-alive") are sent again to the plain
    worker when PyScript's worker fails before "ready": the element still renders."""
    held = []

    def hold_first(route):  # the worker's side module: the boot waits on it (after "host-alive")
        if not held:
            held.append(route)
        else:
            route.continue_()

    page.context.route("**/dynlib-*.so", hold_first)
    if not list((dist_dir / "pyodide-314.0.7").glob("dynlib-*.so")):
        page.context.route("**/pyodide.asm.mjs", hold_first)  # a build without side modules
    lines = []
    page.on("console", lambda m: lines.append(m.text))
    page.goto(site.page_url(USAGE))
    for _ in range(200):
        if held:
            break
        page.wait_for_timeout(50)
    assert held, "the PyScript worker never asked for its runtime files"
    page.wait_for_timeout(300)  # the page has handled "host-alive" and sent the render request
    workers = [w for w in page.workers if w.url.startswith("blob:")]
    assert workers, [w.url for w in page.workers]
    workers[0].evaluate("setTimeout(() => { throw new Error('PyScript worker crashed (test)'); })")
    page.wait_for_timeout(200)
    held[0].continue_()
    wait_ready(page, "stigg-usage")
    assert boot(page)["runtime"] == "worker"
    assert any("PyScript did not start" in line and "plain worker" in line for line in lines), lines
    assert "Usage" in page.locator("stigg-usage").inner_text()
