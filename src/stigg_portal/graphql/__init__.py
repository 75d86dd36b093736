"""The GraphQL documents :class:`~stigg_portal.clients.StiggClient` sends, one file per operation.

The files are the field selections of Stigg's own clients (spec §5.3, Appendix B); a unit test
validates them against the schema shipped in PyPI ``stigg-api-client`` so they cannot drift.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

__all__ = ["OPERATIONS", "load_document"]

OPERATIONS: tuple[str, ...] = ("GetCustomerPortalByRefId", "GetPaywall")


@cache
def load_document(operation: str) -> str:
    """The text of ``{operation}.graphql``."""
    if operation not in OPERATIONS:
        raise KeyError(f"no GraphQL document for {operation!r}; known: {', '.join(OPERATIONS)}")
    return resources.files(__name__).joinpath(f"{operation}.graphql").read_text(encoding="utf-8")
