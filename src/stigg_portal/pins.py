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

#: The default font, shipped inside dist/fonts/ (upstream loads it from a third-party font CDN):
#: Fontsource's DM Sans, SIL Open Font License 1.1; only the weights our CSS uses, woff2 only.
DM_SANS_NPM = "@fontsource/dm-sans@5.3.0"
DM_SANS_WEIGHTS = (400, 500, 700)
DM_SANS_SUBSETS = ("latin-ext", "latin")

#: PyScript, the runtime's host in the browser (``PyWorker``); its files go to dist/pyscript/.
PYSCRIPT_NPM = "@pyscript/core@0.7.31"
#: Of its dist/: the entry, the chunks it imports at once and the plugins core.js loads by default
#: (it imports all of them unless the page's config turns them off). Editor, terminal and TOML
#: helpers they load lazily (codemirror, xterm, toml, zip) are left out: the portal never uses them.
PYSCRIPT_FILES = ("core.js", "core-")
