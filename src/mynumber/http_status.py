"""Which HTTP status each kind of error gets — the one table for the API and the pages.

The domain's errors say what went wrong (``code``, English and Japanese messages); how an
edge reports them is the edge's business. The API (``api.problems``) and the pages
(``web.core``) both read this table, which sits beside them rather than in either (the pages
may not import the API); the CLI has its own (exit codes, ``cli.support``). The most
specific class listed wins: a ``WrongPin`` is a ``CardError`` but answers 422.

A card's refusal is never 401: to every HTTP client 401 means "who are you? send
credentials", and a client that gets it drops or refreshes its token. The caller's token
was fine; the *card* refused. So:

- ``wrong-pin`` and ``face-not-matched`` are **422**: the request was understood, but the
  PIN (or the face) it carries does not match — the person may try again (``tries_left``);
- ``pin-locked`` is **423 Locked** (RFC 4918): the card's PIN stays locked whatever is sent
  until it is reset at the ward office or a kiosk; retrying cannot help;
- every other card refusal (cancelled, suspended, expired, not handed over, not a My Number
  Card, unreadable) is **409**: the card's state does not allow it now.

Each keeps its own ``code`` (problem+json ``type``); ``docs/errors.md`` lists them all.
"""

from __future__ import annotations

from mynumber.domain.errors import (
    CardError,
    CertificateError,
    Conflict,
    Forbidden,
    InvalidInput,
    MyNumberError,
    NotFound,
    PinLocked,
    Unauthenticated,
    WrongPin,
)
from mynumber.domain.insurance import FaceNotMatched
from mynumber.domain.key_versions import KeyVersionUnavailable
from mynumber.pki.errors import CaKeyUnavailable, SignatureInvalid

HTTP_STATUS: dict[type[MyNumberError], int] = {
    MyNumberError: 400,
    InvalidInput: 422,
    NotFound: 404,
    Conflict: 409,
    Forbidden: 403,
    Unauthenticated: 401,
    CardError: 409,
    WrongPin: 422,
    PinLocked: 423,
    FaceNotMatched: 422,
    CertificateError: 409,
    SignatureInvalid: 422,
    CaKeyUnavailable: 500,
    KeyVersionUnavailable: 500,
}


def http_status(error: MyNumberError) -> int:
    """The status of the most specific kind of ``error`` in the table."""
    for kind in type(error).__mro__:
        if kind in HTTP_STATUS:
            return HTTP_STATUS[kind]
    return HTTP_STATUS[MyNumberError]
