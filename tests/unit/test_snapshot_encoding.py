"""The worker's snapshot encoding (``loader/stigg-worker.js``): encodeSnapshot / writeHeap round
trip, XOR pages over a non-zero baseline, the baseline check, and zeroFreeMemory, run in Node on
the worker's own functions (the browser tests restore a real heap; these cover every page kind).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

WORKER = Path(__file__).resolve().parents[2] / "src" / "stigg_portal" / "loader" / "stigg-worker.js"
_NODE = shutil.which("node")


def _functions(*names: str) -> str:
    source = WORKER.read_text()
    out = ["const PAGE = 4096;", "const DATA_STRIDE = 16;"]
    for name in names:
        match = re.search(rf"^function {name}\(.*?^}}\n", source, re.DOTALL | re.MULTILINE)
        assert match, name
        out.append(match.group(0))
    return "\n".join(out)


def _run(script: str) -> dict:
    if not _NODE:
        pytest.skip("node is not installed")
    code = _functions("checksum", "checksumRuns", "samePage", "encodeSnapshot", "xorInto", "writeHeap", "zeroFreeMemory")
    done = subprocess.run([_NODE, "-e", code + "\n" + script], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


_SETUP = """
const pages = 12, pyodideHeader = 16;
const random = (seed) => () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) & 0xff;
const noise = random(7);
const baseline = new Uint8Array(8 * PAGE);           // memory after the constructors (shorter)
const heap = new Uint8Array(pages * PAGE);           // memory when the snapshot is made
const fill = (array, page, value) => array.subarray(page * PAGE, (page + 1) * PAGE).forEach((_, i, a) => { a[i] = value(i); });
fill(baseline, 1, () => 9);                           // data segment, unchanged: "b"
fill(heap, 1, () => 9);
fill(baseline, 2, () => 9);                           // data segment, a few words written: "x"
fill(heap, 2, (i) => (i % 512 === 0 ? 1 : 9));
fill(baseline, 3, () => 0xa5);                        // a constructor wrote it (unknown): "s"
fill(heap, 3, () => noise());
fill(baseline, 4, () => 5);                           // zeroed since: "c"
fill(heap, 6, () => noise());                         // heap data over zeros: "s"
fill(baseline, 7, () => 3);                           // data segment rewritten: "x"
fill(heap, 7, () => noise());
fill(heap, 10, () => noise());                        // beyond the baseline: "s"
const full = new Uint8Array(pyodideHeader + heap.length);
full.fill(0xee, 0, pyodideHeader);
new DataView(full.buffer).setUint32(4, pyodideHeader, true); // Pyodide's header: its length in word 1
full.set(heap, pyodideHeader);
const made = encodeSnapshot(full, baseline);
/** A restoring run: memory equals the baseline except where constructors wrote (page 3). */
function restore(damage) {
  const memory = new Uint8Array(pages * PAGE);
  memory.set(baseline);
  fill(memory, 3, () => 77);
  if (damage) damage(memory);
  const Module = { HEAP8: memory, HEAPU8: memory, growMemory() {} };
  writeHeap(Module, made.header, made.data);
  return memory;
}
"""


def test_round_trip_restores_every_page_kind_and_stores_rewritten_data_segments_as_xor():
    result = _run(_SETUP + """
const restored = restore();
const xorPage = made.data.subarray(pyodideHeader + 3 * PAGE, pyodideHeader + 4 * PAGE); // after the stored pages
console.log(JSON.stringify({
  equal: restored.every((value, i) => value === heap[i]),
  header: made.header,
  length: made.data.length,
  xorNonZero: xorPage.filter((v) => v !== 0).length,
}));
""")
    header = result["header"]
    assert result["equal"]
    assert header["baseline"] == [[1, 1]]
    assert header["xor"] == [[2, 1], [7, 1]]
    assert header["clear"] == [[4, 1]]
    assert header["stored"] == [[3, 1], [6, 1], [10, 1]]
    assert result["length"] == 16 + 5 * 4096  # Pyodide's header, 3 stored pages, 2 XOR pages
    assert result["xorNonZero"] == 8  # page 2 XOR its baseline: only the written words


def test_a_different_baseline_under_an_xor_page_is_refused():
    result = _run(_SETUP + """
let error = null;
try { restore((memory) => { memory[7 * PAGE + 100] ^= 1; }); } catch (e) { error = e.message; }
console.log(JSON.stringify({ error }));
""")
    assert result["error"] == "baseline memory differs"


def test_zero_free_memory_zeroes_every_free_chunk_and_frees_it_without_growing_memory():
    result = _run("""
// A fake allocator: two free chunks with stale bytes; malloc fails once nothing fits.
const memory = new Uint8Array(64 * 1024).fill(0x77);
const free = [[4096, 8192], [20000, 20520]];
const taken = [];
const Module = {
  HEAP8: memory, HEAPU8: memory,
  _malloc(size) {
    for (const chunk of free) {
      if (chunk[1] - chunk[0] >= size) { const at = chunk[0]; chunk[0] += size; taken.push(at); return at; }
    }
    return 0;
  },
  _free(pointer) { taken.splice(taken.indexOf(pointer), 1); },
};
const state = {};
const zeroed = zeroFreeMemory(Module, state);
console.log(JSON.stringify({
  zeroed, left: taken.length, noGrow: state.noGrow,
  first: memory.subarray(4096, 8192).every((v) => v === 0),
  second: memory.subarray(20000, 20520).every((v) => v === 0),
  outside: memory[4095] === 0x77 && memory[8192] === 0x77 && memory[20520] === 0x77,
}));
""")
    assert result == {"zeroed": 4096 + 520, "left": 0, "noGrow": False, "first": True, "second": True,
                      "outside": True}
