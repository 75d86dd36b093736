"""The one error type every client raises, with a code a page can branch on."""

from __future__ import annotations

from typing import Literal

__all__ = ["ERROR_CODES", "ClientError", "ErrorCode"]

ErrorCode = Literal["unauthorized", "not-found", "network", "timeout", "bad-response", "bad-config"]
ERROR_CODES: tuple[str, ...] = ("unauthorized", "not-found", "network", "timeout", "bad-response", "bad-config")

#: What each code means, for the generated reference.
ERROR_CODE_MEANINGS: dict[str, str] = {
    "unauthorized": "the API refused the key or the customer token (HTTP 401/403)",
    "not-found": "no such customer (or paywall) for this key",
    "network": "the API could not be reached",
    "timeout": "no answer within `timeout` seconds",
    "bad-response": "the answer was not what the API promises (HTTP 5xx, bad JSON, wrong shape, GraphQL errors)",
    "bad-config": "an attribute or the configuration is wrong (`attribute` names it)",
}

_RETRYABLE_CODES = frozenset({"network", "timeout"})


class ClientError(Exception):
    """Loading data failed. ``code`` is one of :data:`ERROR_CODES`; ``message`` is for page authors.

    ``retryable`` says whether trying again may help (network trouble, timeouts, HTTP 429/5xx);
    ``status`` is the HTTP status when there was one.
    """

    def __init__(
        self,
        code: str,
        message: str,
        *,
        retryable: bool | None = None,
        status: int | None = None,
    ) -> None:
        if code not in ERROR_CODES:
            raise ValueError(f"unknown ClientError code {code!r}; expected one of {', '.join(ERROR_CODES)}")
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
        if retryable is None:
            retryable = code in _RETRYABLE_CODES or (status is not None and (status == 429 or status >= 500))
        self.retryable = retryable

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"ClientError({self.code!r}, {self.message!r}, status={self.status!r})"

    def to_dict(self) -> dict[str, object]:
        """The ``detail`` of a ``stigg-error`` event: ``{code, message}`` (plus ``status`` if known)."""
        detail: dict[str, object] = {"code": self.code, "message": self.message}
        if self.status is not None:
            detail["status"] = self.status
        return detail
