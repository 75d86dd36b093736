"""The Stigg app's widget-designer settings as one stylesheet per element (spec §4.1, §4.3).

``configuration.customCss`` (of ``customerPortal`` or, for a standalone ``<stigg-paywall>``, of
``paywall``) and ``configuration.typography.fontFamily`` arrive in the GraphQL answer. They are
turned here into a stylesheet the loader adopts as a constructed stylesheet (so a strict
Content-Security-Policy still holds: ``style-src`` does not apply to constructed sheets):

- The CSS is re-serialized from a small parse, never passed through: every rule ends up with
  balanced braces, so no text can close a block early and style the rest of the page. Comments
  go; ``@import`` (and ``@charset``, ``@namespace``, ``@page``, ``@property``, unknown at-rules)
  are dropped; ``@media``, ``@supports``, ``@container`` and ``@layer`` blocks keep their rules;
  ``@font-face`` and ``@keyframes`` are dropped too, as their names are global and could change
  the page's own fonts and animations (the font comes from ``typography.fontFamily``). Declarations with ``expression(``, ``behavior``,
  ``-moz-binding`` or a ``url()`` that is not https, http or an image/font ``data:`` URL are dropped,
  and ``<`` is escaped, so the text is safe even inside a ``<style>`` element.
- Every selector is scoped to the element: ``.stigg-plan-header`` becomes
  ``:where([data-stigg-designer="…"]) .stigg-plan-header`` (the ``:where`` adds no specificity), and
  ``:root``, ``html``, ``body`` or the element's own tag name at its start stand for the element
  itself. A rule can therefore never reach the page around our elements.
- ``typography.fontFamily`` is a font URL (upstream's ``fontFamilyUrl``): it becomes an
  ``@font-face`` for ``custom-font``, the first family of the default stack, with
  ``font-display: swap``. The page's CSP needs ``font-src`` for that URL. A plain family name
  (not a URL) is put first in the stack instead.
- The element's ``theme`` attribute wins where both set the same thing: designer declarations of a
  ``--stigg-*`` property the theme sets are dropped, and so are its ``font-family`` declarations
  and font when the theme sets ``typography.fontFamily``. A ``customCss`` key in the theme
  attribute is applied after the designer's CSS, with the same rules.

On a server the same sheet is served as a file (spec §4.3 from the first paint, strict CSP kept):
:func:`remember` keeps it by its id (a hash of its text) in a small in-process store, a
server-rendered element carries ``data-stigg-designer`` and is preceded by
``<link rel="stylesheet" href="…/designer/ID.css" data-stigg-designer-sheet="ID">``
(:func:`designer_link`), and :func:`stored_css` answers that URL (``serve.dist_answer``). The
loader adopts that link instead of adopting the text a second time.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pathlib import Path

__all__ = [
    "DESIGNER_PATH", "DesignerSheet", "designer_for", "designer_link", "designer_sheet", "designer_sheet_for",
    "font_face", "remember", "sanitize_css", "stored_css",
]

#: Our element tags (a selector starting with one of them means the element itself).
ELEMENT_TAGS = (
    "stigg-customer-portal", "stigg-provider", "stigg-subscription-overview", "stigg-usage", "stigg-addons",
    "stigg-promotions", "stigg-payment-details", "stigg-invoices", "stigg-paywall",
)
#: Longest designer CSS accepted (characters); the rest is cut at a rule boundary by the parser.
MAX_CSS = 100_000
_BLOCK_AT_RULES = {"media", "supports", "container", "layer", "document"}
_PROPERTY = re.compile(r"^-{0,2}[a-zA-Z][a-zA-Z0-9_-]*$")
_BAD_VALUE = re.compile(r"expression\s*\(|javascript:|vbscript:", re.IGNORECASE)
_BAD_PROPERTY = {"behavior", "-moz-binding", "binding"}
_URL = re.compile(r"url\(\s*(?:\"([^\"]*)\"|'([^']*)'|([^)\s]*))\s*\)", re.IGNORECASE)
_SAFE_URL = re.compile(r"^(?:https://|http://|data:(?:image|font)/)", re.IGNORECASE)
_IMAGE_FUNCS = re.compile(r"(?<![-\w])(?:image-set|-webkit-image-set|image|cross-fade|src)\s*\(", re.IGNORECASE)


# --------------------------------------------------------------------------- a tiny CSS parser
@dataclass
class _Rule:
    prelude: str  # selector list, or "@name prelude" for at-rules
    block: str | None  # the block's inner text; None for a statement at-rule (@import …;)


def _strip_comments(css: str) -> str:
    out, i, n = [], 0, len(css)
    quote = None
    while i < n:
        c = css[i]
        if quote:
            out.append(c)
            if c == "\\" and i + 1 < n:
                out.append(css[i + 1])
                i += 2
                continue
            if c == quote or c == "\n":
                quote = None
        elif c in "\"'":
            quote = c
            out.append(c)
        elif c == "/" and css.startswith("/*", i):
            end = css.find("*/", i + 2)
            i = n if end < 0 else end + 2
            out.append(" ")
            continue
        else:
            out.append(c)
        i += 1
    return "".join(out)


def _scan(text: str, i: int, stops: str, opens: str = "([", closes: str = ")]") -> int:
    """Index of the first of ``stops`` at nesting depth 0 from ``i`` (strings, escapes and the
    ``opens``/``closes`` brackets respected), or ``len(text)``."""
    depth, quote, n = 0, None, len(text)
    while i < n:
        c = text[i]
        if c == "\\":
            i += 2
            continue
        if quote:
            if c == quote or c == "\n":
                quote = None
        elif c in "\"'":
            quote = c
        elif depth == 0 and c in stops:
            return i
        elif c in opens:
            depth += 1
        elif c in closes:
            depth = max(depth - 1, 0)
        i += 1
    return n


def _block_end(text: str, start: int) -> int:
    """Index just past the ``}`` closing the block whose ``{`` is at ``start`` (end of text if
    unclosed, as a browser closes it)."""
    return min(_scan(text, start + 1, "}", "{", "}") + 1, len(text))


def _rules(text: str) -> list[_Rule]:
    rules, i, n = [], 0, len(text)
    while i < n:
        while i < n and (text[i].isspace() or text[i] in ";}"):  # a stray } or ; is skipped
            i += 1
        if i >= n:
            break
        stop = _scan(text, i, "{;}" if text[i] == "@" else "{}")
        prelude = text[i:stop].strip()
        if stop >= n or text[stop] in ";}":
            if prelude.startswith("@"):
                rules.append(_Rule(prelude, None))
            i = stop + 1
            continue
        end = _block_end(text, stop)
        inner = text[stop + 1:end - 1] if end <= n and text[end - 1:end] == "}" else text[stop + 1:end]
        rules.append(_Rule(prelude, inner))
        i = end
    return rules


def _split_top(text: str, sep: str) -> list[str]:
    parts, i = [], 0
    while True:
        j = _scan(text, i, sep)
        parts.append(text[i:j])
        if j >= len(text):
            return parts
        i = j + 1


# --------------------------------------------------------------------------- sanitizing
def _balanced(text: str) -> bool:
    """No unterminated string, no unmatched bracket, no escape at the end, no brace or ``;`` outside
    a string: such text, re-serialized, cannot swallow or close anything around it."""
    stack, quote, i, n = [], None, 0, len(text)
    pairs = {")": "(", "]": "["}
    while i < n:
        c = text[i]
        if c == "\\":
            if i + 1 >= n or text[i + 1] == "\n":
                return False
            i += 2
            continue
        if quote:
            if c == "\n":
                return False
            if c == quote:
                quote = None
        elif c in "\"'":
            quote = c
        elif c in "([":
            stack.append(c)
        elif c in ")]":
            if not stack or stack.pop() != pairs[c]:
                return False
        elif c in "{};":
            return False
        i += 1
    return quote is None and not stack


def _escape_lt(text: str) -> str:
    return text.replace("<", "\\3c ")


def _safe_value(value: str) -> bool:
    if not value or _BAD_VALUE.search(value) or not _balanced(value):
        return False
    for match in _URL.finditer(value):
        url = next((g for g in match.groups() if g is not None), "").strip()
        if not _SAFE_URL.match(url):
            return False
    return not _IMAGE_FUNCS.search(value)  # image-set("x.png") / src("…") load URLs without url()


def _declarations(block: str, drop: frozenset[str]) -> str:
    out = []
    for part in _split_top(block, ";"):
        if "{" in part:  # a nested rule inside a declaration block: not kept
            continue
        name, colon, value = part.partition(":")
        prop, value = name.strip(), value.strip()
        important = ""
        if re.search(r"!\s*important\s*$", value, re.IGNORECASE):
            value, important = re.sub(r"!\s*important\s*$", "", value, flags=re.IGNORECASE).strip(), " !important"
        key = prop.lower() if not prop.startswith("--") else prop
        if not colon or not _PROPERTY.match(prop) or key in _BAD_PROPERTY or key in drop:
            continue
        if not _safe_value(value):
            continue
        out.append(f"{prop}: {_escape_lt(value)}{important};")
    return " ".join(out)


_COMPOUND_END = re.compile(r"[\s>+~]")
_HOST_START = re.compile(r"^(?::root|html|body)(?![-\w])", re.IGNORECASE)


def _scope_selector(selector: str, scope: str) -> str | None:
    s = selector.strip()
    if not s or "<" in s or not _balanced(s):
        return None
    host = _HOST_START.match(s)
    if host:  # :root / html / body stand for the element itself
        rest = s[host.end():]
        cut = _COMPOUND_END.search(rest)
        head, tail = (rest[:cut.start()], rest[cut.start():]) if cut else (rest, "")
        return f"{scope}{head}{tail}"
    lowered = s.lower()
    for tag in ELEMENT_TAGS:
        if lowered.startswith(tag) and not re.match(r"[-\w]", s[len(tag):len(tag) + 1]):
            cut = _COMPOUND_END.search(s)
            head, tail = (s[:cut.start()], s[cut.start():]) if cut else (s, "")
            return f"{head}:where({scope}){tail}"
    return f":where({scope}) {s}"


def _sanitize_rules(rules: list[_Rule], scope: str, drop: frozenset[str], depth: int = 0) -> list[str]:
    out: list[str] = []
    for rule in rules:
        prelude = rule.prelude
        if prelude.startswith("@"):
            name = re.match(r"@([-\w]*)", prelude).group(1).lower()  # type: ignore[union-attr]
            rest = prelude[1 + len(name):].strip()
            if rule.block is None or "<" in rest or not _balanced(rest):
                continue  # @import, @charset, @namespace, @layer a, b; … dropped
            if name in _BLOCK_AT_RULES and depth < 4:
                inner = _sanitize_rules(_rules(rule.block), scope, drop, depth + 1)
                if inner:
                    out.append(f"@{name} {rest} {{ {' '.join(inner)} }}".replace("  ", " "))
            continue
        if rule.block is None:
            continue
        selectors = [_scope_selector(s, scope) for s in _split_top(prelude, ",")]
        kept = [s for s in selectors if s]
        if not kept:
            continue
        body = _declarations(rule.block, drop)
        if body:
            out.append(f"{', '.join(kept)} {{ {body} }}")
    return out


def sanitize_css(css: str | None, scope: str, *, drop: frozenset[str] | set[str] = frozenset()) -> str:
    """Designer CSS made safe and scoped: each rule re-serialized under ``scope`` (a selector for
    the element), ``@import`` and unsafe declarations dropped, properties in ``drop`` left out."""
    if not css or not isinstance(css, str):
        return ""
    text = _strip_comments(css[:MAX_CSS]).replace("\x00", "\ufffd")
    return "\n".join(_sanitize_rules(_rules(text), scope, frozenset(drop)))


# --------------------------------------------------------------------------- fonts
_FONT_FORMATS = {"woff2": "woff2", "woff": "woff", "ttf": "truetype", "otf": "opentype"}
_FAMILY_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 _-]{0,63}$")


def _css_url(url: str) -> str | None:
    url = url.strip()
    if not re.match(r"^https?://[^\s\"'()\\<>]+$", url, re.IGNORECASE):
        return None
    return url


def font_face(font: str | None) -> tuple[str, str | None]:
    """``(@font-face rule, family name to put first)`` for ``typography.fontFamily``: a URL gives an
    ``@font-face`` for ``custom-font``; a plain family name gives just the name; else nothing."""
    if not font or not isinstance(font, str):
        return "", None
    font = font.strip()
    url = _css_url(font)
    if url:
        ext = url.split("?")[0].split("#")[0].rsplit(".", 1)[-1].lower()
        fmt = f' format("{_FONT_FORMATS[ext]}")' if ext in _FONT_FORMATS else ""
        return (f'@font-face {{ font-family: "custom-font"; src: local("custom-font"), url("{url}"){fmt}; '
                f"font-display: swap; }}"), None
    if _FAMILY_NAME.match(font):
        return "", font
    return "", None


# --------------------------------------------------------------------------- the element's sheet
@dataclass(frozen=True)
class DesignerSheet:
    """One element's designer stylesheet: ``id`` goes in ``data-stigg-designer``, ``css`` is adopted."""

    id: str
    css: str

    def as_message(self) -> dict[str, str] | None:
        return {"id": self.id, "css": self.css} if self.css else None


def _theme(theme_json: str | None) -> tuple[set[str], str | None]:
    from .theme import css_variable, theme_keys

    keys = theme_keys(theme_json)
    custom = None
    try:
        parsed = json.loads(theme_json) if theme_json else None
        if isinstance(parsed, dict) and isinstance(parsed.get("customCss"), str):
            custom = parsed["customCss"]
    except (ValueError, RecursionError):
        pass
    return {css_variable(k) for k in keys} | ({"typography.fontFamily"} & keys), custom


def designer_sheet(configuration: Any, theme_json: str | None = None) -> DesignerSheet:
    """The stylesheet for an element whose answer carries ``configuration`` (portal or paywall)."""
    custom = getattr(configuration, "custom_css", None) if configuration is not None else None
    typography = getattr(configuration, "typography", None) if configuration is not None else None
    family = getattr(typography, "font_family", None) if typography is not None else None
    return _sheet(custom if isinstance(custom, str) else None, family if isinstance(family, str) else None,
                  theme_json)


#: Stands for the sheet's id while the id (a hash of the text with this in it) is computed.
_PLACEHOLDER = '[data-stigg-designer="@"]'


@lru_cache(maxsize=64)  # every re-render (a tab, a toggle) asks again with the same texts
def _sheet(custom: str | None, family: str | None, theme_json: str | None) -> DesignerSheet:
    explicit, theme_css = _theme(theme_json)
    theme_font = "typography.fontFamily" in explicit
    drop = {k for k in explicit if k.startswith("--")} | ({"font-family"} if theme_font else set())
    parts: list[str] = []
    if family and not theme_font:
        face, name = font_face(family)
        if face:
            parts.append(face)
        if name:
            parts.append(f'{_PLACEHOLDER} {{ --stigg-typography-font-family: "{name}", custom-font, "DM Sans", "DM Sans Fallback", '
                         f"sans-serif; }}")
    parts.append(sanitize_css(custom, _PLACEHOLDER, drop=drop))
    parts.append(sanitize_css(theme_css, _PLACEHOLDER))  # the page's own theme CSS comes last: it wins
    body = "\n".join(p for p in parts if p)
    if not body:
        return DesignerSheet("", "")
    sheet_id = _hash_id(body)
    return DesignerSheet(sheet_id, body.replace(_PLACEHOLDER, f'[data-stigg-designer="{sheet_id}"]'))


def _hash_id(body: str) -> str:
    """A sheet's id: the hash of its text with :data:`_PLACEHOLDER` where the id goes."""
    return hashlib.sha256(body.encode()).hexdigest()[:12]


def designer_sheet_for(tag: str, data: Any, theme_json: str | None = None) -> DesignerSheet:
    """The sheet of element ``tag`` showing ``data``: a standalone ``<stigg-paywall>`` uses
    ``paywall.configuration``, every other element (and a paywall given no paywall design) the
    portal's ``customerPortal.configuration``; an empty sheet when there is nothing to apply."""
    portal = getattr(data, "portal", None)
    paywall = getattr(data, "paywall", None)
    configuration = None
    if tag == "stigg-paywall" and paywall is not None:
        configuration = getattr(paywall, "configuration", None)
    if configuration is None and portal is not None:
        configuration = getattr(portal, "configuration", None)
    return designer_sheet(configuration, theme_json)


def designer_for(tag: str, data: Any, theme_json: str | None = None) -> dict[str, str] | None:
    """The ``designer`` part of a render message (:func:`designer_sheet_for`); ``None`` when empty."""
    return designer_sheet_for(tag, data, theme_json).as_message()


# --------------------------------------------------------------------------- served by a server
#: Where a server serves the sheets, below the URL of ``dist/``: ``designer/ID.css``.
DESIGNER_PATH = "designer/"
#: Sheets kept for serving (distinct designs: one per environment and theme, so few).
MAX_STORED = 256
#: The largest sheet file read back from the shared folder (a sanitized sheet is at most ~MAX_CSS).
MAX_SHARED_BYTES = 4 * MAX_CSS
_SHEET_FILE = re.compile(r"^[0-9a-f]{12}\.css$")
_stored: OrderedDict[str, str] = OrderedDict()
_stored_lock = threading.Lock()


def _sheet_id(css: str, sheet_id: str) -> str:
    """The id :func:`_sheet` gives the text ``css`` that carries ``sheet_id`` (to check a stored file)."""
    return _hash_id(css.replace(f'[data-stigg-designer="{sheet_id}"]', _PLACEHOLDER))


def shared_dir() -> Path | None:
    """Where the sheets are also written, for the other processes of a server on this machine
    (several workers: the request for a sheet may reach one that did not render the page).
    ``$STIGG_PORTAL_DESIGNER_DIR``; by default a folder of this user's in the system's temporary
    folder; ``""`` turns it off (then a sheet is answered only by the process that rendered it)."""
    from pathlib import Path  # not at import: the browser's runtime never writes sheets

    configured = os.environ.get("STIGG_PORTAL_DESIGNER_DIR")
    if configured is not None:
        return Path(configured) if configured else None
    import tempfile

    user = os.getuid() if hasattr(os, "getuid") else os.environ.get("USERNAME", "user")
    return Path(tempfile.gettempdir()) / f"stigg-portal-designer-{user}"


def _write_shared(sheet: DesignerSheet) -> None:
    folder = shared_dir()
    if folder is None:
        return
    target = folder / f"{sheet.id}.css"
    try:
        if target.is_file():
            return
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        partial = folder / f".{sheet.id}.{os.getpid()}.{threading.get_ident()}.tmp"
        partial.write_text(sheet.css, encoding="utf-8")
        os.replace(partial, target)  # atomic: another process reads the whole sheet or none
    except OSError:
        pass  # a read-only or full disk: this process still answers the sheets it rendered


def _read_shared(sheet_id: str) -> str | None:
    """A sheet another process wrote, only if its text still has its name's hash (no other file
    in that folder can be served as a sheet)."""
    folder = shared_dir()
    if folder is None:
        return None
    try:
        data = (folder / f"{sheet_id}.css").read_bytes()[: MAX_SHARED_BYTES + 1]
    except OSError:
        return None
    if len(data) > MAX_SHARED_BYTES:
        return None
    try:
        css = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return css if _sheet_id(css, sheet_id) == sheet_id else None


def remember(sheet: DesignerSheet) -> None:
    """Keep ``sheet`` so :func:`stored_css` can serve it (the least recently used go first), and
    write it to :func:`shared_dir` for the server's other processes."""
    if not sheet.css:
        return
    if not _keep(sheet.id, sheet.css):
        _write_shared(sheet)


def _keep(sheet_id: str, css: str) -> bool:
    """Remember one sheet in this process; whether it was already remembered."""
    with _stored_lock:
        known = sheet_id in _stored
        _stored[sheet_id] = css
        _stored.move_to_end(sheet_id)
        while len(_stored) > MAX_STORED:
            _stored.popitem(last=False)
    return known


def stored_css(name: str) -> str | None:
    """The text of a sheet by its file name (``ID.css``): one this process remembered, or one
    another process of this server wrote to :func:`shared_dir`; ``None`` if neither."""
    if not _SHEET_FILE.match(name):
        return None
    sheet_id = name[:-4]
    with _stored_lock:
        css = _stored.get(sheet_id)
    if css is None:
        css = _read_shared(sheet_id)
        if css is not None:
            _keep(sheet_id, css)
    return css


def designer_link(sheet: DesignerSheet, base_url: str) -> str:
    """``<link rel="stylesheet">`` to ``sheet`` served below ``base_url`` (remembered for serving)."""
    from markupsafe import escape

    remember(sheet)
    href = base_url.rstrip("/") + f"/{sheet.id}.css"
    return f'<link rel="stylesheet" href="{escape(href)}" data-stigg-designer-sheet="{sheet.id}">'
