"""The interface every API client implements."""

from __future__ import annotations

import abc
from typing import ClassVar

from ..models import CustomerPortal, Paywall
from .config import ClientConfig
from .transport import Transport, default_transport

__all__ = ["PortalClient"]


class PortalClient(abc.ABC):
    """Loads the two answers the elements show: the customer portal and the paywall.

    Subclasses set ``name`` (what the ``client`` attribute calls them) and implement both loads;
    they raise :class:`~stigg_portal.clients.ClientError` and nothing else on failure.
    """

    name: ClassVar[str]

    def __init__(self, config: ClientConfig, transport: Transport | None = None) -> None:
        self.config = config
        self._transport = transport

    @property
    def transport(self) -> Transport:
        """The transport given, else the platform's default (created on first use)."""
        if self._transport is None:
            self._transport = default_transport()
        return self._transport

    @abc.abstractmethod
    async def get_customer_portal(self) -> CustomerPortal:
        """The ``customerPortal`` of ``config.customer_id``."""

    @abc.abstractmethod
    async def get_paywall(self) -> Paywall:
        """The ``paywall`` (plans, add-ons, the customer's subscriptions)."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}(customer_id={self.config.customer_id!r})"
