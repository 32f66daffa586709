"""`mynumber card …` — the My Number Card from the command line: apply, make, collect, use,
reset, renew, move, lose, return. Errors print one line and exit 1."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from mynumber.cli.support import command_system, console, one_line_errors, run_use_case
from mynumber.domain.errors import invalid
from mynumber.services.core.context import DbSession

app = typer.Typer(
    help="The My Number Card: applications, collection, PINs, validity.", no_args_is_help=True
)

T = TypeVar("T")

Name = Annotated[str, typer.Option("--name", help="Name on the ID shown (Latin letters)")]
Born = Annotated[str, typer.Option("--born", help="Date of birth on the ID, YYYY-MM-DD")]
ResidenceCard = Annotated[str, typer.Option("--residence-card", help="Residence card number")]
Docs = Annotated[list[str], typer.Option("--doc", help="Documents shown (repeat)")]
Municipality = Annotated[
    str,
    typer.Option(
        "--municipality", help="The ward office this command acts for (its municipality code)"
    ),
]


_system = command_system


def _run(call: Callable[[DbSession, Any], T]) -> T:
    return run_use_case(_system(), call)


def _date(field: str, text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise invalid(
            field,
            f"'{text}' is not a date (YYYY-MM-DD).",
            f"「{text}」は日付ではありません（YYYY-MM-DD）。",
        ) from None


def _ward(municipality: str) -> Any:
    from mynumber.domain.access import Role
    from mynumber.services.core.context import Caller

    return Caller(
        name=f"cli ward office {municipality}".strip(),
        role=Role.WARD_OFFICE,
        municipality_code=municipality or None,
    )


def _identity(name: str, born: str, residence_card: str, docs: list[str]) -> dict[str, Any]:
    from mynumber.domain.cards import IdentityShown
    from mynumber.domain.registration import parse_id_documents

    return dict(
        identity=IdentityShown(name, _date("born", born), residence_card or None),
        id_documents=parse_id_documents(docs),
    )


RepresentativeName = Annotated[
    str,
    typer.Option(help="Under 15: the legal representative's name, as on their own ID"),
]
RepresentativeBorn = Annotated[
    str, typer.Option(help="The legal representative's date of birth, YYYY-MM-DD")
]
RepresentativeRelation = Annotated[str, typer.Option(help="parent or guardian")]
RepresentativeDocs = Annotated[
    list[str] | None, typer.Option(help="The legal representative's own documents (repeat)")
]


def _representative(name: str, born: str, relation: str, docs: list[str] | None) -> Any:
    """The legal representative of an under-15 (``domain.representation``), if named."""
    from mynumber.domain.registration import parse_id_documents
    from mynumber.domain.representation import representative_shown

    if not name:
        return None
    return representative_shown(
        name_latin=name,
        date_of_birth=_date("representative_date_of_birth", born),
        relation=relation,
        id_documents=parse_id_documents(docs or []),
    )


def _print(values: dict[str, Any]) -> None:
    for key, value in values.items():
        if value not in (None, "", {}):
            console.print(f"{key}: {value}", highlight=False, soft_wrap=True)


@app.command()
@one_line_errors
def apply(
    photo: Annotated[
        Path | None, typer.Option(help="The photo (JPEG or PNG); none for an infant under 1")
    ] = None,
    channel: Annotated[
        str, typer.Option(help="smartphone, pc, counter or photo_booth")
    ] = "counter",
    person: Annotated[int, typer.Option(help="Person id (at the counter)")] = 0,
    application_id: Annotated[str, typer.Option(help="23 digits from the letter")] = "",
    municipality: Annotated[str, typer.Option(help="Counter's municipality code")] = "",
    photo_declared: Annotated[
        bool, typer.Option(help="Photo taken within 6 months, no hat, plain background")
    ] = False,
    express: Annotated[
        str,
        typer.Option(
            help="newborn, arrival_from_abroad, lost_card or endorsement_field_full (express)"
        ),
    ] = "",
    reissue: Annotated[
        str,
        typer.Option(
            help="endorsement_field_full: reissue the card in hand, its 追記欄 full (free)"
        ),
    ] = "",
    representative_name: RepresentativeName = "",
    representative_born: RepresentativeBorn = "",
    representative_relation: RepresentativeRelation = "parent",
    representative_doc: RepresentativeDocs = None,
    user_auth_pin: Annotated[str, typer.Option(hide_input=True, help="Express only")] = "",
    resident_registry_pin: Annotated[str, typer.Option(hide_input=True)] = "",
    card_info_pin: Annotated[str, typer.Option(hide_input=True)] = "",
    signature_pin: Annotated[str, typer.Option(hide_input=True, help="From age 15")] = "",
) -> None:
    """交付申請: apply for the card; prints the application ID. Under 15 the legal
    representative applies (``--representative-*``). An express card (``--express``) is
    mailed by registered post, so its PINs are chosen now (asked for if not given)."""
    from mynumber.domain.access import Role
    from mynumber.domain.cards import Channel
    from mynumber.domain.deadlines import ExpressReason
    from mynumber.domain.endorsements import ReissueReason
    from mynumber.domain.photo_rules import PhotoDeclaration
    from mynumber.services.cards.applications import apply_for_card
    from mynumber.services.core.context import Caller

    how = _choice("channel", Channel, channel)
    caller = (
        _ward(municipality)
        if how is Channel.COUNTER
        else Caller(
            name="cli applicant", role=Role.KIOSK if how is Channel.PHOTO_BOOTH else Role.RESIDENT
        )
    )
    if photo is not None and not photo.is_file():
        raise invalid("photo", f"No photo file at {photo}.", f"写真ファイル {photo} がありません。")
    acting = _representative(
        representative_name, representative_born, representative_relation, representative_doc
    )
    pins = (
        _pins(user_auth_pin, resident_registry_pin, card_info_pin, signature_pin)
        if express or user_auth_pin
        else None
    )
    view = _run(
        lambda s, svc: apply_for_card(
            s,
            svc,
            caller=caller,
            channel=how,
            photo=photo.read_bytes() if photo is not None else None,
            declaration=PhotoDeclaration(photo_declared, photo_declared, photo_declared),
            application_id=application_id or None,
            person_id=person or None,
            express_reason=_choice("express", ExpressReason, express) if express else None,
            representative=acting,
            pins=pins,
            reissue_reason=_choice("reissue", ReissueReason, reissue) if reissue else None,
        )
    )
    expected = f"{view.notice_expected_from} – {view.notice_expected_by}"
    console.print(
        f"application accepted: ID {view.application_id}; "
        + (
            f"the card is mailed by registered post, expected {expected}"
            if view.delivery == "registered_post"
            else f"pickup notice expected {expected}"
        ),
        highlight=False,
        soft_wrap=True,
    )


def _pins(user_auth: str, resident_registry: str, card_info: str, signature: str) -> Any:
    """The PINs the resident keys in (the 4-digit ones asked for when not given)."""
    from mynumber.services.cards.counter import InitialPins

    four = [
        pin or typer.prompt(label, hide_input=True)
        for pin, label in (
            (user_auth, "User auth pin"),
            (resident_registry, "Resident registry pin"),
            (card_info, "Card info pin"),
        )
    ]
    return InitialPins(four[0], four[1], four[2], signature or None)


def _choice(field: str, kind: Any, text: str) -> Any:
    try:
        return kind(text)
    except ValueError:
        names = ", ".join(k.value for k in kind)
        raise invalid(
            field, f"'{text}' is not one of: {names}.", f"「{text}」は指定できません（{names}）。"
        ) from None


@app.command()
@one_line_errors
def status(application_id: str, municipality: Municipality = "") -> None:
    """Ask after an application by its 23-digit ID (at the counter)."""
    from mynumber.services.cards.applications import ask_after_application

    view = _run(
        lambda s, svc: ask_after_application(
            s, svc, caller=_ward(municipality), application_id=application_id
        )
    )
    _print(asdict(view))


@app.command()
@one_line_errors
def jobs() -> None:
    """Run what is due: manufacture, the post, expiry notices, lapsed cards."""
    from mynumber.services.cards.centre import run_daily_jobs

    report = _run(run_daily_jobs)
    console.print(
        f"cards made: {len(report.cards_made)}, applications cancelled: "
        f"{len(report.applications_cancelled)}, mail settled: {report.mail_settled}, "
        f"renewal notices: {len(report.renewal_notices)}, cards lapsed: "
        f"{len(report.cards_lapsed)}",
        highlight=False,
    )


@app.command()
@one_line_errors
def collect(
    application_id: str,
    name: Name,
    born: Born,
    doc: Docs,
    user_auth_pin: Annotated[str, typer.Option(hide_input=True)] = "",
    resident_registry_pin: Annotated[str, typer.Option(hide_input=True)] = "",
    card_info_pin: Annotated[str, typer.Option(hide_input=True)] = "",
    signature_pin: Annotated[str, typer.Option(hide_input=True, help="From age 15")] = "",
    residence_card: ResidenceCard = "",
    municipality: str = "",
    no_notice: Annotated[bool, typer.Option(help="The pickup notice is not shown")] = False,
    proxy_name: Annotated[str, typer.Option(help="A proxy (代理人) came: their name")] = "",
    proxy_born: Annotated[str, typer.Option(help="The proxy's date of birth")] = "",
    proxy_doc: Annotated[list[str] | None, typer.Option(help="The proxy's documents")] = None,
    proxy_reason: Annotated[
        str,
        typer.Option(help="illness, disability, aged_75_or_over, pregnancy, study, hospital_stay"),
    ] = "",
    reply_form: Annotated[bool, typer.Option(help="The proxy brings the 照会書兼回答書")] = False,
    face_authentication: Annotated[
        bool, typer.Option(help="A face-authentication card: no PINs, no signature certificate")
    ] = False,
    representative_name: RepresentativeName = "",
    representative_born: RepresentativeBorn = "",
    representative_relation: RepresentativeRelation = "parent",
    representative_doc: RepresentativeDocs = None,
    returned_by_post: Annotated[
        bool,
        typer.Option(help="An express card the post brought back: its PINs are already set"),
    ] = False,
) -> None:
    """交付: hand the card to its owner, who sets the PINs (or to a proxy: the PINs are the
    ones the holder sealed in the reply form; --name/--born/--doc stay the holder's). Under
    15 the legal representative (``--representative-*``) comes and sets them; a
    face-authentication card (``--face-authentication``) has none; an express card the post
    brought back (``--returned-by-post``) was given its PINs at the application."""
    from mynumber.domain.cards import IdentityShown
    from mynumber.domain.proxies import ProxyShown
    from mynumber.domain.registration import parse_id_documents
    from mynumber.services.cards.counter import collect_card

    proxy = (
        ProxyShown(
            IdentityShown(proxy_name, _date("proxy_born", proxy_born)),
            parse_id_documents(proxy_doc or []),
            proxy_reason,
            reply_form,
        )
        if proxy_name
        else None
    )
    pins = None
    if not (face_authentication or returned_by_post):
        pins = _pins(user_auth_pin, resident_registry_pin, card_info_pin, signature_pin)
    acting = _representative(
        representative_name, representative_born, representative_relation, representative_doc
    )
    done = _run(
        lambda s, svc: collect_card(
            s,
            svc,
            caller=_ward(municipality),
            application_id=application_id,
            pins=pins,
            pickup_notice_shown=not no_notice,
            proxy=proxy,
            representative=acting,
            face_authentication=face_authentication,
            **_identity(name, born, residence_card, doc),
        )
    )
    console.print(
        f"card {done.card_serial} handed over, valid until {done.expires_on}", highlight=False
    )


@app.command()
@one_line_errors
def show(serial: str, municipality: Municipality = "") -> None:
    """The card's status and the first problem a use would meet."""
    from mynumber.services.cards.use import card_status

    _print(
        asdict(
            _run(lambda s, svc: card_status(s, svc, caller=_ward(municipality), card_serial=serial))
        )
    )


@app.command()
@one_line_errors
def use(
    serial: str,
    pin: Annotated[str, typer.Option(prompt=True, hide_input=True)],
    pin_kind: str = "user_authentication",
    checks_address: bool = False,
) -> None:
    """Use the card at a terminal: the checks, then the PIN on the chip."""
    from mynumber.card import Chip
    from mynumber.domain.access import Role
    from mynumber.domain.pins import PinKind
    from mynumber.services.cards.use import use_card
    from mynumber.services.core.context import Caller

    kind = _choice("pin_kind", PinKind, pin_kind)

    def in_reader(s: DbSession, svc: Any) -> None:
        # This terminal's reader holds the card: the PIN is entered on that session only.
        with Chip(svc.chips, serial, chip_key=svc.keys.chip_key).open_session() as reader:
            use_card(
                s,
                svc,
                caller=Caller(name="cli terminal", role=Role.CLINIC),
                card_serial=serial,
                pin_kind=kind,
                pin=pin,
                checks_address=checks_address,
                reader=reader,
            )

    _run(in_reader)
    console.print(f"card {serial}: usable, PIN accepted", highlight=False)


@app.command("reset-pin")
@one_line_errors
def reset_pin(
    serial: str,
    pin_kind: str,
    name: Name,
    born: Born,
    doc: Docs,
    new_pin: Annotated[str, typer.Option(prompt=True, hide_input=True)],
    residence_card: ResidenceCard = "",
    municipality: str = "",
) -> None:
    """暗証番号の初期化 at the ward office, in person."""
    from mynumber.domain.pins import PinKind
    from mynumber.services.cards.counter import reset_pin as reset

    kind = _choice("pin_kind", PinKind, pin_kind)
    _run(
        lambda s, svc: reset(
            s,
            svc,
            caller=_ward(municipality),
            card_serial=serial,
            pin=kind,
            new_pin=new_pin,
            **_identity(name, born, residence_card, doc),
        )
    )
    console.print(f"card {serial}: {kind.value} PIN reset", highlight=False)


@app.command("chip-update")
@one_line_errors
def chip_update(
    serial: str,
    name: Name,
    born: Born,
    doc: Docs,
    residence_card: ResidenceCard = "",
    municipality: str = "",
) -> None:
    """Write the registered address on the chip (after a move)."""
    from mynumber.services.cards.moving import update_chip_after_move

    card = _run(
        lambda s, svc: update_chip_after_move(
            s,
            svc,
            caller=_ward(municipality),
            card_serial=serial,
            **_identity(name, born, residence_card, doc),
        )
    )
    console.print(f"card {serial}: chip now shows {card.chip_address}", highlight=False)


@app.command()
@one_line_errors
def validity(
    serial: str,
    status_of_residence: str,
    name: Name,
    born: Born,
    doc: Docs,
    stay_ends: str = "",
    residence_card: ResidenceCard = "",
    renewed_card: Annotated[
        str,
        typer.Option(
            "--renewed-card",
            help="The renewed residence card's new number (recorded in the register)",
        ),
    ] = "",
    municipality: str = "",
) -> None:
    """有効期間変更 after a residence card renewal (a renewed card has a new number: give it
    with --renewed-card and show that card)."""
    from mynumber.services.cards.counter import change_validity

    ends = _date("stay_ends", stay_ends) if stay_ends else None
    card = _run(
        lambda s, svc: change_validity(
            s,
            svc,
            caller=_ward(municipality),
            card_serial=serial,
            status_of_residence=status_of_residence,
            period_of_stay_ends=ends,
            renewed_residence_card_number=renewed_card or None,
            **_identity(name, born, residence_card, doc),
        )
    )
    console.print(f"card {serial}: valid until {card.expires_on}", highlight=False)


@app.command("renew-certificates")
@one_line_errors
def renew_certificates(
    serial: str,
    name: Name,
    born: Born,
    doc: Docs,
    residence_card: ResidenceCard = "",
    municipality: str = "",
) -> None:
    """電子証明書の更新, from 3 months before they expire."""
    from mynumber.services.cards.counter import renew_certificates as renew

    card = _run(
        lambda s, svc: renew(
            s,
            svc,
            caller=_ward(municipality),
            card_serial=serial,
            **_identity(name, born, residence_card, doc),
        )
    )
    console.print(
        f"card {serial}: certificates valid until {card.certificates_expire_on}", highlight=False
    )


@app.command("kiosk-reset")
@one_line_errors
def kiosk_reset(
    serial: str,
    new_pin: Annotated[str, typer.Option(prompt=True, hide_input=True)],
    live_image: Annotated[
        Path | None, typer.Option(help="Camera image (to reset the 4-digit PIN)")
    ] = None,
    signature_pin: Annotated[
        str, typer.Option(hide_input=True, help="To reset the 4-digit PIN")
    ] = "",
    user_pin: Annotated[
        str,
        typer.Option(
            "--user-pin", hide_input=True, help="The 4-digit PIN, to reset the signature PIN"
        ),
    ] = "",
    pin_kind: str = "user_authentication",
) -> None:
    """Reset a PIN at a kiosk: the 4-digit PIN (signature PIN and face match), or the
    signature PIN (the 4-digit PIN, after 'pin-reset-pre-apply')."""
    from mynumber.domain.access import Role
    from mynumber.domain.pins import PinKind
    from mynumber.services.cards.kiosk import reset_pin_at_kiosk
    from mynumber.services.core.context import Caller

    kind = _choice("pin_kind", PinKind, pin_kind)
    image = _image(live_image) if live_image is not None else None
    from mynumber.card import Chip

    def in_reader(s: DbSession, svc: Any) -> None:
        # The kiosk's reader holds the card: every PIN and face step is on that session.
        with Chip(svc.chips, serial, chip_key=svc.keys.chip_key).open_session() as reader:
            reset_pin_at_kiosk(
                s,
                svc,
                caller=Caller(name="cli kiosk", role=Role.KIOSK),
                card_serial=serial,
                pin=kind,
                signature_pin=signature_pin,
                user_authentication_pin=user_pin,
                live_image=image,
                new_pin=new_pin,
                reader=reader,
            )

    _run(in_reader)
    console.print(f"card {serial}: {kind.value} PIN reset at the kiosk", highlight=False)


@app.command("pin-reset-pre-apply")
@one_line_errors
def pin_reset_pre_apply(
    serial: str,
    live_image: Annotated[Path, typer.Option(help="Face photo")],
    user_pin: Annotated[
        str,
        typer.Option(
            "--user-pin", prompt=True, hide_input=True, help="The 4-digit user-authentication PIN"
        ),
    ],
    pin_kind: str = "signature",
) -> None:
    """事前申請 with the smartphone and the card: the card signs after the 4-digit PIN and the
    face photo is matched with the chip's; then 'kiosk-reset' within 24 hours."""
    from mynumber.domain.access import Role
    from mynumber.domain.pins import PinKind
    from mynumber.services.cards import kiosk
    from mynumber.services.cards.records import chip_of, get_card
    from mynumber.services.core.context import Caller
    from mynumber.services.jpki.card_auth import answer_challenge

    kind = _choice("pin_kind", PinKind, pin_kind)
    image = _image(live_image)

    def apply(s: DbSession, svc: Any) -> Any:
        # The smartphone reads the card over NFC: the card signs the step after its PIN.
        card = get_card(s, serial)
        me = Caller(name=f"cli smartphone {serial}", role=Role.RESIDENT, scope_id=card.person_id)
        made = kiosk.challenge(
            s, svc, caller=me, card_serial=serial, pin=kind, pre_application=True
        )
        answer = answer_challenge(chip_of(svc, card), pin=user_pin, nonce=made.to_sign)
        return kiosk.pre_apply(
            s,
            svc,
            caller=me,
            card_serial=serial,
            pin=kind,
            proof=kiosk.CardProof(made.nonce, answer.certificate_der, answer.signature),
            live_image=image,
        )

    until = _run(apply)
    console.print(
        f"card {serial}: {kind.value} PIN reset pre-applied; at a kiosk before "
        f"{until:%Y-%m-%d %H:%M} UTC",
        highlight=False,
    )


def _image(path: Path) -> bytes:
    if not path.is_file():
        raise invalid(
            "live_image", f"No image file at {path}.", f"画像ファイル {path} がありません。"
        )
    return path.read_bytes()


@app.command()
@one_line_errors
def lost(serial: str, municipality: Municipality = "") -> None:
    """Report the card lost or stolen: it is suspended at once."""
    from mynumber.services.cards.counter import report_lost

    _run(lambda s, svc: report_lost(s, svc, caller=_ward(municipality), card_serial=serial))
    console.print(f"card {serial}: suspended; apply for a reissue", highlight=False)


@app.command("return")
@one_line_errors
def return_(
    serial: str,
    name: Name,
    born: Born,
    doc: Docs,
    residence_card: ResidenceCard = "",
    municipality: Municipality = "",
) -> None:
    """返納: the holder hands the card back in person, identity checked (a photo ID; the card
    itself counts: --doc my_number_card); it is invalidated and its chip erased."""
    from mynumber.services.cards.counter import return_card

    _run(
        lambda s, svc: return_card(
            s,
            svc,
            caller=_ward(municipality),
            card_serial=serial,
            **_identity(name, born, residence_card, doc),
        )
    )
    console.print(f"card {serial}: returned and invalidated", highlight=False)


@app.command("pickup-notice")
@one_line_errors
def pickup_notice(
    application_id: str, out: Annotated[Path, typer.Option()], municipality: Municipality = ""
) -> None:
    """Write the pickup notice (交付通知書) PDF."""
    from mynumber.services.cards.centre import pickup_notice_pdf

    pdf = _run(
        lambda s, svc: pickup_notice_pdf(
            s, svc, caller=_ward(municipality), application_id=application_id
        )
    )
    out.write_bytes(pdf)
    console.print(f"pickup notice written to {out}", highlight=False)


@app.command("fee")
@one_line_errors
def fee(
    kind: Annotated[str, typer.Argument(help="new, renewal or reissue")],
    express: Annotated[bool, typer.Option(help="Express issuance (特急発行)")] = False,
    endorsement_field_full: Annotated[
        bool, typer.Option(help="A reissue because the card's 追記欄 is full")
    ] = False,
) -> None:
    """The fee for an application of this kind (RULES.md "fees")."""
    from mynumber.domain.cards import ApplicationKind
    from mynumber.domain.fees import card_fee, yen

    charged = card_fee(
        _choice("kind", ApplicationKind, kind),
        express=express,
        endorsement_field_full=endorsement_field_full,
    )
    for line in charged.lines:
        console.print(f"{line.en} ({line.ja}): {yen(line.yen)}", highlight=False)
    tail = f" ({charged.why_free_en})" if charged.free else f", paid {charged.paid}"
    console.print(f"total: {yen(charged.yen)}{tail}", highlight=False)


@app.command("receipt")
@one_line_errors
def receipt(
    application_id: str, out: Annotated[Path, typer.Option()], municipality: Municipality = ""
) -> None:
    """Write the receipt (領収書) PDF of the fee paid for an application."""
    from mynumber.services.cards.fees import fee_receipt_pdf

    pdf = _run(
        lambda s, svc: fee_receipt_pdf(
            s, svc, caller=_ward(municipality), application_id=application_id
        )
    )
    out.write_bytes(pdf)
    console.print(f"receipt written to {out}", highlight=False)


@app.command("found")
@one_line_errors
def found(
    serial: str,
    name: Name,
    born: Born,
    doc: Docs,
    residence_card: ResidenceCard = "",
    municipality: Municipality = "",
) -> None:
    """一時停止の解除: the card reported lost was found; the holder brings it with ID (the card
    itself counts: --doc my_number_card). New certificates are issued."""
    from mynumber.services.cards.counter import lift_suspension

    card = _run(
        lambda s, svc: lift_suspension(
            s,
            svc,
            caller=_ward(municipality),
            card_serial=serial,
            **_identity(name, born, residence_card, doc),
        )
    )
    console.print(
        f"card {serial}: suspension lifted; new certificates valid until "
        f"{card.certificates_expire_on}",
        highlight=False,
    )
