"""Theme (spec §4): every key as a --stigg-* property with upstream's defaults, derived colours,
the Stigg-app configuration under the theme attribute, and the CSS file in step with the table."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from stigg_portal.models import PortalConfiguration
from stigg_portal.theme import THEME_DEFAULTS, configuration_style, css_tokens, css_variable, theme_style

CSS = Path(__file__).resolve().parents[2] / "css" / "stigg-portal.css"


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("palette.primary", "#1E63CC"),  # upstream #327EEE, darkened for WCAG AA
        ("palette.primaryDark", "#15458F"),
        ("palette.primaryLight", "rgba(30, 99, 204, 0.5)"),
        ("palette.backgroundPaper", "#FFFFFF"),
        ("palette.backgroundHighlight", "#F5F6F9"),
        ("palette.backgroundSection", "rgba(30, 99, 204, 0.1)"),
        ("palette.backgroundButton", "rgba(30, 99, 204, 0.08)"),
        ("palette.outlinedBorder", "#C4CBDD"),
        ("palette.outlinedRestingBorder", "rgba(30, 99, 204, 0.5)"),
        ("palette.outlinedHoverBackground", "#E9F0FC"),
        ("palette.warning", "#B95300"),  # upstream #ed6c02
        ("palette.error", "#C62828"),  # upstream #f44336
        ("palette.success", "#4CAF50"),
        ("palette.white", "#FFFFFF"),
        ("palette.text.primary", "#001E6C"),
        ("palette.text.secondary", "rgba(0, 30, 108, 0.75)"),
        ("palette.text.tertiary", "rgba(0, 30, 108, 0.5)"),
        ("palette.text.disabled", "rgba(0, 30, 108, 0.35)"),
        ("palette.statusChips.success.background", "rgba(76, 175, 80, 0.15)"),
        ("palette.progress.background", "#e0e0e0"),
        ("layout.planMinWidth", "330px"),
        ("layout.planPadding", "40px"),
        ("layout.ctaAlignment", "flex-start"),
        ("layout.descriptionMinHeight", "80px"),
        ("border.radius", "10px"),
        ("typography.fontFamily", "custom-font, DM Sans, DM Sans Fallback, sans-serif"),
        ("typography.h1.fontSize", "32px"),
        ("typography.h1.fontWeight", "bold"),
        ("typography.h2.fontSize", "24px"),
        ("typography.h3.fontSize", "16px"),
        ("typography.body.fontSize", "14px"),
        ("typography.caption.fontSize", "12px"),
        ("sectionTitleColor", "rgba(0, 30, 108, 0.75)"),
        ("planNameColor", "#001E6C"),
        ("backgroundColor", "white"),
        ("borderColor", "rgba(0, 30, 108, 0.15)"),
        ("listItemBackgroundColor", "white"),
        ("tabMaxHeight", "380px"),
    ],
)
def test_upstream_defaults(key, value):
    assert THEME_DEFAULTS[key] == value


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


@pytest.mark.parametrize("key", ["palette.primary", "palette.warning", "palette.error", "palette.text.primary"])
def test_text_and_fill_colours_reach_wcag_aa_against_white(key):
    lighter, darker = 1.0, _luminance(THEME_DEFAULTS[key])
    assert (lighter + 0.05) / (darker + 0.05) >= 4.5


def test_every_spec_key_is_themable():
    for key in ("palette.switchBorder", "palette.switchFill", "palette.switchHandle", "palette.errorDark",
                "palette.successDark", "shadows.light", "shadows.popover", "layout.headerAlignment",
                "layout.switchBottomSpacing", "iconsColor", "iconsBackgroundColor",
                "palette.statusChips.neutral.text", "palette.progress.high"):
        assert key in THEME_DEFAULTS, key


def test_css_variable_names():
    assert css_variable("palette.text.primary") == "--stigg-palette-text-primary"
    assert css_variable("sectionTitleColor") == "--stigg-section-title-color"
    assert css_variable("typography.h1.fontSize") == "--stigg-typography-h1-font-size"


def test_css_file_declares_exactly_the_defaults():
    text = CSS.read_text(encoding="utf-8")
    assert css_tokens() in text
    block = next(b for b in re.findall(r"\{([^{}]*)\}", text) if "--stigg-palette-primary:" in b)
    declared = dict(re.findall(r"(--stigg-[a-z0-9-]+):\s*([^;]+);", block))
    assert declared == {css_variable(k): v for k, v in THEME_DEFAULTS.items()}


def test_css_uses_only_zero_specificity_selectors():
    text = re.sub(r"/\*.*?\*/", "", CSS.read_text(encoding="utf-8"), flags=re.DOTALL)
    for block in re.findall(r"([^{}]+)\{[^{}]*\}", text):
        selector = block.strip()
        if not selector or selector.startswith(("from", "to", "@")) or selector.endswith("%"):
            continue
        for part in re.split(r",(?![^(]*\))", selector):
            assert part.strip().startswith(":where("), part


def test_theme_overrides_and_derived_colours():
    style, problems = theme_style(json.dumps({"palette": {"primary": "#7c3aed", "text": {"primary": "#111111"}}}))
    assert problems == []
    assert style["--stigg-palette-primary"] == "#7c3aed"
    assert style["--stigg-palette-background-section"] == "rgba(124, 58, 237, 0.1)"
    assert style["--stigg-palette-outlined-resting-border"] == "rgba(124, 58, 237, 0.5)"
    assert style["--stigg-palette-text-secondary"] == "rgba(17, 17, 17, 0.75)"
    assert style["--stigg-section-title-color"] == "rgba(17, 17, 17, 0.75)"
    assert style["--stigg-plan-name-color"] == "#111111"
    assert "--stigg-palette-error" not in style  # untouched keys stay with the CSS defaults


def test_an_explicit_derived_colour_wins():
    style, _ = theme_style(json.dumps({"palette": {"primary": "#7c3aed", "backgroundSection": "#eeeeee"}}))
    assert style["--stigg-palette-background-section"] == "#eeeeee"


def test_alignment_and_numbers():
    style, problems = theme_style(json.dumps({"layout": {"ctaAlignment": "center", "headerAlignment": "right"},
                                              "typography": {"h1": {"fontSize": 40, "semanticElement": "h2"}}}))
    assert problems == []
    assert style["--stigg-layout-cta-alignment"] == "center"
    assert style["--stigg-layout-header-alignment"] == "flex-end"
    assert style["--stigg-typography-h1-font-size"] == "40px"


@pytest.mark.parametrize(
    "theme",
    ['{"palette": {"primary": "red; background: url(x)"}}', '{"palette": {"primary": "url(javascript:x)"}}',
     '{"borderColor": "</style><script>"}', '{"palette": {"primary": {"nested": 1}}}', '{"palette": {"primary": true}}'],
)
def test_unsafe_values_are_rejected(theme):
    style, problems = theme_style(theme)
    assert "--stigg-palette-primary" not in style and "--stigg-border-color" not in style
    assert problems


def test_bad_theme_json_is_reported():
    assert theme_style("{oops")[0] == {} and theme_style("{oops")[1]
    assert theme_style("[]")[1]
    style, problems = theme_style('{"nope": "x"}')
    assert style == {} and "nope" in problems[0].message
    assert theme_style(None) == ({}, [])


def test_configuration_from_the_stigg_app_applies_under_the_theme_attribute():
    configuration = PortalConfiguration.model_validate(
        {"palette": {"primary": "#00aa00", "textColor": "#222222", "borderColor": "#cccccc"},
         "typography": {"h1": {"fontSize": 28, "fontWeight": "NORMAL"}}}
    )
    style = configuration_style(configuration)
    assert style["--stigg-palette-primary"] == "#00aa00"
    assert style["--stigg-palette-background-section"] == "rgba(0, 170, 0, 0.1)"
    assert style["--stigg-palette-text-primary"] == "#222222"
    assert style["--stigg-border-color"] == "#cccccc"
    assert style["--stigg-typography-h1-font-size"] == "28px"
    assert style["--stigg-typography-h1-font-weight"] == "normal"

    theme = json.dumps({"palette": {"primary": "#ff0000"}})
    style = configuration_style(configuration, theme)
    assert "--stigg-palette-primary" not in style  # the attribute (on the element) wins
    assert "--stigg-palette-background-section" not in style
    assert style["--stigg-palette-text-primary"] == "#222222"
    assert configuration_style(None) == {}
