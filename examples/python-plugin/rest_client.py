"""A Python plugin: a portal client for the page owner's own REST API.

Loaded by examples/python-plugin.html with ``data-plugins="python-plugin/rest_client.py"``; it
runs in the portal's Python (in the browser's worker), before the first render that needs it.
``client="my-rest" endpoint="..."`` then uses it, exactly as a server render with the same
registration would. The API here: ``GET {endpoint}/customers/<id>/portal`` and ``.../paywall``
answer the bare ``customerPortal`` / ``paywall`` objects (the demo's mock API serves them).
"""

from stigg_portal.clients import ClientError, HttpRequest, PortalClient, register
from stigg_portal.models import parse_customer_portal, parse_paywall


class RestClient(PortalClient):
    name = "my-rest"

    async def _get(self, kind: str) -> object:
        base = (self.config.endpoint or "").rstrip("/")
        if not base or not self.config.customer_id:
            raise ClientError("bad-config", 'client="my-rest" needs endpoint="https://..." and customer-id.')
        url = f"{base}/customers/{self.config.customer_id}/{kind}"
        # self.transport: the browser's fetch in the page, requests on a server
        response = await self.transport(HttpRequest("GET", url, headers={"accept": "application/json"},
                                                    timeout_s=self.config.timeout_s))
        if response.status == 404:
            raise ClientError("not-found", f"No customer {self.config.customer_id!r} at {url}.")
        if response.status != 200:
            raise ClientError("bad-response", f"{url} answered HTTP {response.status}.")
        try:
            return response.json()
        except ValueError:
            raise ClientError("bad-response", f"{url} did not answer JSON.") from None

    async def get_customer_portal(self):
        return parse_customer_portal(await self._get("portal"))

    async def get_paywall(self):
        return parse_paywall(await self._get("paywall"))


register("my-rest", RestClient)
