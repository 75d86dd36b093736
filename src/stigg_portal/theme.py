"""The theme (spec §4) as ``--stigg-*`` CSS custom properties.

Every key of upstream's global ``StiggTheme`` (§4.1) and of ``CustomerPortalTheme`` (§4.2) is a
dotted path (``palette.text.primary``, ``typography.h1.fontSize``, ``sectionTitleColor``) and one
custom property (``--stigg-palette-text-primary``). ``stigg-portal.css`` declares the defaults
(:func:`css_tokens` writes that block; a test keeps the file and this table equal); the ``theme``
attribute sets any of them on one element.

Upstream derives several colours from the primary and text colours with the ``color`` npm library
(darken, lighten, alpha). The defaults here are those results, precomputed; when a theme sets a
base colour but not a colour derived from it, :func:`theme_style` derives it the same way, so
``{"palette": {"primary": "#7c3aed"}}`` recolours hover, section and switch colours too.

Precedence (as upstream, §4.3): defaults, then the widget design made in the Stigg app
(``customerPortal.configuration``, applied by :func:`configuration_style`), then the ``theme``
attribute.
"""

from __future__ import annotations

import colorsys
import json
import re
from collections.abc import Callable
from typing import Any

from .elements import AttributeProblem

__all__ = [
    "THEME_DEFAULTS",
    "configuration_style",
    "css_tokens",
    "css_variable",
    "derive",
    "theme_style",
]


# ---------------------------------------------------------------------------------------- colours
def _parse_colour(value: str) -> tuple[float, float, float, float] | None:
    """``#rgb``, ``#rrggbb``, ``#rrggbbaa``, ``rgb()``/``rgba()`` -> (r, g, b, a) with r,g,b in 0..255."""
    text = value.strip().lower()
    if text in {"white", "black"}:
        level = 255.0 if text == "white" else 0.0
        return level, level, level, 1.0
    match = re.fullmatch(r"#([0-9a-f]{3}|[0-9a-f]{6}|[0-9a-f]{8})", text)
    if match:
        digits = match.group(1)
        if len(digits) == 3:
            digits = "".join(c * 2 for c in digits)
        r, g, b = (int(digits[i:i + 2], 16) for i in (0, 2, 4))
        a = int(digits[6:8], 16) / 255 if len(digits) == 8 else 1.0
        return float(r), float(g), float(b), a
    match = re.fullmatch(r"rgba?\(\s*([\d.]+)\s*,\s*([\d.]+)\s*,\s*([\d.]+)\s*(?:,\s*([\d.]+)\s*)?\)", text)
    if match:
        r, g, b = (float(match.group(i)) for i in (1, 2, 3))
        a = float(match.group(4)) if match.group(4) is not None else 1.0
        return r, g, b, a
    return None


def _hex(r: float, g: float, b: float) -> str:
    return "#" + "".join(f"{max(0, min(255, round(c))):02X}" for c in (r, g, b))


def _hsl(colour: tuple[float, float, float, float]) -> tuple[float, float, float]:
    r, g, b, _ = colour
    h, lightness, s = colorsys.rgb_to_hls(r / 255, g / 255, b / 255)
    return h, s, lightness


def _from_hsl(h: float, s: float, lightness: float) -> str:
    r, g, b = colorsys.hls_to_rgb(h, max(0.0, min(1.0, lightness)), s)
    return _hex(r * 255, g * 255, b * 255)


def _with_hsl_lightness(value: str, change: Callable[[float], float]) -> str | None:
    """``value`` with its HSL lightness (0..1) replaced by ``change(lightness)``; ``None`` if unparsable."""
    colour = _parse_colour(value)
    if colour is None:
        return None
    h, s, lightness = _hsl(colour)
    return _from_hsl(h, s, change(lightness))


def _darken(value: str, ratio: float) -> str | None:
    return _with_hsl_lightness(value, lambda lightness: lightness - lightness * ratio)


def _lighten(value: str, ratio: float) -> str | None:
    return _with_hsl_lightness(value, lambda lightness: lightness + lightness * ratio)


def _with_lightness(value: str, percent: float) -> str | None:
    return _with_hsl_lightness(value, lambda _: percent / 100)


def _alpha(value: str, alpha: float) -> str | None:
    colour = _parse_colour(value)
    if colour is None:
        return None
    r, g, b, _ = colour
    return f"rgba({round(r)}, {round(g)}, {round(b)}, {alpha:g})"


#: derived key -> (base key, function). Applied in order, so chains (text.primary -> planNameColor) work.
_DERIVED: tuple[tuple[str, str, Any], ...] = (
    ("palette.primaryDark", "palette.primary", lambda c: _darken(c, 0.3)),
    ("palette.primaryLight", "palette.primary", lambda c: _alpha(c, 0.5)),
    ("palette.backgroundSection", "palette.primary", lambda c: _alpha(c, 0.1)),
    ("palette.backgroundButton", "palette.primary", lambda c: _alpha(c, 0.08)),
    ("palette.outlinedRestingBorder", "palette.primary", lambda c: _alpha(c, 0.5)),
    ("palette.outlinedHoverBackground", "palette.primary", lambda c: _with_lightness(c, 95)),
    ("palette.switchBorder", "palette.primary", lambda c: _lighten(c, 0.1)),
    ("palette.switchFill", "palette.primary", lambda c: _lighten(c, 0.5)),
    ("palette.switchHandle", "palette.primary", lambda c: c),
    ("palette.progressTrack", "palette.primary", lambda c: _alpha(c, 0.4)),
    # the active tab's underline: upstream's fixed navy by default, the primary colour of a theme
    # (or widget design) that sets one (see _FIXED_DEFAULTS)
    ("palette.tabIndicator", "palette.primary", lambda c: c),
    ("palette.errorDark", "palette.error", lambda c: _darken(c, 0.3)),
    ("palette.successDark", "palette.success", lambda c: _darken(c, 0.3)),
    ("palette.text.secondary", "palette.text.primary", lambda c: _alpha(c, 0.75)),
    ("palette.text.tertiary", "palette.text.primary", lambda c: _alpha(c, 0.5)),
    ("palette.text.disabled", "palette.text.primary", lambda c: _alpha(c, 0.35)),
    ("sectionTitleColor", "palette.text.secondary", lambda c: c),
    ("planNameColor", "palette.text.primary", lambda c: c),
    ("listItemBackgroundColor", "backgroundColor", lambda c: c),
    ("iconsColor", "palette.primary", lambda c: c),
    ("iconsBackgroundColor", "palette.primary", lambda c: _alpha(c, 0.1)),
)

_CHIP_BASES = {"success": "#4CAF50", "warning": "#ff9800", "error": "#f44336", "info": "#2196f3", "neutral": "#9e9e9e"}


def _base_defaults() -> dict[str, str]:
    values = {
        # WCAG 2.2 AA: upstream's #327EEE (3.9:1 on white), #ed6c02 (3.1:1 under white text) and
        # #f44336 (3.7:1) are darkened to 4.5:1 or more; every other default is upstream's.
        "palette.primary": "#1E63CC",
        "palette.backgroundPaper": "#FFFFFF",
        "palette.backgroundHighlight": "#F5F6F9",
        "palette.outlinedBorder": "#C4CBDD",
        "palette.warning": "#B95300",
        "palette.error": "#C62828",
        "palette.success": "#4CAF50",
        "palette.white": "#FFFFFF",
        "palette.text.primary": "#001E6C",
        "palette.scheduledArrow": "#D94052",
        "palette.tabIndicator": "#001e6c",
        "palette.progress.background": "#e0e0e0",
        "palette.progress.low": "#4caf50",
        "palette.progress.medium": "#ff9800",
        "palette.progress.high": "#f44336",
        "palette.skeleton.base": "#F5F6F9",
        "palette.skeleton.highlight": "#e5e6ea",
    }
    for name, base in _CHIP_BASES.items():
        values[f"palette.statusChips.{name}.background"] = _alpha(base, 0.15) or base
        values[f"palette.statusChips.{name}.text"] = _darken(base, 0.1 if name == "error" else 0.2) or base
        values[f"palette.statusChips.{name}.border"] = "transparent"
    values.update(
        {
            "layout.planMinWidth": "330px",
            "layout.planMaxWidth": "330px",
            "layout.planMargin": "20px",
            "layout.planPadding": "40px",
            "layout.ctaAlignment": "flex-start",
            "layout.headerAlignment": "flex-start",
            "layout.descriptionAlignment": "flex-start",
            "layout.descriptionMinHeight": "80px",
            "layout.switchBottomSpacing": "40px",
            "shadows.light": "0px 2px 1px -1px rgba(0,0,0,0.2), 0px 1px 1px rgba(0,0,0,0.14), "
            "0px 1px 3px rgba(0,0,0,0.12)",
            "shadows.popover": "0px 4px 5px -2px rgba(0,30,108,0.2), 0px 7px 10px 1px rgba(0,30,108,0.14), "
            "0px 2px 16px 1px rgba(0,30,108,0.12)",
            "border.radius": "10px",
            "typography.fontFamily": "custom-font, DM Sans, DM Sans Fallback, sans-serif",
            "typography.h1.fontSize": "32px",
            "typography.h1.fontWeight": "bold",
            "typography.h2.fontSize": "24px",
            "typography.h2.fontWeight": "normal",
            "typography.h3.fontSize": "16px",
            "typography.h3.fontWeight": "normal",
            "typography.body.fontSize": "14px",
            "typography.body.fontWeight": "normal",
            "typography.caption.fontSize": "12px",
            "typography.caption.fontWeight": "normal",
            # CustomerPortalTheme (§4.2)
            "backgroundColor": "white",
            "borderColor": "rgba(0, 30, 108, 0.15)",
            "tabMaxHeight": "380px",
        }
    )
    return values


def derive(values: dict[str, str], explicit: set[str] | None = None) -> dict[str, str]:
    """Fill derived colours from their bases; keys in ``explicit`` are never replaced."""
    explicit = explicit if explicit is not None else set()
    out = dict(values)
    for key, base, make in _DERIVED:
        if key in explicit or base not in out:
            continue
        derived = make(out[base])
        if derived is not None:
            out[key] = derived
    return out


#: Theme keys (dotted paths as upstream) -> their default CSS values, derived colours precomputed.
#: ``palette.progressTrack``, ``palette.scheduledArrow``, ``palette.tabIndicator`` and
#: ``palette.skeleton.*`` name fixed colours upstream uses (§1.2, §4.4) so they can be themed too.
#: Derived keys whose default is a fixed colour of their own, not the one derived from the default base.
_FIXED_DEFAULTS = frozenset({"palette.tabIndicator"})
THEME_DEFAULTS: dict[str, str] = derive(_base_defaults(), set(_FIXED_DEFAULTS))

_ALIGNMENT_KEYS = {"layout.ctaAlignment", "layout.headerAlignment", "layout.descriptionAlignment"}
_ALIGNMENT = {"left": "flex-start", "center": "center", "right": "flex-end"}
_SAFE_VALUE = re.compile(r"^[#(),./%\w\s'\"-]*$")


def css_variable(path: str) -> str:
    """``palette.text.primary`` -> ``--stigg-palette-text-primary``."""
    kebab = re.sub(r"(?<=[a-z0-9])([A-Z])", r"-\1", path).lower()
    return "--stigg-" + kebab.replace(".", "-")


def css_tokens(indent: str = "  ") -> str:
    """The declarations of every default, as written at the top of ``stigg-portal.css``."""
    return "\n".join(f"{indent}{css_variable(k)}: {v};" for k, v in THEME_DEFAULTS.items())


def _flatten(tree: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in tree.items():
        path = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict):
            out.update(_flatten(value, path))
        else:
            out[path] = value
    return out


def _clean(path: str, value: Any) -> tuple[str | None, str | None]:
    """(css value, problem) for one theme value."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return None, f"attribute theme: {path!r} must be a string"
    text = str(value).strip()
    if path.endswith("fontSize") and isinstance(value, (int, float)):
        text = f"{value:g}px"
    if path in _ALIGNMENT_KEYS:
        text = _ALIGNMENT.get(text.lower(), text)
    if not text or not _SAFE_VALUE.match(text) or ";" in text or "url(" in text.lower():
        return None, f"attribute theme: {path!r} has an unsafe value (ignored)"
    return text, None


def _parse_theme(theme_json: str | None) -> tuple[dict[str, str], list[AttributeProblem]]:
    problems: list[AttributeProblem] = []
    if not theme_json:
        return {}, problems
    try:
        parsed = json.loads(theme_json)
        flat = _flatten(parsed) if isinstance(parsed, dict) else None
    except (ValueError, RecursionError) as exc:  # RecursionError: absurdly deep nesting
        return {}, [AttributeProblem("theme", f"attribute theme is not valid JSON ({exc}); default theme used")]
    if flat is None:
        return {}, [AttributeProblem("theme", "attribute theme must be a JSON object; default theme used")]
    values: dict[str, str] = {}
    for path, value in flat.items():
        if path.endswith(".semanticElement") or path == "customCss" or path == "typography.fontFamilyUrl":
            continue  # accepted for compatibility with upstream themes; not a CSS value
        if path not in THEME_DEFAULTS:
            problems.append(AttributeProblem("theme", f"attribute theme: unknown key {path!r} (ignored)"))
            continue
        text, problem = _clean(path, value)
        if problem:
            problems.append(AttributeProblem("theme", problem))
        else:
            values[path] = text  # type: ignore[assignment]
    return values, problems


def _style(values: dict[str, str], explicit: set[str]) -> dict[str, str]:
    """Custom properties for ``values`` plus the colours derived from them."""
    merged = derive({**THEME_DEFAULTS, **values}, explicit)
    touched = set(values)
    changed = True
    while changed:  # a derived key whose base changed changes too (chains included)
        changed = False
        for key, base, _ in _DERIVED:
            if base in touched and key not in touched and key not in explicit:
                touched.add(key)
                changed = True
    return {css_variable(k): merged[k] for k in THEME_DEFAULTS if k in touched}


def theme_style(theme_json: str | None) -> tuple[dict[str, str], list[AttributeProblem]]:
    """CSS custom properties for the ``theme`` attribute; bad keys or values are reported."""
    values, problems = _parse_theme(theme_json)
    return _style(values, set(values)), problems


def theme_keys(theme_json: str | None) -> set[str]:
    """The theme keys an element's ``theme`` attribute sets (they win over the configuration)."""
    return set(_parse_theme(theme_json)[0])


def configuration_style(configuration: Any, theme_json: str | None = None) -> dict[str, str]:
    """Custom properties from ``customerPortal.configuration`` (the Stigg app's widget designer, §4.3),
    leaving out every key the ``theme`` attribute sets itself (the attribute wins, as upstream)."""
    if configuration is None:
        return {}
    palette = getattr(configuration, "palette", None)
    values: dict[str, str] = {}
    if palette is not None:
        mapping = {
            "primary": ("palette.primary",),
            "text_color": ("palette.text.primary",),
            "background_color": ("backgroundColor",),
            "border_color": ("borderColor", "palette.outlinedBorder"),
            "current_plan_background": ("palette.backgroundHighlight",),
            "icons_color": ("iconsColor",),
            "paywall_background_color": ("palette.backgroundPaper",),
        }
        for field, keys in mapping.items():
            value = getattr(palette, field, None)
            if value:
                for key in keys:
                    values[key] = value
    typography = getattr(configuration, "typography", None)
    if typography is not None:
        for variant in ("h1", "h2", "h3", "body"):
            font = getattr(typography, variant, None)
            if font is None:
                continue
            if getattr(font, "font_size", None):
                values[f"typography.{variant}.fontSize"] = font.font_size
            weight = getattr(font, "font_weight", None)
            if weight:
                values[f"typography.{variant}.fontWeight"] = "bold" if str(weight).upper() == "BOLD" else "normal"
    explicit = theme_keys(theme_json)
    clean: dict[str, str] = {}
    for key, value in values.items():
        if key in explicit:
            continue
        text, problem = _clean(key, value)
        if text is not None and problem is None:
            clean[key] = text
    style = _style(clean, set(clean) | explicit)
    return style
