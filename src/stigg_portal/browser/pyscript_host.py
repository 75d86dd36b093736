"""The portal's runtime inside PyScript's ``PyWorker`` (the loader's default host).

PyScript runs ``stigg-pyscript.py`` (written by the build) in its worker after our interpreter
module (``stigg-worker.js?host=pyscript``) booted Pyodide; that file calls :func:`main`, which
wires PyScript's worker messaging (``polyscript.xworker``) to the same runtime the plain worker
uses (:mod:`stigg_portal.browser.worker`) and tells the page it is ready.

Before that, PyScript writes its Python package (``pyscript``) to the file system and imports it:
compiled from source, that took ~280 ms per page. The snapshot maker calls :func:`precompile`
with the package's sources (the build copies them from ``@pyscript/core``): their code objects and
the standard-library modules they import go into the heap, and a ``sys.meta_path`` finder hands
those code objects to the import. The module bodies still run in the page's worker, where
PyScript's JavaScript modules (``polyscript``, ``_pyscript``) exist: nothing of PyScript's runs
in the maker. After such a restore the interpreter module also leaves out PyScript's writing of
those files and its start-up ``import pyscript`` (~45 ms): the package is imported on first use
(:func:`import_pyscript`: ``FetchTransport``, or a plugin's own ``import pyscript``). A plain boot
(no snapshot) has no finder: PyScript writes and imports its files as it always does.
"""

from __future__ import annotations

import ast
import importlib
import importlib.abc
import importlib.util
import json
import os
import sys
from typing import Any

#: Modules PyScript's package imports that exist only in its worker (JavaScript modules), or not
#: under Pyodide at all.
_HOST_ONLY = ("pyscript", "polyscript", "_pyscript", "js", "jsffi", "pyodide")


_HOSTED: list[bool] = []


def _under_pyscript() -> bool:
    """Whether PyScript hosts this runtime: our interpreter module (stigg-worker.js?host=pyscript)
    sets ``self.stiggPortalHost`` before PyScript imports its package; the plain worker never does."""
    if not _HOSTED:
        try:
            import js
        except ImportError:
            return False
        if not hasattr(js, "stiggPortalHost"):
            return False
        _HOSTED.append(True)
    return True


class _PrecompiledPyScript(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finds ``pyscript`` and its submodules among code objects compiled at snapshot time."""

    def __init__(self, root: str, codes: dict[str, tuple[Any, str, bool]]) -> None:
        self.root = root  # the directory PyScript writes the package into
        self.codes = codes  # module name -> (code object, file name, is package)

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> Any:
        entry = self.codes.get(fullname)
        if entry is None or not _under_pyscript():
            return None  # in the plain worker `import pyscript` fails as it would without the snapshot
        _code, filename, is_package = entry
        spec = importlib.util.spec_from_loader(fullname, self, origin=filename, is_package=is_package)
        if spec is not None:
            spec.has_location = True
            if is_package:
                spec.submodule_search_locations = [os.path.dirname(filename)]
        return spec

    def create_module(self, spec: Any) -> None:
        return None

    def exec_module(self, module: Any) -> None:
        exec(self.codes[module.__name__][0], module.__dict__)  # noqa: S102 - PyScript's own package

    def invalidate_caches(self) -> None:
        pass


def precompile(sources_json: str, root: str | None = None) -> list[str]:
    """Compile PyScript's Python package (``{"pyscript/x.py": source}``) for the snapshot, install
    the finder and import the standard-library modules it needs; returns the module names."""
    sources: dict[str, str] = json.loads(sources_json)
    root = root or os.getcwd()  # PyScript writes ./pyscript/ relative to the worker's cwd
    codes: dict[str, tuple[Any, str, bool]] = {}
    needed: set[str] = set()
    for rel, source in sources.items():
        parts = rel.removesuffix(".py").split("/")
        is_package = parts[-1] == "__init__"
        name = ".".join(parts[:-1] if is_package else parts)
        filename = os.path.join(root, rel)
        codes[name] = (compile(source, filename, "exec", dont_inherit=True), filename, is_package)
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Import):
                needed.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                needed.add(node.module)
    for module in sorted(needed):
        if module.split(".")[0] in _HOST_ONLY:
            continue
        try:
            importlib.import_module(module)
        except ImportError as exc:
            print(f"stigg-portal snapshot: PyScript's import of {module} not done: {exc}", file=sys.stderr)
    sys.meta_path[:] = [f for f in sys.meta_path if type(f).__name__ != _PrecompiledPyScript.__name__]
    sys.meta_path.insert(0, _PrecompiledPyScript(root, codes))
    return sorted(codes)


def precompiled() -> bool:
    """Whether this heap holds PyScript's package precompiled (a snapshot made with it): then
    ``import pyscript`` needs neither PyScript's files nor its start-up import (stigg-worker.js
    leaves both out and the package is imported when first used, see :func:`import_pyscript`)."""
    return any(type(f).__name__ == _PrecompiledPyScript.__name__ for f in sys.meta_path)


def import_pyscript() -> Any:
    """PyScript's ``pyscript`` module when PyScript hosts this runtime, else None.

    Under PyScript it is imported on first use (after a snapshot restore PyScript's own start-up
    import is left out, see :func:`precompiled`; in a plain boot PyScript imported it already).
    In the plain worker there is none, and no import is attempted: after a snapshot restore the
    lazy standard library would fetch the whole stdlib zip just to find nothing."""
    module = sys.modules.get("pyscript")
    if module is None and _under_pyscript():
        import pyscript as module  # PyScript's package, on first use
    return module


def main() -> None:
    import js

    js.self.stiggPortalHost.mark("hostMain")  # PyScript's set-up is done
    from polyscript import xworker

    from . import worker

    # PyScript's own listener also sees every message the page posts (a worker's listeners run in
    # the order they were added, so stigg-worker.js cannot stop it) and hands each to
    # `xworker.onmessage`, by default console.info: one console line and one Python call per
    # message. A JavaScript no-op instead.
    xworker.onmessage = js.self.stiggPortalHost.ignore

    # Messages go through the interpreter module's listener (see stigg-worker.js): the page's
    # JSON strings in, our JSON strings out through the worker's postMessage.
    js.self.stiggPortalHost.listen(worker.start(js.self.postMessage))
