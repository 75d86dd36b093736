"""Clients by name: what the ``client`` attribute chooses from."""

from __future__ import annotations

from collections.abc import Callable

from .base import PortalClient
from .config import ClientConfig
from .errors import ClientError
from .transport import Transport

__all__ = ["ClientFactory", "create_client", "get_factory", "note_plugin_failure", "register", "registered_names"]

ClientFactory = Callable[[ClientConfig, "Transport | None"], PortalClient]
"""Anything called as ``factory(config, transport)`` that returns a :class:`PortalClient`
(a ``PortalClient`` subclass itself qualifies)."""

_FACTORIES: dict[str, ClientFactory] = {}
#: What went wrong with the page's Python plugins (a missing client may be theirs).
_PLUGIN_FAILURES: list[str] = []


def register(name: str, factory: ClientFactory) -> None:
    """Make ``client="name"`` use ``factory``; registering a name again replaces it."""
    if not name or not isinstance(name, str):
        raise ValueError("a client name must be a non-empty string")
    _FACTORIES[name] = factory


def note_plugin_failure(message: str) -> None:
    """Record that a plugin failed: an unknown client's error then names it."""
    _PLUGIN_FAILURES.append(message)


def registered_names() -> tuple[str, ...]:
    return tuple(_FACTORIES)


def get_factory(name: str) -> ClientFactory:
    try:
        return _FACTORIES[name]
    except KeyError:
        failed = (" A plugin that may register it failed: " + " ".join(_PLUGIN_FAILURES)) if _PLUGIN_FAILURES else ""
        raise ClientError(
            "bad-config",
            f'Unknown client "{name}". The client attribute accepts: {", ".join(_FACTORIES)} '
            f"(more can be added from Python with stigg_portal.clients.register).{failed}",
        ) from None


def client_name(client: str | None, api_key: str | None) -> str:
    """The client an element uses: the one ``client`` names; by default ``stigg`` when an API key
    is set, else ``demo``."""
    return client or ("stigg" if api_key else "demo")


def create_client(config: ClientConfig, transport: Transport | None = None) -> PortalClient:
    """The client ``config.client`` names (:func:`client_name`)."""
    return get_factory(client_name(config.client, config.api_key))(config, transport)
