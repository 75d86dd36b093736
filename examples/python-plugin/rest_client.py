"""A Python plugin: a portal client for the page owner's own REST API, read with ``pyscript.fetch``.

Loaded by examples/python-plugin.html with ``data-plugins="python-plugin/rest_client.py"``; it
runs in the portal's Python (in the browser's worker, hosted by PyScript), before the first render
that needs it. ``client="my-rest" endpoint="..."`` then uses it, exactly as a server render with
the same registration would. The API here: ``GET {endpoint}/customers/<id>/portal`` and
``.../paywall`` answer the bare ``customerPortal`` / ``paywall`` objects (the demo's mock API
serves them).

``pyscript`` exists only where PyScript hosts the runtime (the loader's default): with
``data-runtime="worker"`` on the loader's tag this import fails, the console says so and the
elements with ``client="my-rest"`` show a ``bad-config`` error; the rest of the page renders. A
plugin that must run on both hosts uses ``self.transport`` instead (``pyscript.fetch`` under
PyScript, the browser's ``fetch`` in the plain worker, the server's HTTP transport in a server render).
"""

import asyncio
import json

from pyodide.ffi import JsException
from pyscript import fetch

from stigg_portal.clients import ClientError, PortalClient, register
from stigg_portal.models import parse_customer_portal, parse_paywall


class RestClient(PortalClient):
    name = "my-rest"

    async def _get(self, kind: str) -> object:
        base = (self.config.endpoint or "").rstrip("/")
        if not base or not self.config.customer_id:
            raise ClientError("bad-config", 'client="my-rest" needs endpoint="https://..." and customer-id.')
        url = f"{base}/customers/{self.config.customer_id}/{kind}"
        try:
            # pyscript.fetch: the browser's fetch with Python results (str, dict). Its options go
            # through JSON, so no AbortSignal: past the timeout we stop waiting for the answer.
            async with asyncio.timeout(self.config.timeout_s):
                response = await fetch(url, headers={"accept": "application/json"}, credentials="omit")
                text = await response.text()
        except TimeoutError:
            raise ClientError("timeout", f"No answer from {url} within {self.config.timeout_s:g} s.") from None
        except JsException as exc:  # the browser's TypeError: offline, DNS, CORS
            raise ClientError("network", f"Could not reach {url} ({exc}).") from None
        if response.status == 404:
            raise ClientError("not-found", f"No customer {self.config.customer_id!r} at {url}.")
        if response.status != 200:
            raise ClientError("bad-response", f"{url} answered HTTP {response.status}.")
        try:
            return json.loads(text)
        except ValueError:
            raise ClientError("bad-response", f"{url} did not answer JSON.") from None

    async def get_customer_portal(self):
        return parse_customer_portal(await self._get("portal"))

    async def get_paywall(self):
        return parse_paywall(await self._get("paywall"))


register("my-rest", RestClient)
