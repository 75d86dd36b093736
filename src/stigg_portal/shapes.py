"""The skeleton shaped by an early GraphQL answer, before Python runs (first visits).

On a first visit nothing tells the skeleton how tall the data will be (a return visit has the
loader's memory of the last render, see ``Widget.skeleton_shape``): a customer with four usage cards
gets a skeleton of three in one row, one with a scheduled update a skeleton with no banner, and the
sections below move when the data arrives ~1 s later. The loader holds the early GraphQL answers
(``clients/early.py``) long before Python renders, so a widget class declares here, once, how many
of a skeleton box its data will show, as data the build hands the loader (``DEFINITIONS``'s
``shapeRules``) and this module evaluates the same way in Python. The views keep their own filters;
``tests/unit/test_shapes.py`` checks on every fixture that the count a rule reads off the raw answer
is the count the view renders, so a filter that changes without its rule fails a test.

A rule only shapes a skeleton no memory shaped, and only while the skeleton shows; it never
decides what the data shows. A wrong count costs what no rule costs: the sections move when the
data arrives.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

__all__ = ["Pick", "ShapeRule", "all_rules", "count", "demo_shapes", "loader_rules"]

#: Tests a :class:`Pick` may use (the loader implements the same ones).
OPERATORS = ("in", "not in", "!=", ">", "lacks", "longer than", "is url", "in picked")


@dataclass(frozen=True)
class Pick:
    """The items of a list in an answer's ``data`` that pass every test.

    ``path`` is dotted (``customerPortal.entitlementsV2``); when it is missing or empty,
    ``fallback`` (a path beside it, an older answer shape) is read instead, each of its items
    tagged ``__typename = fallback_typename`` unless it has one. ``where`` holds
    ``(dotted field, operator, operand)`` tests: ``in`` / ``not in`` a list of values, ``!=`` and
    ``>`` a number (numbers written as strings count as numbers; a missing field is ``None``),
    ``lacks`` a value (the field is not a list holding it), ``longer than`` a length (the field is
    a list of more items), ``is url`` (the field is a link the views would show,
    ``views.common.safe_url``; no operand) and ``in picked`` (the field is one of the values at
    ``field`` of the items ``pick`` picks in the whole answer's ``data``; the operand is
    ``(pick, field)``: a plan card that a scheduled update leads to).
    An object at ``path`` (not a list) is a list of that one item: ``customerPortal`` with a
    ``billingPortalUrl`` test counts 1 or 0.
    ``first`` keeps only the first item that passes; ``then`` counts, instead of the items, the
    items of a list inside each of them that pass its own tests. An empty ``path`` is the item
    itself (a list of one): ``Pick("", where=(("pricingType", "in", ["PAID"]),), then=...)`` counts
    inside a paid plan only."""

    path: str
    where: tuple[tuple[str, str, Any], ...] = ()
    fallback: str | None = None
    fallback_typename: str | None = None
    first: bool = False
    then: Pick | None = None

    def __post_init__(self) -> None:
        for _, op, _ in self.where:
            if op not in OPERATORS:
                raise ValueError(f"unknown operator {op!r}; known: {', '.join(OPERATORS)}")


@dataclass(frozen=True)
class ShapeRule:
    """How many copies of a skeleton box (class ``box``) to show, read off the early answer of
    ``operation``: the sum of the ``count`` picks, less ``minus``, at least 0 and at most
    ``at_most``; 0 when one of the ``requires`` picks counts nothing or one of the ``unless`` picks
    counts something. With ``flag``, the box is not
    repeated: the attribute ``flag`` is set on it when that number is above 0 and removed when it
    is 0.

    With ``each`` (picks of one list, no ``fallback``) the rule counts once per item: the items
    any of those picks picks, in the list's order (with ``each_sort``, by that number field; an
    item without one stands at its index), at most ``each_at_most``; the i-th number
    shapes the ``box`` boxes inside the i-th box of class ``within`` (a plan card's rows), and
    every pick of the rule (``count``, ``requires``, ``unless``) reads that item, not the answer's
    ``data``. :func:`count` then gives a list."""

    operation: str
    box: str
    count: tuple[Pick, ...]
    minus: int = 0
    at_most: int | None = None
    flag: str | None = None
    requires: tuple[Pick, ...] = ()
    unless: tuple[Pick, ...] = ()
    each: tuple[Pick, ...] = ()
    within: str | None = None
    each_at_most: int = 12
    each_sort: str | None = None

    def __post_init__(self) -> None:
        if bool(self.each) != bool(self.within):
            raise ValueError("a rule with 'each' needs 'within' (the box of each item), and 'within' needs 'each'")
        if len({pick.path for pick in self.each}) > 1 or any(pick.fallback or pick.then for pick in self.each):
            raise ValueError("'each' picks items of one list, without 'fallback' or 'then'")


def _field(item: Any, dotted: str) -> Any:
    for part in dotted.split("."):
        if not isinstance(item, dict):
            return None
        item = item.get(part)
    return item


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        number = float(value)
    elif isinstance(value, str) and value.strip():
        try:
            number = float(value.strip())
        except ValueError:
            return None
    else:
        return None
    return number if math.isfinite(number) else None


def _leaves(data: Any, pick: Pick, root: Any) -> list[Any]:
    """The items ``pick`` picks, or with ``then`` the items its innermost pick picks in them."""
    items = _items(data, pick, root)
    return items if pick.then is None else [leaf for item in items for leaf in _leaves(item, pick.then, root)]


def _passes(item: Any, test: tuple[str, str, Any], root: Any) -> bool:
    name, op, operand = test
    value = _field(item, name)
    if op == "in picked":
        pick, field = operand
        return value is not None and value in [_field(leaf, field) for leaf in _leaves(root, pick, root)]
    if op == "in":
        return value in operand
    if op == "not in":
        return value not in operand
    if op == "lacks":
        return not (isinstance(value, list) and operand in value)
    if op == "longer than":
        return isinstance(value, list) and len(value) > operand
    if op == "is url":
        # the views' own test (imported here: the views import this module)
        from .views.common import safe_url

        return isinstance(value, str) and safe_url(value) is not None
    number = _number(value)
    if op == "!=":
        return number is None or number != operand
    return number is not None and number > operand  # ">"


def _listed(data: Any, path: str) -> Any:
    """What is at ``path`` (``""``: ``data`` itself), an object as a list of one."""
    items = _field(data, path) if path else data
    return [items] if isinstance(items, dict) else items


def _items(data: Any, pick: Pick, root: Any) -> list[Any]:
    items = _listed(data, pick.path)
    if (not isinstance(items, list) or not items) and pick.fallback:
        legacy = _field(data, pick.fallback)
        items = [{"__typename": pick.fallback_typename, **item} if pick.fallback_typename else item
                 for item in legacy if isinstance(item, dict)] if isinstance(legacy, list) else []
    if not isinstance(items, list):
        return []
    passed = [item for item in items if isinstance(item, dict) and all(_passes(item, t, root) for t in pick.where)]
    return passed[:1] if pick.first else passed


def _picked(data: Any, pick: Pick, root: Any) -> int:
    return len(_leaves(data, pick, root))


def _each_items(data: Any, picks: tuple[Pick, ...], sort: str | None) -> list[Any]:
    """The items of ``picks``' list that any of them picks, in the list's order or by ``sort``."""
    items = _listed(data, picks[0].path)
    if not isinstance(items, list):
        return []
    chosen = {id(item) for pick in picks for item in _items(data, pick, data)}
    indexed = [(index, item) for index, item in enumerate(items) if id(item) in chosen]
    if sort:
        def key(pair: tuple[int, Any]) -> tuple[float, int]:
            value = _number(_field(pair[1], sort))
            return (value if value is not None else pair[0], pair[0])

        indexed.sort(key=key)
    return [item for _, item in indexed]


def _count_in(rule: ShapeRule, data: Any, root: Any) -> int:
    if not all(_picked(data, pick, root) for pick in rule.requires) \
            or any(_picked(data, pick, root) for pick in rule.unless):
        return 0
    n = sum(_picked(data, pick, root) for pick in rule.count) - rule.minus
    n = max(0, n)
    return n if rule.at_most is None else min(n, rule.at_most)


def count(rule: ShapeRule, answer: Any) -> int | list[int] | None:
    """The number of boxes ``rule`` reads off a GraphQL answer (``{"data": ...}``), one number
    per item for a rule with ``each``, or ``None`` when the answer has no data (an error): the
    skeleton is left as it is."""
    data = answer.get("data") if isinstance(answer, dict) else None
    if not isinstance(data, dict) or answer.get("errors"):
        return None
    if rule.each:
        return [_count_in(rule, item, data) for item in _each_items(data, rule.each, rule.each_sort)[:rule.each_at_most]]
    return _count_in(rule, data, data)


def all_rules() -> list[ShapeRule]:
    """Every widget's rules, each once, in tag order (one list: a rule applies to any element
    whose skeleton has its box, so the portal gets its sections' rules)."""
    from .elements import all_widgets

    rules: list[ShapeRule] = []
    for _, widget in sorted(all_widgets().items()):
        rules += [rule for rule in widget.early_shape if rule not in rules]
    return rules


def loader_rules() -> list[dict[str, Any]]:
    """:func:`all_rules` as the loader's ``SHAPE_RULES`` carry them."""
    return [asdict(rule) for rule in all_rules()]


def demo_shapes() -> dict[str, Any]:
    """The rules' counts for every built-in demo customer (``client="demo"``), worked out at build
    time from the same answers the demo client serves: such an element has no early answer (its data
    never leaves Python), so the loader shapes its skeleton from these before the first paint.
    ``counts[scenario][i]`` is rule ``i`` of :func:`all_rules` (``None``: that scenario has no
    answer for the rule's operation)."""
    from .clients.config import ClientConfig
    from .clients.remote import PAYWALL_OPERATION
    from .demo_data import DEMO_SCENARIOS, scenario_answers
    from .demo_data.pricing import PUBLIC_SCENARIO, public_paywall_answer

    rules = all_rules()
    counts: dict[str, list[int | None]] = {}
    for scenario in (*DEMO_SCENARIOS, PUBLIC_SCENARIO):
        answers = {PAYWALL_OPERATION: public_paywall_answer()} if scenario == PUBLIC_SCENARIO else scenario_answers(scenario)
        counts[scenario] = [count(rule, answers[rule.operation]) if rule.operation in answers else None
                            for rule in rules]
    return {"scenario": ClientConfig.model_fields["scenario"].default, "counts": counts}
