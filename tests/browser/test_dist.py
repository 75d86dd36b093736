"""The built dist/ is self-contained: runtime, exactly the wheels the lock lists, loader, manifest."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import zipfile

import pytest
from browser_helpers import runtime_entry

from stigg_portal import pins


def test_lock_lists_exactly_the_shipped_wheels(dist_dir):
    runtime = dist_dir / f"pyodide-{pins.PYODIDE_VERSION}"
    lock = json.loads((runtime / "pyodide-lock.json").read_text())
    wheels = {p.name for p in runtime.glob("*.whl")}
    assert {entry["file_name"] for entry in lock["packages"].values()} == wheels
    for entry in lock["packages"].values():
        data = (runtime / entry["file_name"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"], entry["file_name"]
    assert lock["info"]["abi_version"] == "2026_0"
    names = set(lock["packages"])
    assert {"pydantic", "pydantic-core", "jinja2", "markupsafe", "stigg-portal"} <= names
    core = lock["packages"]["pydantic-core"]["file_name"]
    assert core.endswith(f"{pins.PYODIDE_PLATFORM}.whl")
    markupsafe = lock["packages"]["markupsafe"]["file_name"]
    assert markupsafe.endswith("py3-none-any.whl")
    with zipfile.ZipFile(runtime / markupsafe) as zf:
        assert not any(n.endswith(".so") for n in zf.namelist())
    for name in pins.PYODIDE_FILES:
        assert (runtime / name).stat().st_size > 0


def test_dist_has_loader_worker_css_and_manifest(dist_dir):
    for name in ("stigg-portal.js", "stigg-worker.js", "stigg-portal.css", "custom-elements.json"):
        assert (dist_dir / name).stat().st_size > 0, name
    manifest = json.loads((dist_dir / "custom-elements.json").read_text())
    tags = {d["tagName"] for d in manifest["modules"][0]["declarations"]}
    assert "stigg-customer-portal" in tags and "stigg-usage" in tags
    loader = (dist_dir / "stigg-portal.js").read_text()
    assert "/*@" not in loader and "eval(" not in loader and "new Function" not in loader
    assert "https://cdn" not in loader


@pytest.mark.parametrize("name", ["stigg-portal.js", "stigg-worker.js"])
def test_loader_and_worker_ship_minified_with_their_readable_source_in_a_source_map(dist_dir, name):
    """Fewer bytes on every page (esbuild, as for Pyodide's glue), and a page author's dev tools
    still show the generated file: the map's only source is the whole readable text."""
    shipped = (dist_dir / name).read_text()
    assert shipped.endswith(f"//# sourceMappingURL={name}.map\n")
    source_map = json.loads((dist_dir / f"{name}.map").read_text())
    assert source_map["sources"] == [name] and source_map["mappings"]
    [readable] = source_map["sourcesContent"]
    assert readable.startswith(f"// stigg-{'portal loader' if name == 'stigg-portal.js' else 'portal worker'}")
    assert "/*@" not in readable and len(shipped) < 0.8 * len(readable)
    assert "pyodide.asm.wasm" in shipped and "pyodide.asm.wasm" in readable  # the RUNTIME the build filled in


def test_pyodide_linking_is_lazy_in_this_build(dist_dir):
    """pyodide.asm.mjs ships with the lazy GOT (build.patch_pyodide_linking): the main module's
    exports get a GOT entry and a table slot only when something imports them."""
    source = (dist_dir / "pyodide-314.0.7" / "pyodide.asm.mjs").read_bytes()
    assert b"updateGOT(origExports)" not in source
    assert len(re.findall(rb"\bstiggGOTFromMain\s*=", source)) == 1  # "var " may be merged by the minifier
    assert source.count(b"stiggGOTFromMain(") == 2  # for the main module, then for each side module


def test_lazy_got_patch_leaves_other_pyodide_code_alone():
    from stigg_portal.build import patch_pyodide_linking

    other = b"var isImmutableGlobal=1;function receiveInstance(){updateGOT(exports)}"
    assert patch_pyodide_linking(other) == (other, False)


def test_the_brotli_decoder_for_raw_hosts_ships_with_its_licence_and_decodes_our_copies(dist_dir, tmp_path):
    """RUNTIME.brotliDecoder names the decoder's two files in the runtime folder; its wasm has a
    .gz copy (what the worker fetches); run by Node, it decodes the snapshot's .br copy byte for
    byte (the same module and calls as the worker's, see brotliDecoder in stigg-worker.js)."""
    names = runtime_entry(dist_dir, "brotliDecoder")
    if not names:
        pytest.skip("dist/ was built with --no-compress: no packed binaries, no decoder")
    runtime = dist_dir / f"pyodide-{pins.PYODIDE_VERSION}"
    assert (runtime / names["module"]).stat().st_size > 0
    assert (runtime / (names["wasm"] + ".gz")).stat().st_size < (runtime / names["wasm"]).stat().st_size
    assert "MIT" in (runtime / "brotli-dec-LICENSE-MIT.txt").read_text()
    from stigg_portal.snapshot import find_node

    node, _ = find_node()
    if node is None:
        pytest.skip("no Node to run the decoder")
    snapshot = next(runtime.glob("snapshot-*.bin"))
    for name in (names["module"], names["wasm"]):
        shutil.copyfile(runtime / name, tmp_path / name)
    script = tmp_path / "decode.mjs"
    script.write_text(f"""
import init, {{ BrotliDecStream, BrotliStreamResultCode }} from "./{names['module']}";
import {{ readFileSync }} from "node:fs";
import {{ createHash }} from "node:crypto";
await init({{ module_or_path: readFileSync(new URL("./{names['wasm']}", import.meta.url)) }});
const input = readFileSync(process.argv[2]);
const stream = new BrotliDecStream();
const hash = createHash("sha256");
let code;
for (let at = 0; at < input.length; at += 65536) {{
  const chunk = input.subarray(at, at + 65536);
  for (let offset = 0; ;) {{
    const result = stream.dec(chunk.subarray(offset), 1 << 20);
    offset += result.input_offset;
    hash.update(result.buf);
    code = result.code;
    if (code !== BrotliStreamResultCode.NeedsMoreOutput) break;
  }}
}}
console.log(code === BrotliStreamResultCode.ResultSuccess ? hash.digest("hex") : "incomplete");
""")
    out = subprocess.run([node, str(script), str(snapshot) + ".br"], check=False, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == hashlib.sha256(snapshot.read_bytes()).hexdigest()
