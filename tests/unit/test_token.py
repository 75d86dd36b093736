"""The customer hardening token (spec §5.2): ``HMAC-SHA256 {customerId}:{hex signature}``."""

from __future__ import annotations

import io

import pytest

from stigg_portal.token import main, mint_customer_token, verify_customer_token

SECRET = "whsec_test_signing_secret"
# Computed outside Python: printf %s customer-123 | openssl dgst -sha256 -hmac whsec_test_signing_secret
KNOWN_SIGNATURE = "a1a5881063cdcd89d37506d9ca546e08f24dbe01926b53a191676a87ef9d41a4"


def test_token_matches_a_signature_computed_with_openssl():
    assert mint_customer_token("customer-123", SECRET) == f"HMAC-SHA256 customer-123:{KNOWN_SIGNATURE}"


def test_token_accepts_a_bytes_secret():
    assert mint_customer_token("customer-123", SECRET.encode()) == mint_customer_token("customer-123", SECRET)


def test_verify_accepts_only_the_right_customer_and_secret():
    token = mint_customer_token("customer-123", SECRET)
    assert verify_customer_token(token, "customer-123", SECRET)
    assert not verify_customer_token(token, "customer-124", SECRET)
    assert not verify_customer_token(token, "customer-123", "other-secret")
    assert not verify_customer_token("", "customer-123", SECRET)


@pytest.mark.parametrize(("customer_id", "secret"), [("", SECRET), ("customer-123", "")])
def test_empty_inputs_are_refused(customer_id, secret):
    with pytest.raises(ValueError):
        mint_customer_token(customer_id, secret)


def test_cli_reads_the_secret_from_the_environment(monkeypatch, capsys):
    monkeypatch.setenv("STIGG_SIGNING_SECRET", SECRET)
    assert main(["--customer-id", "customer-123"]) == 0
    assert capsys.readouterr().out.strip() == f"HMAC-SHA256 customer-123:{KNOWN_SIGNATURE}"


def test_cli_reads_a_named_environment_variable(monkeypatch, capsys):
    monkeypatch.setenv("MY_SECRET", SECRET)
    assert main(["--customer-id", "customer-123", "--secret-env", "MY_SECRET"]) == 0
    assert KNOWN_SIGNATURE in capsys.readouterr().out


def test_cli_reads_the_secret_from_stdin(monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO(SECRET + "\n"))
    assert main(["--customer-id", "customer-123", "--secret-stdin"]) == 0
    assert KNOWN_SIGNATURE in capsys.readouterr().out


def test_cli_without_a_secret_fails_with_a_message(monkeypatch, capsys):
    monkeypatch.delenv("STIGG_SIGNING_SECRET", raising=False)
    assert main(["--customer-id", "customer-123"]) == 2
    assert "STIGG_SIGNING_SECRET" in capsys.readouterr().err


def test_cli_has_no_option_that_takes_the_secret_itself():
    with pytest.raises(SystemExit):
        main(["--customer-id", "customer-123", "--secret", SECRET])
