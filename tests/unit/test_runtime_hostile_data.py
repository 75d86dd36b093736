"""Hostile API data on CPython: every element rendered from ``tests/fixtures/hostile/`` (markup,
script and ``javascript:`` URLs in every string field) contains the payloads as text only.

The browser test (``tests/browser/test_security.py``) proves the same in Chromium; this one is the
fast check of every element, plus the URL rule itself.
"""

from __future__ import annotations

import asyncio
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from stigg_portal.clients import CallableTransport, HttpRequest, HttpResponse
from stigg_portal.elements import all_widgets
from stigg_portal.rendering import is_safe_url, neutralize_unsafe_urls, render_async

HOSTILE = Path(__file__).resolve().parents[1] / "fixtures" / "hostile"
CUSTOMERS = ("customer-hostile", "customer-hostile-all")
URL_ATTRIBUTES = {"href", "src", "srcset", "action", "formaction", "xlink:href", "poster", "data", "background"}

#: Texts that must show up, as text, in each element for ``customer-hostile`` (case-insensitive:
#: currency codes are upper-cased).
EXPECTED = {
    "stigg-addons": ["Extra storage", "Priority support"],
    "stigg-promotions": ["AI assistant"],
    "stigg-usage": ["API calls", "Seats"],
    "stigg-subscription-overview": ["Pro", "Extra storage", "Free"],
    "stigg-payment-details": ["Acme Inc.", "billing@acme.example"],
    "stigg-paywall": ["Enterprise", "For growing teams", "$", "USD"],
    "stigg-customer-portal": ["Pro", "Acme Inc.", "billing@acme.example", "API calls", "Enterprise"],
}


class Document(HTMLParser):
    """Every start tag with its attributes, and the text."""

    def __init__(self, markup: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.text: list[str] = []
        self.feed(markup)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, attrs))

    def handle_data(self, data):
        self.text.append(data)


def fixture(customer: str) -> dict:
    return json.loads((HOSTILE / f"{customer}.json").read_text(encoding="utf-8"))


def transport_for(customer: str) -> CallableTransport:
    answers = fixture(customer)

    def answer(request: HttpRequest) -> HttpResponse:
        return HttpResponse(200, {"Content-Type": "application/json"},
                            json.dumps(answers[request.json()["operationName"]]))

    return CallableTransport(answer)


def render(tag: str, customer: str, **extra: str):
    attrs = {"client": "stigg", "api-key": "pk_test", "customer-id": customer, **extra}
    return asyncio.run(render_async(tag, attrs, transport=transport_for(customer)))


def assert_inert(markup: str) -> Document:
    document = Document(markup)
    for tag, attrs in document.tags:
        assert tag not in {"script", "iframe", "object", "embed", "base", "meta"}, (tag, attrs)
        for name, value in attrs:
            assert not name.startswith("on"), (tag, name, value)
            if name in URL_ATTRIBUTES and value is not None:
                assert is_safe_url(value), (tag, name, value)
        if tag == "img":
            assert dict(attrs).get("src") != "x", attrs
    return document


@pytest.mark.parametrize("customer", CUSTOMERS)
@pytest.mark.parametrize("tag", sorted(all_widgets()))
def test_hostile_strings_render_as_text_only(tag, customer):
    result = render(tag, customer)
    assert result.status == "ready", result.error
    document = assert_inert(result.html)
    text = "".join(document.text).lower()
    if customer == "customer-hostile":
        for original in EXPECTED.get(tag, []):
            assert f"__pwned='{original.lower()}'" in text, (tag, original)


def test_every_payload_kind_is_present_in_the_fixture():
    raw = json.dumps(fixture("customer-hostile"))
    for needle in ("<script>", "onerror=", "\\\"'><svg onload=", "javascript:window.__pwned"):
        assert needle in raw, needle
    portal = fixture("customer-hostile")["GetCustomerPortalByRefId"]["data"]["customerPortal"]
    assert portal["billingPortalUrl"].startswith("javascript:")
    assert "<img src=x onerror=" in portal["billingInformation"]["name"]
    assert "<script>" in portal["billingInformation"]["email"]


def test_javascript_billing_portal_url_is_never_a_link():
    for tag in ("stigg-invoices", "stigg-payment-details", "stigg-customer-portal"):
        document = Document(render(tag, "customer-hostile").html)
        hrefs = [dict(attrs).get("href") for t, attrs in document.tags if t == "a"]
        assert not any(h and h.lower().lstrip().startswith("javascript") for h in hrefs), (tag, hrefs)


def test_hostile_page_texts_stay_text():
    """Texts come from the page author, yet a pasted snippet must not become markup either."""
    payload = "<img src=x onerror=\"window.__pwned='texts'\">"
    result = render("stigg-subscription-overview", "customer-hostile",
                    texts=json.dumps({"manageSubscription": payload}), **{"text-upgrade-plan": payload})
    assert_inert(result.html)
    assert "onerror" in "".join(Document(result.html).text)


@pytest.mark.parametrize(
    ("url", "safe"),
    [
        ("https://billing.example/portal", True),
        ("http://billing.example", True),
        ("mailto:help@example.com", True),
        ("/relative/path", True),
        ("#anchor", True),
        ("javascript:alert(1)", False),
        ("JaVaScRiPt:alert(1)", False),
        (" javascript:alert(1)", False),
        ("java\tscript:alert(1)", False),
        ("java&#x09;script:alert(1)", False),
        ("&#106;avascript:alert(1)", False),
        ("\x01javascript:alert(1)", False),
        ("data:text/html,<script>alert(1)</script>", False),
        ("vbscript:msgbox", False),
    ],
)
def test_url_rule(url, safe):
    assert is_safe_url(url) is safe


def test_unsafe_url_attributes_are_dropped_and_safe_ones_kept():
    markup = ('<a class="x" href="javascript:alert(1)">a</a><a href=\'JAVASCRIPT:1\'>b</a>'
              '<a href="https://ok.example/?a=1&amp;b=2">c</a><img src="data:image/svg+xml,x">'
              '<a data-href="javascript:kept-as-data">d</a>')
    out = neutralize_unsafe_urls(markup)
    assert out == ('<a class="x">a</a><a>b</a><a href="https://ok.example/?a=1&amp;b=2">c</a><img>'
                   '<a data-href="javascript:kept-as-data">d</a>')
    assert re.search(r"\shref=\S*javascript", out, re.IGNORECASE) is None
