"""Validity, validity change, expiry notices and renewal — both databases."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from mynumber.adapters.db.models import MailItem
from mynumber.adapters.db.models_card import Certificate
from mynumber.bootstrap import System
from mynumber.domain.errors import CardError, Conflict, InvalidInput
from mynumber.domain.pins import PinKind
from mynumber.domain.registration import IdDocument
from mynumber.domain.validity import card_expiry, certificate_expiry
from mynumber.services.cards import centre as card_centre
from mynumber.services.cards import counter as card_counter
from mynumber.services.cards import kiosk
from mynumber.services.cards import use as card_use
from tests.conftest import ward
from tests.integration.card_support import (
    BORN,
    KIOSK,
    PINS,
    apply_at_counter,
    card_row,
    chip,
    clock,
    collect,
    identity,
    issued_card,
    pass_days,
    run_jobs,
)
from tests.integration.snapshots import Snapshots
from tests.integration.test_card_pins import CLINIC, _live_face

JAPANESE = dict(
    nationality="JP",
    residence_card_number=None,
    status_of_residence=None,
    period_of_stay_ends=None,
    id_documents=["driving_licence"],
)
SHOWN = (IdDocument.RESIDENCE_CARD,)


def _certs(system: System, serial: str) -> list[Certificate]:
    with system.uow() as uow:
        return list(
            uow.session.scalars(
                select(Certificate)
                .where(Certificate.card_serial == serial)
                .order_by(Certificate.not_before)
            )
        )


def test_an_adult_japanese_card_runs_to_the_10th_birthday_and_certificates_to_the_5th(
    cards: System,
    snapshots: Snapshots,
) -> None:
    card = snapshots.give(cards, issued_card, **JAPANESE)
    row = card_row(cards, card.serial)
    assert row.issued_on is not None
    assert (
        row.expires_on
        == card_expiry(date_of_birth=BORN, issued_on=row.issued_on)
        == dt.date(2036, 4, 12)
    )
    assert row.certificates_expire_on == dt.date(2031, 4, 12)


def test_a_minor_gets_the_5th_birthday_and_a_stay_caps_a_foreign_resident(
    cards: System, snapshots: Snapshots
) -> None:
    foreign = snapshots.give(cards, issued_card)
    row = card_row(cards, foreign.serial)
    assert row.expires_on == dt.date(2029, 3, 31) == row.certificates_expire_on
    born = dt.date(2010, 2, 28)
    minor = issued_card(cards, name="Kid Smith", born=born, **JAPANESE)
    assert card_row(cards, minor.serial).expires_on == dt.date(2031, 2, 28)


def test_a_permanent_resident_follows_the_birthday_rule(
    cards: System, snapshots: Snapshots
) -> None:
    card = snapshots.give(
        cards, issued_card, status_of_residence="Permanent Resident", period_of_stay_ends=None
    )
    assert card_row(cards, card.serial).expires_on == dt.date(2036, 4, 12)


def _change(
    system: System, serial: str, ends: dt.date | None, status: str = "Engineer/Specialist"
) -> None:
    with system.uow() as uow:
        card_counter.change_validity(
            uow.session,
            system.services,
            caller=ward(),
            card_serial=serial,
            status_of_residence=status,
            period_of_stay_ends=ends,
            identity=identity(),
            id_documents=SHOWN,
        )
        uow.commit()


def test_a_validity_change_follows_the_renewed_stay_and_reissues_the_certificates(
    cards: System,
    snapshots: Snapshots,
) -> None:
    card = snapshots.give(cards, issued_card)
    before = _certs(cards, card.serial)
    _change(cards, card.serial, dt.date(2034, 3, 31))
    row = card_row(cards, card.serial)
    assert row.expires_on == dt.date(2034, 3, 31)
    assert row.issued_on is not None
    assert row.certificates_expire_on == certificate_expiry(
        date_of_birth=BORN, issued_on=clock(cards).today(), card_expires_on=row.expires_on
    )
    after = _certs(cards, card.serial)
    assert all(
        c.revocation_reason == "renewed" for c in after if c.serial in {b.serial for b in before}
    )
    assert len([c for c in after if c.revoked_at is None]) == 2


def test_a_validity_change_never_passes_the_birthday_limit(
    cards: System, snapshots: Snapshots
) -> None:
    card = snapshots.give(cards, issued_card)
    _change(cards, card.serial, None, status="Permanent Resident")
    assert card_row(cards, card.serial).expires_on == dt.date(2036, 4, 12)


def test_a_validity_change_needs_a_later_stay_and_a_card_not_yet_expired(
    cards: System, snapshots: Snapshots
) -> None:
    card = snapshots.give(cards, issued_card)
    with pytest.raises(InvalidInput):
        _change(cards, card.serial, dt.date(2029, 3, 1))
    clock(cards).set(dt.date(2029, 4, 1))
    with pytest.raises(CardError) as caught:
        _change(cards, card.serial, dt.date(2032, 3, 31))
    assert caught.value.details["reason"] == "expired"


def test_a_pending_stay_renewal_extends_the_card_once_by_two_months(
    cards: System, snapshots: Snapshots
) -> None:
    card = snapshots.give(cards, issued_card)

    def extend() -> None:
        with cards.uow() as uow:
            card_counter.extend_validity_while_renewal_pending(
                uow.session,
                cards.services,
                caller=ward(),
                card_serial=card.serial,
                identity=identity(),
                id_documents=SHOWN,
            )
            uow.commit()

    clock(cards).set(dt.date(2029, 3, 20))
    extend()
    assert card_row(cards, card.serial).expires_on == dt.date(2029, 5, 31)
    with pytest.raises(Conflict):
        extend()


def test_an_expired_card_fails_every_use_with_the_reason(
    cards: System, snapshots: Snapshots
) -> None:
    card = snapshots.give(cards, issued_card)
    clock(cards).set(dt.date(2029, 4, 1))
    with cards.uow() as uow:
        for use in (
            lambda: card_use.use_card(
                uow.session,
                cards.services,
                caller=CLINIC,
                card_serial=card.serial,
                pin=PINS.user_authentication,
                pin_kind=PinKind.USER_AUTHENTICATION,
                reader=chip(cards, card.serial).open_session(),
            ),
            lambda: card_use.check_card(uow.session, cards.services, card_serial=card.serial),
            lambda: kiosk.reset_pin_at_kiosk(
                uow.session,
                cards.services,
                caller=KIOSK,
                card_serial=card.serial,
                pin=PinKind.USER_AUTHENTICATION,
                signature_pin=PINS.signature or "",
                live_image=_live_face(),
                new_pin="3819",
                reader=chip(cards, card.serial).open_session(),
            ),
            lambda: card_counter.reset_pin(
                uow.session,
                cards.services,
                caller=ward(),
                card_serial=card.serial,
                pin=PinKind.USER_AUTHENTICATION,
                new_pin="3819",
                identity=identity(),
                id_documents=SHOWN,
            ),
        ):
            with pytest.raises(CardError) as caught:
                use()
            assert caught.value.details["reason"] == "expired"
            assert "2029-03-31" in caught.value.message_en and "更新" in caught.value.message_ja
    with chip(cards, card.serial).open_session() as session:
        assert session.tries_left(PinKind.SIGNATURE) == 5  # refused before the chip


def _notices(system: System) -> list[MailItem]:
    with system.uow() as uow:
        return list(uow.session.scalars(select(MailItem).where(MailItem.kind == "renewal_notice")))


def test_expiry_notices_go_three_months_ahead_for_card_and_certificates(
    cards: System, snapshots: Snapshots
) -> None:
    card = snapshots.give(
        cards, issued_card, **JAPANESE
    )  # certificates 2031-04-12, card 2036-04-12
    clock(cards).set(dt.date(2031, 1, 11))
    assert run_jobs(cards).renewal_notices == []
    clock(cards).set(dt.date(2031, 1, 12))
    assert run_jobs(cards).renewal_notices == [card.serial]
    assert run_jobs(cards).renewal_notices == []  # once
    row = card_row(cards, card.serial)
    assert row.certificate_notice_sent_on == dt.date(2031, 1, 12)
    assert row.card_notice_sent_on is None
    clock(cards).set(dt.date(2036, 1, 12))
    assert run_jobs(cards).renewal_notices == [card.serial]
    assert len(_notices(cards)) == 2
    with cards.uow() as uow:
        pdf = card_centre.renewal_notice_pdf(
            uow.session, cards.services, caller=ward(), card_serial=card.serial
        )
    assert pdf.startswith(b"%PDF")


def _renew_certificates(system: System, serial: str) -> None:
    with system.uow() as uow:
        card_counter.renew_certificates(
            uow.session,
            system.services,
            caller=ward(),
            card_serial=serial,
            identity=identity(),
            id_documents=SHOWN,
        )
        uow.commit()


def test_certificates_are_renewed_from_three_months_before_with_new_keys(
    cards: System, snapshots: Snapshots
) -> None:
    card = snapshots.give(cards, issued_card, **JAPANESE)
    with pytest.raises(Conflict) as caught:
        _renew_certificates(cards, card.serial)
    assert "2031-01-12" in caught.value.message_en
    old_key = chip(cards, card.serial).public_keys().user_auth.public_numbers()
    clock(cards).set(dt.date(2031, 1, 12))
    _renew_certificates(cards, card.serial)
    assert card_row(cards, card.serial).certificates_expire_on == dt.date(2035, 4, 12)
    assert chip(cards, card.serial).public_keys().user_auth.public_numbers() != old_key


def test_renewal_issues_a_new_card_and_the_old_one_is_invalidated(
    cards: System, snapshots: Snapshots
) -> None:
    card = snapshots.give(cards, issued_card)
    with pytest.raises(Conflict) as caught:
        apply_at_counter(cards, card.person_id)
    assert caught.value.details["reason"] == "card_still_valid"
    clock(cards).set(dt.date(2029, 1, 5))
    view = apply_at_counter(cards, card.person_id)
    assert view.kind == "renewal"
    pass_days(cards, 33)
    with pytest.raises(InvalidInput):  # the old card must be brought back
        collect(cards, view.application_id)
    done = collect(
        cards, view.application_id, docs=(IdDocument.RESIDENCE_CARD, IdDocument.MY_NUMBER_CARD)
    )
    assert done.old_card_collected == card.serial
    old = card_row(cards, card.serial)
    assert (old.status, old.invalid_reason) == ("invalid", "renewed")
    assert card.serial not in cards.services.chips  # type: ignore[operator]
    assert all(c.revoked_at is not None for c in _certs(cards, card.serial))
    assert card_row(cards, done.card_serial).status == "active"
