"""Configuration the example apps share, read from the environment.

- ``STIGG_API_KEY``: your environment's publishable (client) key. Without it the apps show the
  built-in demo customers (``client="demo"``), so they run with no account.
- ``STIGG_SIGNING_SECRET``: Stigg's client-side hardening secret; the server mints each customer's
  token with it. It never reaches the page.
- ``STIGG_SERVER_API_KEY``: a server key, for the own-backend route (``client="http"``) only.
- ``STIGG_BASE_URL``: another API root, e.g. the local mock (``stigg-portal mock-api``).
- ``STIGG_CUSTOMER_ID``: the customer the signed-in "user" is (default ``customer-demo``).
- ``STIGG_PORTAL_DIST``: the built ``dist/`` folder (default ``./dist``), served at ``/stigg-portal/``;
  a relative path is relative to the current directory, as a shell variable is (the apps' own
  ``DIST_DIR`` would take it relative to the app's folder, ``examples/apps/``).
"""

from __future__ import annotations

import os
from pathlib import Path
from dataclasses import dataclass, field
from typing import Any


def _from_current_directory(path: str | None) -> str | None:
    """``STIGG_PORTAL_DIST=dist`` from the repo root means the repo's ``dist/``: made absolute here,
    because the integrations take a relative ``DIST_DIR`` relative to the app's root."""
    return str(Path(path).resolve()) if path else None


@dataclass
class ExampleSettings:
    api_key: str | None = None
    signing_secret: str | None = field(default=None, repr=False)
    server_api_key: str | None = field(default=None, repr=False)
    base_url: str | None = None
    customer_id: str = "customer-demo"
    dist_dir: str | None = None

    @classmethod
    def from_env(cls) -> ExampleSettings:
        return cls(
            api_key=os.environ.get("STIGG_API_KEY") or None,
            signing_secret=os.environ.get("STIGG_SIGNING_SECRET") or None,
            server_api_key=os.environ.get("STIGG_SERVER_API_KEY") or None,
            base_url=os.environ.get("STIGG_BASE_URL") or None,
            customer_id=os.environ.get("STIGG_CUSTOMER_ID") or "customer-demo",
            dist_dir=_from_current_directory(os.environ.get("STIGG_PORTAL_DIST")),
        )

    def defaults(self) -> dict[str, Any]:
        """Attributes of every element: the API root, or the demo client when there is no key."""
        if not self.api_key:
            return {"client": "demo"}
        return {"base_url": self.base_url} if self.base_url else {}


@dataclass
class User:
    """Stands in for your signed-in user; ``stigg_customer_id`` is their customer id in Stigg."""

    name: str
    stigg_customer_id: str
