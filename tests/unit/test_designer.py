"""Issue 12, item 4 on CPython: the Stigg designer's ``customCss`` and font made safe and scoped
(designer.py), the theme attribute winning, and the mock API answering with a design."""

from __future__ import annotations

import json
import re
import urllib.request
from types import SimpleNamespace as NS

import pytest

from stigg_portal.designer import designer_for, designer_sheet, font_face, sanitize_css
from stigg_portal.elements import LoadedData
from stigg_portal.mock_api import DESIGNER_CUSTOMER, start_mock_api
from stigg_portal.models import parse_customer_portal, parse_paywall

SCOPE = '[data-stigg-designer="t"]'
WHERE = f":where({SCOPE})"


def clean(css: str, **kw) -> str:
    return sanitize_css(css, SCOPE, **kw)


def rules(css: str) -> list[tuple[str, str]]:
    """(selector, body) of every top-level rule of sanitized output (one rule a line)."""
    out = []
    for line in css.splitlines():
        m = re.match(r"^(.*?) \{ (.*) \}$", line)
        assert m, line
        out.append((m.group(1), m.group(2)))
    return out


def braces_balanced(css: str) -> bool:
    depth = 0
    for c in re.sub(r'"[^"]*"', "", css):
        depth += {"{": 1, "}": -1}.get(c, 0)
        if depth < 0:
            return False
    return depth == 0


def test_rules_are_scoped_to_the_element():
    assert rules(clean(".stigg-plan-header { color: red }")) == [(f"{WHERE} .stigg-plan-header", "color: red;")]
    assert rules(clean("a, .b > c { color: red }")) == [(f"{WHERE} a, {WHERE} .b > c", "color: red;")]


def test_root_html_body_and_our_tags_stand_for_the_element():
    assert rules(clean("body { background: red }")) == [(SCOPE, "background: red;")]
    assert rules(clean(":root { --x: 1 } html .a { color: red }")) == [(SCOPE, "--x: 1;"), (f"{SCOPE} .a", "color: red;")]
    assert rules(clean("stigg-paywall .x { color: red }")) == [(f"stigg-paywall{WHERE} .x", "color: red;")]


def test_import_and_global_at_rules_are_dropped():
    out = clean('@import url("https://evil.example/x.css"); @import "y.css"; @charset "utf-8"; '
                "@font-face { font-family: Arial; src: url(https://evil.example/f.woff2) } "
                "@keyframes spin { to { opacity: 0 } } @namespace svg url(x); .a { color: blue }")
    assert "@import" not in out and "evil" not in out and "@font-face" not in out and "@keyframes" not in out
    assert rules(out) == [(f"{WHERE} .a", "color: blue;")]


def test_media_and_supports_keep_scoped_rules():
    out = clean("@media (max-width: 600px) { .a { color: red } @import 'x'; body { color: blue } }")
    assert out == f"@media (max-width: 600px) {{ {WHERE} .a {{ color: red; }} {SCOPE} {{ color: blue; }} }}"


@pytest.mark.parametrize("hostile", [
    "} body { background: red }",
    "}}} * { display: none !important }",
    ".a { color: red } } } :root { color: red",
    '.a { content: "}"; } body { x: 1 }',
    ".a { color: red; } </style><script>alert(1)</script><style>",
    '.a { background: url("javascript:alert(1)") }',
    ".a { width: expression(alert(1)) }",
    ".a { behavior: url(x.htc); -moz-binding: url(x.xml#y) }",
    ".a { background: image-set('//evil.example/x.png' 1x) }",
    '.a { content: "unterminated ; } body { color: red }',
    ".a { color: red\\",
    ".a[x=\"]\"] { color: red } .b) { color: red }",
    "/* } */ body { color: red } /* { */",
    ".a { color: red; .b { color: blue } }",
])
def test_hostile_css_cannot_leave_the_element(hostile):
    out = clean(hostile)
    assert braces_balanced(out), out
    assert "<" not in out and "javascript" not in out.lower() and "expression" not in out
    assert "binding" not in out and "behavior" not in out and "evil" not in out
    for line in out.splitlines():
        selector = line.split(" {", 1)[0]
        for part in selector.split(", "):
            assert part.startswith((WHERE, SCOPE)) or re.match(r"^stigg-[a-z-]+[^ ]*:where\(", part), (hostile, out)


def test_safe_urls_and_important_survive():
    out = clean('.a { background: url("https://cdn.example/i.png") no-repeat; color: red !important }')
    assert 'url("https://cdn.example/i.png") no-repeat;' in out and "color: red !important;" in out


def test_drop_removes_declarations_the_theme_sets():
    out = clean(".a { --stigg-palette-primary: red; --stigg-other: 1; color: red }",
                drop={"--stigg-palette-primary"})
    assert "--stigg-palette-primary" not in out and "--stigg-other: 1;" in out


def test_font_url_becomes_custom_font_face_with_swap():
    face, name = font_face("https://fonts.example.com/brand.woff2?v=2")
    assert name is None
    assert face == ('@font-face { font-family: "custom-font"; src: local("custom-font"), '
                    'url("https://fonts.example.com/brand.woff2?v=2") format("woff2"); font-display: swap; }')
    assert font_face("Inter") == ("", "Inter")
    for bad in ('https://x.example/a.woff2") ; } body{', "javascript:alert(1)", "a{b}", "", None):
        assert font_face(bad) == ("", None)


def config(css=None, font=None):
    return NS(custom_css=css, typography=NS(font_family=font) if font else None)


def test_sheet_id_scopes_its_own_rules_and_changes_with_the_text():
    one = designer_sheet(config(".a { color: red }"))
    two = designer_sheet(config(".a { color: blue }"))
    assert one.id and one.id != two.id
    assert one.css == f':where([data-stigg-designer="{one.id}"]) .a {{ color: red; }}'
    assert designer_sheet(None).as_message() is None and designer_sheet(config("@import 'x';")).as_message() is None


def test_theme_attribute_wins_over_the_designer():
    design = config(".a { --stigg-palette-primary: red; font-family: Comic Sans MS; color: red }",
                    "https://fonts.example.com/brand.woff2")
    plain = designer_sheet(design).css
    assert "--stigg-palette-primary: red" in plain and "font-family: Comic" in plain and "brand.woff2" in plain
    themed = designer_sheet(design, json.dumps({"palette": {"primary": "#000000"},
                                                "typography": {"fontFamily": "Georgia, serif"}})).css
    assert "--stigg-palette-primary" not in themed and "font-family" not in themed and "brand.woff2" not in themed
    assert "color: red;" in themed
    # the theme's own customCss comes after the designer's, scoped the same way
    with_css = designer_sheet(design, json.dumps({"customCss": ".a { color: green } body{x:1}"})).css
    assert with_css.index("color: red") < with_css.index("color: green")


def test_mock_api_serves_a_design_and_it_reaches_the_render_message():
    with start_mock_api() as api:
        def ask(operation: str, customer: str) -> dict:
            body = json.dumps({"operationName": operation, "query": operation,
                               "variables": {"input": {"customerId": customer}}}).encode()
            request = urllib.request.Request(api.graphql_url, body, {"X-API-KEY": "pk_test_mock",
                                                                     "Content-Type": "application/json"})
            with urllib.request.urlopen(request, timeout=10) as response:
                return json.loads(response.read())
        portal = parse_customer_portal(ask("GetCustomerPortalByRefId", DESIGNER_CUSTOMER))
        paywall = parse_paywall(ask("GetPaywall", DESIGNER_CUSTOMER))
        assert "@import" in portal.configuration.custom_css and paywall.configuration.custom_css
        message = designer_for("stigg-customer-portal", LoadedData(portal=portal, paywall=paywall))
        assert message and "rgb(200, 30, 90)" in message["css"] and "@import" not in message["css"]
        assert ask("GetPaywall", "customer-demo")["data"]["paywall"]["configuration"] is None
        api.set_configuration("customer-demo", {"customCss": ".x { color: red }",
                                                "typography": {"fontFamily": "https://f.example/a.woff2"}})
        paywall = parse_paywall(ask("GetPaywall", "customer-demo"))
        sheet = designer_for("stigg-paywall", LoadedData(paywall=paywall))
        assert sheet and '@font-face { font-family: "custom-font"' in sheet["css"] and ".x { color: red; }" in sheet["css"]
        api.set_configuration("customer-demo", None)
        assert ask("GetPaywall", "customer-demo")["data"]["paywall"]["configuration"] is None
