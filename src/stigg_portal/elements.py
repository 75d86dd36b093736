"""Widget classes: each one declares a custom element (tag, attributes, events, CSS classes).

The build compiles these declarations into the loader's element definitions and
``custom-elements.json``; the worker and the server use the same classes to parse attributes
and render HTML. A widget never touches the browser: it turns loaded data into a template
context.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .shapes import ShapeRule

DataKind = Literal["portal", "paywall"]

#: Section names accepted by ``hidden-sections`` (spec §6.1).
SECTION_NAMES = (
    "usage",
    "addons",
    "promotionalEntitlements",
    "billingInformation",
    "paymentDetails",
    "invoices",
    "paywall",
    "plans",
)

#: ``hidden-sections`` names that leave the portal's Plans section (and its GetPaywall request) out.
PLANS_SECTION_NAMES = frozenset({"paywall", "plans"})

#: ISO 3166-1 alpha-2 country codes, for ``billing-country-code`` (plus ``EU``, which Stigg's price
#: localization accepts for the European Union).
ISO_COUNTRY_CODES = frozenset(["AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ", "BA", "BB", "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS", "BT", "BV", "BW", "BY", "BZ", "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN", "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ", "DE", "DJ", "DK", "DM", "DO", "DZ", "EC", "EE", "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK", "FM", "FO", "FR", "GA", "GB", "GD", "GE", "GF", "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK", "HM", "HN", "HR", "HT", "HU", "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT", "JE", "JM", "JO", "JP", "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC", "LI", "LK", "LR", "LS", "LT", "LU", "LV", "LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK", "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS", "MT", "MU", "MV", "MW", "MX", "MY", "MZ", "NA", "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU", "NZ", "OM", "PA", "PE", "PF", "PG", "PH", "PK", "PL", "PM", "PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS", "RU", "RW", "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS", "ST", "SV", "SX", "SY", "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO", "TR", "TT", "TV", "TW", "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI", "VN", "VU", "WF", "WS", "YE", "YT", "ZA", "ZM", "ZW"]) | {"EU"}


def kebab(name: str) -> str:
    """``customer_id`` -> ``customer-id``: the attribute spelling of a field name."""
    return name.replace("_", "-")


def camel(name: str) -> str:
    """``customer_id`` -> ``customerId``: the property spelling of a field name."""
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def _presence(value: Any) -> bool:
    """HTML boolean attribute: present (any value but "false") means true."""
    if value is None or value is False:
        return False
    if value is True:
        return True
    return str(value).strip().lower() not in {"false", "0", "no", "off"}


class ElementAttributes(BaseModel):
    """Attributes every element accepts (contract: "Attributes"). Values arrive as strings."""

    model_config = ConfigDict(alias_generator=kebab, populate_by_name=True, extra="ignore")

    api_key: str | None = Field(None, description="Stigg publishable (client) key, sent as X-API-KEY",
                                 json_schema_extra={"identity": True})
    customer_id: str | None = Field(None, description="The customer's id in Stigg", json_schema_extra={"identity": True})
    customer_token: str | None = Field(None, description="Hardening token, sent as X-CUSTOMER-KEY",
                                        json_schema_extra={"identity": True})
    resource_id: str | None = Field(None, description="Resource id passed to the queries",
                                     json_schema_extra={"identity": True})
    product_id: str | None = Field(None, description="Product id passed to the queries",
                                    json_schema_extra={"identity": True})
    base_url: str | None = Field(None, description="Stigg API root",
                                 json_schema_extra={"shown_default": "https://api.stigg.io", "identity": True})
    client: str | None = Field(None, description="API client name: stigg, demo, http or a registered one",
                               json_schema_extra={"shown_default": "stigg with api-key, demo without",
                                                  "identity": True})
    scenario: str | None = Field(None, description="Built-in demo customer (client=demo)",
                                 json_schema_extra={"shown_default": "paid", "identity": True})
    endpoint: str | None = Field(None, description="Backend URL for client=http", json_schema_extra={"identity": True})
    locale: str | None = Field(None, description="BCP 47 locale for numbers, money and dates; other tags of a listed "
                               "language use that language's rules, an unknown one warns and uses en-US",
                               json_schema_extra={"shown_default": "en-US"})
    texts: str | None = Field(None, description="JSON object of text overrides; keys are camelCase, deep-merged "
                              "over the defaults (see the text keys)")
    theme: str | None = Field(None, description="JSON object of theme keys (dotted paths as nested objects), "
                              "applied as --stigg-* custom properties")
    hidden_sections: str | None = Field(None, description="Sections to hide, space or comma separated",
                                        json_schema_extra={"allowed": list(SECTION_NAMES), "list": True})
    cancel_scheduled_updates: bool = Field(False, description="Show Cancel on the scheduled-update banner")
    buy_more: bool = Field(False, description="Show Buy more on priced features")
    contact_support: bool = Field(False, description="Contact support as a button firing its event")
    contact_support_url: str | None = Field(None, description="Contact support as a link to this URL")
    cache: str | None = Field(None, description='"session" paints the last HTML from sessionStorage',
                              json_schema_extra={"allowed": ["session"], "page_wide": False})
    timeout: float | None = Field(None, gt=0, le=300, description="Seconds to wait for each API answer (0 < t <= 300)",
                                  json_schema_extra={"shown_default": "10"})
    billing_country_code: str | None = Field(
        None, description="ISO 3166-1 alpha-2 country (or EU) whose localized prices the paywall shows",
        json_schema_extra={"identity": True},
    )

    @field_validator("billing_country_code", mode="before")
    @classmethod
    def _country(cls, value: Any) -> Any:
        if isinstance(value, str) and value.strip():
            code = value.strip().upper()
            if code not in ISO_COUNTRY_CODES:
                raise ValueError(
                    "must be an ISO 3166-1 alpha-2 country code such as US, DE or GB, or EU; "
                    "the paywall shows its default prices instead"
                )
            return code
        return value

    @field_validator("cancel_scheduled_updates", "buy_more", "contact_support", mode="before")
    @classmethod
    def _boolean_attribute(cls, value: Any) -> bool:
        return _presence(value)

    @field_validator("*", mode="before")
    @classmethod
    def _blank_is_absent(cls, value: Any, info: Any) -> Any:
        if isinstance(value, str) and not value.strip() and info.field_name not in _BOOLEAN_FIELDS:
            return None
        return value.strip() if isinstance(value, str) else value

    def hidden(self) -> frozenset[str]:
        """The parsed ``hidden-sections`` names (unknown names are reported by ``parse_attributes``)."""
        return frozenset(n for n in re.split(r"[\s,]+", self.hidden_sections or "") if n)


_BOOLEAN_FIELDS = {"cancel_scheduled_updates", "buy_more", "contact_support", "show_only_eligible_plans",
                   "hide_compatible_addons"}


# Which attributes travel: declared once above (``json_schema_extra``), read by the loader (generated
# into stigg-portal.js by the build) and by server renders.
def _flag(info: Any, key: str, default: bool) -> bool:
    extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
    return bool(extra.get(key, default))


def page_wide_attributes() -> list[str]:
    """Attributes a ``<stigg-provider>`` or the loader's script tag (``data-<name>``) sets for the
    elements inside: every common attribute unless it says ``page_wide: False``."""
    return [info.alias or kebab(name) for name, info in ElementAttributes.model_fields.items()
            if _flag(info, "page_wide", True)]


def identity_attributes() -> list[str]:
    """Attributes that choose the client and whose data an element shows (``identity: True``). A
    change to one clears the old data at once; a section in a provider that sets none of them shares
    the provider's one load."""
    return [info.alias or kebab(name) for name, info in ElementAttributes.model_fields.items()
            if _flag(info, "identity", False)]


class PaywallAttributes(ElementAttributes):
    """``<stigg-paywall>`` options (spec §1.5)."""

    highlighted_plan_id: str | None = Field(None, description="Plan id shown as Recommended")
    preferred_billing_period: str | None = Field(None, description="Billing period the switch starts on",
                                                 json_schema_extra={"allowed": ["MONTHLY", "ANNUALLY"],
                                                                    "shown_default": "the active subscription's, else the period most prices use"})
    show_only_eligible_plans: bool = Field(False, description="Hide plans below the current plan")
    hide_compatible_addons: bool = Field(False, description="Leave the add-ons list out of every plan card")
    skeleton_plan_count: int | None = Field(
        None, ge=1, le=12, description="Plan cards in the loading skeleton (default 3), to match the real count (a return visit at the same viewport width uses the last render's count)"
    )

    @field_validator("show_only_eligible_plans", "hide_compatible_addons", mode="before")
    @classmethod
    def _eligible_boolean(cls, value: Any) -> bool:
        return _presence(value)

    @field_validator("preferred_billing_period", mode="before")
    @classmethod
    def _period(cls, value: Any) -> Any:
        if isinstance(value, str) and value.strip():
            upper = value.strip().upper()
            aliases = {"MONTH": "MONTHLY", "ANNUAL": "ANNUALLY", "YEARLY": "ANNUALLY", "YEAR": "ANNUALLY"}
            upper = aliases.get(upper, upper)
            if upper not in {"MONTHLY", "ANNUALLY"}:
                raise ValueError("must be MONTHLY or ANNUALLY")
            return upper
        return value


@dataclass(frozen=True)
class EventInfo:
    """One event an element fires: when, the shape of its ``detail`` (field -> TypeScript type)."""

    description: str
    detail: dict[str, str]
    cancelable: bool = False


#: Every event an element can fire (all bubble and are composed ``CustomEvent``s).
EVENTS: dict[str, EventInfo] = {
    "stigg-ready": EventInfo("The element rendered real data", {"customerId": "string"}),
    "stigg-error": EventInfo(
        "Loading or configuration failed (the element shows an error state; the page keeps working)",
        {"code": "StiggErrorCode", "message": "string", "attribute?": "string", "status?": "number",
         "section?": '"paywall"'},
    ),
    "stigg-manage-subscription": EventInfo(
        "Manage, Upgrade or Upgrade plan (trial) was clicked; unless preventDefault() is called the "
        "portal scrolls to its Plans section",
        {"intentionType": '"MANAGE_SUBSCRIPTION" | "UPGRADE_PLAN" | "UPGRADE_TRIAL_PLAN"',
         "subscriptions": "unknown[]"},
        cancelable=True,
    ),
    "stigg-plan-selected": EventInfo(
        "A plan's button in the pricing table was clicked (customer is null on a public pricing table); "
        "the button shows a busy state until the promise given to waitUntil settles",
        {"plan": "unknown", "intentionType": "string", "billingPeriod": '"MONTHLY" | "ANNUALLY"',
         "customer": "unknown | null", "subscription": "unknown",
         "billableFeatures": "{ featureId: string; quantity: number }[]",
         "billableCredits": "{ topUpCustomCurrencyId: string; quantity: number }[]",
         "waitUntil": "(promise: Promise<unknown>) => void"},
    ),
    "stigg-billing-period-change": EventInfo(
        "The pricing table's billing-period switch changed", {"billingPeriod": '"MONTHLY" | "ANNUALLY"'},
    ),
    "stigg-contact-support": EventInfo("Contact support was clicked", {"subscription": "unknown"}),
    "stigg-cancel-scheduled-updates": EventInfo(
        "Cancel on the scheduled-update banner was clicked; the button shows a spinner until the "
        "promise given to waitUntil settles",
        {"subscription": "unknown", "waitUntil": "(promise: Promise<unknown>) => void"},
    ),
    "stigg-buy-more": EventInfo("Buy more on a priced feature was clicked",
                                {"feature": "unknown", "entitlement": "unknown"}),
}

#: ``stigg-error`` codes beyond the clients' ones (see ``clients.errors.ERROR_CODES``).
ELEMENT_ERROR_CODES: dict[str, str] = {
    "runtime": "the worker or the Python runtime could not start",
    "render": "a bug while rendering one element (the others keep working)",
}


@dataclass
class LoadedData:
    """What a widget's loads returned (``None`` for a kind it did not ask for)."""

    portal: Any = None
    paywall: Any = None
    #: the error when the portal's GetPaywall failed alone (a ``ClientError``: its Plans section says so)
    paywall_error: Any = None

    def section_errors(self) -> list[dict[str, str]]:
        """The sections that could not be loaded while the rest was shown, as ``stigg-error`` reports
        them (``code``, ``message``, ``section``); empty when everything came."""
        failed = self.paywall_error
        if failed is None:
            return []
        return [{"code": failed.code, "message": failed.message, "section": "paywall"}]


@dataclass
class RenderInput:
    """Everything a widget's ``context`` needs, prepared by ``rendering``."""

    attributes: ElementAttributes
    texts: dict[str, Any]
    locale: str
    now: datetime
    data: LoadedData | None = None
    state: dict[str, str] = field(default_factory=dict)
    demo_notice: bool = False

    @property
    def loading(self) -> bool:
        return self.data is None


class Widget:
    """Base of every element. Subclasses set the class variables and implement ``context``."""

    tag: ClassVar[str]
    summary: ClassVar[str] = ""
    attributes_model: ClassVar[type[ElementAttributes]] = ElementAttributes
    template: ClassVar[str]
    loads: ClassVar[tuple[DataKind, ...]] = ("portal",)
    events: ClassVar[tuple[str, ...]] = ("stigg-ready", "stigg-error")
    css_classes: ClassVar[tuple[str, ...]] = ()
    #: Template to show before data arrives; the same template with ``loading`` set by default.
    skeleton_template: ClassVar[str | None] = None
    #: The skeleton's memory (loader: ``rememberShape``): the loader keeps the height of every
    #: top-level ``stigg-section-card`` of a ready render (by its first class) and gives it to the
    #: skeleton's card of that class next time. These pairs add boxes that are not section cards:
    #: ``(class in the rendered markup, class of the skeleton box that stands for it)``; the n-th
    #: box of the one gets the height the n-th of the other had (extra skeleton boxes are hidden,
    #: missing ones copied from the last).
    skeleton_shape: ClassVar[tuple[tuple[str, str], ...]] = ()
    #: A first visit's skeleton shaped by the early GraphQL answer (see :mod:`stigg_portal.shapes`):
    #: how many of a skeleton box the data will show, read off the raw answer before Python runs.
    early_shape: ClassVar[tuple[ShapeRule, ...]] = ()

    @classmethod
    def loads_for(cls, attributes: ElementAttributes) -> tuple[DataKind, ...]:
        """The data this element needs with these attributes (``loads`` unless a subclass says less)."""
        return cls.loads

    @classmethod
    def observed_attributes(cls) -> list[str]:
        """Attribute names the element observes, from the attribute model's aliases."""
        return [info.alias or kebab(name) for name, info in cls.attributes_model.model_fields.items()]

    @classmethod
    def properties(cls) -> dict[str, str]:
        """camelCase property -> attribute name mirrors."""
        return {camel(name): info.alias or kebab(name) for name, info in cls.attributes_model.model_fields.items()}

    def context(self, render: RenderInput) -> dict[str, Any]:
        """Template context for this widget (``render.data`` is ``None`` while loading)."""
        raise NotImplementedError


#: tag -> widget class, filled by ``register_widget``.
WIDGETS: dict[str, type[Widget]] = {}


def register_widget(cls: type[Widget]) -> type[Widget]:
    """Class decorator adding a widget to the catalogue the build and the runtime read."""
    if not re.fullmatch(r"stigg-[a-z0-9-]+", cls.tag):
        raise ValueError(f"invalid custom element tag {cls.tag!r}")
    WIDGETS[cls.tag] = cls
    return cls


def all_widgets() -> dict[str, type[Widget]]:
    """Every registered widget (importing the views registers them)."""
    from . import views  # noqa: F401  (registration side effect)

    return dict(WIDGETS)


def get_widget(tag: str) -> type[Widget]:
    widgets = all_widgets()
    try:
        return widgets[tag.lower()]
    except KeyError:
        raise KeyError(f"unknown element <{tag}>; known: {', '.join(sorted(widgets))}") from None


@dataclass
class AttributeProblem:
    """One bad attribute: its name and a message for the page author."""

    attribute: str
    message: str


def parse_attributes(
    widget: type[Widget], raw: dict[str, str | None]
) -> tuple[ElementAttributes, list[AttributeProblem]]:
    """Validate raw attribute strings; bad values are dropped (defaults apply) and reported."""
    model = widget.attributes_model
    known = set(widget.observed_attributes())
    values = {k.lower(): v for k, v in raw.items() if v is not None and k.lower() in known}
    problems: list[AttributeProblem] = []
    while True:
        try:
            attrs = model.model_validate(values)
            break
        except ValidationError as exc:
            bad = set()
            for err in exc.errors():
                loc = str(err["loc"][0]) if err["loc"] else ""
                bad.add(loc)
                problems.append(AttributeProblem(loc, f"attribute {loc}={values.get(loc)!r}: {err['msg']}"))
            remaining = {k: v for k, v in values.items() if k not in bad}
            if remaining == values:  # cannot make progress: fall back to defaults entirely
                attrs = model()
                break
            values = remaining
    unknown = sorted(attrs.hidden() - set(SECTION_NAMES))
    if unknown:
        problems.append(
            AttributeProblem(
                "hidden-sections",
                f"attribute hidden-sections: unknown section(s) {', '.join(unknown)}; "
                f"known: {', '.join(SECTION_NAMES)}",
            )
        )
    return attrs, problems
