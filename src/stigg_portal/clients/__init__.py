"""API clients: one interface (:class:`PortalClient`), its error (:class:`ClientError`), and the
clients that ship: ``stigg`` (Stigg's GraphQL API), ``demo`` (built-in customers), ``http`` (the
page owner's backend). :func:`register` adds more; :func:`create_client` picks one by name.
"""

from __future__ import annotations

from .base import PortalClient
from .config import DEFAULT_BASE_URL, ClientConfig
from .demo import DEMO_SCENARIOS, DemoClient
from .errors import ERROR_CODES, ClientError
from .http import HttpClient
from .registry import ClientFactory, create_client, get_factory, register, registered_names
from .remote import PAYWALL_OPERATION, PORTAL_OPERATION, RemoteClient
from .stigg import StiggClient
from .transport import (
    CallableTransport,
    HttpRequest,
    HttpResponse,
    RequestsTransport,
    Transport,
    default_transport,
    set_default_transport,
)

__all__ = [
    "DEFAULT_BASE_URL",
    "DEMO_SCENARIOS",
    "ERROR_CODES",
    "PAYWALL_OPERATION",
    "PORTAL_OPERATION",
    "CallableTransport",
    "ClientConfig",
    "ClientError",
    "ClientFactory",
    "DemoClient",
    "HttpClient",
    "HttpRequest",
    "HttpResponse",
    "PortalClient",
    "RemoteClient",
    "RequestsTransport",
    "StiggClient",
    "Transport",
    "create_client",
    "default_transport",
    "get_factory",
    "register",
    "registered_names",
    "set_default_transport",
]

for _client in (StiggClient, DemoClient, HttpClient):
    register(_client.name, _client)
del _client
