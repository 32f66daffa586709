"""The project's error vocabulary.

Every error a person can meet has a stable ``code`` and a message in English and Japanese:
it says what went wrong, not how an edge reports it. Each edge keeps one table from error
kinds to its own answer — ``mynumber.http_status`` for the API's problem+json and the
pages, ``mynumber.cli.support`` for the CLI's exit codes. Messages never contain a My
Number: pass masked values only.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Self


class Filled(str):
    """A message with its ``{placeholders}`` filled in that remembers its ``template`` and
    ``values``, so an edge can say it again in the reader's language (``mynumber.i18n``
    looks the template up in the catalogues)."""

    template: str
    values: Mapping[str, object]

    def __new__(cls, template: str, values: Mapping[str, object]) -> Filled:
        filled = super().__new__(cls, template.format_map(values))
        filled.template = template
        filled.values = dict(values)
        return filled


def filled(english: str, japanese: str, **values: object) -> tuple[Filled, Filled]:
    """A message pair (literals with ``{placeholders}``) filled with ``values``: the pair a
    view carries to the page, which says it in the reader's language."""
    return Filled(english, values), Filled(japanese, values)


class MyNumberError(Exception):
    """Base of every rule-level error. Subclasses set ``code``, ``title`` and both messages."""

    code: ClassVar[str] = "error"
    title: ClassVar[str] = "Request refused"
    audit_entry: object | None = None
    """The entry this error leaves in the audit log (a ``services.core.audit.NewEntry``): a
    refusal's (``Forbidden``) and a concealed record's (``NotFound``); ``None`` for the rest."""

    def __init__(self, message_en: str, message_ja: str, **details: Any) -> None:
        super().__init__(message_en)
        self.message_en = message_en
        self.message_ja = message_ja
        self.details = details

    def __str__(self) -> str:
        return self.message_en

    def with_values(self, **values: object) -> Self:
        """Fill the messages' ``{placeholders}`` (keep the messages literals with
        placeholders, never f-strings: the catalogues look the literal up)."""
        self.message_en = Filled(self.message_en, values)
        self.message_ja = Filled(self.message_ja, values)
        self.args = (self.message_en,)
        return self


class InvalidInput(MyNumberError):
    """Malformed input: a bad format, checksum, date or value (field named in ``details``)."""

    code = "invalid-input"
    title = "Invalid input"


class NotFound(MyNumberError):
    """No such record, or none the caller may know of: a record outside the caller's
    relationship (another insurer's enrolment, another clinic's visit) is answered the same
    way, so its existence is not revealed, and that attempt is audited as a refusal
    (``audit_entry``, set by ``services.core.policy.concealed``), as a ``Forbidden`` is."""

    code = "not-found"
    title = "Not found"


class Conflict(MyNumberError):
    """The request contradicts the current state (already registered, already applied…)."""

    code = "conflict"
    title = "Conflict with the current state"


class Forbidden(MyNumberError):
    """The caller's role, purpose or relationship does not allow this.

    A refusal is audited. The rules that refuse know the rule, not the caller, so the use
    case that meets a refusal gives it the audit entry it leaves (``audit_entry``, set by
    ``services.core.policy.refused``); every entry point hands the error to
    ``services.core.audit.record_refusal``, which appends that entry once, in a transaction
    of its own.
    """

    code = "forbidden"
    title = "Forbidden"


class PurposeNotAllowed(Forbidden):
    """A My Number was asked for a purpose the law (番号法 第9条) does not allow."""

    code = "purpose-not-allowed"
    title = "Purpose not allowed by the My Number Act"


class Unauthenticated(MyNumberError):
    code = "unauthenticated"
    title = "Authentication required"


class CardError(MyNumberError):
    """A card cannot be used: locked PIN, expired, suspended, chip out of date…"""

    code = "card-error"
    title = "The card cannot be used"


class PinLocked(CardError):
    code = "pin-locked"
    title = "PIN locked"


class WrongPin(CardError):
    code = "wrong-pin"
    title = "Wrong PIN"


class PinNotSet(CardError):
    """The PIN was never set: the card has not been handed over yet (PINs are set at the
    collection, 交付)."""

    code = "pin-not-set"
    title = "The card has not been handed over yet"


class NoSignatureCertificate(CardError):
    """The card has no signature certificate (署名用電子証明書), so no signature PIN: a card
    of a child under 15 is issued without one (公的個人認証法 第3条), and an adult may decline
    it."""

    code = "no-signature-certificate"
    title = "The card has no signature certificate"


class PinNotVerified(CardError):
    """The card was asked for something its PIN guards before the PIN was entered."""

    code = "pin-not-verified"
    title = "PIN not entered"


class NotAMyNumberCard(CardError):
    """The card in the reader has no JPKI application: not a My Number Card."""

    code = "not-a-my-number-card"
    title = "Not a My Number Card"


class CardTerminated(CardError):
    """The chip is erased (廃止): the card was returned, replaced or cancelled."""

    code = "card-terminated"
    title = "The card has been cancelled"


class CardUnreadable(CardError):
    """The card answered with an error that says nothing precise (a faulty or damaged chip)."""

    code = "card-unreadable"
    title = "The card could not be read"


class CardCommandRefused(CardError):
    """The card refused a command as malformed: the terminal's software is at fault, not the
    holder."""

    code = "card-command-refused"
    title = "The terminal sent the card a command it refuses"


class CertificateError(MyNumberError):
    """A certificate is revoked, expired, or does not chain to the card centre."""

    code = "certificate-error"
    title = "Certificate not valid"


def invalid(field: str, message_en: str, message_ja: str) -> InvalidInput:
    """Shorthand for an ``InvalidInput`` that names the offending field."""
    return InvalidInput(message_en, message_ja, field=field)
