"""The GraphQL documents match Stigg's official schema, and the models read only what they select.

The schema ships in PyPI ``stigg-api-client`` as sgqlc types; joining their SDL (minus the built-in
scalars) gives a schema graphql-core can build and validate against (spec §5.3).
"""

from __future__ import annotations

import typing
from functools import cache

import pytest
from pydantic import BaseModel

from stigg_portal.graphql import OPERATIONS, load_document
from stigg_portal.models import CustomerPortal, Paywall

graphql = pytest.importorskip("graphql")
sgqlc_schema = pytest.importorskip("stigg.generated.schema")

BUILTIN_SCALARS = {"Int", "Float", "String", "Boolean", "ID"}
ROOTS = {"GetCustomerPortalByRefId": ("customerPortal", CustomerPortal), "GetPaywall": ("paywall", Paywall)}
# Model fields that the documents do not select on purpose: tolerated extras some answers carry.
MODEL_ONLY = {
    ("InvoicePreview", "subTotal"),  # sent by the reference answers
    ("PromotionalEntitlement", "description"),  # in the schema, not in the SDK's selection
    ("Plan", "order"),  # the paywall sorts by it when present
}


@cache
def stigg_schema():
    sdl = "\n\n".join(t.__to_graphql__() for t in sgqlc_schema.schema if t.__name__ not in BUILTIN_SCALARS)
    return graphql.build_schema(sdl)


@pytest.mark.parametrize("operation", OPERATIONS)
def test_document_validates_against_stiggs_schema(operation):
    document = graphql.parse(load_document(operation))
    assert graphql.validate(stigg_schema(), document) == []
    names = [d.name.value for d in document.definitions if isinstance(d, graphql.OperationDefinitionNode)]
    assert names == [operation]


def test_operation_variables_are_the_ones_the_clients_send():
    schema = stigg_schema()
    portal_input = schema.get_type("CustomerPortalInput").fields
    assert {"customerId", "resourceId", "productId"} <= set(portal_input)
    paywall_input = schema.get_type("GetPaywallInput").fields
    assert {"customerId", "resourceId", "productId", "billingCountryCode"} <= set(paywall_input)


# ---------------------------------------------------------------- models vs. selections
def _fragments(document):
    return {d.name.value: d for d in document.definitions if isinstance(d, graphql.FragmentDefinitionNode)}


def _applies(condition: str | None, type_name: str) -> bool:
    if condition is None or condition == type_name:
        return True
    schema = stigg_schema()
    outer, inner = schema.get_type(condition), schema.get_type(type_name)
    return graphql.is_abstract_type(outer) and schema.is_sub_type(outer, inner)


def _selected(selection_set, type_name: str, fragments) -> dict[str, list]:
    """Field name -> field nodes selected on ``type_name`` (fragments and inline fragments resolved)."""
    found: dict[str, list] = {}
    for sel in selection_set.selections if selection_set else ():
        if isinstance(sel, graphql.FieldNode):
            found.setdefault(sel.name.value, []).append(sel)
        else:
            node = fragments[sel.name.value] if isinstance(sel, graphql.FragmentSpreadNode) else sel
            condition = node.type_condition.name.value if node.type_condition else None
            if _applies(condition, type_name):
                for name, nodes in _selected(node.selection_set, type_name, fragments).items():
                    found.setdefault(name, []).extend(nodes)
    return found


def _models_in(annotation) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in _models_in(arg)]


def _check(model: type[BaseModel], type_name: str, selection_set, fragments, path: str, problems: dict, seen: set):
    gql_type = stigg_schema().get_type(type_name)
    concrete = (
        [t.name for t in stigg_schema().get_possible_types(gql_type)]
        if graphql.is_abstract_type(gql_type)
        else [type_name]
    )
    selected: dict[str, list] = {}
    for name in concrete:
        for field, nodes in _selected(selection_set, name, fragments).items():
            selected.setdefault(field, []).extend(nodes)
    for attr, info in model.model_fields.items():
        alias = info.alias or attr
        if alias == "__typename" or (model.__name__, alias) in MODEL_ONLY:
            continue
        if alias not in selected:
            problems.setdefault((model.__name__, alias), f"{path}.{alias} ({model.__name__}.{attr})")
            continue
        seen.add((model.__name__, alias))
        members = [m for m in _models_in(info.annotation) if not m.__name__.startswith("Unknown")]
        sub_selection = graphql.SelectionSetNode(
            selections=tuple(s for n in selected[alias] if n.selection_set for s in n.selection_set.selections)
        )
        for member in members:
            field_type = None
            for name in concrete:
                t = stigg_schema().get_type(name)
                if alias in t.fields:
                    field_type = graphql.get_named_type(t.fields[alias].type).name
                    break
            if len(members) > 1:  # a discriminated union: member classes are named after their types
                field_type = member.__name__
            _check(member, field_type, sub_selection, fragments, f"{path}.{alias}", problems, seen)


def test_every_model_field_is_selected_by_a_document():
    """A model shared by several selections (``CreditRate``, ``TargetPackage``) may hold the union of
    their fields, but no model may read a field that no document asks for."""
    problems: dict = {}
    seen: set = set()
    for operation, (root_field, model) in ROOTS.items():
        document = graphql.parse(load_document(operation))
        fragments = _fragments(document)
        query = next(d for d in document.definitions if isinstance(d, graphql.OperationDefinitionNode))
        root = _selected(query.selection_set, "Query", fragments)[root_field]
        selection = graphql.SelectionSetNode(selections=tuple(s for n in root for s in n.selection_set.selections))
        type_name = graphql.get_named_type(stigg_schema().query_type.fields[root_field].type).name
        _check(model, type_name, selection, fragments, root_field, problems, seen)
    never_selected = sorted(where for key, where in problems.items() if key not in seen)
    assert never_selected == []
