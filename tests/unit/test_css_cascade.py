"""The host-page cascade the build writes into the default styles (see README, Styling)."""

from __future__ import annotations

import re

from stigg_portal.build import SPECIFICITY_BOOST, _split_top, boost_css, css_bundle

B = SPECIFICITY_BOOST


def test_rules_on_our_markup_get_the_boost_before_a_pseudo_element():
    css = (":where(.stigg-a) { color: red; }\n"
           ":where(.stigg-a, .stigg-b)::after { content: ''; }\n"
           ":where(stigg-usage) :where(p, h2) { margin: 0; }\n")
    assert boost_css(css) == (f":where(.stigg-a){B} {{ color: red; }}\n"
                              f":where(.stigg-a, .stigg-b){B}::after {{ content: ''; }}\n"
                              f":where(stigg-usage) :where(p, h2){B} {{ margin: 0; }}\n")


def test_rules_on_the_elements_themselves_keep_zero_specificity():
    css = (":where(stigg-usage, stigg-invoices),\n:where(stigg-usage):where(:not(:is(stigg-usage) *)) "
           "{ display: block; }")
    assert boost_css(css) == css


def test_at_rules_are_walked_and_keyframes_copied():
    css = ("/* c { x } */\n@media (min-width: 1px) {\n  :where(.stigg-a) { color: red; }\n}\n"
           "@keyframes spin { from { opacity: 0; } to { opacity: 1; } }\n"
           "@container stigg-plans (width < 10px) { :where(.stigg-b) { color: blue; } }\n")
    out = boost_css(css)
    assert f":where(.stigg-a){B} {{" in out and f":where(.stigg-b){B} {{" in out
    assert "@keyframes spin { from { opacity: 0; } to { opacity: 1; } }" in out
    assert "/* c { x } */" in out


def test_the_bundle_starts_with_the_reset_and_boosts_every_class_rule():
    bundle = css_bundle()
    assert bundle.index("all: revert") < bundle.index("/* paywall.css */")
    without_comments = re.sub(r"/\*.*?\*/", "", bundle, flags=re.DOTALL)
    checked = 0
    for prelude in re.findall(r"([^{}]+)\{[^{}]*\}", without_comments):
        if prelude.strip().startswith(("@", "from", "to")) or "%" in prelude:
            continue
        for selector in _split_top(prelude, ","):
            if ".stigg-" in selector:
                assert B in selector, selector
                checked += 1
    assert checked > 200
