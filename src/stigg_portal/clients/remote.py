"""What :class:`StiggClient` and :class:`HttpClient` share: POST JSON, retry, map failures."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any

from ..models import CustomerPortal, Paywall, parse_customer_portal, parse_paywall
from .base import PortalClient
from .config import ClientConfig
from .errors import ClientError
from .transport import HttpRequest, HttpResponse, Transport

__all__ = ["PAYWALL_OPERATION", "PORTAL_OPERATION", "RemoteClient", "graphql_error_to_client_error"]

PORTAL_OPERATION = "GetCustomerPortalByRefId"
PAYWALL_OPERATION = "GetPaywall"

Sleep = Callable[[float], Awaitable[Any]]

# Stigg reports most failures as GraphQL errors whose `extensions.code` is an ErrorCode value.
_NOT_FOUND_CODES = frozenset({
    "CustomerNotFound", "CustomerResourceNotFound", "ProductNotFoundError", "NoProductsAvailable",
    "NOT_FOUND", "ENTITY_NOT_FOUND",
})
_UNAUTHORIZED_CODES = frozenset({
    "Unauthenticated", "UNAUTHENTICATED", "FORBIDDEN", "ApiKeyNotFound", "ApiKeyExpired",
    "AccessDeniedError", "IdentityForbidden", "AuthCustomerMismatch", "AuthCustomerReadonly",
    "RequiredSsoAuthenticationError",
})
_BAD_CONFIG_CODES = frozenset({
    "BadUserInput", "BAD_USER_INPUT", "InvalidArgumentError", "EnvironmentMissing", "UnsupportedParameter",
})
_RETRYABLE_CODES = {"RateLimitExceeded": "network", "OperationTimeout": "timeout"}


def _error_code(error: dict[str, Any]) -> str:
    extensions = error.get("extensions")
    if isinstance(extensions, dict):
        for key in ("code", "identifier"):
            if isinstance(extensions.get(key), str):
                return extensions[key]
    return ""


def graphql_error_to_client_error(errors: list[Any], customer_id: str | None, status: int | None) -> ClientError:
    """Map a GraphQL ``errors`` array to the most telling :class:`ClientError`."""
    first = next((e for e in errors if isinstance(e, dict)), {})
    code = _error_code(first)
    text = str(first.get("message") or "no message").strip()
    who = f'customer "{customer_id}"' if customer_id else "the customer"
    if code in _NOT_FOUND_CODES or ("not found" in text.lower() and "customer" in text.lower()):
        return ClientError(
            "not-found",
            f"Stigg has no {who} in this environment. Check the customer-id attribute "
            f"(it is the customer's id in Stigg) and that the api-key belongs to the same environment. "
            f"Stigg said: {text}",
            status=status,
        )
    if code in _UNAUTHORIZED_CODES:
        return ClientError(
            "unauthorized",
            f"Stigg refused the request: {text}. Check the api-key attribute (the publishable key of "
            "your environment) and, with hardening on, the customer-token.",
            status=status,
        )
    if code in _BAD_CONFIG_CODES:
        return ClientError("bad-config", f"Stigg rejected the request's input: {text}", status=status)
    if code in _RETRYABLE_CODES:
        return ClientError(_RETRYABLE_CODES[code], f"Stigg is busy: {text}", retryable=True, status=status)
    suffix = f" ({code})" if code else ""
    return ClientError("bad-response", f"Stigg answered with an error{suffix}: {text}", status=status)


class RemoteClient(PortalClient):
    """A client that POSTs JSON and expects GraphQL-style ``{"data": …}`` envelopes.

    ``sleep`` is the backoff sleep (tests pass a fake); attempts = ``1 + config.retries``, with
    ``backoff_s * 2**n`` seconds between them, only for network errors, timeouts, 429 and 5xx.
    """

    backoff_s: float = 0.2

    def __init__(
        self, config: ClientConfig, transport: Transport | None = None, *, sleep: Sleep | None = None
    ) -> None:
        super().__init__(config, transport)
        self._sleep = sleep or asyncio.sleep
        self.validate_config()

    # -- what subclasses define
    def validate_config(self) -> None:
        """Raise ``ClientError("bad-config")`` when the configuration cannot work."""

    def build_request(self, operation: str, variables: dict[str, Any]) -> HttpRequest:
        raise NotImplementedError

    def describe_status(self, status: int, url: str) -> ClientError:
        """The error for an HTTP status that is not a GraphQL answer."""
        if status in (401, 403):
            return ClientError("unauthorized", f"{url} refused the request ({status}).", status=status)
        if status == 404:
            return ClientError("not-found", f"{url} answered 404 Not Found.", status=status)
        if status == 429 or status >= 500:
            return ClientError("network", f"{url} is unavailable right now ({status}).", status=status)
        return ClientError("bad-response", f"{url} answered with HTTP {status}.", status=status)

    # -- shared machinery
    def variables(self, operation: str) -> dict[str, Any]:
        """``{"input": …}`` for an operation, with only the keys that are set (spec §5.1)."""
        c = self.config
        if operation == PORTAL_OPERATION:
            fields = {"customerId": c.customer_id, "resourceId": c.resource_id, "productId": c.product_id}
        else:
            fields = {
                "customerId": c.customer_id,
                "resourceId": c.resource_id,
                "productId": c.product_id,
                "billingCountryCode": c.billing_country_code,
            }
        return {"input": {k: v for k, v in fields.items() if v is not None}}

    async def get_customer_portal(self) -> CustomerPortal:
        data = await self.execute(PORTAL_OPERATION)
        return parse_customer_portal(self._require(data, "customerPortal"))

    async def get_paywall(self) -> Paywall:
        data = await self.execute(PAYWALL_OPERATION)
        return parse_paywall(self._require(data, "paywall"))

    def _require(self, data: dict[str, Any], key: str) -> Any:
        if data.get(key) is None:
            raise ClientError("bad-response", f"The answer's data has no {key} object.")
        return data

    async def execute(self, operation: str) -> dict[str, Any]:
        """Send one operation (retrying when that may help) and return the envelope's ``data``."""
        request = self.build_request(operation, self.variables(operation))
        attempts = 1 + max(0, self.config.retries)
        for attempt in range(attempts):
            try:
                return self._read(await self.send(request, attempt), request.url)
            except ClientError as exc:
                if not exc.retryable or attempt == attempts - 1:
                    raise
            await self._sleep(self.backoff_s * 2**attempt)
        raise AssertionError("unreachable")  # pragma: no cover

    async def send(self, request: HttpRequest, attempt: int) -> HttpResponse:
        """One attempt of ``request`` (attempt 0 first): through the transport."""
        return await self.transport(request)

    def _read(self, response: HttpResponse, url: str) -> dict[str, Any]:
        status = response.status
        try:
            envelope = json.loads(response.text) if response.text else None
        except ValueError:
            envelope = None
        errors = envelope.get("errors") if isinstance(envelope, dict) else None
        data = envelope.get("data") if isinstance(envelope, dict) else None
        if status in (401, 403) or status == 429 or status >= 500:
            raise self.describe_status(status, url)
        if isinstance(data, dict) and any(v is not None for v in data.values()):
            return data  # GraphQL partial success: use what came, as Apollo does
        if isinstance(errors, list) and errors:
            raise graphql_error_to_client_error(errors, self.config.customer_id, status)
        if status >= 400:
            raise self.describe_status(status, url)
        if envelope is None:
            snippet = response.text[:80].replace("\n", " ")
            raise ClientError("bad-response", f"{url} did not answer with JSON (got: {snippet!r}).", status=status)
        if not isinstance(data, dict):
            raise ClientError(
                "bad-response", f'{url} answered JSON without a "data" object: expected {{"data": {{...}}}}.',
                status=status,
            )
        return data
