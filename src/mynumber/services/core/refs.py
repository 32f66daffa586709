"""Opaque references: how a record's id appears outside the service (URLs, JSON, pages).

Inside the database and the services a person, a visit, an employee … is an integer primary
key. Outside it is a reference such as ``per_3kq…``: the kind's prefix and, base32 without
padding, the AES-SIV encryption (RFC 5297, deterministic and authenticated) of the id as eight
bytes, the kind bound in as associated data, under a key derived from the master key
(``KeyRing.reference_key``). So a reference

- cannot be guessed or walked (1, 2, 3 … no longer name the register),
- cannot be forged or edited (the SIV tag fails), nor moved to another kind (the kind is
  authenticated: a visit's reference is not a person's),
- is stable: the same id always gives the same reference, so links and bookmarks keep
  working; a new master key changes every reference, as it changes every key.

``resolve`` answers anything that is not a valid reference of the kind with ``NotFound``, the
same answer as an unknown id: an integer, a tampered or truncated reference, another kind's.

The key comes from the request: the app sets the current ``References`` for each request
(``using``), and the pages, the response models and the path dependencies read it. Types for
pydantic: ``Ref(kind)`` on an ``int`` field serialises the id as its reference in JSON (and
in the OpenAPI schema, a string); ``Ref(kind, inbound=True)`` on a request body's field takes
only a reference and gives the id.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import TYPE_CHECKING, Annotated, Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESSIV

from mynumber.domain.errors import NotFound

if TYPE_CHECKING:
    from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
    from pydantic.json_schema import JsonSchemaValue
    from pydantic_core import CoreSchema

    from mynumber.adapters.keys import KeyRing


class Kind(StrEnum):
    """What a reference names; the value is its prefix."""

    PERSON = "per"
    REGISTRATION = "reg"
    NOTIFICATION_LETTER = "ntf"
    MAIL = "mail"
    EMPLOYEE = "emp"
    EMPLOYER_STAFF = "stf"
    LETTER_REQUEST = "req"
    ENROLMENT = "enr"
    LETTER = "let"
    """An insurer's 資格確認書 (eligibility letter)."""
    VISIT = "vis"
    RECORD = "rec"
    """A medical record (prescription or check-up)."""


_ID_BYTES = 8
_SIV_BYTES = 16
BODY_LENGTH = 39
"""Characters after the prefix: base32 of 24 bytes (the 16-byte tag and the 8-byte id)."""
_AD = "mynumber/ref/"


def _what(kind: Kind) -> tuple[str, str]:
    return {
        Kind.PERSON: ("person", "住民"),
        Kind.VISIT: ("visit", "受付"),
        Kind.EMPLOYEE: ("employee", "従業員"),
        Kind.ENROLMENT: ("enrolment", "資格"),
        Kind.LETTER: ("letter", "資格確認書"),
        Kind.MAIL: ("mail item", "郵便物"),
        Kind.NOTIFICATION_LETTER: ("letter", "通知書"),
        Kind.REGISTRATION: ("registration", "登録"),
        Kind.EMPLOYER_STAFF: ("staff member", "担当者"),
        Kind.LETTER_REQUEST: ("request", "申請"),
        Kind.RECORD: ("record", "記録"),
    }[kind]


def not_found(kind: Kind) -> NotFound:
    """What an unknown reference gets: never the text that was sent (it may be anything)."""
    en, ja = _what(kind)
    return NotFound(f"No such {en}.", f"該当する{ja}は見つかりません。")


class References:
    """Turns ids into references and back, under one key (64 bytes: AES-256-SIV)."""

    def __init__(self, key: bytes) -> None:
        self._siv = AESSIV(key)

    @classmethod
    def from_keys(cls, keys: KeyRing) -> References:
        return _for_key(keys.reference_key)

    def reference(self, kind: Kind, id_: int) -> str:
        """The reference of record ``id_`` of ``kind`` (always the same for the same id)."""
        if not 0 <= id_ < 1 << (8 * _ID_BYTES):
            raise ValueError("an id out of range has no reference")
        sealed = self._siv.encrypt(id_.to_bytes(_ID_BYTES, "big"), [(_AD + kind).encode()])
        return f"{kind.value}_{base64.b32encode(sealed).decode().rstrip('=').lower()}"

    def resolve(self, kind: Kind, ref: object) -> int:
        """The id behind ``ref``, or ``NotFound`` if it is not a reference of ``kind``."""
        if not isinstance(ref, str):
            raise not_found(kind)
        prefix, _, body = ref.partition("_")
        if prefix != kind.value or len(body) != BODY_LENGTH:
            raise not_found(kind)
        try:
            sealed = base64.b32decode(body.upper() + "=", casefold=False)
            # One spelling per reference: the last character carries 3 unused bits, and a
            # variant spelling of the same bytes is not the reference the service gave.
            if base64.b32encode(sealed).decode().rstrip("=").lower() != body:
                raise ValueError("not the canonical spelling")
            plain = self._siv.decrypt(sealed, [(_AD + kind).encode()])
        except (binascii.Error, ValueError, InvalidTag):
            raise not_found(kind) from None
        return int.from_bytes(plain, "big")


@lru_cache(maxsize=4)
def _for_key(key: bytes) -> References:
    return References(key)


# --- The current key ---------------------------------------------------------------------------

_current: ContextVar[References | None] = ContextVar("mynumber_references", default=None)


@contextmanager
def using(references: References) -> Iterator[References]:
    """Make ``references`` the current ones for the code inside (a request, a test)."""
    token = _current.set(references)
    try:
        yield references
    finally:
        _current.reset(token)


def current() -> References:
    found = _current.get()
    if found is None:  # a bug: an entry point that forgot to set the key
        raise RuntimeError("no reference key is set for this request")
    return found


def reference(kind: Kind, id_: int) -> str:
    """The reference of ``id_`` under the current key."""
    return current().reference(kind, id_)


def resolve(kind: Kind, ref: object) -> int:
    """The id behind ``ref`` under the current key, or ``NotFound``."""
    return current().resolve(kind, ref)


# --- Pydantic types ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Ref:
    """Marks an ``int`` id field: JSON shows (and the schema describes) its reference.

    ``inbound``: a request's field; it takes only a reference of the kind and gives the id
    (``NotFound`` otherwise, the answer an unknown id gets). Without it, the field is built
    from the id inside the service and only its JSON form is the reference.
    """

    kind: Kind
    inbound: bool = False

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        from pydantic_core import core_schema

        kind = self.kind
        as_reference = core_schema.plain_serializer_function_ser_schema(
            lambda id_: reference(kind, id_),
            return_schema=core_schema.str_schema(),
            when_used="json",
        )
        if self.inbound:
            return core_schema.no_info_plain_validator_function(
                lambda value: resolve(kind, value), serialization=as_reference
            )
        return core_schema.int_schema(strict=True, serialization=as_reference)

    def __get_pydantic_json_schema__(
        self, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {
            "type": "string",
            "pattern": f"^{self.kind.value}_[a-z2-7]{{{BODY_LENGTH}}}$",
            "description": f"An opaque reference to a {_what(self.kind)[0]}",
        }


PersonId = Annotated[int, Ref(Kind.PERSON)]
RegistrationId = Annotated[int, Ref(Kind.REGISTRATION)]
NotificationLetterId = Annotated[int, Ref(Kind.NOTIFICATION_LETTER)]
MailId = Annotated[int, Ref(Kind.MAIL)]
EmployeeId = Annotated[int, Ref(Kind.EMPLOYEE)]
EmployerStaffId = Annotated[int, Ref(Kind.EMPLOYER_STAFF)]
LetterRequestId = Annotated[int, Ref(Kind.LETTER_REQUEST)]
EnrolmentId = Annotated[int, Ref(Kind.ENROLMENT)]
LetterId = Annotated[int, Ref(Kind.LETTER)]
VisitId = Annotated[int, Ref(Kind.VISIT)]
RecordId = Annotated[int, Ref(Kind.RECORD)]
PersonRef = Annotated[int, Ref(Kind.PERSON, inbound=True)]
"""A person named in a request's body: a reference in, the id out."""
