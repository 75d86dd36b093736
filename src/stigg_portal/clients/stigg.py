"""``StiggClient``: Stigg's GraphQL API, as Stigg's own browser SDK calls it (spec §5.1–5.2)."""

from __future__ import annotations

import json
from typing import Any

from .. import __version__
from ..graphql import load_document
from ..models import CustomerPortal
from .early import EARLY
from .errors import ClientError
from .remote import RemoteClient
from .transport import HttpRequest, HttpResponse

__all__ = ["CLIENT_NAME", "StiggClient"]

CLIENT_NAME = "stigg-portal"


class StiggClient(RemoteClient):
    """POSTs ``GetCustomerPortalByRefId`` / ``GetPaywall`` to ``{base_url}/graphql``.

    Headers: ``X-API-KEY`` (publishable key), ``X-CUSTOMER-KEY`` (hardening token, when given),
    ``x-graphql-operation-name``, ``source: JS_CLIENT_SDK`` (the kind of client, as Stigg's browser
    SDK sends it) and ``apollographql-client-name`` / ``-version`` naming this library.
    """

    name = "stigg"

    def validate_config(self) -> None:
        if not self.config.api_key:
            raise ClientError(
                "bad-config",
                "The Stigg client needs the api-key attribute: your environment's publishable key "
                "(and customer-id, the customer's id in Stigg, for everything but a public pricing table).",
            )

    async def get_customer_portal(self) -> CustomerPortal:
        # A paywall without a customer is a public pricing table (spec §5.1); the portal is not.
        if not self.config.customer_id:
            raise ClientError(
                "bad-config",
                "The customer portal needs the customer-id attribute (the customer's id in Stigg); "
                "only <stigg-paywall> works without one, as a public pricing table.",
            )
        return await super().get_customer_portal()

    @property
    def url(self) -> str:
        return self.config.base_url.rstrip("/") + "/graphql"

    def headers(self, operation: str) -> dict[str, str]:
        headers = {
            "Content-Type": "application/json",
            "Accept": "application/json",
            "X-API-KEY": self.config.api_key or "",
            "x-graphql-operation-name": operation,
            "source": "JS_CLIENT_SDK",
            "apollographql-client-name": CLIENT_NAME,
            "apollographql-client-version": __version__,
        }
        if self.config.customer_token:
            headers["X-CUSTOMER-KEY"] = self.config.customer_token
        return headers

    def build_request(self, operation: str, variables: dict[str, Any]) -> HttpRequest:
        body = {"operationName": operation, "query": load_document(operation), "variables": variables}
        return HttpRequest(
            method="POST",
            url=self.url,
            headers=self.headers(operation),
            # compact, as JavaScript's JSON.stringify writes it: the loader's early request for the
            # same element is then the same bytes (see clients/early.py)
            body=json.dumps(body, separators=(",", ":"), ensure_ascii=False),
            timeout_s=self.config.timeout_s,
        )

    async def send(self, request: HttpRequest, attempt: int) -> HttpResponse:
        """The first attempt takes the loader's early answer to this very request when there is
        one (waiting for it while it is on its way); retries, and every other request, go out."""
        if attempt == 0:
            early = await EARLY.take(request)
            if early is not None:
                return early
        return await self.transport(request)

    def describe_status(self, status: int, url: str) -> ClientError:
        if status == 401:
            return ClientError(
                "unauthorized",
                "Stigg rejected the API key (401). Check the api-key attribute: it must be the "
                "publishable key of your environment.",
                status=status,
            )
        if status == 403:
            return ClientError(
                "unauthorized",
                "Stigg refused access to this customer (403). Check the api-key attribute and, if "
                "client-side hardening is on, that customer-token was minted for this customer-id.",
                status=status,
            )
        if status == 404 and not self.config.customer_id:
            return ClientError("not-found", "Stigg answered 404 for the pricing table: check base-url "
                               "and product-id.", status=status)
        if status == 404:
            return ClientError(
                "not-found",
                f'Stigg has no customer "{self.config.customer_id}" (404). Check the customer-id '
                "attribute and that the api-key belongs to the same environment.",
                status=status,
            )
        if status == 429:
            return ClientError("network", "Stigg is rate-limiting requests (429); try again shortly.",
                               status=status)
        if status >= 500:
            return ClientError("network", f"Stigg's API is unavailable right now ({status}); try again "
                               "shortly.", status=status)
        return super().describe_status(status, url)
