"""Everything a developer reads about the elements, generated from the widget classes.

One collection (:func:`element_reference`) read from the widget classes, ``texts.py``, ``theme.py``
and the error codes feeds every generated file: ``docs/reference.md``, ``custom-elements.json``,
``stigg-portal.d.ts`` (with React and Vue JSX typings), ``vscode.html-custom-data.json``,
``web-types.json`` and ``dist/package.json``. Output is deterministic (sorted, no dates), so a test
can compare the checked-in ``docs/reference.md`` with a fresh one.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

__all__ = [
    "custom_elements_manifest",
    "dist_package_json",
    "element_reference",
    "react_declarations",
    "reference_markdown",
    "typescript_declarations",
    "vscode_custom_data",
    "vue_declarations",
    "web_types",
]

_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


@dataclass(frozen=True)
class AttributeRef:
    name: str  # kebab-case attribute
    prop: str  # camelCase property
    description: str
    kind: str  # "string" | "boolean" | "number"
    default: str  # as shown to a reader ("" = none)
    allowed: tuple[str, ...]  # closed set of values ("" when free text)
    open_set: bool = False  # allowed lists the known values but others are accepted (client)
    is_list: bool = False  # space/comma separated list of allowed values

    @property
    def ts_type(self) -> str:
        if self.kind in {"boolean", "number"}:
            return self.kind
        if self.allowed and not self.is_list:
            union = " | ".join(json.dumps(v) for v in self.allowed)
            return union + (" | (string & {})" if self.open_set else "")
        return "string"


@dataclass(frozen=True)
class TextRef:
    key: str  # dotted camelCase path, as in the ``texts`` JSON
    attribute: str  # text-* attribute
    default: str
    placeholders: tuple[str, ...]


@dataclass(frozen=True)
class ThemeRef:
    key: str
    css_property: str
    default: str


def _attribute_refs(widget: Any) -> list[AttributeRef]:
    from .demo_data.scenarios import DEMO_SCENARIOS
    from .elements import camel, kebab
    from .formatting import SUPPORTED_LOCALES

    dynamic: dict[str, tuple[tuple[str, ...], bool]] = {
        "client": (("stigg", "demo", "http"), True),
        "scenario": (tuple(DEMO_SCENARIOS), False),
        "locale": (tuple(SUPPORTED_LOCALES), True),
    }
    refs = []
    for name, info in widget.attributes_model.model_fields.items():
        extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
        if info.annotation is bool:
            kind = "boolean"
        elif info.annotation in (float, float | None, int, int | None):
            kind = "number"
        else:
            kind = "string"
        allowed, open_set = dynamic.get(name, (tuple(extra.get("allowed", ())), False))
        default = str(extra.get("shown_default", ""))
        if not default and kind == "boolean":
            default = "false (absent)"
        refs.append(AttributeRef(info.alias or kebab(name), camel(name), info.description or "", kind, default,
                                 tuple(allowed), open_set, bool(extra.get("list"))))
    return refs


def text_refs() -> list[TextRef]:
    from .texts import DEFAULT_TEXTS, text_attribute_names

    by_path = {path: suffix for suffix, path in text_attribute_names().items()}

    def walk(tree: dict[str, Any], prefix: tuple[str, ...]) -> list[TextRef]:
        out = []
        for key, value in tree.items():
            path = prefix + (key,)
            if isinstance(value, dict):
                out += walk(value, path)
            else:
                out.append(TextRef(".".join(path), "text-" + by_path[path], value,
                                   tuple(dict.fromkeys(_PLACEHOLDER.findall(value)))))
        return out

    return walk(DEFAULT_TEXTS, ())


def theme_refs() -> list[ThemeRef]:
    from .theme import THEME_DEFAULTS, css_variable

    return [ThemeRef(k, css_variable(k), v) for k, v in THEME_DEFAULTS.items()]


def element_reference() -> list[dict[str, Any]]:
    """Per element (sorted by tag): tag, class, summary, attributes, events, CSS classes."""
    from .elements import all_widgets

    out = []
    for tag, widget in sorted(all_widgets().items()):
        out.append({"tag": tag, "class": widget.__name__,
                    "summary": widget.summary or (widget.__doc__ or "").strip().split("\n")[0],
                    "attributes": _attribute_refs(widget), "events": list(widget.events),
                    "css_classes": list(dict.fromkeys(widget.css_classes))})
    return out


def error_codes() -> dict[str, str]:
    from .clients.errors import ERROR_CODE_MEANINGS
    from .elements import ELEMENT_ERROR_CODES

    return {**ERROR_CODE_MEANINGS, **ELEMENT_ERROR_CODES}


def _text_description(ref: TextRef) -> str:
    shown = ref.default if ref.default else "(built-in text)"
    out = f"Text override for `{ref.key}`; default: {json.dumps(shown, ensure_ascii=False)}"
    if ref.placeholders:
        out += "; placeholders: " + ", ".join("{" + p + "}" for p in ref.placeholders)
    return out


def _event_type(name: str) -> str:
    return f"StiggEventMap[{json.dumps(name)}]"


def _detail_ts(detail: dict[str, str]) -> str:
    return "{ " + "; ".join(f"{k}: {v}" for k, v in detail.items()) + " }"


# ---------------------------------------------------------------------------------------- markdown
def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _code(text: str) -> str:
    if text == "":
        return '`""`'
    ticks = "``" if "`" in text else "`"
    pad = " " if ticks == "``" else ""
    return f"{ticks}{pad}{_cell(text)}{pad}{ticks}"


def reference_markdown() -> str:
    """``docs/reference.md``: the whole public surface, generated (``stigg-portal reference``)."""
    from .elements import EVENTS

    elements = element_reference()
    lines = [
        "# Reference",
        "",
        ("<!-- Generated by `stigg-portal reference` from the Python widget classes; do not edit by hand."
        " A unit test fails when this file is stale. -->"),
        "",
        ("Every element, attribute, property, event, CSS class, text key, theme key and error code, "
        "generated from the Python widget classes (`src/stigg_portal/elements.py`, `views/`, `texts.py`, "
        "`theme.py`, `clients/errors.py`). The same data produces `dist/custom-elements.json`, "
        "`dist/stigg-portal.d.ts`, `dist/vscode.html-custom-data.json` and `dist/web-types.json`."),
        "",
        "- [Elements](#elements)",
        "- [Attributes and properties](#attributes-and-properties)",
        "- [Events](#events)",
        "- [Methods](#methods)",
        "- [CSS classes](#css-classes)",
        "- [Text keys](#text-keys)",
        "- [Theme keys](#theme-keys)",
        "- [Error codes](#error-codes)",
        "",
        "## Elements",
        "",
        "| element | class | what it shows | events |",
        "| --- | --- | --- | --- |",
    ]
    for el in elements:
        lines.append(f"| `<{el['tag']}>` | `{el['class']}` | {_cell(el['summary'])} | "
                     + ", ".join(f"`{e}`" for e in el["events"]) + " |")
    lines += [
        "",
        "## Attributes and properties",
        "",
        ("Every element accepts the attributes below (sections inside a `<stigg-provider>` inherit its "
        "attributes; page-wide defaults come from `data-*` attributes on the loader's script tag or "
        "`StiggPortal.configure({...})`). Each attribute has a camelCase property mirror "
        "(`el.customerId = \"c-1\"`); setting either re-renders. Attribute values are strings; "
        "a boolean attribute is on when present (any value but `false`, `0`, `no`, `off`). "
        "A bad value is dropped (the default applies), logged in the console and reported with a "
        "`stigg-error` event (`bad-config`, `detail.attribute` names it)."),
        "",
        "| attribute | property | type | default | allowed values | meaning |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    common = {a.name: a for a in elements[0]["attributes"]}
    for el in elements:
        common = {k: a for k, a in common.items() if a in el["attributes"]}
    for attr in common.values():
        lines.append(_attribute_row(attr))
    groups: dict[tuple[AttributeRef, ...], list[str]] = {}
    for el in elements:
        extra = tuple(a for a in el["attributes"] if a.name not in common)
        if extra:
            groups.setdefault(extra, []).append(f"`<{el['tag']}>`")
    for extra, tags in groups.items():
        lines += ["", f"Only on {' and '.join(tags)}:", "",
                  "| attribute | property | type | default | allowed values | meaning |",
                  "| --- | --- | --- | --- | --- | --- |"]
        lines += [_attribute_row(a) for a in extra]
    lines += [
        "",
        ("Plus one `text-KEY` attribute per text key (see [Text keys](#text-keys)), e.g. "
        "`text-manage-subscription=\"Manage plan\"`; these have no property mirror."),
        "",
        "## Events",
        "",
        ("All events are `CustomEvent`s that bubble and are composed. `detail` fields marked `?` are "
        "present only sometimes."),
        "",
        "| event | fired by | when | cancelable | `detail` |",
        "| --- | --- | --- | --- | --- |",
    ]
    for name, info in EVENTS.items():
        fired = [f"`{el['tag']}`" for el in elements if name in el["events"]]
        fired_text = "every element" if len(fired) == len(elements) else ", ".join(fired)
        lines.append(f"| `{name}` | {fired_text} | {_cell(info.description)} | "
                     f"{'yes' if info.cancelable else 'no'} | {_code(_detail_ts(info.detail))} |")
    lines += [
        "",
        "## Methods",
        "",
        "| method | returns | what it does |",
        "| --- | --- | --- |",
        ("| `el.refresh()` | `Promise<void>` | reloads this element's data (or its provider's) and "
        "resolves when it is painted |"),
        "| `StiggPortal.refresh()` | `Promise<void>` | reloads every element on the page |",
        ("| `StiggPortal.configure(options)` | `void` | page-wide defaults, camelCase attribute names "
        "(`{apiKey: \"…\"}`) |"),
        ("| `StiggPortal.preload()` | `Promise<void>` | downloads and boots the runtime in idle time on a "
        "page without elements (an app shell), so a later portal page opens warm; resolves once the "
        "runtime is up and its files are stored (one runtime per page: on a page with elements it is "
        "theirs) |"),
        "",
        "## Loader options",
        "",
        ("Attributes of the loader's own `<script>` tag (besides the page-wide `data-ATTRIBUTE` defaults "
        "above)."),
        "",
        "| attribute | what it does |",
        "| --- | --- |",
        ("| `data-plugins=\"a.py b.py\"` | Python files (URLs relative to the page) run in the portal's "
        "runtime before the first render; also `StiggPortal.configure({plugins: [...]})` |"),
        ("| `data-preload` | calls `StiggPortal.preload()` once the page has loaded: the runtime boots in "
        "idle time, no element is rendered and nothing is asked of Stigg's API |"),
        ("| `data-early-requests=\"off\"` | the loader does not send the Stigg GraphQL requests of the "
        "elements on the page while the runtime boots (Python sends them once it is up) |"),
        ("| `data-runtime=\"worker\"` | Python runs in a plain module worker instead of PyScript's "
        "`PyWorker` |"),
        "| `data-runtime-cache=\"off\"` | the runtime's files are not kept in Cache Storage |",
        ("| `data-skeleton-memory=\"off\"` | the loader does not keep the sections' and plan cards' heights (localStorage "
         "`stigg-portal:shapes`) to give the next skeleton the last render's shape |"),
        ("| `data-skeleton-shape=\"off\"` | a first visit's skeleton keeps its default shape until the data "
         "comes (no usage cards, banner or plan cards counted off the early answer or the demo customer's data; "
         "the move then comes with the data, which Chromium's layout-shift score does not count) |"),
        "",
        "## CSS classes",
        "",
        ("Markup is rendered into the light DOM; page CSS reaches every class below. The state "
        "attribute `data-stigg-state=\"loading|ready|error\"` is set on the element itself."),
        "",
    ]
    for el in elements:
        if el["css_classes"]:
            lines.append(f"- `<{el['tag']}>`: " + ", ".join(f"`{c}`" for c in el["css_classes"]))
        else:
            lines.append(f"- `<{el['tag']}>`: none (it renders no markup of its own)")
    texts = text_refs()
    lines += [
        "",
        "## Text keys",
        "",
        ("Text keys are **camelCase**, exactly as below; nested keys are nested JSON objects in the "
        "`texts` attribute (`texts='{\"planCTAButton\": {\"upgrade\": \"Go Pro\"}}'`) and joined "
        "with `-` in kebab case in a `text-*` attribute (`text-plan-cta-button-upgrade=\"Go Pro\"`). "
        "`{name}` placeholders are filled in; a placeholder you leave out is simply not shown and an "
        "unknown one stays as written. `**…**` marks the bold part of a sentence. A default of `\"\"` "
        "means the built-in text is used."),
        "",
        f"{len(texts)} keys.",
        "",
        "| key (`texts` JSON) | attribute | default | placeholders |",
        "| --- | --- | --- | --- |",
    ]
    for ref in texts:
        lines.append(f"| `{ref.key}` | `{ref.attribute}` | {_code(ref.default)} | "
                     + (", ".join(_code("{" + p + "}") for p in ref.placeholders) or "") + " |")
    themes = theme_refs()
    lines += [
        "",
        "## Theme keys",
        "",
        ("The `theme` attribute takes a JSON object whose dotted keys are nested objects "
        "(`theme='{\"palette\": {\"primary\": \"#7c3aed\"}}'`); each key sets one CSS custom property "
        "on the element, which you can also set from CSS. Colours derived from a base colour (hover, "
        "section, switch colours, the active tab's underline) follow it unless set themselves; the "
        "underline's default is upstream's fixed navy, a theme's `palette.primary` colours it too."),
        "",
        f"{len(themes)} keys.",
        "",
        "| theme key | CSS custom property | default |",
        "| --- | --- | --- |",
    ]
    for ref in themes:
        lines.append(f"| `{ref.key}` | `{ref.css_property}` | {_code(ref.default)} |")
    lines += [
        "",
        "## Error codes",
        "",
        "`stigg-error` events carry `detail.code`, one of:",
        "",
        "| code | meaning |",
        "| --- | --- |",
    ]
    for code, meaning in error_codes().items():
        lines.append(f"| `{code}` | {_cell(meaning)} |")
    return "\n".join(lines) + "\n"


def _attribute_row(a: AttributeRef) -> str:
    allowed = ", ".join(f"`{v}`" for v in a.allowed)
    if a.allowed and a.open_set:
        allowed += ", or others (see meaning)" if a.name != "client" else ", or a registered name"
    if a.is_list:
        allowed += " (space or comma separated)"
    default = _code(a.default) if a.default else "none"
    return (f"| `{a.name}` | `{a.prop}` | `{a.ts_type if not a.allowed else a.kind}` | {default} | "
            f"{allowed} | {_cell(a.description)} |")


# ------------------------------------------------------------------------------- custom-elements.json
def custom_elements_manifest(version: str) -> dict[str, Any]:
    """A ``custom-elements.json`` (schema 1.0.0)."""
    from .elements import EVENTS

    texts = text_refs()
    css_properties = [{"name": t.css_property, "default": t.default, "description": f"Theme key `{t.key}`"}
                      for t in theme_refs()]
    declarations = []
    for el in element_reference():
        attributes = []
        members = []
        for a in el["attributes"]:
            entry: dict[str, Any] = {"name": a.name, "description": a.description, "type": {"text": a.ts_type},
                                     "fieldName": a.prop}
            if a.default:
                entry["default"] = a.default
            attributes.append(entry)
            members.append({"kind": "field", "name": a.prop, "attribute": a.name, "description": a.description,
                            "type": {"text": a.ts_type + (" | null" if a.kind != "boolean" else "")}})
        members.append({"kind": "method", "name": "refresh", "description": "Reload this element's data",
                        "return": {"type": {"text": "Promise<void>"}}})
        attributes += [{"name": t.attribute, "description": _text_description(t), "type": {"text": "string"},
                        "default": json.dumps(t.default, ensure_ascii=False)} for t in texts]
        declarations.append(
            {
                "kind": "class",
                "name": el["class"],
                "tagName": el["tag"],
                "customElement": True,
                "description": el["summary"],
                "attributes": attributes,
                "members": members,
                "events": [{"name": e, "description": EVENTS[e].description,
                            "type": {"text": f"CustomEvent<{_detail_ts(EVENTS[e].detail)}>"}} for e in el["events"]],
                "cssParts": [],
                "cssProperties": css_properties,
                "cssClasses": [{"name": c} for c in el["css_classes"]],
            }
        )
    return {
        "schemaVersion": "1.0.0",
        "readme": "",
        "modules": [{"kind": "javascript-module", "path": "stigg-portal.js", "declarations": declarations,
                     "exports": [{"kind": "custom-element-definition", "name": d["tagName"],
                                  "declaration": {"name": d["name"], "module": "stigg-portal.js"}}
                                 for d in declarations]}],
        "package": {"name": "stigg-portal", "version": version},
    }


# ----------------------------------------------------------------------------------------- types
def _iface(tag: str) -> str:
    return "".join(part.title() for part in tag.split("-")) + "Element"


def typescript_declarations() -> str:
    """``stigg-portal.d.ts``: element interfaces, ``HTMLElementTagNameMap``, typed events, attribute types
    (the React and Vue typings are ``react.d.ts`` and ``vue.d.ts`` beside it)."""
    from .elements import EVENTS

    elements = element_reference()
    out = [
        "// Generated by `stigg-portal build` from the Python widget classes; do not edit.",
        "",
        "export type StiggErrorCode = " + " | ".join(json.dumps(c) for c in error_codes()) + ";",
        "",
        "export interface StiggEventDetails {",
    ]
    for name, info in EVENTS.items():
        out.append(f"  {json.dumps(name)}: {_detail_ts(info.detail)};")
    out += [
        "}",
        "",
        "export type StiggEventMap = { [K in keyof StiggEventDetails]: CustomEvent<StiggEventDetails[K]> };",
        "",
    ]
    text_attrs = [t.attribute for t in text_refs()]
    for el in elements:
        name = _iface(el["tag"])
        out.append(f"/** {el['summary']} */")
        out.append(f"export interface {name} extends HTMLElement {{")
        for a in el["attributes"]:
            nullable = "" if a.kind == "boolean" else " | null"
            out.append(f"  /** {a.description} (attribute `{a.name}`) */")
            out.append(f"  {a.prop}: {a.ts_type}{nullable};")
        out.append("  /** Reload this element's data (or its provider's); resolves when painted. */")
        out.append("  refresh(): Promise<void>;")
        events = " | ".join(json.dumps(e) for e in el["events"])
        out.append(f"  addEventListener<K extends {events}>(type: K, listener: (this: {name}, ev: "
                   "StiggEventMap[K]) => unknown, options?: boolean | AddEventListenerOptions): void;")
        out.append("  addEventListener(type: string, listener: EventListenerOrEventListenerObject, "
                   "options?: boolean | AddEventListenerOptions): void;")
        out.append("}")
        out.append("")
    out.append("/** Attributes as written in HTML or JSX (kebab case; values are strings or booleans). */")
    for el in elements:
        name = _iface(el["tag"])
        out.append(f"export interface {name}Attributes {{")
        for a in el["attributes"]:
            t = "boolean | \"\" | \"true\" | \"false\"" if a.kind == "boolean" else (
                "number | string" if a.kind == "number" else a.ts_type)
            out.append(f"  {json.dumps(a.name)}?: {t};")
        for t in text_attrs:
            out.append(f"  {json.dumps(t)}?: string;")
        out.append("}")
        out.append("")
    out += [
        "export interface StiggPortalGlobal {",
        "  /** Page-wide defaults (camelCase attribute names). */",
        "  configure(options: Record<string, string | boolean | number>): void;",
        "  /** Reload every element on the page. */",
        "  refresh(): Promise<void>;",
        "  /** Download and boot the runtime in idle time (an app shell); also `data-preload` on the script tag. */",
        "  preload(): Promise<void>;",
        "}",
        "",
        "declare global {",
        "  interface HTMLElementTagNameMap {",
    ]
    out += [f"    {json.dumps(el['tag'])}: {_iface(el['tag'])};" for el in elements]
    out += [
        "  }",
        "  interface Window { StiggPortal: StiggPortalGlobal; }",
        "}",
        "",
    ]
    out += ["export {};", ""]
    return "\n".join(out)


def _imports(elements: list[dict[str, Any]]) -> str:
    names = sorted({_iface(el["tag"]) for el in elements} | {_iface(el["tag"]) + "Attributes" for el in elements})
    return "import type { " + ", ".join(names) + ' } from "./stigg-portal";'


def react_declarations() -> str:
    """``react.d.ts``: the elements in React 19's JSX (``import type {} from "stigg-portal/react"``)."""
    elements = element_reference()
    out = ["// Generated by `stigg-portal build` from the Python widget classes; do not edit.",
           "// React 19 JSX typings for the stigg-portal elements.", _imports(elements), "",
           "type StiggJSXProps<A> = A & {",
           "  ref?: unknown; key?: string | number; id?: string; class?: string; className?: string;",
           "  style?: unknown; slot?: string; hidden?: boolean; children?: unknown;",
           "};", "",
           'declare module "react" {', "  namespace JSX {", "    interface IntrinsicElements {"]
    out += [f"      {json.dumps(el['tag'])}: StiggJSXProps<{_iface(el['tag'])}Attributes>;" for el in elements]
    out += ["    }", "  }", "}", "", "export type { " + ", ".join(sorted(_iface(el["tag"]) for el in elements))
            + " };", ""]
    return "\n".join(out)


def vue_declarations() -> str:
    """``vue.d.ts``: the elements as Vue 3 global components (``import type {} from "stigg-portal/vue"``)."""
    elements = element_reference()
    out = ["// Generated by `stigg-portal build` from the Python widget classes; do not edit.",
           "// Vue 3 typings for the stigg-portal elements (GlobalComponents).", _imports(elements),
           'import type { DefineComponent } from "vue";', "",
           'declare module "vue" {', "  interface GlobalComponents {"]
    out += [f"    {json.dumps(_iface(el['tag'])[:-len('Element')])}: DefineComponent<{_iface(el['tag'])}Attributes>;"
            for el in elements]
    out += ["  }", "}", "", "export type { " + ", ".join(sorted(_iface(el["tag"]) for el in elements)) + " };", ""]
    return "\n".join(out)



# ------------------------------------------------------------------------------- editor data files
def vscode_custom_data() -> dict[str, Any]:
    """VS Code ``html.customData`` file."""
    texts = text_refs()
    tags = []
    for el in element_reference():
        attrs = []
        for a in el["attributes"]:
            entry: dict[str, Any] = {"name": a.name, "description": a.description
                                     + (f" (default: {a.default})" if a.default else "")}
            if a.kind == "boolean":
                entry["valueSet"] = "v"
            elif a.allowed and not a.is_list:
                entry["values"] = [{"name": v} for v in a.allowed]
            attrs.append(entry)
        attrs += [{"name": t.attribute, "description": _text_description(t)} for t in texts]
        tags.append({"name": el["tag"], "description": el["summary"], "attributes": attrs})
    return {"version": 1.1, "tags": tags}


def web_types(version: str) -> dict[str, Any]:
    """JetBrains ``web-types.json``."""
    from .elements import EVENTS

    texts = text_refs()
    elements = []
    for el in element_reference():
        attrs = []
        for a in el["attributes"]:
            entry: dict[str, Any] = {"name": a.name, "description": a.description}
            if a.default:
                entry["default"] = a.default
            if a.kind == "boolean":
                entry["value"] = {"type": "boolean", "required": False}
            elif a.allowed and not a.is_list:
                entry["value"] = {"type": "enum" if not a.open_set else "string", "required": True}
                entry["values"] = [{"name": v} for v in a.allowed]
            else:
                entry["value"] = {"type": a.kind, "required": True}
            attrs.append(entry)
        attrs += [{"name": t.attribute, "description": _text_description(t), "default": t.default,
                   "value": {"type": "string"}} for t in texts]
        elements.append({"name": el["tag"], "description": el["summary"], "attributes": attrs,
                         "events": [{"name": e, "description": EVENTS[e].description} for e in el["events"]],
                         "js": {"events": [{"name": e, "description": EVENTS[e].description}
                                           for e in el["events"]]}})
    return {"$schema": "https://json.schemastore.org/web-types", "name": "stigg-portal", "version": version,
            "description-markup": "markdown", "contributions": {"html": {"elements": elements}}}


def dist_package_json(version: str) -> dict[str, Any]:
    """``dist/package.json``: publish ``dist/`` to npm as it is."""
    return {
        "name": "stigg-portal",
        "version": version,
        "description": "Stigg's billing portal as embeddable web components written in Python (Pyodide)",
        "type": "module",
        "main": "stigg-portal.js",
        "module": "stigg-portal.js",
        "types": "stigg-portal.d.ts",
        "exports": {
            ".": {"types": "./stigg-portal.d.ts", "default": "./stigg-portal.js"},
            "./stigg-portal.js": "./stigg-portal.js",
            "./react": {"types": "./react.d.ts"},
            "./vue": {"types": "./vue.d.ts"},
            "./stigg-portal.css": "./stigg-portal.css",
            "./custom-elements.json": "./custom-elements.json",
            "./package.json": "./package.json",
            "./*": "./*",
        },
        "customElements": "custom-elements.json",
        "web-types": "./web-types.json",
        "files": ["*.js", "*.css", "*.d.ts", "*.json", "*.br", "*.gz", "pyodide-*/"],
        "sideEffects": True,
        "license": "MIT",
    }
