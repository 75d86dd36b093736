"""Memory-snapshot support inside the browser worker (see ``stigg_portal.snapshot``).

``prepare_snapshot`` runs once, at build time in headless Chromium, just before the heap is
saved: it imports and exercises everything a page can need, because a restored worker has the
saved heap but an empty file system (no site-packages, and the standard library zip is only
fetched on demand). ``after_restore`` runs in every restored worker: it refreshes what must not
be shared between visitors (random state, time zone), writes our package's data files back, and
installs fallbacks so that anything the warm-up missed still works, only slower: a module of a
wheel, or of the standard library, that is not in the heap is fetched on first use (a
synchronous request, allowed in a worker) and a console.info line says so.
"""

from __future__ import annotations

import gc
import importlib
import json
import sys
from typing import Any

#: Modules of ours the browser never imports (server, build and test tooling, the reference docs'
#: generator, token minting, the version pins), nor the packages under them.
_SKIP_PREFIXES = ("stigg_portal.build", "stigg_portal.cli", "stigg_portal.mock_api", "stigg_portal.serve",
                  "stigg_portal.snapshot", "stigg_portal.integrations", "stigg_portal.server",
                  "stigg_portal.reference", "stigg_portal.token", "stigg_portal.pins")
#: Standard-library and Pyodide modules our code imports lazily (inside functions).
_LAZY_MODULES = ("pyodide.ffi", "pyodide.http", "js", "asyncio.timeouts", "traceback", "linecache")
#: Demo scenarios rendered during warm-up (each exercises different view branches).
_WARM_SCENARIOS = ("paid", "trial", "heavy-usage", "free", "custom-price")
#: Our package's data files that a restored worker may read (the templates: Jinja's loader reads
#: one if it is ever missing from its cache), kept in the heap and written back after a restore.
_DATA_FILES: dict[str, bytes] = {}
#: The folders of those files, inside the package.
_DATA_DIRS = ("widgets",)


def _report(message: str) -> None:
    try:
        import js  # type: ignore[import-not-found]

        js.console.info(message)
    except Exception:  # noqa: BLE001 - CPython (tests)
        print(message, file=sys.stderr)


def _within(name: str, packages: tuple[str, ...]) -> bool:
    """Whether the module ``name`` is one of ``packages`` or inside one (``stigg_portal.cli`` does
    not contain ``stigg_portal.clients``)."""
    return any(name == package or name.startswith(package + ".") for package in packages)


def _skipped(name: str) -> bool:
    """Whether ``name`` is one of :data:`_SKIP_PREFIXES` or inside one."""
    return _within(name, _SKIP_PREFIXES)


def import_everything() -> list[str]:
    """Import every module of our package the browser may use; returns their names."""
    import pkgutil

    import stigg_portal

    names = []
    # Not pkgutil.walk_packages: it imports every package to look inside, the skipped ones too.
    todo = list(pkgutil.iter_modules(stigg_portal.__path__, "stigg_portal."))
    while todo:
        info = todo.pop(0)
        if _skipped(info.name):
            continue
        try:
            module = importlib.import_module(info.name)
            names.append(info.name)
        except Exception as exc:  # noqa: BLE001 - a module that cannot import here is not needed here
            print(f"stigg-portal snapshot: skipped {info.name}: {exc}", file=sys.stderr)
            continue
        if info.ispkg:
            todo.extend(pkgutil.iter_modules(module.__path__, info.name + "."))
    for name in _LAZY_MODULES:
        try:
            importlib.import_module(name)
        except ImportError as exc:  # e.g. pyodide.* on CPython
            print(f"stigg-portal snapshot: {name} not imported: {exc}", file=sys.stderr)
    return names


def compile_templates() -> int:
    """Compile every template into the environment's cache and stop checking files for changes."""
    from ..rendering import environment

    env = environment()
    names = env.list_templates()
    for name in names:
        env.get_template(name)
    env.auto_reload = False  # the files never change in a worker (and are absent after a restore)
    return len(names)


def read_data_files() -> int:
    """Fill the caches that read package files, and keep a copy of the files of :data:`_DATA_DIRS`.

    The other files stay out of the heap: the fixtures and GraphQL documents are read through
    those caches (their text is in the heap once), and the style sheets are the server's and the
    loader's (nothing in the worker reads them).
    """
    from pathlib import Path

    import stigg_portal

    from ..demo_data import FIXTURE_NAMES
    from ..demo_data.scenarios import _fixture_text
    from ..graphql import OPERATIONS, load_document

    for name in FIXTURE_NAMES:
        _fixture_text(name)
    for operation in OPERATIONS:
        load_document(operation)
    root = Path(stigg_portal.__file__).parent
    site = root.parent
    for folder in _DATA_DIRS:
        for path in sorted((root / folder).rglob("*")):
            if path.is_file() and path.suffix not in {".py", ".pyc"}:
                _DATA_FILES[path.relative_to(site).as_posix()] = path.read_bytes()
    return len(_DATA_FILES)


async def exercise_runtime() -> int:
    """Render every element through the real runtime: demo customers, and the HTTP clients over a
    canned transport (the same code paths as a real page, without a network)."""
    from datetime import UTC, datetime

    from ..clients.transport import CallableTransport, HttpResponse
    from ..demo_data import DEMO_SCENARIOS, scenario_answers
    from ..elements import all_widgets
    from ..runtime import PortalRuntime

    answers = scenario_answers("paid", datetime.now(UTC))

    def answer(request: Any) -> HttpResponse:
        body = request.json() or {}
        operation = body.get("operationName") or body.get("operation") or "GetCustomerPortalByRefId"
        return HttpResponse(200, {"content-type": "application/json"}, json.dumps(answers[operation]))

    posted: list[dict[str, Any]] = []
    runtime = PortalRuntime(posted.append, transport=CallableTransport(answer))
    scenarios = [s for s in _WARM_SCENARIOS if s in DEMO_SCENARIOS] or list(DEMO_SCENARIOS)[:1]
    configs = [{"client": "demo", "scenario": s} for s in scenarios]
    configs += [{"api-key": "pk_warm_up", "customer-id": "customer-demo", "base-url": "https://warm-up.invalid"},
                {"client": "http", "endpoint": "https://warm-up.invalid/stigg", "customer-id": "customer-demo"},
                {"scenario": "paid", "locale": "de-DE", "theme": '{"palette": {"primary": "#123456"}}',
                 "texts": "{", "hidden-sections": "usage nope", "text-manage-subscription": "Manage"}]
    count = 0
    for attrs in configs:
        for tag in all_widgets():
            count += 1
            await runtime.handle({"type": "render", "id": f"w{count}", "seq": 1, "tag": tag, "attrs": attrs})
        await runtime.handle({"type": "refresh", "id": None})
        for element_id in list(runtime.elements):
            await runtime.handle({"type": "unmount", "id": element_id})
    return count


def release_build_caches() -> None:
    """Empty the caches that only served the imports and the warm-up (a smaller heap to save).

    Everything stays usable, only slower the first time: typing's caches of subscripted types
    (filled while classes were defined), importlib.metadata's path lookups (they keep the standard
    library zip open, with its 128 KB read buffer), Jinja's lexers (only compiling a new template
    needs one; every template is compiled already) and linecache. Caches the runtime uses after
    a restore (our environment, fixtures, documents, regular expressions) are kept.
    """
    import linecache
    import typing

    for clear in getattr(typing, "_cleanups", ()):
        clear()
    try:
        import importlib.metadata

        importlib.metadata.FastPath.__new__.cache_clear()  # type: ignore[attr-defined]
    except (ImportError, AttributeError):  # pragma: no cover - other Python versions
        pass
    try:
        from jinja2 import lexer

        lexer._lexer_cache.clear()
    except (ImportError, AttributeError):  # pragma: no cover - other Jinja versions
        pass
    linecache.clearcache()


async def prepare_snapshot() -> None:
    """Called by the worker right before ``makeMemorySnapshot``."""
    from . import worker

    import_everything()
    worker.warm_up()
    compile_templates()
    read_data_files()
    await exercise_runtime()
    release_build_caches()
    release_unused_modules()
    release_submodules()
    release_submodules(tuple(name for name in sys.modules if _within(name, _UNUSED_PACKAGES)))
    for _ in range(3):
        gc.collect()


#: Standard-library modules (and their submodules) that get imported while Python, Pyodide and
#: our packages load, but that nothing runs in a page: archives, command lines, processes,
#: pickling, byte-code disassembly, e-mail parsing, build configuration, sockets and TLS (bound by
#: asyncio's transports, which a page's event loop does not use), Python source parsing. Released
#: from the saved heap (see :func:`release_unused_modules`); a later use imports them again.
_UNUSED_MODULES = ("tarfile", "argparse", "pickle", "_compat_pickle", "subprocess", "dis", "tempfile", "uuid",
                   "glob", "gettext", "email", "bz2", "lzma", "platform", "sysconfig", "shutil", "ssl",
                   "socket", "selectors", "tokenize", "ipaddress", "fractions", "ast", "calendar")


class _ReleasedModule(type(sys)):  # types.ModuleType
    """Stands in for a module :func:`release_unused_modules` dropped: the first attribute read
    imports the module again (from the standard library zip, see :class:`_LazyStdlib`), and a
    submodule the holder had imported (``import email.utils``, then ``email.utils.x``) too."""

    def __getattr__(self, attr: str) -> Any:
        if attr.startswith("__") and attr.endswith("__"):
            raise AttributeError(attr)
        module = importlib.import_module(self.__name__)
        try:
            return getattr(module, attr)
        except AttributeError:
            try:
                return importlib.import_module(f"{self.__name__}.{attr}")
            except ImportError:
                raise AttributeError(f"module {self.__name__!r} has no attribute {attr!r}") from None


def release_unused_modules(names: tuple[str, ...] = _UNUSED_MODULES) -> list[str]:
    """Drop the modules of :data:`_UNUSED_MODULES` (with their submodules) from ``sys.modules``
    and give every module that bound one of them (``import tarfile`` at its top) a
    :class:`_ReleasedModule` in its place, so their memory is freed before the heap is saved
    (~0.2 MB brotli: they were imported together, so most of it becomes whole free pages, which are
    not stored): :func:`release_submodules` with ``names=False``. Whatever still refers to a
    function or class of theirs keeps working (and keeps that module's globals). Returns the names
    released."""
    return release_submodules(tuple(name for name in sys.modules
                                    if name.split(".")[0] in names or name.startswith("_sysconfigdata")),
                              names=False)


#: Jinja's template compiler: lexer, parser, optimizer, code generator. Every template is compiled
#: into the environment's cache before the save (:func:`compile_templates`) and rendering never
#: runs them (``jinja2.nodes`` stays: the runtime uses its ``EvalContext``), so they are released
#: with :func:`release_submodules`; a template compiled after a restore imports them again (from
#: the wheel, see :class:`_WheelFallback`).
_TEMPLATE_COMPILER = ("jinja2.compiler", "jinja2.parser", "jinja2.lexer", "jinja2.optimizer",
                      "jinja2.idtracking", "jinja2.visitor", "jinja2._identifier")


#: Packages (with their submodules) released the same way: package metadata (``importlib.metadata``:
#: pydantic looks up its plugins once, when the first model is built, and keeps the answer) and
#: ``zipfile`` (the wheel fallback's extraction and ``importlib.metadata`` use it). A page that
#: needs one imports it again from the standard library zip. Measured −49 KB brotli q11.
_UNUSED_PACKAGES = ("importlib.metadata", "zipfile")


class _ReleasedName:
    """Stands in for a function or class of a module :func:`release_submodules` dropped, where a
    kept module (its globals) or class (its attributes) bound it: the first call, attribute read
    or ``isinstance`` imports the module again, puts the real object back where the stand-in was,
    and forwards."""

    __slots__ = ("_module", "_name", "_sites")

    def __init__(self, module: str, name: str) -> None:
        self._module, self._name = module, name
        self._sites: list[tuple[Any, str]] = []  # (module dict or class, key)

    def _resolve(self) -> Any:
        real = getattr(importlib.import_module(self._module), self._name)
        for site, key in self._sites:
            if isinstance(site, dict):
                if site.get(key) is self:
                    site[key] = real
            elif site.__dict__.get(key) is self:
                setattr(site, key, real)
        return real

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._resolve()(*args, **kwargs)

    def __getattr__(self, attr: str) -> Any:
        if attr.startswith("__") and attr.endswith("__"):
            raise AttributeError(attr)
        return getattr(self._resolve(), attr)

    def __instancecheck__(self, obj: Any) -> bool:
        return isinstance(obj, self._resolve())

    def __subclasscheck__(self, cls: Any) -> bool:
        return issubclass(cls, self._resolve())

    def __mro_entries__(self, bases: tuple[Any, ...]) -> tuple[Any, ...]:
        return (self._resolve(),)

    def __repr__(self) -> str:
        return f"<released {self._module}.{self._name}>"


def release_submodules(modules: tuple[str, ...] = _TEMPLATE_COMPILER, *, names: bool = True) -> list[str]:
    """Drop the modules ``modules`` (exact names) from ``sys.modules``, so their memory is freed
    before the heap is saved, and put stand-ins where the modules that stay bound them: a
    :class:`_ReleasedModule` for the module itself and, with ``names``, a :class:`_ReleasedName`
    for one of its functions or classes (in a kept module's globals, or a kept class's attributes,
    such as ``Environment.code_generator_class``); then a module whose function is a method of a
    kept class is not dropped (a stand-in would not bind ``self``). Returns the names released."""
    import types

    dropped = {name: sys.modules[name] for name in modules if name in sys.modules}
    namespaces = {id(module.__dict__): name for name, module in dropped.items()}

    def origin(value: Any) -> str | None:
        if not names:
            return None
        if type(value) is types.FunctionType:
            return namespaces.get(id(value.__globals__))
        if isinstance(value, type):
            name = getattr(value, "__module__", None)
            module = dropped.get(name) if isinstance(name, str) else None
            return name if module is not None and module.__dict__.get(value.__name__) is value else None
        return None

    kept = [module for name, module in sys.modules.items() if name not in dropped
            and isinstance(module, types.ModuleType) and type(getattr(module, "__dict__", None)) is dict]
    classes = [value for module in kept for value in list(module.__dict__.values())
               if isinstance(value, type) and getattr(value, "__module__", None) not in dropped]
    for cls in classes:  # a function of a dropped module as a method: keep that module
        for value in cls.__dict__.values():
            if type(value) is types.FunctionType and origin(value):
                dropped.pop(origin(value), None)
    stand_ins: dict[tuple[str, str], Any] = {}
    by_module = {id(module): name for name, module in dropped.items()}

    def stand_in(value: Any) -> Any:
        if type(value) is type(sys) and id(value) in by_module:
            name = by_module[id(value)]
            return stand_ins.setdefault((name, ""), _ReleasedModule(name))
        name = origin(value)
        if name is None or name not in dropped:
            return None
        key = (name, value.__name__)
        if key not in stand_ins:
            stand_ins[key] = _ReleasedName(name, value.__name__)
        return stand_ins[key]

    for module in kept:
        namespace = module.__dict__
        for key, value in list(namespace.items()):
            new = stand_in(value)
            if new is not None:
                namespace[key] = new
                if isinstance(new, _ReleasedName):
                    new._sites.append((namespace, key))
    for cls in classes:
        for key, value in list(cls.__dict__.items()):
            new = stand_in(value) if isinstance(value, type) else None
            if new is not None:
                setattr(cls, key, new)
                new._sites.append((cls, key))
    for name in dropped:
        del sys.modules[name]
    try:  # Jinja's set of its internal code objects (for tracebacks): those of the dropped modules
        from jinja2 import utils

        files = {getattr(module, "__file__", None) for module in dropped.values()}
        utils.internal_code.difference_update([c for c in utils.internal_code if c.co_filename in files])
    except (ImportError, AttributeError):  # pragma: no cover - other Jinja versions
        pass
    return sorted(dropped)


#: Code whose line tables are kept in full: ours (tracebacks of the portal's code keep every line
#: number; Jinja maps a template's traceback lines through them, and templates are ours too).
_KEEP_LINES = ("/stigg_portal/",)
#: One line-table entry without columns (code 13, "no columns"), covering ``n`` code units, on the
#: line of the entry before it (svarint 0): a table of these puts every instruction on the first line.
_FIRST_LINE_ENTRY = [bytes([0x80 | 13 << 3 | (n - 1), 0]) for n in range(1, 9)]


def _first_line_table(code: Any) -> bytes:
    # The code units the table covers, read from the table itself (each entry's first byte has
    # the high bit set and its length - 1 in the low 3 bits): asking for co_code would make and
    # cache a copy of the bytecode.
    units = sum((b & 7) + 1 for b in code.co_linetable if b & 0x80)
    return _FIRST_LINE_ENTRY[7] * (units // 8) + (_FIRST_LINE_ENTRY[units % 8 - 1] if units % 8 else b"")


def _live_code_objects(*, loose: bool = False) -> dict[int, Any]:
    """Every code object of a live function and the code nested in it (``loose``: also code
    objects the collector tracks outside functions), by id."""
    import types

    codes: dict[int, Any] = {}
    stack = [obj.__code__ for obj in gc.get_objects() if type(obj) is types.FunctionType]
    if loose:
        stack += [obj for obj in gc.get_objects() if type(obj) is types.CodeType]
    while stack:
        code = stack.pop()
        if id(code) in codes:
            continue
        codes[id(code)] = code
        stack.extend(c for c in code.co_consts if isinstance(c, types.CodeType))
    return codes


def line_table_patches(keep: tuple[str, ...] = _KEEP_LINES) -> list[tuple[int, bytes]]:
    """Memory writes that give the standard library's and third-party code a line table putting
    every instruction on the code's first line (its ``def`` line): a run of identical entries,
    which compresses to almost nothing, instead of ~0.6 MB of line numbers. Tracebacks through such
    code name the file, the function and its first line; the portal's own code (and its templates)
    keeps its real line numbers. Every line number stays an int, so nothing that reads them
    (warnings, linecache, traceback, inspect) meets a ``None``.

    The tables are rewritten in place, each shortened and the rest of its memory zeroed (``ob_size``
    set, the cached hash reset): new code objects would move code around the heap, and the saved
    heap then compresses worse than before (measured: +90 KB brotli q5). A table is only touched
    when every reference to it comes from a code object (``sys.getrefcount``, against a control
    object in the same loop), so no ``bytes`` value a program can see changes. Returns
    ``(address, data)`` pairs; :func:`apply_patches` (CPython) or the worker (the wasm memory,
    see :func:`heap_patch`) writes them.
    """
    import struct

    # Garbage first: a function in an unreachable cycle would be freed later (say by an automatic
    # collection before the writes), its table with it, and a write would land in freed memory.
    gc.collect()
    codes = _live_code_objects()
    # A fresh bytes object only this function refers to, looked at first in the same loop: its
    # reference count is what the loop itself adds (it differs between Python versions).
    control = b"-".join((b"stigg", b"portal"))
    users: dict[int, int] = {id(control): 0}
    tables: dict[int, Any] = {id(control): (control, None)}
    del control
    for code in codes.values():
        table = code.co_linetable
        users[id(table)] = users.get(id(table), 0) + 1
        tables[id(table)] = (table, code)
    size_at = object.__basicsize__  # PyVarObject.ob_size follows the PyObject header
    hash_at = size_at + struct.calcsize("n")
    data_at = bytes.__basicsize__ - 1  # ob_sval (the basic size counts its trailing NUL)
    patches: list[tuple[int, bytes]] = []
    own = None
    for key, (table, code) in tables.items():
        refs = sys.getrefcount(table) - users[key]
        if code is None:
            own = refs
            continue
        if type(table) is not bytes or refs != own or any(part in code.co_filename for part in keep):
            continue
        new = _first_line_table(code)
        if len(new) >= len(table):
            continue
        address = id(table)
        patches.append((address + data_at, new + bytes(len(table) - len(new) + 1)))
        patches.append((address + size_at, struct.pack("n", len(new))))
        patches.append((address + hash_at, struct.pack("n", -1)))
    # Every table written stays alive until the writes are done (apply_patches / drop_heap_patch):
    # its code object is held here, whatever else lets go of it meanwhile.
    _PATCHED_CODES[:] = list(codes.values())
    return patches


#: The code objects whose tables :func:`line_table_patches` returned writes for, until written
#: (and the strings of :func:`string_hash_patches`).
_PATCHED_CODES: list[Any] = []


def string_hash_patches() -> list[tuple[int, bytes]]:
    """Memory writes that forget the hash cached in strings no dict uses as a key (``-1``: not
    computed, as in a new string): a cached hash is 4 random bytes, which no compressor shrinks.
    Python computes it again on first use, with the same value (the hash secret is in the
    saved heap). Left alone: immortal and interned strings (attribute names, identifiers), and
    every key of a dict, tracked or not (a dict of string keys compares the cached hash of the
    key it finds with the one it is looking for, without computing it)."""
    import struct

    is_immortal = getattr(sys, "_is_immortal", None)
    is_interned = getattr(sys, "_is_interned", None)
    if is_immortal is None or is_interned is None:  # pragma: no cover - Python < 3.14
        return []
    gc.collect()
    tracked = gc.get_objects()
    seen = {id(obj) for obj in tracked}
    strings: dict[int, str] = {}
    keys: set[int] = set()
    stack = list(tracked)
    while stack:
        obj = stack.pop()
        if type(obj) is dict:
            keys.update(id(key) for key in obj if type(key) is str)
        for ref in gc.get_referents(obj):
            if type(ref) is str:
                strings[id(ref)] = ref
            elif id(ref) not in seen and type(ref) in (dict, tuple):  # untracked containers
                seen.add(id(ref))
                stack.append(ref)
    del tracked, stack
    hash_at = object.__basicsize__ + struct.calcsize("n")  # PyASCIIObject: header, length, hash
    unset = struct.pack("n", -1)
    free = [text for key, text in strings.items()
            if key not in keys and not is_immortal(text) and not is_interned(text)]
    _PATCHED_CODES.extend(free)
    return [(id(text) + hash_at, unset) for text in free]


def apply_patches(patches: list[tuple[int, bytes]]) -> None:
    """Write :func:`line_table_patches` with ctypes (CPython; the browser worker writes them into
    the wasm memory itself: importing ctypes there would add its types to the saved heap)."""
    import ctypes

    for address, data in patches:
        ctypes.memmove(address, data, len(data))
    _PATCHED_CODES.clear()


_HEAP_PATCH: list[bytes] = []


def heap_patch() -> str:
    """For the worker's make mode: ``"<address> <length>"`` of the packed :func:`line_table_patches`
    (u32 little-endian address, u32 length, the bytes; repeated), which the worker copies into the
    wasm memory before :func:`drop_heap_patch`."""
    import struct

    writes = line_table_patches() + string_hash_patches()
    packed = b"".join(struct.pack("<II", address, len(data)) + data for address, data in writes)
    _HEAP_PATCH[:] = [packed]
    return f"{id(packed) + bytes.__basicsize__ - 1} {len(packed)}"


#: ``kind`` values of :func:`bytecode_plan`: the first cache entry of an instruction gets the
#: adaptive counter (0), the backward jump counter (1) or the branch history 0x5555 (2); a code
#: object with an instruction of kind 3 (instrumented, an executor, unknown) is left alone.
_ADAPTIVE, _JUMP, _BRANCH, _LEAVE = range(4)


def bytecode_plan() -> str:
    """For the worker's make mode: ``"<address> <length>"`` of a packed plan the worker follows to
    put every code object's bytecode back in the state it had when it was created, in place
    (``deoptBytecode`` in stigg-worker.js): specialized instructions back to their generic form,
    their inline caches to the initial counters and zeros, as CPython's own quickening leaves them.

    The warm-up specialized ~32,000 instructions (types, versions and pointers in their caches):
    noise for the compressor (measured −83 KB brotli q5 of the heap). A restored worker specializes
    again what it runs, as any fresh code does. Packed: u32 ``code.__basicsize__`` (where the
    instructions start), u32 address of a sample code object that never ran (the worker reads
    the initial counters from it), u32 count, three 256-byte tables (generic opcode, inline cache
    entries of a generic opcode, kind, see :data:`_LEAVE`), then ``count`` u32 code addresses.
    An empty string where the tables are not known (other Python versions)."""
    import opcode
    import struct
    import types

    cache_entries = getattr(opcode, "_inline_cache_entries", None)
    if not isinstance(cache_entries, dict) or not hasattr(opcode, "_specialized_opmap"):
        return ""
    opmap, specialized = opcode.opmap, opcode._specialized_opmap
    generic = bytearray(range(256))
    for base, family in opcode._specializations.items():
        for name in family:
            generic[specialized[name]] = opmap[base]
    caches = bytearray(256)
    for name, count in cache_entries.items():
        caches[opmap[name]] = count
    kind = bytearray([_LEAVE]) * 256
    for name, op in [*opmap.items(), *specialized.items()]:
        if op < 256 and not name.startswith("INSTRUMENTED_") and name != "ENTER_EXECUTOR":
            kind[op] = _ADAPTIVE
    kind[opmap["JUMP_BACKWARD"]] = _JUMP
    for name in ("POP_JUMP_IF_FALSE", "POP_JUMP_IF_TRUE", "POP_JUMP_IF_NONE", "POP_JUMP_IF_NOT_NONE"):
        kind[opmap[name]] = _BRANCH
    module = compile("def sample(x):\n    while x:\n        x = sample(x)\n", "<sample>", "exec")
    sample = next(c for c in module.co_consts if isinstance(c, types.CodeType))
    gc.collect()
    codes = _live_code_objects(loose=True)
    codes.pop(id(sample), None)
    packed = (struct.pack("<III", types.CodeType.__basicsize__, id(sample), len(codes)) + bytes(generic)
              + bytes(caches) + bytes(kind) + struct.pack(f"<{len(codes)}I", *codes))
    # Everything the worker reads or writes stays alive until drop_heap_patch.
    _HEAP_PATCH.append(packed)
    _PATCHED_CODES.extend([sample, *codes.values()])
    return f"{id(packed) + bytes.__basicsize__ - 1} {len(packed)}"


def drop_heap_patch() -> None:
    _HEAP_PATCH.clear()
    _PATCHED_CODES.clear()
    for _ in range(2):
        gc.collect()
    # The method cache and the types' version tags the warm-up filled: refilled on use (the
    # bytecode's caches were reset too, see bytecode_plan). Measured −50 KB brotli q5.
    clear = getattr(sys, "_clear_internal_caches", None) or sys._clear_type_cache  # the first: 3.13+
    clear()


def _fetch_sync(url: str) -> bytes | None:
    import js  # type: ignore[import-not-found]

    request = js.XMLHttpRequest.new()
    request.open("GET", url, False)  # synchronous: allowed in a worker, never on the page
    request.responseType = "arraybuffer"
    request.send()
    if request.status != 200:
        return None
    return bytes(js.Uint8Array.new(request.response).to_py())


class _WheelFallback:
    """A ``sys.meta_path`` finder of last resort: extracts a wheel when a module is missing."""

    def __init__(self, index_url: str, wheels: dict[str, str]) -> None:
        self.index_url = index_url
        self.wheels = wheels  # top-level import name -> wheel file name
        self.extracted: set[str] = set()

    def extract(self, top: str) -> bool:
        wheel = self.wheels.get(top)
        if not wheel or wheel in self.extracted:
            return False
        self.extracted.add(wheel)
        import io
        import site
        import zipfile

        data = _fetch_sync(self.index_url + wheel)
        if data is None:
            return False
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            archive.extractall(site.getsitepackages()[0])
        importlib.invalidate_caches()
        _report(f"stigg-portal: {wheel} extracted after a snapshot restore (the warm-up missed something)")
        return True

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> Any:
        if not self.extract(fullname.split(".")[0]):
            return None
        from importlib.machinery import PathFinder

        return PathFinder.find_spec(fullname, path, target)

    def invalidate_caches(self) -> None:
        pass


class _LazyStdlib:
    """Stands in for the standard library's ``zipimporter`` until a module from it is needed.

    After a restore the zip on the file system is empty; the importer's table of contents (in the
    heap) still lists every module, so a lookup needs no download, and a hit fetches the real zip
    (same file, same offsets) once.
    """

    def __init__(self, importer: Any, archive: str, url: str) -> None:
        self.importer, self.archive, self.url = importer, archive, url
        self.loaded = False

    def _ensure(self) -> None:
        if self.loaded:
            return
        self.loaded = True
        data = _fetch_sync(self.url)
        if data is None:
            return
        with open(self.archive, "wb") as handle:
            handle.write(data)
        _report("stigg-portal: standard library fetched after a snapshot restore (the warm-up missed a module)")

    def find_spec(self, fullname: str, target: Any = None) -> Any:
        spec = self.importer.find_spec(fullname, target)
        if spec is not None:
            self._ensure()
        return spec

    def invalidate_caches(self) -> None:
        if self.loaded:
            self.importer.invalidate_caches()

    def __getattr__(self, name: str) -> Any:
        self._ensure()
        return getattr(self.importer, name)


def _fetch_before_reads(lazies: dict[str, _LazyStdlib]) -> None:
    """Make every read of a lazy archive fetch it first. The importers of a package inside the zip
    (``/lib/python3X.zip/json`` for ``json.tool``) are other ``zipimporter`` objects: they share
    the archive's table of contents (in the heap) but not the wrapper, and read the empty file
    (``EOFError``) when the package was imported before the snapshot and the submodule was not."""
    import zipimport

    get_data, read_directory = zipimport._get_data, zipimport._read_directory

    def _get_data(archive: str, toc_entry: Any) -> bytes:
        if archive in lazies:
            lazies[archive]._ensure()
        return get_data(archive, toc_entry)

    def _read_directory(archive: str) -> Any:
        if archive in lazies:
            lazies[archive]._ensure()
        return read_directory(archive)

    zipimport._get_data, zipimport._read_directory = _get_data, _read_directory


def _install_stdlib_fallback(index_url: str) -> None:
    lazies: dict[str, _LazyStdlib] = {}
    for entry in list(sys.path):
        importer = sys.path_importer_cache.get(entry)
        if entry.endswith(".zip") and type(importer).__name__ == "zipimporter":
            lazy = lazies[entry] = _LazyStdlib(importer, entry, index_url + "python_stdlib.zip")
            sys.path_importer_cache[entry] = lazy
            for module in list(sys.modules.values()):  # get_source / get_data of loaded modules
                spec = getattr(module, "__spec__", None)
                if spec is not None and spec.loader is importer:
                    try:
                        spec.loader = lazy
                        module.__loader__ = lazy
                    except (AttributeError, TypeError):
                        pass
    if lazies:
        _fetch_before_reads(lazies)


def _write_data_files() -> None:
    import os
    import site

    root = site.getsitepackages()[0]
    for rel, data in _DATA_FILES.items():
        path = os.path.join(root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as handle:
            handle.write(data)


def after_restore(index_url: str, wheels_json: str) -> None:
    """Called by the worker right after a snapshot restore, before the runtime starts."""
    import random
    import time

    random.seed()  # every visitor restores the same heap: never share a random state
    if hasattr(time, "tzset"):
        time.tzset()
    _write_data_files()
    _install_stdlib_fallback(index_url)
    sys.meta_path.append(_WheelFallback(index_url, json.loads(wheels_json or "{}")))
