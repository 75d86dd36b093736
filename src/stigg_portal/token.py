"""Mint the customer token Stigg checks when client-side hardening is on (spec §5.2).

Run this on your server, never in the browser: the signing secret must not reach the page. The
token is ``HMAC-SHA256 {customerId}:{hex HMAC-SHA256 of customerId keyed with the secret}``, and the
page passes it as the ``customer-token`` attribute (sent to Stigg as ``X-CUSTOMER-KEY``).

Command line (the secret comes from an environment variable or stdin, never from argv)::

    STIGG_SIGNING_SECRET=... stigg-portal token --customer-id customer-123
    printf %s "$SECRET" | stigg-portal token --customer-id customer-123 --secret-stdin
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import os
import sys

__all__ = ["TOKEN_SCHEME", "main", "mint_customer_token", "verify_customer_token"]

TOKEN_SCHEME = "HMAC-SHA256"
DEFAULT_SECRET_ENV = "STIGG_SIGNING_SECRET"


def mint_customer_token(customer_id: str, signing_secret: str | bytes) -> str:
    """The hardening token for ``customer_id``, signed with the environment's signing secret."""
    if not customer_id:
        raise ValueError("customer_id must not be empty")
    if not signing_secret:
        raise ValueError("signing_secret must not be empty")
    key = signing_secret.encode("utf-8") if isinstance(signing_secret, str) else signing_secret
    signature = hmac.new(key, customer_id.encode("utf-8"), hashlib.sha256).hexdigest()
    return f"{TOKEN_SCHEME} {customer_id}:{signature}"


def verify_customer_token(token: str, customer_id: str, signing_secret: str | bytes) -> bool:
    """Whether ``token`` was minted for ``customer_id`` with ``signing_secret`` (constant-time)."""
    if not token or not customer_id or not signing_secret:
        return False
    return hmac.compare_digest(token.encode("utf-8"), mint_customer_token(customer_id, signing_secret).encode("utf-8"))


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="stigg-portal token",
        description="Print the customer-token for a customer (Stigg client-side hardening).",
    )
    parser.add_argument("--customer-id", required=True, help="the customer's id in Stigg")
    source = parser.add_mutually_exclusive_group()
    source.add_argument(
        "--secret-env",
        default=DEFAULT_SECRET_ENV,
        metavar="NAME",
        help=f"environment variable holding the signing secret (default {DEFAULT_SECRET_ENV})",
    )
    source.add_argument("--secret-stdin", action="store_true", help="read the signing secret from stdin")
    return parser


def main(argv: list[str] | None = None) -> int:
    """``stigg-portal token``: print one token; exit status 2 when no secret is available."""
    args = _parser().parse_args(argv)
    if args.secret_stdin:
        secret = sys.stdin.read().strip()
        origin = "stdin"
    else:
        secret = os.environ.get(args.secret_env, "")
        origin = f"the {args.secret_env} environment variable"
    if not secret:
        print(f"stigg-portal token: no signing secret in {origin}.", file=sys.stderr)
        return 2
    print(mint_customer_token(args.customer_id, secret))
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
