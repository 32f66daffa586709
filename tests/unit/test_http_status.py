"""Errors say what went wrong; each edge's table says how it is reported (issue 14.3). The
table keeps every status the API gave when the errors carried their own, but for the card's
refusals, which are no longer 401 (issue 19.5: 401 asks the client for credentials)."""

from __future__ import annotations

import pytest

from mynumber.domain import errors
from mynumber.domain.errors import MyNumberError
from mynumber.domain.insurance import ConsentRequired, FaceNotMatched, NotInsured
from mynumber.http_status import http_status
from mynumber.pki.errors import CaKeyUnavailable, SignatureInvalid

STATUS_BEFORE = [
    (errors.MyNumberError, 400),
    (errors.InvalidInput, 422),
    (errors.NotFound, 404),
    (errors.Conflict, 409),
    (errors.Forbidden, 403),
    (errors.PurposeNotAllowed, 403),
    (errors.Unauthenticated, 401),
    (errors.CardError, 409),
    (errors.PinLocked, 423),
    (errors.WrongPin, 422),
    (errors.CertificateError, 409),
    (FaceNotMatched, 422),
    (NotInsured, 404),
    (ConsentRequired, 403),
    (SignatureInvalid, 422),
    (CaKeyUnavailable, 500),
]


@pytest.mark.parametrize("kind,status", STATUS_BEFORE)
def test_each_kind_of_error_keeps_its_status(kind: type[MyNumberError], status: int) -> None:
    assert http_status(kind("en", "ja")) == status


def test_a_kind_not_in_the_table_takes_its_nearest_listed_ancestors_status() -> None:
    class Stale(errors.WrongPin):
        code = "stale"

    assert http_status(Stale("en", "ja")) == 422


@pytest.mark.parametrize(
    "kind", [errors.WrongPin, errors.PinLocked, FaceNotMatched, errors.CardError]
)
def test_a_card_refusal_is_never_401_which_asks_for_credentials(
    kind: type[MyNumberError],
) -> None:
    assert http_status(kind("en", "ja")) != 401


@pytest.mark.parametrize("kind", [k for k, _ in STATUS_BEFORE])
def test_errors_carry_no_http_status(kind: type[MyNumberError]) -> None:
    assert not hasattr(kind, "status")


def test_the_cli_exits_1_for_any_refusal() -> None:
    from mynumber.cli.support import EXIT_CODES
    from mynumber.config import ConfigurationError

    assert EXIT_CODES[MyNumberError] == 1 and EXIT_CODES[ConfigurationError] == 2
