"""PyScript's Python package precompiled for the snapshot (stigg_portal.browser.pyscript_host):
the import after a restore runs code objects from the heap, not the files PyScript writes."""

from __future__ import annotations

import json
import sys
import tarfile

import pytest

from stigg_portal.browser import pyscript_host

FAKE = {
    "pyscript/__init__.py": "from pyscript.util import answer\nimport colorsys\n",
    "pyscript/util.py": "import js\n\ndef answer():\n    return 42\n",
}


@pytest.fixture
def clean_modules():
    before_path = list(sys.meta_path)
    yield
    sys.meta_path[:] = before_path
    for name in [n for n in sys.modules if n == "pyscript" or n.startswith("pyscript.")]:
        del sys.modules[name]


def test_imports_come_from_the_code_objects_not_the_files(tmp_path, clean_modules, monkeypatch, capsys):
    sys.modules.pop("colorsys", None)
    names = pyscript_host.precompile(json.dumps(FAKE), str(tmp_path))
    assert names == ["pyscript", "pyscript.util"]
    # the standard-library import the package makes is done now (at snapshot time) ...
    assert "colorsys" in sys.modules
    # ... host-only modules (PyScript's JavaScript modules, absent here) are not tried
    assert "not done" not in capsys.readouterr().err
    # no file exists, yet the import works; `js` exists only in the worker: stand one in, as
    # PyScript's worker sees it (our interpreter module set self.stiggPortalHost)
    js = type(sys)("js")
    js.stiggPortalHost = object()
    monkeypatch.setitem(sys.modules, "js", js)
    monkeypatch.setattr(pyscript_host, "_HOSTED", [])
    import pyscript  # type: ignore[import-not-found]

    assert pyscript.answer() == 42
    assert pyscript.__file__ == str(tmp_path / "pyscript" / "__init__.py")
    assert type(pyscript.__spec__.loader).__name__ == "_PrecompiledPyScript"
    assert pyscript.__path__ == [str(tmp_path / "pyscript")]


def test_the_plain_worker_does_not_get_pyscript_from_the_snapshot(tmp_path, clean_modules, monkeypatch):
    # Without PyScript (data-runtime="worker", or the fallback) the package's JavaScript modules are
    # missing: `import pyscript` fails as a ModuleNotFoundError for pyscript itself, which the
    # worker turns into its "only under PyScript" hint, instead of a failure deep inside it.
    pyscript_host.precompile(json.dumps(FAKE), str(tmp_path))
    monkeypatch.setitem(sys.modules, "js", type(sys)("js"))  # no stiggPortalHost: the plain worker
    monkeypatch.setattr(pyscript_host, "_HOSTED", [])
    with pytest.raises(ModuleNotFoundError) as error:
        import pyscript  # type: ignore[import-not-found]  # noqa: F401
    assert error.value.name == "pyscript"


def test_precompile_twice_keeps_one_finder(tmp_path, clean_modules):
    pyscript_host.precompile(json.dumps(FAKE), str(tmp_path))
    pyscript_host.precompile(json.dumps(FAKE), str(tmp_path))
    assert sum(type(f).__name__ == "_PrecompiledPyScript" for f in sys.meta_path) == 1


def test_pyscripts_real_package_compiles(tmp_path, clean_modules):
    from stigg_portal import pins
    from stigg_portal.build import fetch_npm

    try:
        tarball = fetch_npm(pins.PYSCRIPT_NPM)
    except RuntimeError as exc:  # offline machine without the cached tarball
        pytest.skip(str(exc))
    with tarfile.open(tarball) as tar:
        sources = {m.name.removeprefix("package/src/stdlib/"): tar.extractfile(m).read().decode()
                   for m in tar.getmembers()
                   if m.isfile() and m.name.startswith("package/src/stdlib/pyscript/") and m.name.endswith(".py")}
    names = pyscript_host.precompile(json.dumps(sources), str(tmp_path))
    assert "pyscript" in names and "pyscript.context" in names and "pyscript.fetch" in names
