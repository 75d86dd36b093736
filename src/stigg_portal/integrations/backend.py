"""Your own backend for ``client="http"``: answer the element's requests by asking Stigg yourself.

The element POSTs ``{"operation": "GetCustomerPortalByRefId" | "GetPaywall", "variables": {...}}``
to its ``endpoint``; :func:`forward` sends that operation to Stigg's GraphQL API with a key that
never leaves your server, for the customer YOUR session says is signed in (the ``customerId`` the
page sent is ignored), and gives back ``(status, envelope)`` to return as JSON::

    @app.post("/billing-data")
    def billing_data():
        status, body = forward(request.get_json(), customer_id=current_user().stigg_customer_id,
                               api_key=os.environ["STIGG_SERVER_API_KEY"])
        return body, status

The page then needs no key and no token:
``<stigg-customer-portal client="http" endpoint="/billing-data"></stigg-customer-portal>``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ..clients import DEFAULT_BASE_URL, HttpRequest, RequestsTransport
from ..clients.errors import ClientError
from ..graphql import OPERATIONS, load_document
from ..server import run_sync

__all__ = ["forward", "forward_async"]

#: Inputs the page may choose; anything else (customerId above all) is the server's to decide.
PAGE_INPUTS = ("resourceId", "productId", "billingCountryCode")


def _problem(status: int, message: str, code: str) -> tuple[int, dict[str, Any]]:
    return status, {"errors": [{"message": message, "extensions": {"code": code}}]}


async def forward_async(
    payload: Mapping[str, Any] | str | bytes | None,
    *,
    customer_id: str,
    api_key: str,
    base_url: str = DEFAULT_BASE_URL,
    transport: Any = None,
    timeout_s: float = 10.0,
) -> tuple[int, dict[str, Any]]:
    """Ask Stigg for ``payload``'s operation on behalf of ``customer_id``; ``(HTTP status, JSON body)``."""
    if isinstance(payload, (str, bytes)):
        try:
            payload = json.loads(payload)
        except ValueError:
            return _problem(400, "The request body is not JSON.", "BAD_USER_INPUT")
    if not isinstance(payload, Mapping):
        return _problem(400, 'Expected {"operation": ..., "variables": ...}.', "BAD_USER_INPUT")
    operation = payload.get("operation")
    if operation not in OPERATIONS:
        return _problem(400, f"Unknown operation {operation!r}; known: {', '.join(OPERATIONS)}.", "BAD_USER_INPUT")
    variables = payload.get("variables") if isinstance(payload.get("variables"), Mapping) else {}
    given = variables.get("input") if isinstance(variables.get("input"), Mapping) else {}
    inputs = {key: given[key] for key in PAGE_INPUTS if isinstance(given.get(key), str)}
    if operation != "GetPaywall":
        inputs.pop("billingCountryCode", None)
    inputs["customerId"] = str(customer_id)
    request = HttpRequest(
        method="POST",
        url=base_url.rstrip("/") + "/graphql",
        headers={"Content-Type": "application/json", "Accept": "application/json", "X-API-KEY": api_key,
                 "x-graphql-operation-name": operation},
        body=json.dumps({"operationName": operation, "query": load_document(operation),
                         "variables": {"input": inputs}}),
        timeout_s=timeout_s,
    )
    try:
        response = await (transport or RequestsTransport())(request)
    except ClientError as exc:
        return _problem(504 if exc.code == "timeout" else 502, exc.message, "UPSTREAM_UNAVAILABLE")
    try:
        body = json.loads(response.text)
    except ValueError:
        return _problem(502, f"Stigg answered HTTP {response.status} without JSON.", "UPSTREAM_BAD_RESPONSE")
    return response.status, body if isinstance(body, dict) else {"data": None}


def forward(payload: Mapping[str, Any] | str | bytes | None, **options: Any) -> tuple[int, dict[str, Any]]:
    """Synchronous :func:`forward_async` (Flask, Django)."""
    return run_sync(forward_async(payload, **options))
