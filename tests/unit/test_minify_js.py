"""build.minify_js / minify_entry: Pyodide's glue, our loader and worker minified by esbuild
(docs/speed.md (o), (ab)), or shipped unchanged."""

from __future__ import annotations

import subprocess

import pytest

from stigg_portal import build, snapshot

SOURCE = (b"async function createModule(options = {}) {\n  var longLocalName = options.value ?? 41;\n"
          b"  const result = { answer: longLocalName + 1 };\n  return result;\n}\nexport default createModule;\n")


def test_without_node_the_file_ships_unchanged_with_a_warning(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("STIGG_PORTAL_CACHE", str(tmp_path))
    monkeypatch.setattr(snapshot, "find_node", lambda: (None, "no Node.js found"))
    assert build.minify_js(SOURCE, "glue.mjs") == SOURCE
    assert "glue.mjs shipped as it is, not minified (no Node.js found)" in capsys.readouterr().out
    # our entry points too, and then without a source map
    assert build.minify_entry("var a = 1;\n", "stigg-portal.js", module=False) == ("var a = 1;\n", None)
    assert "stigg-portal.js shipped as it is, not minified (no Node.js found)" in capsys.readouterr().out


def test_minify_off_ships_the_entry_points_readable(tmp_path, monkeypatch):
    monkeypatch.setenv("STIGG_PORTAL_CACHE", str(tmp_path))
    monkeypatch.setenv("STIGG_PORTAL_MINIFY", "0")
    monkeypatch.setattr(snapshot, "find_node", lambda: pytest.fail("esbuild must not run"))
    assert build.minify_entry("var a = 1;\n", "stigg-worker.js", module=True) == ("var a = 1;\n", None)


def test_minified_module_is_smaller_and_answers_the_same(tmp_path):
    node, _ = snapshot.find_node()
    if node is None or not (build.cache_dir() / "npm" / f"{build.pins.ESBUILD_WASM_NPM.replace('@', '-')}.tgz").exists():
        pytest.skip("needs Node and the esbuild-wasm tarball (a build with --snapshot downloads it)")
    out = build.minify_js(SOURCE, "glue-test.mjs")
    assert len(out) < len(SOURCE) and b"longLocalName" not in out
    for name, data in (("a.mjs", SOURCE), ("b.mjs", out)):
        (tmp_path / name).write_bytes(data)
    run = ("import(process.argv[1]).then(async (m) => console.log(JSON.stringify(await m.default({value: 1}))))")
    answers = [subprocess.run([node, "-e", run, str(tmp_path / name)], capture_output=True, text=True, check=True).stdout
               for name in ("a.mjs", "b.mjs")]
    assert answers[0] == answers[1] == '{"answer":2}\n'
