"""``stigg-portal build``: compile the widget classes and the runtime into a self-contained ``dist/``.

dist/
  stigg-portal.js        loader: defines every element (generated from the widget classes)
  stigg-worker.js        module worker: boots Pyodide, hands messages to ``PortalRuntime``
  stigg-portal.css       default styles (css/*.css); the loader carries a copy it adopts
  custom-elements.json   manifest generated from the widget classes
  fonts/                 DM Sans (woff2, latin + latin-ext, the weights the CSS uses) and its OFL
  stigg-portal.d.ts      TypeScript types (elements, events), react.d.ts / vue.d.ts for JSX, same source
  vscode.html-custom-data.json, web-types.json   editor completion data (VS Code, JetBrains)
  package.json           so dist/ can be published to npm as it is
  pyodide-<version>/     Pyodide runtime files, every wheel, and our own pyodide-lock.json

Downloads (npm tarballs straight from the registry over HTTP, checked against its sha512; wheels
with ``pip download``) go into a cache (``$STIGG_PORTAL_CACHE`` or ``~/.cache/stigg-portal``), so a
rebuild with nothing changed only re-packs our own wheel and re-writes small files.
"""

from __future__ import annotations

import base64
import concurrent.futures
import gzip
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import threading
import time
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import pins

PACKAGE_DIR = Path(__file__).resolve().parent
SOURCE_ROOT = PACKAGE_DIR.parent.parent
COMPRESS_SUFFIXES = {".js", ".mjs", ".css", ".json", ".wasm", ".zip", ".whl", ".html", ".so", ".bin"}
COMPRESS_MIN_BYTES = 1024
#: Modules of ours the browser never imports (server, build and test tooling).
BROWSER_EXCLUDES = ("build.py", "cli.py", "mock_api.py", "serve.py", "snapshot.py", "integrations/", "loader/", "examples/")


def log(message: str) -> None:
    print(f"[stigg-portal build] {message}", flush=True)


def cache_dir() -> Path:
    root = Path(os.environ.get("STIGG_PORTAL_CACHE") or Path.home() / ".cache" / "stigg-portal")
    root.mkdir(parents=True, exist_ok=True)
    return root


def write_atomic(path: Path, data: bytes) -> None:
    """``path`` holds all of ``data`` or what it held before, also for another build (process or
    thread) reading or writing it at the same time: written beside it, then renamed."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    tmp.write_bytes(data)
    tmp.replace(path)


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _run(cmd: list[str], cwd: Path | None = None) -> None:
    log("$ " + " ".join(cmd))
    subprocess.run(cmd, cwd=cwd, check=True)


# ----------------------------------------------------------------------------- downloads
#: npm registry the tarballs come from ($STIGG_PORTAL_NPM_REGISTRY, else $npm_config_registry).
NPM_REGISTRY = "https://registry.npmjs.org"


def _npm_registry() -> str:
    return (os.environ.get("STIGG_PORTAL_NPM_REGISTRY") or os.environ.get("npm_config_registry")
            or NPM_REGISTRY).rstrip("/")


def _http_get(url: str, *, accept: str = "*/*", timeout: float = 60) -> bytes:
    import urllib.request

    request = urllib.request.Request(url, headers={"Accept": accept, "User-Agent": "stigg-portal-build"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return response.read()


def _check_integrity(data: bytes, dist: dict[str, Any], spec: str) -> None:
    """npm's ``dist.integrity`` (SRI, sha512 preferred) or, for old packages, ``dist.shasum`` (sha1)."""
    integrity = dist.get("integrity") or ""
    for item in integrity.split():
        algorithm, _, expected = item.partition("-")
        if algorithm in {"sha512", "sha384", "sha256"}:
            actual = base64.b64encode(hashlib.new(algorithm, data).digest()).decode()
            if actual != expected:
                raise RuntimeError(f"{spec}: the downloaded tarball does not match the registry's {algorithm}")
            return
    if dist.get("shasum"):
        if hashlib.sha1(data).hexdigest() != dist["shasum"]:
            raise RuntimeError(f"{spec}: the downloaded tarball does not match the registry's shasum")
        return
    raise RuntimeError(f"{spec}: the registry gave no checksum for the tarball")


def fetch_npm(spec: str) -> Path:
    """The npm tarball of ``spec`` (``name@version``), downloaded once from the npm registry over HTTP
    (no ``npm`` command): the version's metadata names ``dist.tarball`` and ``dist.integrity``, the
    tarball is checked against it and cached under the name ``npm pack`` gives it."""
    target = cache_dir() / "npm"
    target.mkdir(exist_ok=True)
    name, version = spec.rsplit("@", 1)
    expected = target / f"{name.lstrip('@').replace('/', '-')}-{version}.tgz"
    if not expected.exists():
        registry = _npm_registry()
        log(f"downloading {spec} from the npm registry ({registry})")
        meta_url = f"{registry}/{name.replace('/', '%2F')}/{version}"
        try:
            meta = json.loads(_http_get(meta_url, accept="application/json"))
            dist = meta["dist"]
            data = _http_get(dist["tarball"], timeout=300)
        except (OSError, ValueError, KeyError) as exc:
            raise RuntimeError(f"cannot download {spec} from {meta_url}: {exc}") from exc
        _check_integrity(data, dist, spec)
        write_atomic(expected, data)
    return expected


#: Node script: stdin (JavaScript) minified with esbuild's JS API; argv[2] holds esbuild's
#: options (the format, and for our own entry points a source map); prints {code, map} as JSON.
#: Syntax no newer than ES2022, license comments kept, exported names (and every property name)
#: unchanged.
_MINIFY_JS = """
const esbuild = require(process.argv[1]);
const chunks = [];
process.stdin.on("data", (chunk) => chunks.push(chunk));
process.stdin.on("end", () => {
  const out = esbuild.transformSync(Buffer.concat(chunks).toString("utf8"),
    { minify: true, target: "es2022", charset: "utf8", logLevel: "error", ...JSON.parse(process.argv[2]) });
  process.stdout.write(JSON.stringify({ code: out.code, map: out.map || null }));
});
"""


def _esbuild(data: bytes, name: str, options: dict[str, Any]) -> dict[str, Any] | None:
    """esbuild's minified ``data`` ({code, map}), cached by the input's and the options' hash;
    ``None``, with a warning, when that is not possible (no Node, offline)."""
    key = json.dumps(options, sort_keys=True).encode()
    digest = hashlib.sha256(data + b"\0" + key).hexdigest()[:20]
    cached = cache_dir() / "minified" / f"{digest}-{pins.ESBUILD_WASM_NPM.replace('@', '-')}-{name}.json"
    if cached.exists():
        return json.loads(cached.read_text())
    from .snapshot import find_node

    node, why = find_node()
    try:
        if node is None:
            raise RuntimeError(why)
        package = cache_dir() / "npm" / pins.ESBUILD_WASM_NPM.replace("@", "-")
        if not (package / "package.json").exists():
            with tarfile.open(fetch_npm(pins.ESBUILD_WASM_NPM)) as tar:
                tmp = package.with_name(f"{package.name}.{os.getpid()}.tmp")
                extract_tar(tar, tmp)
                shutil.rmtree(package, ignore_errors=True)
                (tmp / "package").replace(package)
                shutil.rmtree(tmp, ignore_errors=True)
        result = subprocess.run([node, "-e", _MINIFY_JS, str(package / "lib" / "main.js"), key.decode()],
                                input=data, capture_output=True, timeout=300, check=False)
        if result.returncode != 0 or not result.stdout:
            raise RuntimeError(result.stderr.decode(errors="replace").strip().splitlines()[-1:] or "no output")
    except (OSError, RuntimeError, subprocess.SubprocessError, tarfile.TarError) as exc:
        log(f"warning: {name} shipped as it is, not minified ({exc})")
        return None
    cached.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(cached, result.stdout)
    return json.loads(result.stdout)


def extract_tar(tar: tarfile.TarFile, target: Path) -> None:
    """Unpack a downloaded tarball's regular files and folders under ``target``, and nothing
    outside it. Python 3.11.4+ does this with ``filter="data"``; Debian 12's 3.11.2 has no filters,
    so there each member is checked here (links, devices and paths leaving ``target`` refused)."""
    if hasattr(tarfile, "data_filter"):
        tar.extractall(target, filter="data")
        return
    root = Path(target).resolve()
    for member in tar.getmembers():
        path = (root / member.name).resolve()
        if not (member.isfile() or member.isdir()) or not path.is_relative_to(root):
            raise tarfile.TarError(f"refusing to unpack {member.name!r} from {tar.name}")
        if member.isdir():
            path.mkdir(parents=True, exist_ok=True)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        source = tar.extractfile(member)
        assert source is not None  # a regular file
        path.write_bytes(source.read())
        path.chmod(0o755 if member.mode & 0o111 else 0o644)


def minify_js(data: bytes, name: str) -> bytes:
    """A JavaScript module (Pyodide's glue) minified; unchanged when esbuild cannot run."""
    out = _esbuild(data, name, {"format": "esm"})
    return out["code"].encode() if out else data


def minify_entry(source: str, name: str, *, module: bool) -> tuple[str, str | None]:
    """One of our entry points (loader, worker) minified, with a source map holding ``source``
    itself, so that a page author's dev tools still show the readable file: (code, map), or
    (``source``, ``None``) when esbuild cannot run or ``STIGG_PORTAL_MINIFY=0`` asks for readable
    files (experiments that patch the shipped text)."""
    if os.environ.get("STIGG_PORTAL_MINIFY", "1") == "0":
        return source, None
    options = {"sourcemap": "external", "sourcefile": name, "sourcesContent": True}
    if module:
        options["format"] = "esm"
    out = _esbuild(source.encode(), name, options)  # no format for the loader: a classic script stays one
    if out is None:
        return source, None
    return f"{out['code']}//# sourceMappingURL={name}.map\n", out["map"]


def fetch_pypi(name: str, version: str, *, sdist: bool = False, platform: bool = False) -> Path:
    """A wheel (or sdist) from PyPI, downloaded once with ``pip download``."""
    target = cache_dir() / "pypi"
    target.mkdir(exist_ok=True)
    stem = re.sub(r"[-_.]+", "_", name).lower()
    pattern = f"{stem}-{version}.tar.gz" if sdist else f"{stem}-{version}-*.whl"
    if platform:
        pattern = f"{stem}-{version}-*{pins.PYODIDE_PLATFORM}.whl"
    found = [p for p in target.glob(pattern) if p.name.lower().startswith(stem)]
    if not found:
        found = [p for p in target.iterdir() if p.name.lower().startswith(f"{stem}-{version}") and
                 (p.name.endswith(".tar.gz") if sdist else p.name.endswith(".whl")) and
                 (not platform or pins.PYODIDE_PLATFORM in p.name)]
    if found:
        return found[0]
    log(f"downloading {name}=={version} from PyPI" + (" (sdist)" if sdist else ""))
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--disable-pip-version-check",
           "-d", str(target), f"{name}=={version}"]
    if sdist:
        cmd += ["--no-binary", ":all:"]
    elif platform:
        cmd += ["--only-binary", ":all:", "--platform", pins.PYODIDE_PLATFORM, "--python-version",
                pins.PYODIDE_PYTHON, "--implementation", "cp", "--abi", pins.PYODIDE_ABI]
    else:
        cmd += ["--only-binary", ":all:"]
    _run(cmd)
    return fetch_pypi(name, version, sdist=sdist, platform=platform)


# ----------------------------------------------------------------------------- wheels
def write_wheel(out_dir: Path, name: str, version: str, files: dict[str, bytes], tag: str = "py3-none-any") -> Path:
    """A minimal, reproducible wheel (fixed timestamps, sorted entries, RECORD with hashes)."""
    dist_name = re.sub(r"[-_.]+", "_", name)
    info = f"{dist_name}-{version}.dist-info"
    files = dict(files)
    files[f"{info}/METADATA"] = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n".encode()
    files[f"{info}/WHEEL"] = (
        f"Wheel-Version: 1.0\nGenerator: stigg-portal-build\nRoot-Is-Purelib: true\nTag: {tag}\n"
    ).encode()
    files[f"{info}/top_level.txt"] = "\n".join(sorted({p.split("/")[0] for p in files if "/" in p and
                                                        not p.startswith(info)})).encode()
    record_lines = []
    for path, data in sorted(files.items()):
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record_lines.append(f"{path},sha256={digest},{len(data)}")
    record_lines.append(f"{info}/RECORD,,")
    files[f"{info}/RECORD"] = ("\n".join(record_lines) + "\n").encode()
    out = out_dir / f"{dist_name}-{version}-{tag}.whl"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(files):
            entry = zipfile.ZipInfo(path, date_time=(2020, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            zf.writestr(entry, files[path])
    out.write_bytes(buffer.getvalue())
    return out


def markupsafe_wheel(out_dir: Path) -> Path:
    """markupsafe as pure Python, built from its sdist without the C speedups."""
    name, version, _, _ = pins.MARKUPSAFE
    sdist = fetch_pypi(name, version, sdist=True)
    files: dict[str, bytes] = {}
    with tarfile.open(sdist) as tar:
        for member in tar.getmembers():
            parts = member.name.split("/")
            if (len(parts) == 4 and parts[1] == "src" and parts[2] == "markupsafe" and member.isfile()
                    and parts[3].endswith((".py", ".typed"))):
                files[f"markupsafe/{parts[3]}"] = tar.extractfile(member).read()
    if "markupsafe/__init__.py" not in files:
        raise RuntimeError(f"unexpected layout in {sdist.name}")
    return write_wheel(out_dir, "MarkupSafe", version, files)


def _own_files() -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    for path in sorted(PACKAGE_DIR.rglob("*")):
        rel = path.relative_to(PACKAGE_DIR).as_posix()
        if not path.is_file() or "__pycache__" in rel or path.suffix in {".pyc"}:
            continue
        if any(rel == ex or rel.startswith(ex) for ex in BROWSER_EXCLUDES):
            continue
        files[f"stigg_portal/{rel}"] = path.read_bytes()
    for folder in ("widgets", "css"):
        source = SOURCE_ROOT / folder
        if not source.is_dir():  # installed package: data files live inside it
            source = PACKAGE_DIR / folder
        for path in sorted(source.rglob("*")):
            if path.is_file():
                files[f"stigg_portal/{folder}/{path.relative_to(source).as_posix()}"] = path.read_bytes()
    return files


def own_wheel(out_dir: Path) -> tuple[Path, str]:
    """Our package as a wheel; its version carries a content hash so browsers never mix builds."""
    from . import __version__

    files = _own_files()
    content = hashlib.sha256()
    for path, data in sorted(files.items()):
        content.update(path.encode() + b"\0" + data)
    digest = content.hexdigest()[:12]
    return write_wheel(out_dir, "stigg-portal", f"{__version__}+{digest}", files), digest


# ----------------------------------------------------------------------------- lock
@dataclass
class ShippedWheel:
    name: str
    version: str
    path: Path
    imports: list[str]
    depends: list[str] = field(default_factory=list)


def write_lock(runtime_dir: Path, wheels: Iterable[ShippedWheel], info: dict[str, Any]) -> Path:
    """``pyodide-lock.json`` listing exactly the wheels we ship (Pyodide loads through it)."""
    packages = {}
    for wheel in wheels:
        key = wheel.name.lower().replace("_", "-")
        packages[key] = {
            "name": wheel.name,
            "version": wheel.version,
            "file_name": wheel.path.name,
            "install_dir": "site",
            "sha256": sha256_file(wheel.path),
            "package_type": "package",
            "imports": wheel.imports,
            "depends": [d.lower().replace("_", "-") for d in wheel.depends],
            "unvendored_tests": False,
            "shared_library": False,
        }
    lock = {"info": info, "packages": packages}
    out = runtime_dir / "pyodide-lock.json"
    out.write_text(json.dumps(lock, indent=1, sort_keys=True))
    return out


# ----------------------------------------------------------------------------- generated files
def _section_cards(html: str) -> list[str]:
    """The first class of every element of ``html`` that is a ``stigg-section-card``."""
    return [classes.split()[0] for classes in re.findall(r'class="([^"]*)"', html)
            if "stigg-section-card" in classes.split()]


def hidden_section_boxes(tag: str) -> dict[str, list[str]]:
    """``hidden-sections`` name -> the section cards of ``tag``'s skeleton that the name leaves out,
    read off the skeleton rendered with and without it (the loader removes them when it inserts the
    skeleton, so a portal with hidden sections does not shrink when its data arrives)."""
    from .elements import SECTION_NAMES
    from .rendering import render_skeleton

    cards = _section_cards(render_skeleton(tag))
    out = {}
    for name in SECTION_NAMES:
        left = _section_cards(render_skeleton(tag, {"hidden-sections": name}))
        gone = [card for card in cards if card not in left]
        if gone:
            out[name] = gone
    return out


def element_definitions() -> list[dict[str, Any]]:
    """What the loader needs per element: tag, observed attributes, properties, skeleton HTML."""
    from .elements import all_widgets
    from .rendering import prepare, render_error, render_skeleton
    from .texts import DEFAULT_TEXTS, text_attribute_names

    text_attrs = sorted(f"text-{suffix}" for suffix in text_attribute_names())
    definitions = []
    for tag, widget in sorted(all_widgets().items()):
        definitions.append(
            {
                "tag": tag,
                "attributes": widget.observed_attributes() + text_attrs,
                "properties": widget.properties(),
                "skeleton": render_skeleton(tag),
                "loadingAnnouncement": DEFAULT_TEXTS["loading"],
                # shown when Python cannot start at all (no texts of the element's can apply then)
                "runtimeError": render_error(prepare(tag, {}), "runtime"),
                "shape": [list(pair) for pair in widget.skeleton_shape],
                "hiddenBoxes": hidden_section_boxes(tag),
                "loads": list(widget.loads),
                "events": list(widget.events),
            }
        )
    return definitions


def custom_elements_manifest(version: str) -> dict[str, Any]:
    """A ``custom-elements.json`` (schema 1.0.0) generated from the widget classes."""
    from .reference import custom_elements_manifest as manifest

    return manifest(version)


def write_editor_files(dist: Path, version: str) -> None:
    """custom-elements.json, stigg-portal.d.ts, editor data files and package.json (from the widget classes)."""
    from . import reference

    def dump(name: str, value: Any) -> None:
        (dist / name).write_text(json.dumps(value, indent=2, ensure_ascii=False) + "\n")

    dump("custom-elements.json", custom_elements_manifest(version))
    (dist / "stigg-portal.d.ts").write_text(reference.typescript_declarations())
    (dist / "react.d.ts").write_text(reference.react_declarations())
    (dist / "vue.d.ts").write_text(reference.vue_declarations())
    dump("vscode.html-custom-data.json", reference.vscode_custom_data())
    dump("web-types.json", reference.web_types(version))
    dump("package.json", reference.dist_package_json(version))


def _fill(template_name: str, values: dict[str, Any]) -> str:
    text = (PACKAGE_DIR / "loader" / template_name).read_text()
    for key, value in values.items():
        marker = f"/*@{key}@*/null"
        if marker not in text:
            raise RuntimeError(f"{template_name}: marker {marker} missing")
        text = text.replace(marker, json.dumps(value, ensure_ascii=True))
    return text


def font_probes(css: str) -> dict[str, list[str]]:
    """Every ``font-size`` and ``font-weight`` value the stylesheet declares (``inherit`` and the
    like left out): the loader lays text out once in each pair while Python boots, so the browser
    has looked those fonts up before the real HTML arrives."""
    def values(prop: str) -> list[str]:
        found = {v.strip() for v in re.findall(rf"(?<![-\w]){prop}\s*:\s*([^;{{}}]+?)\s*(?:;|}})", css)}
        return sorted(v for v in found if v not in {"inherit", "initial", "unset", "revert"} and "!" not in v)

    return {"sizes": values("font-size"), "weights": values("font-weight")}


# ----------------------------------------------------------------------------- host-page cascade
#: Appended to every rule of ours that styles our markup (not the elements themselves): it matches
#: every element and weighs four element selectors, specificity (0,0,4). So our rules beat a host
#: page's element rules (``h2 {}``, ``ul li {}``, Bootstrap's reboot, Tailwind's preflight,
#: normalize.css: at most three element selectors) and lose to any page rule naming a class
#: (``.stigg-section-title {}`` is (0,1,0)), which is what the contract promises.
SPECIFICITY_BOOST = ":not(stigg-none stigg-none stigg-none stigg-none)"
_HOSTS = ("stigg-customer-portal, stigg-subscription-overview, stigg-usage, stigg-addons, stigg-promotions, "
          "stigg-payment-details, stigg-invoices, stigg-paywall")
#: First in the bundle: inside our elements every property a page's element rule could set goes
#: back to the browser's own default (``revert``), i.e. what a bare page shows, unless one of our
#: rules (later, same weight) sets it. SVG keeps its presentation attributes (``revert`` would drop
#: them): only the layout properties page resets touch are reverted there.
HOST_RESET = f"""/* host-page reset (generated by stigg-portal build) */
:where({_HOSTS}) :where(:not(svg, svg *)),
:where({_HOSTS}) :where(:not(svg, svg *))::before,
:where({_HOSTS}) :where(:not(svg, svg *))::after {{
  all: revert;
}}

:where({_HOSTS}) :where(svg) {{
  display: revert;
  vertical-align: revert;
  max-width: revert;
}}
"""


def _split_top(text: str, separator: str) -> list[str]:
    """``text`` split at ``separator`` characters outside parentheses and brackets."""
    parts, depth, start = [], 0, 0
    for i, char in enumerate(text):
        if char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        elif char == separator and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return parts


def _boost_selector(selector: str) -> str:
    """One selector with :data:`SPECIFICITY_BOOST` on its subject (before a trailing pseudo-element),
    when it styles our markup: it names a class, or has a descendant combinator. Rules on the
    elements themselves keep zero specificity, so a page's ``stigg-usage {}`` still wins."""
    stripped = selector.strip()
    top = "".join(part if i % 2 == 0 else "()" for i, part in enumerate(re.split(r"(\([^()]*(?:\([^()]*\)[^()]*)*\))", stripped)))
    if "." not in stripped and not re.search(r"\S\s+\S", top):
        return selector
    depth, cut = 0, len(stripped)
    for i, char in enumerate(stripped):
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif depth == 0 and stripped.startswith("::", i):
            cut = i
            break
    return selector.replace(stripped, stripped[:cut] + SPECIFICITY_BOOST + stripped[cut:], 1)


def boost_css(css: str) -> str:
    """Every style rule's selectors boosted (see :data:`SPECIFICITY_BOOST`); at-rule blocks
    (``@media``, ``@container``, ``@supports``) are walked, ``@keyframes``/``@font-face`` copied."""
    out, i, n = [], 0, len(css)
    while i < n:
        if css.startswith("/*", i):
            end = css.index("*/", i) + 2
            out.append(css[i:end])
            i = end
            continue
        if css[i] == "}" or css[i].isspace():
            out.append(css[i])
            i += 1
            continue
        brace = css.index("{", i)
        prelude = css[i:brace]
        if "/*" in prelude:  # a comment before the rule: copy up to it
            j = css.index("/*", i)
            out.append(css[i:j])
            i = j
            continue
        if prelude.lstrip().startswith("@") and not re.match(r"\s*@(media|container|supports|layer)\b", prelude):
            depth, j = 0, brace
            while True:
                depth += {"{": 1, "}": -1}.get(css[j], 0)
                j += 1
                if depth == 0:
                    break
            out.append(css[i:j])
            i = j
            continue
        if prelude.lstrip().startswith("@"):
            out.append(css[i:brace + 1])
            i = brace + 1
            continue
        end = css.index("}", brace) + 1
        out.append(",".join(_boost_selector(sel) for sel in _split_top(prelude, ",")) + css[brace:end])
        i = end
    return "".join(out)


def css_bundle(fonts_css: str = "") -> str:
    source = SOURCE_ROOT / "css"
    if not source.is_dir():
        source = PACKAGE_DIR / "css"
    parts = [f"/* {p.name} */\n{p.read_text()}" for p in sorted(source.glob("*.css"))]
    if fonts_css:
        parts.insert(0, fonts_css)
    return ("/* stigg-portal default styles: any page rule naming one of our classes wins; a page's element "
            "rules do not reach inside our elements */\n" + boost_css(HOST_RESET + "\n".join(parts)))


#: A local face with DM Sans's metrics, used until DM Sans arrives, so the swap moves nothing:
#: Arial / Liberation Sans (metric-compatible) scaled to DM Sans's average glyph width (pangram
#: of lower and upper case and digits, measured with fontTools on the shipped woff2 files and on
#: Liberation Sans) and given DM Sans's ascent and descent (hhea 992 / -310 of 1000, no line gap).
#: ``size-adjust`` = width(DM Sans) / width(Arial); the overrides are divided by it.
FONT_FALLBACK_FACES = {
    400: ('local("Arial"), local("Liberation Sans"), local("Helvetica"), local("Arimo")', 0.50944 / 0.50318),
    700: ('local("Arial Bold"), local("Arial-BoldMT"), local("Liberation Sans Bold"), local("Arimo Bold")',
          0.53061 / 0.52678),
}
DM_SANS_ASCENT, DM_SANS_DESCENT = 0.992, 0.310


def ship_fonts(dist: Path) -> str:
    """Copy DM Sans (``pins.DM_SANS_*``) into ``dist/fonts/`` with its licence and return the
    ``@font-face`` rules (``font-display: swap``; unicode ranges as Fontsource declares them)
    plus the metric-matched local fallback faces."""
    tarball = fetch_npm(pins.DM_SANS_NPM)
    target = dist / "fonts"
    target.mkdir(parents=True, exist_ok=True)
    rules = ["/* DM Sans, shipped in dist/fonts/ (SIL Open Font License 1.1: fonts/DM-Sans-OFL.txt) */"]
    with tarfile.open(tarball) as tar:
        (target / "DM-Sans-OFL.txt").write_bytes(tar.extractfile("package/LICENSE").read())
        for weight in pins.DM_SANS_WEIGHTS:
            declared = tar.extractfile(f"package/{weight}.css").read().decode()
            for subset in pins.DM_SANS_SUBSETS:
                name = f"dm-sans-{subset}-{weight}-normal.woff2"
                (target / name).write_bytes(tar.extractfile(f"package/files/{name}").read())
                block = re.search(rf"/\* dm-sans-{re.escape(subset)}-{weight}-normal \*/\s*@font-face\s*{{(.*?)}}",
                                  declared, re.DOTALL)
                ranges = re.search(r"unicode-range:\s*([^;]+);", block.group(1)) if block else None
                if ranges is None:
                    raise RuntimeError(f"{pins.DM_SANS_NPM}: no unicode-range for {subset} {weight}")
                rules.append(
                    f'@font-face {{ font-family: "DM Sans"; font-style: normal; font-weight: {weight}; '
                    f'font-display: swap; src: url("fonts/{name}") format("woff2"); '
                    f"unicode-range: {ranges.group(1).strip()}; }}"
                )
    for weight, (sources, size) in FONT_FALLBACK_FACES.items():
        rules.append(
            f'@font-face {{ font-family: "DM Sans Fallback"; font-style: normal; font-weight: {weight}; '
            f"src: {sources}; size-adjust: {size * 100:.2f}%; ascent-override: {DM_SANS_ASCENT / size * 100:.2f}%; "
            f"descent-override: {DM_SANS_DESCENT / size * 100:.2f}%; line-gap-override: 0%; }}"
        )
    return "\n".join(rules) + "\n"


# ----------------------------------------------------------------------------- compression
def brotli_options(size: int) -> dict[str, int]:
    """Quality 11 (smallest) for every file, so that every build ships the release bytes: the
    memory snapshot (over 16 MB, remade on every code change) with a 16 MB window. At quality 10
    it is ~4% (~150 KB) larger and takes half the time (21 s against 40 s for today's 21 MB here),
    which a quick edit-and-reload loop may prefer: ``$STIGG_PORTAL_BROTLI_QUALITY=10`` sets one
    quality for every file."""
    forced = os.environ.get("STIGG_PORTAL_BROTLI_QUALITY")
    if forced:
        return {"quality": int(forced), "lgwin": 24}
    return {"quality": 11} if size <= 16 << 20 else {"quality": 11, "lgwin": 24}


#: Windows also tried at quality 11 for files of 1 to 16 MB (Pyodide's wasm and mjs, the side
#: module), the smallest output kept: a larger window is not always smaller (Pyodide's wasm:
#: 2,741,061 bytes at 4 MB (lgwin 22) against 2,766,607 at 16 MB). Browsers decode any window up
#: to 16 MB (lgwin 24). The snapshot (over 16 MB, remade on every code change) keeps lgwin 24.
BROTLI_WINDOWS = (22, 24)
BROTLI_TRY_MIN_BYTES, BROTLI_TRY_MAX_BYTES = 1 << 20, 16 << 20


def brotli_compress(data: bytes, brotli: Any) -> bytes:
    """Brotli with :func:`brotli_options`; at quality 11 a file of 1 to 16 MB is compressed with
    each window of :data:`BROTLI_WINDOWS` smaller than twice its size, and the smallest result is kept."""
    options = brotli_options(len(data))
    if options["quality"] < 11 or not BROTLI_TRY_MIN_BYTES <= len(data) <= BROTLI_TRY_MAX_BYTES:
        return brotli.compress(data, **options)
    windows = sorted({options.get("lgwin", 22), *(w for w in BROTLI_WINDOWS if (1 << (w - 1)) < len(data))})
    return min((brotli.compress(data, quality=11, lgwin=w) for w in windows), key=len)


def compress_tree(dist: Path) -> None:
    """Write ``.gz`` and ``.br`` beside each large file (cached by content hash).

    The files are compressed in threads, largest first (zlib and brotli release the GIL), so the
    snapshot's brotli, the longest by far, runs while the other cores do the rest."""
    try:
        import brotli  # type: ignore
    except ImportError:  # pragma: no cover - brotli is a dependency, but never fail a build on it
        brotli = None
        log("brotli not installed: writing .gz only")
    store = cache_dir() / "compressed"
    store.mkdir(exist_ok=True)
    jobs: list[_CompressJob] = []
    for path in sorted(dist.rglob("*")):
        if not path.is_file() or path.suffix not in COMPRESS_SUFFIXES or path.stat().st_size < COMPRESS_MIN_BYTES:
            continue
        data = path.read_bytes()
        digest = sha256_bytes(data)
        for suffix, make in (("gz", lambda d: gzip.compress(d, 9, mtime=0)),
                             ("br", (lambda d: brotli_compress(d, brotli)) if brotli else None)):
            if make is None:
                continue
            options = brotli_options(len(data)) if suffix == "br" else {}
            variant = "" if options in ({}, {"quality": 11}) else "-q{quality}w{lgwin}".format(**options)
            if suffix == "br" and options.get("quality") == 11 and \
                    BROTLI_TRY_MIN_BYTES <= len(data) <= BROTLI_TRY_MAX_BYTES:
                variant = "-q11best" + "-".join(map(str, BROTLI_WINDOWS))  # the smallest of the windows
            useless = store / f"{digest}.{suffix}.useless"
            if useless.exists():
                continue
            # the cache's name says which quality it holds
            jobs.append(_CompressJob(path, data, suffix, make, store / f"{digest}.{suffix}{variant}", useless))

    def run(job: _CompressJob) -> None:
        if not job.cached.exists():
            if len(job.data) > 1 << 20:
                log(f"compressing {job.path.relative_to(dist)} ({job.suffix})")
            packed = job.make(job.data)
            if len(packed) > 0.9 * len(job.data):  # already compressed (wheels, zips): not worth a file
                job.useless.touch()
                return
            write_atomic(job.cached, packed)
        shutil.copyfile(job.cached, job.path.with_name(f"{job.path.name}.{job.suffix}"))

    jobs.sort(key=lambda job: -len(job.data))
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, min(4, os.cpu_count() or 1))) as pool:
        for future in [pool.submit(run, job) for job in jobs]:
            future.result()  # an error in any of them stops the build, as before


@dataclass(frozen=True)
class _CompressJob:
    """One compressed copy to write: ``path``'s ``.gz`` or ``.br``, from the cache or made."""

    path: Path
    data: bytes
    suffix: str
    make: Callable[[bytes], bytes]
    cached: Path
    useless: Path  # marks content that does not compress


# ----------------------------------------------------------------------------- build
@dataclass
class BuildResult:
    dist: Path
    build_id: str
    seconds: float
    files: dict[str, int]


#: Binaries shipped with a .gz copy the worker can decode (hosts often send them uncompressed).
PACKED_SUFFIXES = (".bin", ".wasm", ".so")


# Pyodide's dynamic linking, made lazy (docs/speed.md, "The worker's path after instantiation").
# After instantiating pyodide.asm.wasm, Emscripten's receiveInstance gives every function the
# main module exports (~7,400) a GOT entry and a function-table slot (~5,200 new slots, ~8,500
# WebAssembly.Global objects), in case a side module later takes its address; only ~280 of them
# are imported by the main module itself and a few hundred by pydantic-core. The patched code
# fills only the GOT entries that exist (imported by the main module; for a side module, right
# after it is instantiated, before its own exports and before its relocations run), with the same
# values and in a fixed order (the GOT's: the order of the imports), so the table layout is the
# same in the run that makes the memory snapshot and in every restore (and in the plain boot,
# which has no snapshot). If Pyodide's file does not have the expected code (another version),
# it is shipped unpatched.
_LAZY_GOT = (
    (b"var isImmutableGlobal=",
     (b"var stiggMainExports=null;var stiggGOTFromMain=exports=>{for(var symName in GOT){var entry=GOT[symName];"
      b"if(entry.value!=-1||!(symName in exports)||isInternalSym(symName)){continue}"
      b"var value=exports[symName];if(typeof value==\"function\"){entry.value=addFunction(value)}"
      b"else if(typeof value.value==\"number\"){entry.value=value}}};var isImmutableGlobal=")),
    (b"assignWasmExports(wasmExports);updateGOT(origExports);LDSO.init();",
     b"assignWasmExports(wasmExports);stiggMainExports=origExports;stiggGOTFromMain(origExports);LDSO.init();"),
    (b"moduleExports=relocateExports(instance.exports,memoryBase);updateGOT(moduleExports);",
     (b"moduleExports=relocateExports(instance.exports,memoryBase);"
      b"if(stiggMainExports){stiggGOTFromMain(stiggMainExports)}updateGOT(moduleExports);")),
)


def patch_pyodide_linking(source: bytes) -> tuple[bytes, bool]:
    """pyodide.asm.mjs with the lazy GOT above; (source, False) when a piece is not found."""
    for old, new in _LAZY_GOT:
        if source.count(old) != 1:
            return source, False
    for old, new in _LAZY_GOT:
        source = source.replace(old, new)
    return source, True


#: PyScript's plugin table in its core chunk: every entry is a chunk that core.js imports before
#: <py-script> is defined (deprecations manager, donkey, error, editor, game, terminal). The portal
#: uses none of them; the build empties the table (docs/speed.md (l)).
_PYSCRIPT_PLUGINS = re.compile(rb'var (\w+)=\{codemirror:\(\)=>Promise\.resolve\(\)\.then\(function\(\)\{return \w+\}\),'
                               rb'"deprecations-manager":[^{}]*?"py-terminal":\(\)=>import\("\./py-terminal-\w+\.js"\)\};')
#: PyScript's Python package, copied here by ship_pyscript for the snapshot maker (which compiles it
#: into the heap, see stigg_portal.browser.pyscript_host); removed from dist/ after the snapshot step.
PYSCRIPT_PYTHON = "stigg-pyscript-python.json"


def ship_pyscript(dist: Path, runtime_dir: Path | None = None) -> list[str]:
    """Copy the files of @pyscript/core that ``PyWorker`` needs into dist/pyscript/ (its plugin
    table emptied), write the Python entry PyScript runs in its worker (dist/stigg-pyscript.py)
    and, given ``runtime_dir``, PyScript's Python package as JSON for the snapshot maker."""
    target = dist / "pyscript"
    target.mkdir(exist_ok=True)
    shipped = []
    python: dict[str, str] = {}
    patched = False
    with tarfile.open(fetch_npm(pins.PYSCRIPT_NPM)) as tar:
        for member in tar.getmembers():
            if member.isfile() and member.name.startswith("package/src/stdlib/pyscript/") and member.name.endswith(".py"):
                python[member.name.removeprefix("package/src/stdlib/")] = tar.extractfile(member).read().decode()
            name = member.name.removeprefix("package/dist/")
            if (member.isfile() and name != member.name and "/" not in name and name.endswith(".js")
                    and any(name == p or (p.endswith("-") and name.startswith(p)) for p in pins.PYSCRIPT_FILES)):
                data = tar.extractfile(member).read()
                # Source maps are not shipped: drop the comment naming them (no 404 in dev tools).
                data = re.sub(rb"\n?//# sourceMappingURL=\S+\s*$", b"\n", data)
                if name.startswith("core-"):
                    data, count = _PYSCRIPT_PLUGINS.subn(rb"var \1={};", data)
                    patched = patched or count == 1
                (target / name).write_bytes(data)
                shipped.append(name)
    if "core.js" not in shipped:
        raise RuntimeError(f"{pins.PYSCRIPT_NPM}: no dist/core.js in the tarball")
    if not patched:
        raise RuntimeError(f"{pins.PYSCRIPT_NPM}: its plugin table was not found in the core chunk (new version?)")
    # stigg-worker.js leaves out the part of PyScript's worker set-up that writes and imports its
    # Python package after a snapshot restore (deferPyScriptPackage), found by these lines of it.
    chunk = next((target / name).read_bytes() for name in shipped if name.startswith("core-"))
    for line in (rb'["import os as _os","from pathlib import Path as _Path","_path = None"]',
                 rb'"import pyscript as _pyscript"', rb'["_Path","_path","_os","_pyscript"].map('):
        if line not in chunk:
            raise RuntimeError(f"{pins.PYSCRIPT_NPM}: its worker set-up no longer has {line.decode()} "
                               "(new version? see deferPyScriptPackage in stigg-worker.js)")
    if runtime_dir is not None:
        if "pyscript/__init__.py" not in python:
            raise RuntimeError(f"{pins.PYSCRIPT_NPM}: no src/stdlib/pyscript/__init__.py in the tarball")
        (runtime_dir / PYSCRIPT_PYTHON).write_text(json.dumps(dict(sorted(python.items()))))
    (dist / "stigg-pyscript.py").write_text(
        "# Run by PyScript in the portal's worker (see stigg_portal.browser.pyscript_host).\n"
        "# PyScript hands the worker's messages to `xworker.onmessage` of this file's globals (main()\n"
        "# makes it a no-op: stigg-worker.js takes the portal's messages to our runtime).\n"
        "from polyscript import xworker  # noqa: F401\n"
        "from stigg_portal.browser.pyscript_host import main\n\nmain()\n")
    return sorted(shipped)


def copy_from_npm(spec: str, members: list[tuple[str, Path]]) -> None:
    """Write each ``(member, target)`` of ``spec``'s npm tarball (:func:`fetch_npm`) to ``target``."""
    with tarfile.open(fetch_npm(spec)) as tar:
        for member_name, target in members:
            try:
                member = tar.extractfile(member_name)
            except KeyError:
                member = None
            if member is None:
                raise RuntimeError(f"{spec}: no {member_name} in the tarball")
            target.write_bytes(member.read())


def ship_micropython(dist: Path) -> list[str]:
    """Copy MicroPython for PyScript (the version core.js would load from its CDN) into
    dist/micropython/: pages whose own glue is ``<script type="mpy">`` point PyScript's
    ``interpreter`` there and stay offline."""
    target = dist / "micropython"
    target.mkdir(exist_ok=True)
    copy_from_npm(pins.MICROPYTHON_NPM, [(f"package/{name}", target / name) for name in pins.MICROPYTHON_FILES])
    return list(pins.MICROPYTHON_FILES)


def ship_brotli_decoder(runtime_dir: Path) -> dict[str, str]:
    """Copy the brotli decoder (``pins.BROTLI_DEC_NPM``: its wasm-bindgen module and wasm, and its
    licence) into the runtime folder; returns the worker's ``RUNTIME.brotliDecoder`` (the two names)."""
    copy_from_npm(pins.BROTLI_DEC_NPM, [(member, runtime_dir / name) for member, name in pins.BROTLI_DEC_FILES])
    module, wasm = (name for _, name in pins.BROTLI_DEC_FILES[:2])
    return {"module": module, "wasm": wasm}


def build(dist: Path | str = "dist", *, compress: bool = True, snapshot: bool | None = None,
          progress: Callable[[str], None] = log) -> BuildResult:
    """Build ``dist/``; returns what was written."""
    from . import __version__

    started = time.monotonic()
    dist = Path(dist).resolve()
    runtime_name = f"pyodide-{pins.PYODIDE_VERSION}"
    if dist.exists():
        for child in dist.iterdir():
            if child.is_dir():
                shutil.rmtree(child)
            else:
                child.unlink()
    runtime_dir = dist / runtime_name
    runtime_dir.mkdir(parents=True)

    progress("runtime: Pyodide files")
    tarball = fetch_npm(pins.PYODIDE_NPM)
    with tarfile.open(tarball) as tar:
        lock_info = json.load(tar.extractfile("package/pyodide-lock.json"))["info"]
        for name in pins.PYODIDE_FILES:
            data = tar.extractfile(f"package/{name}").read()
            if name == "pyodide.asm.mjs":
                data, patched = patch_pyodide_linking(data)
                if not patched:
                    progress("warning: pyodide.asm.mjs not patched (lazy GOT: code not found); shipped as is")
                data = minify_js(data, name)  # after the patch: its patterns are the published source
            (runtime_dir / name).write_bytes(data)

    progress("wheels")
    shipped: list[ShippedWheel] = []
    for name, version, imports, depends in pins.PURE_WHEELS:
        source = fetch_pypi(name, version)
        shutil.copyfile(source, runtime_dir / source.name)
        shipped.append(ShippedWheel(name, version, runtime_dir / source.name, imports, depends))
    name, version, imports, depends = pins.PYDANTIC_CORE
    source = fetch_pypi(name, version, platform=True)
    shutil.copyfile(source, runtime_dir / source.name)
    shipped.append(ShippedWheel(name, version, runtime_dir / source.name, imports, depends))
    name, version, imports, depends = pins.MARKUPSAFE
    shipped.append(ShippedWheel(name, version, markupsafe_wheel(runtime_dir), imports, depends))
    own, digest = own_wheel(runtime_dir)
    shipped.append(ShippedWheel("stigg-portal", f"{__version__}+{digest}", own, ["stigg_portal"],
                                ["pydantic", "jinja2"]))
    write_lock(runtime_dir, shipped, lock_info)

    build_id = hashlib.sha256(
        (digest + json.dumps(sorted(sha256_file(w.path) for w in shipped))).encode()
    ).hexdigest()[:16]

    progress("loader, worker, styles and manifest")
    runtime_config = {
        "runtimeDir": runtime_name + "/",
        "packages": [w.name.lower().replace("_", "-") for w in shipped],
        "buildId": build_id,
        "version": __version__,
        "pyodideVersion": pins.PYODIDE_VERSION,
    }
    definitions = element_definitions()
    from .clients.early import loader_plan

    early_plan = loader_plan()  # the loader's early GraphQL requests, read off StiggClient
    from .shapes import demo_shapes, loader_rules

    progress("PyScript")
    # What the loader preloads (modulepreload) as soon as it runs on a page with elements: PyScript's
    # core.js and the chunk it imports (its name carries a hash: read from what was shipped).
    runtime_config["pyscriptModules"] = [f"pyscript/{name}" for name in ship_pyscript(dist, runtime_dir)]
    ship_micropython(dist)

    progress("fonts")
    styles = css_bundle(ship_fonts(dist))

    from .elements import identity_attributes, page_wide_attributes

    def write_entry(name: str, source: str, *, module: bool) -> None:
        code, source_map = minify_entry(source, name, module=module)
        (dist / name).write_text(code)
        (dist / f"{name}.map").unlink(missing_ok=True)
        if source_map:
            (dist / f"{name}.map").write_text(source_map)

    def write_entry_points() -> None:
        write_entry("stigg-portal.js", _fill("stigg-portal.js", {
            "DEFINITIONS": definitions, "RUNTIME": runtime_config, "STYLES": styles, "FONTS": font_probes(styles),
            "PAGE_WIDE_ATTRIBUTES": page_wide_attributes(), "IDENTITY_ATTRIBUTES": identity_attributes(),
            "EARLY": early_plan, "SHAPE_RULES": loader_rules(), "DEMO_SHAPES": demo_shapes()}), module=False)
        worker_source = _fill("stigg-worker.js", {"RUNTIME": runtime_config})
        write_entry("stigg-worker.js", worker_source.replace("__RUNTIME_DIR__", runtime_name), module=True)

    write_entry_points()
    (dist / "stigg-portal.css").write_text(styles)
    write_editor_files(dist, __version__)

    if snapshot is not False:
        try:
            from . import snapshot as snapshot_module  # optional speed lever (see issue 6)
        except ImportError:
            snapshot_module = None
        if snapshot_module is not None and snapshot_module.make_snapshot(
                dist, runtime_config, required=bool(snapshot), progress=progress):
            write_entry_points()  # the runtime config now names the snapshot file

    (runtime_dir / PYSCRIPT_PYTHON).unlink(missing_ok=True)  # the maker's input only

    if compress:
        # The big binaries get .br and .gz copies the worker decodes itself when a host sends them
        # raw (see fetchRuntime in stigg-worker.js): the entry points name them before compressing.
        runtime_config["packed"] = {p.name: p.stat().st_size for p in sorted(runtime_dir.iterdir())
                                    if p.suffix in PACKED_SUFFIXES and p.stat().st_size >= 1_000_000}
        runtime_config["brotliDecoder"] = ship_brotli_decoder(runtime_dir)  # for their .br copies
        write_entry_points()
        progress("compressing (.gz, .br)")
        compress_tree(dist)

    files = {p.relative_to(dist).as_posix(): p.stat().st_size for p in sorted(dist.rglob("*")) if p.is_file()}
    (dist / "build-info.json").write_text(json.dumps({"buildId": build_id, "version": __version__,
                                                       "pyodide": pins.PYODIDE_VERSION}, indent=1))
    seconds = time.monotonic() - started
    progress(f"done: {dist} ({len(files)} files, {sum(files.values()) / 1e6:.1f} MB) in {seconds:.1f} s")
    return BuildResult(dist, build_id, seconds, files)
