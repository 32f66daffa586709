"""PIN resets at a convenience-store kiosk (issue 17.7 and issue 15.7; both databases).

The signature PIN is reset at a kiosk after a smartphone pre-application (the card signs after
its 4-digit PIN, the face matches the chip's photo), within 24 hours and once, with the 4-digit
PIN entered on the card in the kiosk's reader. Over the API a real kiosk proves that the card
is in its reader by the card's signature over a nonce issued to it, bound to the card and the
step; without that proof nothing is tried on the card.
"""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any

import pytest

from mynumber.adapters.pcsc import JpkiTerminal, reader_for
from mynumber.api.app import create_app
from mynumber.bootstrap import System
from mynumber.domain.errors import Forbidden, WrongPin
from mynumber.domain.pins import PinKind
from mynumber.services.cards import kiosk
from mynumber.services.core.context import Caller
from mynumber.services.core.policy import AccessRefused
from mynumber.services.jpki.card_auth import ChallengeReplayed, answer_challenge
from tests.client import TestClient
from tests.integration.card_support import KIOSK, PINS, chip, clock, issued_card, resident
from tests.integration.clinic_support import astronaut_camera, stranger_camera, token_for
from tests.integration.snapshots import Snapshots

UA, SIG = PinKind.USER_AUTHENTICATION, PinKind.SIGNATURE
NEW_SIGNATURE_PIN = "NEWPASS2027"


def _lock_signature_pin(system: System, serial: str) -> None:
    for _ in range(5):
        with pytest.raises(Exception), chip(system, serial).open_session() as reader:  # noqa: B017
            reader.verify(SIG, "WRONG0000")
    assert chip(system, serial).open_session().tries_left(SIG) == 0


def _phone_proof(
    system: System,
    me: Caller,
    serial: str,
    pin: str = PINS.user_authentication,
    card_serial: str | None = None,
) -> kiosk.CardProof:
    """The smartphone reads the card (``card_serial``, by default the one applied for): the
    card signs the pre-application step after its 4-digit PIN."""
    with system.uow() as uow:
        made = kiosk.challenge(
            uow.session,
            system.services,
            caller=me,
            card_serial=serial,
            pin=SIG,
            pre_application=True,
        )
        uow.commit()
    answer = answer_challenge(chip(system, card_serial or serial), pin=pin, nonce=made.to_sign)
    return kiosk.CardProof(made.nonce, answer.certificate_der, answer.signature)


def _pre_apply(
    system: System,
    person_id: int,
    serial: str,
    *,
    face: bytes | None = None,
    who: Caller | None = None,
    proof: kiosk.CardProof | None = None,
) -> dt.datetime:
    me = who or resident(person_id)
    proof = proof or _phone_proof(system, me, serial)
    with system.uow() as uow:
        until = kiosk.pre_apply(
            uow.session,
            system.services,
            caller=me,
            card_serial=serial,
            pin=SIG,
            proof=proof,
            live_image=face or astronaut_camera(),
        )
        uow.commit()
    return until


def _reset_signature_in_reader(
    system: System, serial: str, *, user_pin: str = "", new_pin: str = NEW_SIGNATURE_PIN
) -> None:
    with chip(system, serial).open_session() as reader, system.uow() as uow:
        kiosk.reset_pin_at_kiosk(
            uow.session,
            system.services,
            caller=KIOSK,
            card_serial=serial,
            pin=SIG,
            user_authentication_pin=user_pin or PINS.user_authentication,
            new_pin=new_pin,
            reader=reader,
        )
        uow.commit()


def _signature_works(system: System, serial: str, pin: str) -> None:
    with chip(system, serial).open_session() as reader:
        reader.verify(SIG, pin)


# --- the service: pre-application, then the kiosk -----------------------------------------


def test_a_locked_signature_pin_is_reset_at_the_kiosk_after_a_pre_application(
    cards: System,
    snapshots: Snapshots,
) -> None:
    holder = snapshots.give(cards, issued_card)
    _lock_signature_pin(cards, holder.serial)
    until = _pre_apply(cards, holder.person_id, holder.serial)
    assert until == cards.services.clock.now() + dt.timedelta(hours=24)
    _reset_signature_in_reader(cards, holder.serial)
    _signature_works(cards, holder.serial, NEW_SIGNATURE_PIN)
    assert chip(cards, holder.serial).open_session().tries_left(SIG) == 5


def test_without_a_pre_application_the_kiosk_refuses_before_the_pin(
    cards: System, snapshots: Snapshots
) -> None:
    holder = snapshots.give(cards, issued_card)
    with pytest.raises(Forbidden) as caught:
        _reset_signature_in_reader(cards, holder.serial, user_pin="0000")
    assert caught.value.details["reason"] == "no_pre_application"
    assert chip(cards, holder.serial).open_session().tries_left(UA) == 3  # no try spent
    _signature_works(cards, holder.serial, PINS.signature or "")


def test_a_pre_application_lasts_24_hours_and_serves_once(
    cards: System, snapshots: Snapshots
) -> None:
    holder = snapshots.give(cards, issued_card)
    _pre_apply(cards, holder.person_id, holder.serial)
    clock(cards).advance(hours=24, seconds=1)
    with pytest.raises(Forbidden) as late:
        _reset_signature_in_reader(cards, holder.serial)
    assert late.value.details["reason"] == "no_pre_application"
    _pre_apply(cards, holder.person_id, holder.serial)
    clock(cards).advance(hours=23, minutes=59)
    _reset_signature_in_reader(cards, holder.serial)  # just in time
    with pytest.raises(Forbidden) as again:
        _reset_signature_in_reader(cards, holder.serial, new_pin="OTHER2027")
    assert again.value.details["reason"] == "no_pre_application"
    _signature_works(cards, holder.serial, NEW_SIGNATURE_PIN)


def test_a_wrong_four_digit_pin_at_the_kiosk_counts_and_keeps_the_pre_application(
    cards: System,
    snapshots: Snapshots,
) -> None:
    holder = snapshots.give(cards, issued_card)
    _pre_apply(cards, holder.person_id, holder.serial)
    with pytest.raises(WrongPin):
        _reset_signature_in_reader(cards, holder.serial, user_pin="0000")
    assert chip(cards, holder.serial).open_session().tries_left(UA) == 2
    _reset_signature_in_reader(cards, holder.serial)  # the pre-application is still there
    _signature_works(cards, holder.serial, NEW_SIGNATURE_PIN)


def test_a_pre_application_needs_the_holders_face(cards: System, snapshots: Snapshots) -> None:
    holder = snapshots.give(cards, issued_card)
    with pytest.raises(Forbidden) as caught:
        _pre_apply(cards, holder.person_id, holder.serial, face=stranger_camera())
    assert caught.value.details["reason"] == "face_mismatch"
    with pytest.raises(Forbidden) as kiosk_refused:
        _reset_signature_in_reader(cards, holder.serial)
    assert kiosk_refused.value.details["reason"] == "no_pre_application"


def test_a_pre_application_needs_the_card_applied_for_and_its_holder(
    cards: System, snapshots: Snapshots
) -> None:
    holder = snapshots.give(cards, issued_card)
    other = issued_card(
        cards, name="Doe Jane", born=dt.date(1990, 1, 2), residence_card_number="CD87654321EF"
    )
    me = resident(holder.person_id)
    # another card signs the step for the holder's serial: not this card's proof
    proof = _phone_proof(cards, me, holder.serial, card_serial=other.serial)
    with pytest.raises(Forbidden) as wrong_card:
        _pre_apply(cards, holder.person_id, holder.serial, proof=proof)
    assert wrong_card.value.details["reason"] == "card-not-in-terminal"
    # another resident, with the holder's card in their phone: not theirs to apply for
    with pytest.raises(AccessRefused) as not_self:
        _pre_apply(cards, holder.person_id, holder.serial, who=resident(other.person_id))
    assert not_self.value.decision.reason == "not-self"
    # a signature over the plain nonce (a login, not this step) proves nothing here
    with cards.uow() as uow:
        made = kiosk.challenge(
            uow.session,
            cards.services,
            caller=me,
            card_serial=holder.serial,
            pin=SIG,
            pre_application=True,
        )
        uow.commit()
    plain = answer_challenge(
        chip(cards, holder.serial), pin=PINS.user_authentication, nonce=made.nonce
    )
    with pytest.raises(Forbidden) as plain_nonce:
        _pre_apply(
            cards,
            holder.person_id,
            holder.serial,
            proof=kiosk.CardProof(made.nonce, plain.certificate_der, plain.signature),
        )
    assert plain_nonce.value.details["reason"] == "card-not-in-terminal"
    with pytest.raises(Forbidden):
        _reset_signature_in_reader(cards, holder.serial)


def test_the_kiosk_resets_only_its_two_pins(cards: System, snapshots: Snapshots) -> None:
    holder = snapshots.give(cards, issued_card)
    for kind in (PinKind.RESIDENT_REGISTRY, PinKind.CARD_INFO_INPUT):
        with pytest.raises(Forbidden) as caught, cards.uow() as uow:
            kiosk.reset_pin_at_kiosk(
                uow.session,
                cards.services,
                caller=KIOSK,
                card_serial=holder.serial,
                pin=kind,
                new_pin="3819",
            )
        assert caught.value.details["reason"] == "ward_office_only"


# --- over the API: the card proves it is in the kiosk's reader -----------------------------


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _kiosk_challenge(
    client: TestClient, headers: dict[str, str], serial: str, pin: PinKind
) -> dict[str, Any]:
    got = client.post(f"/kiosk/cards/{serial}/pins/{pin.value}/challenge", headers=headers)
    assert got.status_code == 201, got.text
    return dict(got.json())


def _signed_with(
    system: System, serial: str, pin: PinKind, secret: str, to_sign: bytes
) -> dict[str, str]:
    """The card in the kiosk's reader signs ``to_sign`` with the key of ``pin`` after it."""
    with reader_for(chip(system, serial)) as reader:
        terminal = JpkiTerminal(reader)
        if pin is SIG:
            signed = terminal.sign(to_sign, secret)
        else:
            signed = terminal.authenticate(to_sign, secret)
    return {"certificate": b64(signed.certificate_der), "signature": b64(signed.signature)}


def test_a_kiosk_over_the_api_resets_both_pins_with_the_cards_proof(
    cards: System, snapshots: Snapshots
) -> None:
    holder = snapshots.give(cards, issued_card)
    with TestClient(create_app(cards), raise_server_exceptions=False) as client:
        headers = token_for(cards, KIOSK)
        # the 4-digit PIN: the card signs with its signature key after the signature PIN
        made = _kiosk_challenge(client, headers, holder.serial, UA)
        assert made["step"] == "reset_user_authentication"
        proof = _signed_with(
            cards, holder.serial, SIG, PINS.signature or "", base64.b64decode(made["to_sign"])
        )
        done = client.post(
            f"/kiosk/cards/{holder.serial}/pins/user_authentication/reset",
            headers=headers,
            json={
                "nonce": made["nonce"],
                **proof,
                "new_pin": "3819",
                "live_image_base64": b64(astronaut_camera()),
            },
        )
        assert done.status_code == 200, done.text
        # the signature PIN: pre-applied on the phone, then the 4-digit key signs at the kiosk
        phone = token_for(cards, resident(holder.person_id))
        got = client.post(
            f"/cards/{holder.serial}/pins/signature/pre-application/challenge", headers=phone
        )
        assert got.status_code == 201, got.text
        signed = _signed_with(
            cards, holder.serial, UA, "3819", base64.b64decode(got.json()["to_sign"])
        )
        applied = client.post(
            f"/cards/{holder.serial}/pins/signature/pre-application",
            headers=phone,
            json={
                "nonce": got.json()["nonce"],
                **signed,
                "live_image_base64": b64(astronaut_camera()),
            },
        )
        assert applied.status_code == 201, applied.text
        made = _kiosk_challenge(client, headers, holder.serial, SIG)
        proof = _signed_with(cards, holder.serial, UA, "3819", base64.b64decode(made["to_sign"]))
        done = client.post(
            f"/kiosk/cards/{holder.serial}/pins/signature/reset",
            headers=headers,
            json={"nonce": made["nonce"], **proof, "new_pin": NEW_SIGNATURE_PIN},
        )
        assert done.status_code == 200, done.text
    _signature_works(cards, holder.serial, NEW_SIGNATURE_PIN)
    with chip(cards, holder.serial).open_session() as reader:
        reader.verify(UA, "3819")


def test_the_kiosk_api_without_the_cards_proof_spends_no_try(
    cards: System, snapshots: Snapshots
) -> None:
    holder = snapshots.give(cards, issued_card)
    other = issued_card(
        cards, name="Doe Jane", born=dt.date(1990, 1, 2), residence_card_number="CD87654321EF"
    )
    other_kiosk = Caller(name="kiosk #2", role=KIOSK.role)
    url = f"/kiosk/cards/{holder.serial}/pins/user_authentication/reset"
    with TestClient(create_app(cards), raise_server_exceptions=False) as client:
        headers = token_for(cards, KIOSK)

        def attempt(
            made: dict[str, Any], proof: dict[str, str], who: dict[str, str] = headers
        ) -> Any:
            return client.post(
                url,
                headers=who,
                json={
                    "nonce": made["nonce"],
                    **proof,
                    "new_pin": "3819",
                    "live_image_base64": b64(astronaut_camera()),
                },
            )

        made = _kiosk_challenge(client, headers, holder.serial, UA)
        to_sign = base64.b64decode(made["to_sign"])
        # another card in the reader
        wrong_card = attempt(
            made, _signed_with(cards, other.serial, SIG, PINS.signature or "", to_sign)
        )
        assert (
            wrong_card.status_code == 403 and wrong_card.json()["reason"] == "card-not-in-terminal"
        )
        # the step of another PIN, another card's message, or another kiosk's nonce
        made = _kiosk_challenge(client, headers, other.serial, UA)
        elsewhere = attempt(
            made,
            _signed_with(
                cards, holder.serial, SIG, PINS.signature or "", base64.b64decode(made["to_sign"])
            ),
        )
        assert elsewhere.status_code == 403
        theirs = _kiosk_challenge(client, token_for(cards, other_kiosk), holder.serial, UA)
        stolen = attempt(
            theirs,
            _signed_with(
                cards, holder.serial, SIG, PINS.signature or "", base64.b64decode(theirs["to_sign"])
            ),
        )
        assert stolen.status_code == 401 and stolen.json()["type"].endswith("challenge-unknown")
        # a proof made with the 4-digit key for the 4-digit PIN's reset: the wrong key
        made = _kiosk_challenge(client, headers, holder.serial, UA)
        wrong_key = attempt(
            made,
            _signed_with(
                cards,
                holder.serial,
                UA,
                PINS.user_authentication,
                base64.b64decode(made["to_sign"]),
            ),
        )
        assert wrong_key.status_code == 409, wrong_key.text
        assert wrong_key.json()["code"] == "certificate-wrong-purpose"
        # a good proof answers once
        made = _kiosk_challenge(client, headers, holder.serial, UA)
        proof = _signed_with(
            cards, holder.serial, SIG, PINS.signature or "", base64.b64decode(made["to_sign"])
        )
        assert attempt(made, proof).status_code == 200
        replay = attempt(made, proof)
        assert replay.status_code == 401 and ChallengeReplayed.code in replay.json()["type"]
    # no try of any PIN was spent by the refused requests (the proofs were made at the kiosk)
    for serial in (holder.serial, other.serial):
        assert chip(cards, serial).open_session().tries_left(SIG) == 5
    with chip(cards, holder.serial).open_session() as reader:
        reader.verify(UA, "3819")


def test_the_kiosk_api_refuses_the_signature_reset_without_a_pre_application(
    cards: System, snapshots: Snapshots
) -> None:
    holder = snapshots.give(cards, issued_card)
    with TestClient(create_app(cards), raise_server_exceptions=False) as client:
        headers = token_for(cards, KIOSK)
        made = _kiosk_challenge(client, headers, holder.serial, SIG)
        proof = _signed_with(
            cards, holder.serial, UA, PINS.user_authentication, base64.b64decode(made["to_sign"])
        )
        refused = client.post(
            f"/kiosk/cards/{holder.serial}/pins/signature/reset",
            headers=headers,
            json={"nonce": made["nonce"], **proof, "new_pin": NEW_SIGNATURE_PIN},
        )
    assert refused.status_code == 403 and refused.json()["reason"] == "no_pre_application"
    _signature_works(cards, holder.serial, PINS.signature or "")


# --- the command line (the CLI plays the phone and the kiosk's reader) ---------------------


def test_the_cli_pre_applies_and_resets_the_signature_pin(
    cards: System, monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    from typer.testing import CliRunner

    from mynumber.cli import card as cli_card
    from mynumber.cli.main import app

    monkeypatch.setattr(cli_card, "_system", lambda: cards)
    holder = issued_card(cards)
    face = tmp_path / "face.jpg"
    face.write_bytes(astronaut_camera())
    runner = CliRunner()

    def card(*args: str) -> Any:
        return runner.invoke(app, ["card", *args])

    reset = (
        "kiosk-reset",
        holder.serial,
        "--pin-kind",
        "signature",
        "--user-pin",
        PINS.user_authentication,
        "--new-pin",
        NEW_SIGNATURE_PIN,
    )
    refused = card(*reset)
    assert refused.exit_code == 1 and "smartphone" in refused.output
    applied = card(
        "pin-reset-pre-apply",
        holder.serial,
        "--live-image",
        str(face),
        "--user-pin",
        PINS.user_authentication,
    )
    assert applied.exit_code == 0 and "pre-applied" in applied.output, applied.output
    done = card(*reset)
    assert done.exit_code == 0 and "signature PIN reset at the kiosk" in done.output, done.output
    _signature_works(cards, holder.serial, NEW_SIGNATURE_PIN)
