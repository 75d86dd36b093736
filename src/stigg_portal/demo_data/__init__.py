"""Built-in customers: the reference API answers and the demo scenarios derived from them.

The three ``customer-*.json`` files are real-shaped Stigg answers (``GetCustomerPortalByRefId`` and
``GetPaywall`` envelopes) with dates fixed around :data:`REFERENCE_NOW`. Each demo scenario loads
one of them and transforms it (plan, status, currency, usage, scheduled updates), then moves every
date by the offset between now and :data:`REFERENCE_NOW`, so "Resets in 14 days" stays true
whatever day the demo runs. All names, e-mails and ids are made up.
"""

from __future__ import annotations

from .scenarios import (
    DEMO_SCENARIOS,
    FIXTURE_NAMES,
    REFERENCE_NOW,
    UnknownScenarioError,
    customer_id_for,
    load_fixture,
    scenario_answers,
    scenario_description,
    shift_dates,
)

__all__ = [
    "DEMO_SCENARIOS",
    "FIXTURE_NAMES",
    "REFERENCE_NOW",
    "UnknownScenarioError",
    "customer_id_for",
    "load_fixture",
    "scenario_answers",
    "scenario_description",
    "shift_dates",
]
