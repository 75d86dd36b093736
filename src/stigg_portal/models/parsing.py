"""Turn an API answer into models, or a ``ClientError("bad-response")`` that names what is wrong."""

from __future__ import annotations

import json
from typing import Any, TypeVar

from pydantic import ValidationError

from .common import StiggModel
from .paywall import Paywall
from .portal import CustomerPortal

__all__ = ["format_validation_error", "parse_customer_portal", "parse_paywall"]

M = TypeVar("M", bound=StiggModel)


def _bad_response(message: str) -> Exception:
    # Imported here: the clients package imports the models, so a module-level import would be circular.
    from ..clients.errors import ClientError

    return ClientError("bad-response", message)


def _format_loc(root: str, loc: tuple[int | str, ...]) -> str:
    path = root
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif part in ("FeatureEntitlement", "CreditEntitlement", "PackageFeatureEntitlement",
                      "PackageCreditEntitlement", "unknown"):
            continue  # union tags pydantic adds to the location; they are not JSON keys
        else:
            path += f".{part}"
    return path


def format_validation_error(root: str, error: ValidationError, limit: int = 3) -> str:
    """One line per problem, e.g. ``customerPortal.subscriptions[0].planId: Field required``."""
    problems = [f"{_format_loc(root, tuple(e['loc']))}: {e['msg']}" for e in error.errors()[:limit]]
    more = error.error_count() - len(problems)
    if more > 0:
        problems.append(f"(and {more} more)")
    return "; ".join(problems)


def _unwrap(answer: Any, key: str) -> Any:
    if isinstance(answer, (str, bytes, bytearray)):
        try:
            answer = json.loads(answer)
        except ValueError as exc:
            raise _bad_response(f"The {key} answer is not JSON: {exc}.") from None
    if isinstance(answer, dict) and "data" in answer and key not in answer:
        data = answer["data"]
        if not isinstance(data, dict):
            raise _bad_response(f"The answer has no data object (got {type(data).__name__}).")
        answer = data
    if isinstance(answer, dict) and key in answer:
        answer = answer[key]
    if not isinstance(answer, dict):
        raise _bad_response(f"Expected a {key} object in the answer, got {type(answer).__name__}.")
    return answer


def _parse(model: type[M], key: str, answer: Any) -> M:
    if isinstance(answer, model):
        return answer
    inner = _unwrap(answer, key)
    try:
        return model.model_validate(inner)
    except ValidationError as exc:
        raise _bad_response(
            f"The {key} answer does not have the expected shape: {format_validation_error(key, exc)}."
        ) from None


def parse_customer_portal(answer: Any) -> CustomerPortal:
    """Validate ``{"data": {"customerPortal": …}}``, ``{"customerPortal": …}`` or the bare object."""
    return _parse(CustomerPortal, "customerPortal", answer)


def parse_paywall(answer: Any) -> Paywall:
    """Validate ``{"data": {"paywall": …}}``, ``{"paywall": …}`` or the bare object."""
    return _parse(Paywall, "paywall", answer)
