"""``DemoClient``: built-in customers, no network. The default when no ``api-key`` is set."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from ..demo_data import DEMO_SCENARIOS, UnknownScenarioError, scenario_answers
from ..demo_data.pricing import PUBLIC_SCENARIO, localize_paywall, public_paywall_answer
from ..models import CustomerPortal, Paywall, parse_customer_portal, parse_paywall
from .base import PortalClient
from .config import ClientConfig
from .errors import ClientError
from .transport import Transport

__all__ = ["DEMO_SCENARIOS", "DemoClient"]


class DemoClient(PortalClient):
    """Answers from the demo scenario ``config.scenario`` (see :data:`DEMO_SCENARIOS`).

    ``scenario="public"`` is the public pricing table: a paywall without a customer (the portal
    then has nothing to show: ``bad-config``). ``billing-country-code`` localizes the prices.

    ``now`` (a datetime or a function returning one) dates the scenario, so tests can pin it;
    by default it is the current time. The transport is never used.
    """

    name = "demo"

    def __init__(
        self,
        config: ClientConfig,
        transport: Transport | None = None,
        *,
        now: datetime | Callable[[], datetime] | None = None,
    ) -> None:
        super().__init__(config, transport)
        self._now = now
        if config.scenario not in DEMO_SCENARIOS and config.scenario != PUBLIC_SCENARIO:
            raise ClientError(
                "bad-config",
                f'Unknown demo scenario "{config.scenario}". The scenario attribute accepts: '
                f"{', '.join(DEMO_SCENARIOS + (PUBLIC_SCENARIO,))}.",
            )

    def now(self) -> datetime:
        value = self._now() if callable(self._now) else self._now
        return value or datetime.now(UTC)

    def answers(self) -> dict[str, Any]:
        """The scenario's raw envelopes, dated relative to :meth:`now`."""
        try:
            return scenario_answers(self.config.scenario, self.now())
        except UnknownScenarioError:  # pragma: no cover - checked in __init__
            raise ClientError("bad-config", f'Unknown demo scenario "{self.config.scenario}".') from None

    async def get_customer_portal(self) -> CustomerPortal:
        await asyncio.sleep(0)  # stay a real coroutine that yields, like a network client
        if self.config.scenario == PUBLIC_SCENARIO:
            raise ClientError("bad-config", 'The demo scenario "public" is a pricing table without a customer: '
                              "only <stigg-paywall> can show it.")
        return parse_customer_portal(self.answers()["GetCustomerPortalByRefId"])

    async def get_paywall(self) -> Paywall:
        await asyncio.sleep(0)
        if self.config.scenario == PUBLIC_SCENARIO:
            answer = public_paywall_answer(self.now())
        else:
            answer = self.answers()["GetPaywall"]
        return parse_paywall(localize_paywall(answer, self.config.billing_country_code))
