"""After a snapshot restore the standard library zip on the file system is empty until a module
not in the heap is imported (stigg_portal.browser.boot._install_stdlib_fallback): every import
from it, a submodule of an already imported package included, must fetch the real zip first."""

from __future__ import annotations

import importlib
import sys
import zipfile

import pytest

from stigg_portal.browser import boot

EMPTY_ZIP = bytes([0x50, 0x4B, 5, 6]) + bytes(18)


@pytest.fixture
def restored_zip(tmp_path, monkeypatch):
    """A zip on sys.path whose package ``lzpkg`` was imported, then emptied (as after a restore)."""
    archive = tmp_path / "python_stdlib_test.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("lzpkg/__init__.py", "NAME = 'pkg'\n")
        zf.writestr("lzpkg/sub.py", "VALUE = 42\n")
        zf.writestr("lzmod.py", "VALUE = 7\n")
    real = archive.read_bytes()
    monkeypatch.syspath_prepend(str(archive))
    import zipimport

    saved = zipimport._get_data, zipimport._read_directory
    importlib.invalidate_caches()
    import lzpkg  # noqa: F401  (imported "before the snapshot")

    archive.write_bytes(EMPTY_ZIP)
    fetched = []
    monkeypatch.setattr(boot, "_fetch_sync", lambda url: fetched.append(url) or real)
    monkeypatch.setattr(boot, "_report", lambda message: None)
    yield fetched
    zipimport._get_data, zipimport._read_directory = saved
    for name in ("lzpkg", "lzpkg.sub", "lzmod"):
        sys.modules.pop(name, None)
    sys.path_importer_cache.pop(str(archive), None)
    sys.path_importer_cache.pop(str(archive / "lzpkg"), None)


def test_submodule_of_an_imported_package_fetches_the_zip(restored_zip):
    boot._install_stdlib_fallback("https://cdn.example/pyodide/")
    import lzpkg.sub

    assert lzpkg.sub.VALUE == 42
    assert restored_zip == ["https://cdn.example/pyodide/python_stdlib.zip"]


def test_new_top_level_module_fetches_the_zip_once(restored_zip):
    boot._install_stdlib_fallback("https://cdn.example/pyodide/")
    import lzmod
    import lzpkg.sub

    assert (lzmod.VALUE, lzpkg.sub.VALUE) == (7, 42)
    assert len(restored_zip) == 1
