"""Property-based tests: whatever a page puts in the attributes, parsing never raises, always
returns values rendering can use, and every problem names its attribute.

Hypothesis feeds random strings, random JSON (real keys mixed with unknown ones, wrong types,
deep nesting, NaN/Infinity) and near-JSON junk to ``elements.parse_attributes``,
``texts.resolve_texts``, ``theme.theme_style`` and ``rendering.prepare``, then renders the skeleton
and the demo data with the result.
"""

from __future__ import annotations

import asyncio
import json
import re
from functools import cache
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stigg_portal import texts as texts_module
from stigg_portal import theme as theme_module
from stigg_portal.clients import ClientConfig, DemoClient
from stigg_portal.elements import (
    AttributeProblem,
    ElementAttributes,
    LoadedData,
    all_widgets,
    parse_attributes,
)
from stigg_portal.rendering import Prepared, prepare, render_prepared, render_skeleton

TAGS = sorted(all_widgets())
ATTRIBUTE_NAMES = sorted({name for tag in TAGS for name in all_widgets()[tag].observed_attributes()})
TEXT_SUFFIXES = sorted(texts_module.text_attribute_names())
TEXT_KEYS = sorted(texts_module.DEFAULT_TEXTS)
THEME_KEYS = sorted(theme_module.THEME_DEFAULTS)
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# ----------------------------------------------------------------------------- strategies
junk_text = st.one_of(
    st.text(max_size=40),
    st.sampled_from([
        "", " ", "null", "true", "0", "-1", "1e999", "NaN", "[]", "{}", "{", "}", "[1,", '{"a":',
        '{"a": 1', "\"str\"", "\x00", "\ufeff{}", "<script>alert(1)</script>", "javascript:alert(1)",
        "{{ 7*7 }}", "{0}", "{planName}", "%s", "ANNUALLY", "monthly", "weekly", "de-DE", "xx-!!",
        "en_US", "C", "😀" * 10, "a" * 5000, "usage,addons  promotionalEntitlements,nope",
    ]),
)
json_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True, allow_infinity=True),
                         st.text(max_size=20))


def json_trees(keys: list[str]) -> st.SearchStrategy[Any]:
    key = st.one_of(st.sampled_from(keys), st.text(max_size=12))
    return st.recursive(json_scalars, lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(key, children, max_size=6)), max_leaves=25)


def nested_theme_keys() -> list[str]:
    return sorted({part for key in THEME_KEYS for part in key.split(".")})


def json_documents(keys: list[str]) -> st.SearchStrategy[str]:
    deep = st.integers(min_value=50, max_value=5000).map(lambda n: "[" * n + "]" * n)
    deep_objects = st.integers(min_value=50, max_value=3000).map(lambda n: '{"a":' * n + "1" + "}" * n)
    return st.one_of(json_trees(keys).map(json.dumps), junk_text, deep, deep_objects)


def text_attributes() -> st.SearchStrategy[dict[str, str]]:
    suffix = st.one_of(st.sampled_from(TEXT_SUFFIXES), st.text(max_size=15))
    return st.dictionaries(suffix, junk_text, max_size=5)


@st.composite
def raw_attributes(draw) -> dict[str, str | None]:
    raw: dict[str, str | None] = {}
    for name in draw(st.lists(st.sampled_from(ATTRIBUTE_NAMES), max_size=10, unique=True)):
        if name == "texts":
            raw[name] = draw(json_documents(TEXT_KEYS))
        elif name == "theme":
            raw[name] = draw(json_documents(nested_theme_keys()))
        else:
            raw[name] = draw(st.one_of(st.none(), junk_text))
    for suffix, value in draw(text_attributes()).items():
        raw[f"text-{suffix}"] = value
    for name, value in draw(st.dictionaries(st.text(max_size=10), junk_text, max_size=3)).items():
        raw[name] = value  # attributes nobody declared
    return raw


# ----------------------------------------------------------------------------- checks
def assert_problems(problems: list[AttributeProblem]) -> None:
    for problem in problems:
        assert isinstance(problem, AttributeProblem)
        assert isinstance(problem.attribute, str) and problem.attribute
        assert isinstance(problem.message, str) and problem.message
        # the message names the attribute so that a page author can find it
        assert problem.attribute.lower() in problem.message.lower(), problem


def assert_texts(texts: Any, defaults: Any = texts_module.DEFAULT_TEXTS) -> None:
    assert isinstance(texts, dict) and texts.keys() == defaults.keys()
    for key, default in defaults.items():
        if isinstance(default, dict):
            assert_texts(texts[key], default)
        else:
            assert isinstance(texts[key], str), (key, texts[key])


SAFE_CSS = re.compile(r"^[^;{}<>\\]*$")


def assert_style(style: Any) -> None:
    assert isinstance(style, dict)
    for name, value in style.items():
        assert isinstance(name, str) and name.startswith("--stigg-")
        assert isinstance(value, str) and value.strip()
        assert SAFE_CSS.match(value) and "url(" not in value.lower(), (name, value)


@cache
def demo_data(tag: str) -> LoadedData:
    widget = all_widgets()[tag]
    client = DemoClient(ClientConfig(scenario="paid"))
    calls = {"portal": client.get_customer_portal, "paywall": client.get_paywall}

    async def load() -> LoadedData:
        return LoadedData(**{kind: await calls[kind]() for kind in widget.loads})

    return asyncio.run(load())


# ----------------------------------------------------------------------------- properties
@FUZZ
@given(tag=st.sampled_from(TAGS), raw=raw_attributes())
def test_parse_attributes_never_raises_and_reports_by_name(tag, raw):
    widget = all_widgets()[tag]
    attrs, problems = parse_attributes(widget, dict(raw))
    assert isinstance(attrs, ElementAttributes) and isinstance(attrs, widget.attributes_model)
    assert_problems(problems)
    assert isinstance(attrs.hidden(), frozenset)


@FUZZ
@given(texts_json=st.one_of(st.none(), json_documents(TEXT_KEYS)), attrs=text_attributes())
def test_resolve_texts_never_raises_and_keeps_every_key_a_string(texts_json, attrs):
    texts, problems = texts_module.resolve_texts(texts_json, attrs)
    assert_texts(texts)
    assert_problems(problems)


@FUZZ
@given(theme_json=st.one_of(st.none(), json_documents(nested_theme_keys())))
def test_theme_style_never_raises_and_emits_only_safe_css(theme_json):
    style, problems = theme_module.theme_style(theme_json)
    assert_style(style)
    assert_problems(problems)


@FUZZ
@given(tag=st.sampled_from(TAGS), raw=raw_attributes())
def test_prepare_never_raises_and_renders(tag, raw):
    prepared = prepare(tag, raw)
    assert isinstance(prepared, Prepared)
    assert_texts(prepared.texts)
    assert_style(prepared.style)
    assert_problems(prepared.problems)
    assert isinstance(render_skeleton(tag, raw), str)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tag=st.sampled_from([t for t in TAGS if all_widgets()[t].loads]), raw=raw_attributes())
def test_any_attributes_render_real_data(tag, raw):
    """Random locale, texts (placeholders included), hidden sections... still give HTML."""
    prepared = prepare(tag, raw)
    html = render_prepared(prepared, demo_data(tag))
    assert isinstance(html, str) and html


def test_known_bad_inputs_give_clear_messages():
    cases = {
        "texts": ("{not json", "texts"),
        "theme": ('["a"]', "theme"),
        "preferred-billing-period": ("weekly", "preferred-billing-period"),
        "hidden-sections": ("usage nonsense", "hidden-sections"),
        "timeout": ("soon", "timeout"),
    }
    for attribute, (value, named) in cases.items():
        prepared = prepare("stigg-paywall", {attribute: value})
        messages = [p.message for p in prepared.problems if p.attribute == named]
        assert messages, (attribute, prepared.problems)
        assert named in messages[0]
    prepared = prepare("stigg-usage", {"texts": json.dumps({"noSuchKey": "x", "retry": 5, "usageTabTitle": []})})
    assert {p.message for p in prepared.problems} >= {
        "attribute texts: unknown text key 'noSuchKey' (ignored)",
        "attribute texts: 'usageTabTitle' must be a string",
    }
    assert prepared.texts["retry"] == "5"
    assert prepared.texts["usageTabTitle"] == "Usage"  # defaults wherever a value is bad


def test_blank_api_key_is_a_config_error_naming_it_not_demo_data():
    from stigg_portal.rendering import render_async

    result = asyncio.run(render_async("stigg-usage", {"api-key": " ", "customer-id": "c-1"}))
    assert result.status == "error" and result.error["code"] == "bad-config"
    assert "api-key" in result.error["message"]
    assert result.warnings == []  # no "demo data" warning: nothing fake is shown
    result = asyncio.run(render_async("stigg-usage", {"api-key": "pk", "customer-id": ""}))
    assert result.status == "error" and result.error["code"] == "bad-config"
    assert "customer-id" in result.error["message"]
    result = asyncio.run(render_async("stigg-usage", {}))  # no api-key at all: demo data, said loudly
    assert result.status == "ready" and any("api-key" in w for w in result.warnings)
