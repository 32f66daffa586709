"""The integrators' sandbox over HTTP (``mynumber serve --sandbox``): its clock, virtual card
readers and organisations. Outside the sandbox these routes do not exist (404, whoever
asks); inside, only the sandbox admin's token may call them (403 for any other)."""

from __future__ import annotations

import base64
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.security import HTTPAuthorizationCredentials
from pydantic import BaseModel, Field

from mynumber.adapters.pcsc import CardSignature
from mynumber.api.deps import ServicesDep, UowDep, _bearer, get_caller, system_of
from mynumber.api.routers.card_auth import decode
from mynumber.domain.access import Role
from mynumber.domain.errors import NotFound, invalid
from mynumber.domain.insurance import InsurerKind
from mynumber.services.core.context import Caller
from mynumber.services.core.policy import require_role
from mynumber.services.sandbox import cards, organisations
from mynumber.services.sandbox import clock as sandbox_clock
from mynumber.services.sandbox.organisations import OrganisationKind

router = APIRouter(prefix="/sandbox", tags=["sandbox"])


async def sandbox_caller(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Caller:
    """The caller, in the sandbox only: elsewhere the route is not there (404 before any
    token is looked at)."""
    if not system_of(request).settings.sandbox:
        raise NotFound("There is no sandbox here.", "サンドボックスはありません。")
    return await get_caller(request, credentials)


SandboxCaller = Annotated[Caller, Depends(sandbox_caller)]


def _readers(request: Request) -> cards.VirtualReaders:
    readers: cards.VirtualReaders = request.app.state.sandbox_readers
    return readers


# --- the clock ------------------------------------------------------------------------------


class ClockMove(BaseModel):
    by: str | None = Field(
        default=None, max_length=20, description="A span: +30d, +2w, +12h, +90min"
    )
    to: str | None = Field(
        default=None,
        max_length=40,
        description="A date (09:00 JST that day) or an ISO date-time; never earlier than now",
    )


@router.get("/clock", response_model=sandbox_clock.ClockView)
def read_clock(caller: SandboxCaller, svc: ServicesDep) -> sandbox_clock.ClockView:
    """What the sandbox clock shows."""
    return sandbox_clock.read_clock(svc, caller=caller)


@router.post("/clock", response_model=sandbox_clock.ClockMoved)
def move_clock(
    body: ClockMove, caller: SandboxCaller, uow: UowDep, svc: ServicesDep
) -> sandbox_clock.ClockMoved:
    """Move the clock forward (by a span, or to a moment); the work due on the way is done
    as the days pass: cards made, letters and notices delivered or returned, expiry notices,
    cards lapsing after a move."""
    if (body.by is None) == (body.to is None):
        raise invalid(
            "by",
            "Give either by (a span such as +30d) or to (a date), not both.",
            "by（例: +30d）か to（日付）のどちらか一方を指定してください。",
        )
    moved = sandbox_clock.move_clock(
        uow.session, svc, caller=caller, to=body.by if body.by is not None else str(body.to)
    )
    try:
        uow.commit()
    except BaseException:
        sandbox_clock.simulated(svc).restore(moved.was)
        raise
    return moved


# --- virtual card readers -------------------------------------------------------------------


class ApduIn(BaseModel):
    apdu: str = Field(
        max_length=2 * cards.MAX_APDU + 200,
        examples=["00A4040C0AD392F000260100000001"],
        description="A command APDU in hexadecimal",
    )


class ApduOut(BaseModel):
    response: str = Field(description="The response APDU in hexadecimal: data, then SW1 SW2")


@router.post("/cards/{serial}/apdu", response_model=ApduOut)
def send_apdu(
    serial: str,
    body: ApduIn,
    request: Request,
    caller: SandboxCaller,
    uow: UowDep,
    svc: ServicesDep,
) -> ApduOut:
    """Send one APDU to the card in its virtual reader (the card stays in, PINs verified
    stay verified, until another application is selected or it is taken out)."""
    response = cards.transmit(
        uow.session,
        svc,
        _readers(request),
        caller=caller,
        serial=serial,
        apdu=cards.parse_apdu(body.apdu),
    )
    uow.commit()
    return ApduOut(response=response.hex().upper())


class CardTakenOut(BaseModel):
    serial: str
    was_in: bool


@router.delete("/cards/{serial}/reader", response_model=CardTakenOut)
def take_card_out(serial: str, request: Request, caller: SandboxCaller) -> CardTakenOut:
    """Take the card out of its virtual reader: its verified PINs are forgotten."""
    require_role(caller, Role.SANDBOX_ADMIN)
    return CardTakenOut(serial=serial, was_in=_readers(request).take_out(serial))


class NonceIn(BaseModel):
    nonce: str = Field(max_length=200, description="The nonce to sign, base64, as received")
    pin: str = Field(max_length=20, description="The 4-digit user-authentication PIN")


class DataIn(BaseModel):
    data: str = Field(max_length=cards.MAX_SIGNED_CHARS, description="The bytes to sign, base64")
    pin: str = Field(max_length=20, description="The signature PIN (6–16 letters and digits)")


class CardSigned(BaseModel):
    certificate: str = Field(description="The certificate of the key that signed, DER, base64")
    signature: str = Field(description="The card's PKCS#1 v1.5 SHA-256 signature, base64")


def _signed(made: CardSignature) -> CardSigned:
    return CardSigned(
        certificate=base64.b64encode(made.certificate_der).decode(),
        signature=base64.b64encode(made.signature).decode(),
    )


@router.post("/cards/{serial}/card-auth", response_model=CardSigned)
def sign_nonce(
    serial: str,
    body: NonceIn,
    request: Request,
    caller: SandboxCaller,
    uow: UowDep,
    svc: ServicesDep,
) -> CardSigned:
    """A clinic terminal's steps in one call: select the JPKI application, read the
    user-authentication certificate, verify the PIN, have the card sign the nonce. The
    answer is what `/clinic/checks/pin` and `/residents/login` take."""
    made = cards.authenticate(
        uow.session,
        svc,
        _readers(request),
        caller=caller,
        serial=serial,
        nonce=decode("nonce", body.nonce),
        pin=body.pin,
    )
    uow.commit()
    return _signed(made)


@router.post("/cards/{serial}/signature", response_model=CardSigned)
def sign_data(
    serial: str,
    body: DataIn,
    request: Request,
    caller: SandboxCaller,
    uow: UowDep,
    svc: ServicesDep,
) -> CardSigned:
    """The card signs the data with its signature key (署名用電子証明書) after the signature PIN."""
    made = cards.sign(
        uow.session,
        svc,
        _readers(request),
        caller=caller,
        serial=serial,
        data=decode("data", body.data),
        pin=body.pin,
    )
    uow.commit()
    return _signed(made)


class SamplePhoto(BaseModel):
    photo_base64: str = Field(description="A JPEG that meets the application photo rules")


@router.get("/sample-photo", response_model=SamplePhoto)
def sample_photo(caller: SandboxCaller) -> SamplePhoto:
    """A face photo that passes the card application's rules (scikit-image's astronaut,
    public domain), to apply for cards in the sandbox."""
    photo = cards.sample_photo(caller=caller)
    return SamplePhoto(photo_base64=base64.b64encode(photo).decode())


# --- organisations --------------------------------------------------------------------------


class OrganisationIn(BaseModel):
    kind: OrganisationKind
    name: str = Field(min_length=1, max_length=100, examples=["Hongo Clinic"])
    name_ja: str = Field(default="", max_length=100)
    code: str = Field(
        default="",
        max_length=20,
        description="municipality: 6-digit local government code; clinic: 10-digit medical "
        "institution code; insurer: insurer number; employer: 13-digit corporate number",
    )
    municipality_code: str | None = Field(
        default=None, max_length=6, description="A National Health Insurance's municipality"
    )
    insurer_kind: InsurerKind = InsurerKind.EMPLOYER
    insurer_number: str | None = Field(
        default=None, max_length=8, description="An employer's health insurance association"
    )
    address: str = Field(default="", max_length=200)


class OrganisationOut(BaseModel):
    kind: OrganisationKind
    name: str
    role: str
    token: str = Field(description="Its API token, shown once")
    municipality_code: str | None
    code: str


@router.post("/organisations", status_code=201, response_model=OrganisationOut)
def create_organisation(
    body: OrganisationIn, caller: SandboxCaller, uow: UowDep, svc: ServicesDep
) -> OrganisationOut:
    """Add a municipality (its ward office), an insurer, an employer (its manager's staff
    token), a clinic, a tax office, a kiosk or a card centre, with an API token."""
    made = organisations.create_organisation(
        uow.session,
        svc,
        caller=caller,
        form=organisations.OrganisationForm(**body.model_dump()),
    )
    uow.commit()
    return OrganisationOut(
        kind=made.kind,
        name=made.name,
        role=made.role.value,
        token=made.token,
        municipality_code=made.municipality_code,
        code=made.code,
    )
