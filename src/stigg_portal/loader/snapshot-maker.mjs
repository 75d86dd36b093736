// stigg-portal snapshot maker for Node >= 22 (run with --experimental-wasm-jspi).
//
//   node --experimental-wasm-jspi snapshot-maker.mjs <dist dir> <plan.json> <out file>
//
// Runs the very worker the browser runs (dist/stigg-worker.js) in its "make" mode, so the heap
// image, its encoding and its checks are the browser maker's: this file only supplies what a
// browser worker has and Node lacks, and keeps the build machine out of the saved heap:
// - `self` / `postMessage` (the worker posts the snapshot bytes; they are written to <out file>
//   as u32 header length, JSON header, data);
// - `fetch` of file: URLs (the worker fetches its side modules and Pyodide's wasm);
// - a stand-in `XMLHttpRequest`: `pyodide.http` keeps a reference to the global of that name, and
//   the snapshot records it by name (the browser resolves it to its own on restore);
// - `process.argv` = [node, "./this.program"] as in a browser (else sys.executable and sys.argv
//   would hold this file's path); the caller pins LANG, TZ, HOME and the working directory.
// Exit status: 0 with the file written, 1 with one line on stderr.

import { readFile, writeFile } from "node:fs/promises";
import { pathToFileURL } from "node:url";
import path from "node:path";

const [distDir, planFile, outFile] = process.argv.slice(2);
if (!outFile) {
  console.error("usage: node --experimental-wasm-jspi snapshot-maker.mjs DIST PLAN OUT");
  process.exit(2);
}
process.argv.splice(1, process.argv.length - 1, "./this.program");

const plan = JSON.parse(await readFile(planFile, "utf8"));
const runtimeDir = path.resolve(distDir, plan.runtimeDir);
// Pyodide under Node reads its files with fs: give it paths, not file: URLs.
plan.load = { indexURL: runtimeDir + path.sep, lockFileURL: path.join(runtimeDir, "pyodide-lock.json") };

const TYPES = { ".wasm": "application/wasm", ".so": "application/wasm", ".json": "application/json" };
const nodeFetch = globalThis.fetch;
globalThis.fetch = async (input, init) => {
  const url = typeof input === "string" ? input : input instanceof Request ? input.url : String(input);
  if (!url.startsWith("file:")) return nodeFetch(input, init);
  const file = new URL(url);
  try {
    const body = await readFile(file);
    return new Response(body, { headers: { "content-type": TYPES[path.extname(file.pathname)] || "application/octet-stream" } });
  } catch (error) {
    return new Response(null, { status: error.code === "ENOENT" ? 404 : 500 });
  }
};
globalThis.XMLHttpRequest ??= class XMLHttpRequest {
  open() { throw new Error("XMLHttpRequest is not available while making the snapshot"); }
};

let finished = false;
const fail = (message) => {
  if (finished) return;
  finished = true;
  console.error(`snapshot maker: ${String(message).split("\n")[0]}`);
  process.exit(1);
};
globalThis.self = globalThis;
globalThis.postMessage = (message) => {
  if (typeof message === "string") {
    const parsed = JSON.parse(message);
    if (parsed.type === "fatal") fail(parsed.message);
    return;
  }
  if (message?.type !== "snapshot") return;
  const header = Buffer.from(JSON.stringify(message.header));
  const length = Buffer.alloc(4);
  length.writeUInt32LE(header.length);
  writeFile(outFile, Buffer.concat([length, header, message.bytes])).then(() => {
    finished = true;
    process.exit(0);
  }, (error) => fail(`cannot write ${outFile}: ${error.message}`));
};
process.on("uncaughtException", (error) => fail(error?.stack || error));
process.on("unhandledRejection", (error) => fail(error?.stack || error));

const worker = pathToFileURL(path.resolve(distDir, "stigg-worker.js"));
worker.searchParams.set("stigg-make-snapshot", JSON.stringify(plan));
await import(worker.href);
