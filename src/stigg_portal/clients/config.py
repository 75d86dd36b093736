"""What a client needs to know: key, customer, where to send requests, how patiently."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

__all__ = ["DEFAULT_BASE_URL", "ClientConfig"]

DEFAULT_BASE_URL = "https://api.stigg.io"


class ClientConfig(BaseModel):
    """Configuration shared by every client; elements build it from their attributes."""

    model_config = ConfigDict(extra="ignore")

    api_key: str | None = None
    customer_id: str | None = None
    customer_token: str | None = None
    resource_id: str | None = None
    product_id: str | None = None
    base_url: str = DEFAULT_BASE_URL
    client: str | None = None
    scenario: str = "paid"
    endpoint: str | None = None
    billing_country_code: str | None = None
    timeout_s: float = 10.0
    retries: int = 2
