"""From attributes to HTML: parse, load, build the view, render the Jinja2 template.

The same functions run in the browser worker and on a server, so both produce the same HTML.
"""

from __future__ import annotations

import asyncio
import html as html_module
import json
import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from . import texts as texts_module
from . import theme as theme_module
from .designer import DesignerSheet, designer_sheet_for
from .elements import (
    AttributeProblem,
    ElementAttributes,
    LoadedData,
    RenderInput,
    Widget,
    get_widget,
    parse_attributes,
)
from .formatting import SUPPORTED_LOCALES, is_known_locale

DEFAULT_LOCALE = "en-US"

logger = logging.getLogger("stigg_portal")


def _templates_dir() -> Path:
    """``widgets/`` inside the installed package, or at the top of a source checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "widgets", here.parent.parent / "widgets"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("stigg_portal templates (widgets/) not found")


def _tojson_attr(value: Any) -> Markup:
    """JSON for an HTML attribute value (the template autoescapes it once, inside quotes)."""
    return json.dumps(value, separators=(",", ":"), default=str, ensure_ascii=False)


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """The one Jinja2 environment over ``widgets/`` (autoescape always on)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(_templates_dir())),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["json_attr"] = _tojson_attr
    return env


@dataclass
class Prepared:
    """Attributes parsed and checked, ready for loading and rendering."""

    widget: type[Widget]
    attributes: ElementAttributes
    texts: dict[str, Any]
    style: dict[str, str]
    problems: list[AttributeProblem] = field(default_factory=list)


@dataclass
class RenderResult:
    """The inner HTML of an element plus what the page needs to know about it."""

    tag: str
    html: str
    status: str  # "ready", "loading" or "error"
    style: dict[str, str] = field(default_factory=dict)
    error: dict[str, str] | None = None
    problems: list[AttributeProblem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    customer_id: str | None = None
    #: Sections that could not load while the rest rendered (``{code, message, section}``; the
    #: portal's Plans section when only its paywall failed): the section shows the error state.
    section_errors: list[dict[str, str]] = field(default_factory=list)
    #: The widget designer's stylesheet for this element (empty when there is none, or on an error).
    designer: DesignerSheet = field(default_factory=lambda: DesignerSheet("", ""))

    def outer_html(self, attributes: Mapping[str, str | None] | None = None) -> str:
        """The element's tag around its rendered content, for server-side rendering (with
        ``data-stigg-designer`` naming its designer sheet, which the page links separately)."""
        parts = [self.tag]
        attrs = dict(attributes or {})
        if self.style:
            attrs["style"] = "; ".join(f"{k}: {v}" for k, v in self.style.items())
        if self.designer.css:
            attrs["data-stigg-designer"] = self.designer.id
        attrs["data-stigg-ssr"] = self.status
        for name, value in attrs.items():
            if value is None or value is False:
                continue
            if value is True or value == "":
                parts.append(name)
            else:
                parts.append(f'{name}="{Markup.escape(str(value))}"')
        return f"<{' '.join(parts)}>{self.html}</{self.tag}>"


def text_attributes(raw: Mapping[str, str | None]) -> dict[str, str]:
    """The ``text-*`` attributes of an element, keyed by their kebab-case text key."""
    return {k[5:].lower(): v for k, v in raw.items() if k.lower().startswith("text-") and v is not None}


def prepare(tag: str, raw: Mapping[str, str | None]) -> Prepared:
    """Parse attributes, texts and theme; every problem is collected, never raised."""
    widget = get_widget(tag)
    attrs, problems = parse_attributes(widget, dict(raw))
    if not attrs.client and not attrs.api_key and _given_but_blank(raw, "api-key"):
        # api-key="" is a page bug (an empty template variable), not a wish for demo data:
        # the Stigg client then says which attribute is missing instead of showing fake data.
        attrs = attrs.model_copy(update={"client": "stigg"})
    if attrs.locale and not is_known_locale(attrs.locale):
        problems.append(AttributeProblem(
            "locale", f"attribute locale={attrs.locale!r}: unknown locale, en-US used; known: "
            f"{', '.join(SUPPORTED_LOCALES)} (and other tags of these languages)"))
        attrs = attrs.model_copy(update={"locale": None})
    texts, text_problems = texts_module.resolve_texts(attrs.texts, text_attributes(raw))
    style, theme_problems = theme_module.theme_style(attrs.theme)
    return Prepared(widget, attrs, texts, style, problems + text_problems + theme_problems)


def _given_but_blank(raw: Mapping[str, str | None], name: str) -> bool:
    return any(k.lower() == name and v is not None and not str(v).strip() for k, v in raw.items())


def client_config(attrs: ElementAttributes) -> Any:
    """The API client configuration an element's attributes describe."""
    from .clients import ClientConfig

    values = {
        "api_key": attrs.api_key,
        "customer_id": attrs.customer_id,
        "customer_token": attrs.customer_token,
        "resource_id": attrs.resource_id,
        "product_id": attrs.product_id,
        "client": attrs.client,
        "endpoint": attrs.endpoint,
        "billing_country_code": attrs.billing_country_code,
    }
    if attrs.base_url:
        values["base_url"] = attrs.base_url
    if attrs.scenario:
        values["scenario"] = attrs.scenario
    if attrs.timeout:
        values["timeout_s"] = attrs.timeout
    return ClientConfig(**values)


def uses_implicit_demo(attrs: ElementAttributes) -> bool:
    """True when the demo client is picked only because ``api-key`` is missing."""
    return not attrs.client and not attrs.api_key


def shown_customer_id(attrs: ElementAttributes) -> str | None:
    """The customer an element shows (the ``customerId`` of ``stigg-ready``): its ``customer-id``, else,
    with the demo client, the demo scenario's customer (``demo-paid``); ``None`` for a public table."""
    if attrs.customer_id:
        return attrs.customer_id
    from .clients.registry import client_name

    if client_name(attrs.client, attrs.api_key) != "demo":
        return None
    from .demo_data import DEMO_SCENARIOS, customer_id_for

    scenario = attrs.scenario or "paid"
    return customer_id_for(scenario) if scenario in DEMO_SCENARIOS else None


async def load(widget: type[Widget], client: Any, attributes: ElementAttributes | None = None) -> LoadedData:
    """Run the loads a widget declares (for these attributes), concurrently."""
    kinds = widget.loads_for(attributes) if attributes is not None else widget.loads
    calls = {"portal": client.get_customer_portal, "paywall": client.get_paywall}
    results = await asyncio.gather(*(calls[k]() for k in kinds), return_exceptions=True)
    return loaded_data(kinds, results)


def loaded_data(kinds: Sequence[str], results: Sequence[Any]) -> LoadedData:
    """The loads' answers (exceptions among them, from ``gather(..., return_exceptions=True)``) as
    :class:`LoadedData`. As upstream, the portal's paywall failing alone with a :class:`ClientError`
    costs its Plans section only (``paywall_error``: that section shows the error state); any other
    failure is raised, the first one first, and the element shows its error state."""
    from .clients import ClientError

    by_kind = dict(zip(kinds, results))
    partial = by_kind.get("paywall") if "portal" in by_kind else None
    if not isinstance(partial, ClientError) or isinstance(by_kind["portal"], BaseException):
        partial = None
    for result in results:
        if isinstance(result, BaseException) and result is not partial:
            raise result
    if partial is None:
        return LoadedData(**by_kind)
    return LoadedData(**{**by_kind, "paywall": None}, paywall_error=partial)


def render_prepared(
    prepared: Prepared,
    data: LoadedData | None,
    *,
    now: datetime | None = None,
    state: Mapping[str, str] | None = None,
    demo_notice: bool | None = None,
) -> str:
    """HTML for a widget with its data (``None`` renders the loading skeleton).

    ``demo_notice=False`` leaves out the "Demo data" badge (a provider's group shows one badge);
    by default it shows whenever demo data is shown only because ``api-key`` is missing.
    """
    attrs = prepared.attributes
    render_input = RenderInput(
        attributes=attrs,
        texts=prepared.texts,
        locale=attrs.locale or DEFAULT_LOCALE,
        now=now or datetime.now(UTC),
        data=data,
        state=dict(state or {}),
        demo_notice=data is not None and uses_implicit_demo(attrs) and demo_notice is not False,
    )
    widget = prepared.widget()
    context = widget.context(render_input)
    context.setdefault("texts", prepared.texts)
    context.setdefault("loading", data is None)
    context.setdefault("demo_notice", render_input.demo_notice)
    return neutralize_unsafe_urls(environment().get_template(widget.template).render(**context))


#: Schemes a rendered link may use; anything else (``javascript:``, ``data:``, ``vbscript:``...) is dropped.
SAFE_URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
_URL_ATTRIBUTE = re.compile(
    r"""\s(?:href|src|srcset|action|formaction|xlink:href|poster|data|background)\s*=\s*(?:"[^"]*"|'[^']*')""",
    re.IGNORECASE,
)
_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):", re.IGNORECASE)


def is_safe_url(value: str) -> bool:
    """True for relative URLs and http(s)/mailto/tel ones, as a browser would read ``value``."""
    text = html_module.unescape(value)
    # browsers ignore ASCII whitespace and control characters inside a scheme ("java\tscript:")
    text = "".join(c for c in text if ord(c) > 0x20 and ord(c) != 0x7F)
    match = _SCHEME.match(text)
    return match is None or match.group(1).lower() in SAFE_URL_SCHEMES


def neutralize_unsafe_urls(markup: str) -> str:
    """Drop every URL attribute whose scheme is not allowed (defence in depth under the views'
    own URL checks): data from the API can never become a ``javascript:`` link."""

    def check(match: re.Match[str]) -> str:
        value = match.group(0).split("=", 1)[1].strip()[1:-1]
        return match.group(0) if is_safe_url(value) else ""

    return _URL_ATTRIBUTE.sub(check, markup)


#: Error codes whose state offers no Retry: the page's own attributes are wrong, or the runtime could
#: not start, and trying the same thing again cannot help (the console and ``stigg-error`` say why).
NO_RETRY_CODES = frozenset({"bad-config", "runtime"})


def render_error(prepared: Prepared, code: str) -> str:
    """The error state an element shows when loading failed: the customer's words (overridable
    texts) and Retry; never the technical reason, which goes to the console / ``stigg-error``
    in the browser and to :attr:`RenderResult.error` and the ``stigg_portal`` logger on a server."""
    return error_markup(code, prepared.texts, prepared.widget.tag)


def error_markup(code: str, texts: Mapping[str, Any], tag: str) -> Markup:
    """The error state's markup for the element (or section) ``tag``: an element's whole state, or
    the portal's Plans section (``tag="stigg-paywall"``) when only its plans failed."""
    template = environment().get_template("_error.html")
    return Markup(template.render(code=code, retryable=code not in NO_RETRY_CODES, texts=texts, tag=tag))


def demo_warning(attrs: ElementAttributes) -> str | None:
    if uses_implicit_demo(attrs):
        return (
            "stigg-portal: no api-key attribute, so demo data is shown. Set api-key (and customer-id) "
            'to show real data, or client="demo" to silence this warning.'
        )
    return None


async def render_async(
    tag: str,
    attributes: Mapping[str, str | None] | None = None,
    *,
    transport: Any = None,
    client: Any = None,
    now: datetime | None = None,
    state: Mapping[str, str] | None = None,
    demo_notice: bool | None = None,
) -> RenderResult:
    """Render one element to HTML: parse attributes, load data with the chosen client, render.

    Errors never raise: a bad attribute is reported in ``problems``, a failed load gives the
    error state with ``error`` set.
    """
    from .clients import ClientError, create_client

    raw = dict(attributes or {})
    prepared = prepare(tag, raw)
    attrs = prepared.attributes
    result = RenderResult(tag=prepared.widget.tag, html="", status="ready", style=prepared.style,
                          problems=prepared.problems, customer_id=shown_customer_id(attrs))
    warning = demo_warning(attrs)
    if warning:
        result.warnings.append(warning)
    try:
        the_client = client or create_client(client_config(attrs), transport)
        data = await load(prepared.widget, the_client, attrs)
    except ClientError as exc:
        result.status = "error"
        result.error = {"code": exc.code, "message": exc.message}
        result.html = render_error(prepared, exc.code)
        logger.warning("stigg-portal <%s customer-id=%r>: %s (%s)", prepared.widget.tag, attrs.customer_id,
                       exc.message, exc.code)
        return result
    if data.paywall_error is not None:  # the rest of the portal is shown, its Plans section says so
        failed = data.paywall_error
        result.section_errors = data.section_errors()
        logger.warning("stigg-portal <%s customer-id=%r>: the plans could not be loaded: %s (%s)",
                       prepared.widget.tag, attrs.customer_id, failed.message, failed.code)
    result.html = render_prepared(prepared, data, now=now, state=state, demo_notice=demo_notice)
    result.designer = designer_sheet_for(prepared.widget.tag, data, attrs.theme)
    return result


def render_skeleton(tag: str, attributes: Mapping[str, str | None] | None = None) -> str:
    """The loading layout of an element (what the loader paints before Python is ready)."""
    return render_prepared(prepare(tag, dict(attributes or {})), None)
