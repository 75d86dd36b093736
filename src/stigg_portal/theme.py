"""The theme (spec §4) as ``--stigg-*`` CSS custom properties set on the element."""

from __future__ import annotations

import json
import re
from typing import Any

from .elements import AttributeProblem

#: Theme keys (dotted paths as upstream) -> their default CSS values. The CSS file declares the
#: same defaults; the ``theme`` attribute overrides any of them on one element.
THEME_DEFAULTS: dict[str, str] = {
    "palette.primary": "#327EEE",
    "palette.backgroundPaper": "#FFFFFF",
    "palette.backgroundHighlight": "#F5F6F9",
    "palette.outlinedBorder": "#C4CBDD",
    "palette.warning": "#ed6c02",
    "palette.error": "#f44336",
    "palette.success": "#4CAF50",
    "palette.text.primary": "#001E6C",
    "border.radius": "10px",
    "typography.fontFamily": "custom-font, DM Sans, sans-serif",
    "sectionTitleColor": "rgba(0, 30, 108, 0.75)",
    "planNameColor": "#001E6C",
    "backgroundColor": "white",
    "borderColor": "rgba(0, 30, 108, 0.15)",
    "tabMaxHeight": "380px",
}

_SAFE_VALUE = re.compile(r"^[#(),.%\w\s'\"-]*$")


def css_variable(path: str) -> str:
    """``palette.text.primary`` -> ``--stigg-palette-text-primary``."""
    kebab = re.sub(r"(?<=[a-z0-9])([A-Z])", r"-\1", path).lower()
    return "--stigg-" + kebab.replace(".", "-")


def _flatten(tree: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in tree.items():
        path = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict):
            out.update(_flatten(value, path))
        else:
            out[path] = value
    return out


def theme_style(theme_json: str | None) -> tuple[dict[str, str], list[AttributeProblem]]:
    """CSS custom properties for the ``theme`` attribute; bad keys or values are reported."""
    problems: list[AttributeProblem] = []
    if not theme_json:
        return {}, problems
    try:
        parsed = json.loads(theme_json)
    except ValueError as exc:
        return {}, [AttributeProblem("theme", f"attribute theme is not valid JSON ({exc}); default theme used")]
    if not isinstance(parsed, dict):
        return {}, [AttributeProblem("theme", "attribute theme must be a JSON object; default theme used")]
    style: dict[str, str] = {}
    for path, value in _flatten(parsed).items():
        if path not in THEME_DEFAULTS:
            problems.append(AttributeProblem("theme", f"attribute theme: unknown key {path!r} (ignored)"))
        elif isinstance(value, bool) or not isinstance(value, (str, int, float)):
            problems.append(AttributeProblem("theme", f"attribute theme: {path!r} must be a string"))
        elif not _SAFE_VALUE.match(str(value)) or ";" in str(value):
            problems.append(AttributeProblem("theme", f"attribute theme: {path!r} has an unsafe value (ignored)"))
        else:
            style[css_variable(path)] = str(value)
    return style, problems
