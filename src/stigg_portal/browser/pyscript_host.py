"""The portal's runtime inside PyScript's ``PyWorker`` (the loader's default host).

PyScript runs ``stigg-pyscript.py`` (written by the build) in its worker after our interpreter
module (``stigg-worker.js?host=pyscript``) booted Pyodide; that file calls :func:`main`, which
wires PyScript's worker messaging (``polyscript.xworker``) to the same runtime the plain worker
uses (:mod:`stigg_portal.browser.worker`) and tells the page it is ready.
"""

from __future__ import annotations


def main() -> None:
    import js

    from . import worker

    # Messages go through the interpreter module's listener (see stigg-worker.js): the page's
    # JSON strings in, our JSON strings out through the worker's postMessage.
    js.self.stiggPortalHost.listen(worker.start(js.self.postMessage))
