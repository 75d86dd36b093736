"""``HttpClient``: the page owner's own backend answers instead of Stigg.

Use it when the publishable key must stay off the page, or the backend adds its own checks. The
client POSTs JSON to ``config.endpoint`` (the ``endpoint`` attribute)::

    POST {endpoint}
    Content-Type: application/json

    {"operation": "GetCustomerPortalByRefId", "variables": {"input": {"customerId": "c-1"}}}

``operation`` is ``GetCustomerPortalByRefId`` or ``GetPaywall``; ``variables`` are the ones
Stigg's GraphQL operation takes (spec §5.1: ``customerId``, and ``resourceId``, ``productId``,
``billingCountryCode`` when set). The backend answers with Stigg's envelope, ``{"data":
{"customerPortal": {...}}}`` or ``{"data": {"paywall": {...}}}`` — typically by forwarding the
operation to Stigg with its server key — or with ``{"errors": [...]}`` / an HTTP error status, which
map to the same error codes as :class:`~stigg_portal.clients.StiggClient`. If ``customer-token`` is
set it is forwarded as ``X-CUSTOMER-KEY`` so the backend can check who is asking.
"""

from __future__ import annotations

import json
from typing import Any

from .errors import ClientError
from .remote import RemoteClient
from .transport import HttpRequest

__all__ = ["HttpClient"]


class HttpClient(RemoteClient):
    """POSTs ``{"operation", "variables"}`` to the page owner's endpoint."""

    name = "http"

    def validate_config(self) -> None:
        if not self.config.endpoint:
            raise ClientError(
                "bad-config",
                'The http client needs the endpoint attribute: the URL of your backend that answers '
                'with Stigg\'s {"data": ...} envelopes.',
            )

    def build_request(self, operation: str, variables: dict[str, Any]) -> HttpRequest:
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if self.config.customer_token:
            headers["X-CUSTOMER-KEY"] = self.config.customer_token
        return HttpRequest(
            method="POST",
            url=self.config.endpoint or "",
            headers=headers,
            body=json.dumps({"operation": operation, "variables": variables}),
            timeout_s=self.config.timeout_s,
        )

    def describe_status(self, status: int, url: str) -> ClientError:
        if status in (401, 403):
            return ClientError(
                "unauthorized",
                f"Your endpoint {url} refused the request ({status}). Check that the page is allowed to "
                "load this customer's billing data (session, customer-token).",
                status=status,
            )
        if status == 404:
            return ClientError(
                "not-found",
                f"Your endpoint {url} answered 404: either the endpoint attribute is wrong or it has no "
                f'customer "{self.config.customer_id}".',
                status=status,
            )
        return super().describe_status(status, url)
