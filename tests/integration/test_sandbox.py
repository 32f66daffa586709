"""The integrators' sandbox over HTTP (issue 19.1–19.3), on SQLite and PostgreSQL: its
routes exist only in sandbox mode and answer only the sandbox admin; its clock moves forward
only, and the day's work happens on the way as on the wall clock; a card in a virtual reader
is the same chip (three wrong PINs lock it for every terminal); organisations and their
tokens; a resident's token from a card login; the mail ids a returned letter needs."""

from __future__ import annotations

import base64
import datetime as dt
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from mynumber.adapters.mail import PostOffice
from mynumber.adapters.photo import sample_photo_jpeg
from mynumber.api.app import create_app
from mynumber.bootstrap import System, build_sandbox_system
from mynumber.card.keys import KeyPool
from mynumber.config import ConfigurationError, Settings
from mynumber.demo.data import seed_demo_tokens, seed_municipalities
from mynumber.domain.access import Role
from mynumber.domain.mail import DeliveryFailure
from mynumber.services.sandbox import clock as sandbox_clock
from mynumber.services.sandbox import organisations
from tests.client import TestClient
from tests.conftest import START, caller, ref, unref
from tests.integration.card_support import PINS, apply_at_counter, collect, identity
from tests.integration.helpers import register

JPKI_AP = "00A4040C0AD392F000260100000001"
USER_AUTH_PIN_EF = "00A4020C020018"


@pytest.fixture
def sandbox(
    settings: Settings, post: PostOffice, key_source: KeyPool, ca_template: Path
) -> Iterator[System]:
    shutil.copytree(ca_template, settings.data_dir / "ca")
    built = build_sandbox_system(
        settings.model_copy(update={"sandbox": True}),
        post=post,
        key_source=key_source,
        run_migrations=False,
        start=START,
    )
    with built.uow() as uow:
        seed_municipalities(uow.session)
        uow.commit()
    yield built
    built.close()


@pytest.fixture
def api(sandbox: System) -> Iterator[TestClient]:
    with TestClient(create_app(sandbox), raise_server_exceptions=False) as client:
        yield client


@pytest.fixture
def tokens(sandbox: System) -> dict[str, dict[str, str]]:
    with sandbox.uow() as uow:
        demo = seed_demo_tokens(uow.session, sandbox.services)
        admin = organisations.admin_token(uow.session, sandbox.services)
        clinic = organisations.create_organisation(
            uow.session,
            sandbox.services,
            caller=caller(Role.SANDBOX_ADMIN),
            form=organisations.OrganisationForm(
                kind=organisations.OrganisationKind.CLINIC,
                name="Ochanomizu Clinic",
                code="1310112345",
            ),
        )
        uow.commit()
    found = {
        "admin": {"Authorization": f"Bearer {admin}"},
        "clinic": {"Authorization": f"Bearer {clinic.token}"},
    }
    for t in demo:
        found.setdefault(t.role.value, {"Authorization": f"Bearer {t.token}"})
    return found


def _problem(resp: Any, status: int, code: str | None = None) -> dict[str, Any]:
    assert resp.status_code == status, resp.text
    body: dict[str, Any] = resp.json()
    if code is not None:
        assert body["code"] == code, body
    return body


def _apdu(api: TestClient, admin: dict[str, str], serial: str, apdu: str) -> str:
    resp = api.post(f"/sandbox/cards/{serial}/apdu", json={"apdu": apdu}, headers=admin)
    assert resp.status_code == 200, resp.text
    response: str = resp.json()["response"]
    return response


def _card(sandbox: System, **stay: dt.date) -> tuple[int, str]:
    """A resident with a collected card, made on the sandbox clock (``period_of_stay_ends``,
    where given, the end of their stay)."""
    registered = register(sandbox, name_latin="Smith John", **stay)
    view = apply_at_counter(sandbox, registered.person_id)
    with sandbox.uow() as uow:
        from mynumber.domain.access import Role
        from mynumber.services.sandbox import clock as sandbox_clock
        from tests.conftest import caller

        sandbox_clock.move_clock(
            uow.session, sandbox.services, caller=caller(Role.SANDBOX_ADMIN), to="+32d"
        )
        uow.commit()
    done = collect(sandbox, view.application_id, who=identity())
    return registered.person_id, done.card_serial


# --- who may call ---------------------------------------------------------------------------


def test_outside_the_sandbox_its_routes_do_not_exist_even_for_an_admin_token(
    system: System,
) -> None:
    with system.uow() as uow:
        admin = organisations.tokens.issue_token(
            uow.session,
            system.services,
            organisation="Sandbox admin",
            role=Role.SANDBOX_ADMIN,
        )
        uow.commit()
    with TestClient(create_app(system), raise_server_exceptions=False) as api:
        headers = {"Authorization": f"Bearer {admin}"}
        _problem(api.get("/sandbox/clock", headers=headers), 404)
        _problem(api.post("/sandbox/clock", json={"by": "+1d"}, headers=headers), 404)
        _problem(api.get("/sandbox/clock"), 404)
        _problem(
            api.post(
                "/sandbox/organisations", json={"kind": "kiosk", "name": "K"}, headers=headers
            ),
            404,
        )


@pytest.mark.sqlite_only
def test_the_sandbox_is_refused_in_production_mode(tmp_path: Path) -> None:
    settings = Settings(mode="production", data_dir=tmp_path)
    with pytest.raises(ConfigurationError):
        settings.for_sandbox()
    with pytest.raises(ConfigurationError):
        build_sandbox_system(settings.model_copy(update={"sandbox": True}))


def test_only_the_sandbox_admin_may_call_its_routes(
    api: TestClient, tokens: dict[str, dict[str, str]]
) -> None:
    _problem(api.get("/sandbox/clock"), 401)
    for role in ("ward_office", "card_centre", "clinic", "insurer", "kiosk"):
        _problem(api.get("/sandbox/clock", headers=tokens[role]), 403)
        _problem(api.post("/sandbox/clock", json={"by": "+1d"}, headers=tokens[role]), 403)
        _problem(
            api.post(
                "/sandbox/cards/0000000000000000/apdu", json={"apdu": JPKI_AP}, headers=tokens[role]
            ),
            403,
        )
    shown = api.get("/sandbox/clock", headers=tokens["admin"]).json()
    assert dt.datetime.fromisoformat(shown["now"]) == START  # nobody moved it


# --- the clock ------------------------------------------------------------------------------


def test_the_clock_moves_forward_only_and_a_refused_move_changes_nothing(
    api: TestClient, tokens: dict[str, dict[str, str]], sandbox: System
) -> None:
    admin = tokens["admin"]
    moved = api.post("/sandbox/clock", json={"by": "+30d"}, headers=admin).json()
    assert dt.datetime.fromisoformat(moved["now"]) == START + dt.timedelta(days=30)
    assert moved["rounds"] == 31  # 30 midnights and the end
    _problem(
        api.post("/sandbox/clock", json={"to": "2026-04-02"}, headers=admin),
        409,
        "clock-cannot-go-back",
    )
    _problem(api.post("/sandbox/clock", json={"by": "30 days"}, headers=admin), 422)
    _problem(api.post("/sandbox/clock", json={"by": "+1d", "to": "2027-01-01"}, headers=admin), 422)
    _problem(api.post("/sandbox/clock", json={}, headers=admin), 422)
    now = api.get("/sandbox/clock", headers=admin).json()
    assert dt.datetime.fromisoformat(now["now"]) == START + dt.timedelta(days=30)
    assert sandbox.services.clock.now() == START + dt.timedelta(days=30)
    to_date = api.post("/sandbox/clock", json={"to": "2027-01-01"}, headers=admin).json()
    assert to_date["now"].startswith("2027-01-01T09:00:00")


def test_a_move_made_by_another_process_is_followed(
    api: TestClient, tokens: dict[str, dict[str, str]], sandbox: System
) -> None:
    with sandbox.uow() as uow:  # as `mynumber sandbox clock` writes it
        sandbox_clock.keep(uow.session, START + dt.timedelta(days=3))
        uow.commit()
    shown = api.get("/sandbox/clock", headers=tokens["admin"]).json()
    assert dt.datetime.fromisoformat(shown["now"]) == START + dt.timedelta(days=3)


def test_letters_arrive_or_come_back_as_the_days_pass_with_the_mail_id_to_record(
    api: TestClient, tokens: dict[str, dict[str, str]], sandbox: System, post: PostOffice
) -> None:
    post.fail_deliveries_to("Room 404", DeliveryFailure.WRONG_ADDRESS)
    body = {
        "municipality_code": "131016",
        "name_latin": "DOE JANE",
        "date_of_birth": "1990-05-01",
        "sex": "F",
        "nationality": "GB",
        "address": "1-1 Chiyoda, Chiyoda-ku, Tokyo, Room 404",
        "started_living_on": "2026-03-30",
        "id_documents": ["residence_card", "passport"],
        "residence_card_number": "CD12345678EF",
        "status_of_residence": "Engineer/Specialist",
        "period_of_stay_ends": "2029-03-31",
    }
    ward = tokens["ward_office"]
    made = api.post("/ward-office/residents", json=body, headers=ward)
    assert made.status_code == 201, made.text
    person, mail_id = made.json()["person_id"], made.json()["mail_id"]
    assert mail_id.startswith("mail_")
    mail = api.get(f"/ward-office/residents/{person}/mail", headers=ward).json()
    assert [(m["mail_id"], m["kind"], m["status"]) for m in mail] == [
        (mail_id, "notification_letter", "in_transit")
    ]
    api.post("/sandbox/clock", json={"by": "+20d"}, headers=tokens["admin"])
    assert api.get(f"/ward-office/residents/{person}/mail", headers=ward).json()[0]["status"] == (
        "in_transit"
    )  # three weeks to arrive: not yet
    api.post("/sandbox/clock", json={"by": "+1d"}, headers=tokens["admin"])
    back = api.get(f"/ward-office/residents/{person}/mail", headers=ward).json()[0]
    assert (back["status"], back["failure"]) == ("held_at_office", "wrong_address")
    settled = dt.datetime.fromisoformat(back["settled_at"])
    assert settled == START + dt.timedelta(days=21)  # the round at the end of the move
    # the mail list is the ward office's: another town's office and the card centre are refused
    _problem(api.get(f"/ward-office/residents/{person}/mail", headers=tokens["card_centre"]), 403)


def test_a_card_is_made_and_its_notice_delivered_as_the_month_passes(
    api: TestClient, tokens: dict[str, dict[str, str]], sandbox: System
) -> None:
    registered = register(sandbox)
    view = apply_at_counter(sandbox, registered.person_id)
    moved = api.post("/sandbox/clock", json={"by": "+35d"}, headers=tokens["admin"]).json()
    assert moved["cards_made"] == 1
    assert moved["mail_settled"] >= 1  # the pickup notice arrived
    done = collect(sandbox, view.application_id, who=identity())
    assert done.card_serial


# --- virtual cards --------------------------------------------------------------------------


def test_apdus_reach_the_same_chip_and_three_wrong_pins_lock_it_everywhere(
    api: TestClient, tokens: dict[str, dict[str, str]], sandbox: System
) -> None:
    _, serial = _card(sandbox)
    admin = tokens["admin"]
    assert _apdu(api, admin, serial, JPKI_AP) == "9000"
    assert _apdu(api, admin, serial, USER_AUTH_PIN_EF) == "9000"
    assert _apdu(api, admin, serial, "00200080") == "63C3"  # tries left, none spent
    assert _apdu(api, admin, serial, "0020008004" + b"0000".hex()) == "63C2"
    assert _apdu(api, admin, serial, "0020008004" + b"0000".hex()) == "63C1"
    assert _apdu(api, admin, serial, "0020008004" + b"0000".hex()) == "63C0"
    assert _apdu(api, admin, serial, "0020008004" + PINS.user_authentication.encode().hex()) == (
        "6983"
    )  # locked: even the right PIN
    clinic = tokens["clinic"]
    nonce = api.post("/clinic/challenges", headers=clinic).json()["nonce"]
    refused = api.post(
        f"/sandbox/cards/{serial}/card-auth",
        json={"nonce": nonce, "pin": PINS.user_authentication},
        headers=admin,
    )
    assert refused.status_code not in (200, 500), refused.text
    assert refused.json()["code"] == "pin-locked"
    # the counters are the card's: the ward office's terminal finds the PIN locked too
    used = api.post(
        f"/cards/{serial}/use",
        json={"pin_kind": "user_authentication", "pin": PINS.user_authentication},
        headers=tokens["ward_office"],
    )
    assert used.json()["code"] == "pin-locked", used.text


def test_the_clinic_steps_in_one_call_give_what_the_pin_check_takes(
    api: TestClient, tokens: dict[str, dict[str, str]], sandbox: System
) -> None:
    _, serial = _card(sandbox)
    clinic = tokens["clinic"]
    nonce = api.post("/clinic/challenges", headers=clinic).json()["nonce"]
    signed = api.post(
        f"/sandbox/cards/{serial}/card-auth",
        json={"nonce": nonce, "pin": PINS.user_authentication},
        headers=tokens["admin"],
    )
    assert signed.status_code == 200, signed.text
    check = api.post("/clinic/checks/pin", json={"nonce": nonce, **signed.json()}, headers=clinic)
    assert check.status_code in (200, 404, 409), check.text  # not insured: still identified
    assert check.status_code != 401


def test_bad_apdus_and_unknown_cards_are_refused_without_a_500(
    api: TestClient, tokens: dict[str, dict[str, str]], sandbox: System
) -> None:
    _, serial = _card(sandbox)
    admin = tokens["admin"]
    _problem(api.post(f"/sandbox/cards/{serial}/apdu", json={"apdu": "zz"}, headers=admin), 422)
    _problem(api.post(f"/sandbox/cards/{serial}/apdu", json={"apdu": "00A4"}, headers=admin), 422)
    _problem(
        api.post("/sandbox/cards/FFFFFFFFFFFFFFFF/apdu", json={"apdu": JPKI_AP}, headers=admin),
        404,
    )
    too_long = "00DA0000" + "FF" * 20000
    assert api.post(
        f"/sandbox/cards/{serial}/apdu", json={"apdu": too_long}, headers=admin
    ).status_code in (413, 422)
    assert _apdu(api, admin, serial, "FFFFFFFF") == "6E00"  # the card answers, never a 500
    out = api.delete(f"/sandbox/cards/{serial}/reader", headers=admin).json()
    assert out == {"serial": serial, "was_in": True}


# --- organisations and the resident's token -------------------------------------------------


def test_the_admin_makes_organisations_whose_tokens_work(
    api: TestClient, tokens: dict[str, dict[str, str]]
) -> None:
    admin = tokens["admin"]
    clinic = api.post(
        "/sandbox/organisations",
        json={"kind": "clinic", "name": "Hongo Clinic", "code": "1310154321"},
        headers=admin,
    )
    assert clinic.status_code == 201, clinic.text
    made = clinic.json()
    assert made["role"] == "clinic"
    own = {"Authorization": f"Bearer {made['token']}"}
    assert api.post("/clinic/challenges", headers=own).status_code == 201
    _problem(
        api.post(
            "/sandbox/organisations",
            json={"kind": "clinic", "name": "Other", "code": "1310154321"},
            headers=admin,
        ),
        409,
    )
    town = api.post(
        "/sandbox/organisations",
        json={"kind": "municipality", "name": "Minato City", "name_ja": "港区", "code": "131032"},
        headers=admin,
    ).json()
    assert (town["role"], town["municipality_code"]) == ("ward_office", "131032")
    employer = api.post(
        "/sandbox/organisations",
        json={"kind": "employer", "name": "Sample G.K.", "code": "1010001000006"},
        headers=admin,
    )
    assert employer.status_code == 201, employer.text
    staff = {"Authorization": f"Bearer {employer.json()['token']}"}
    assert api.get("/employer/employees", headers=staff).status_code == 200
    _problem(
        api.post("/sandbox/organisations", json={"kind": "bank", "name": "X"}, headers=admin), 422
    )
    _problem(
        api.post(
            "/sandbox/organisations",
            json={"kind": "municipality", "name": "Nowhere", "code": "999999"},
            headers=admin,
        ),
        422,
    )


def test_a_resident_logs_in_with_the_card_for_a_token_bound_to_them(
    api: TestClient, tokens: dict[str, dict[str, str]], sandbox: System
) -> None:
    person_id, serial = _card(sandbox)
    challenge = api.post("/residents/login/challenges")
    assert challenge.status_code == 201
    nonce = challenge.json()["nonce"]
    signed = api.post(
        f"/sandbox/cards/{serial}/card-auth",
        json={"nonce": nonce, "pin": PINS.user_authentication},
        headers=tokens["admin"],
    ).json()
    login = api.post("/residents/login", json={"nonce": nonce, **signed})
    assert login.status_code == 201, login.text
    got = login.json()
    assert unref("per", got["person_id"]) == person_id
    mine = {"Authorization": f"Bearer {got['token']}"}
    assert api.get(f"/ward-office/residents/{got['person_id']}", headers=mine).status_code == 200
    _problem(api.post("/residents/login", json={"nonce": nonce, **signed}), 401)  # replayed
    other = register(sandbox, name_latin="Other Person", residence_card_number="ZZ12345678ZZ")
    _problem(api.get(f"/ward-office/residents/{ref('per', other.person_id)}", headers=mine), 403)
    garbage = api.post("/residents/login/challenges").json()["nonce"]
    junk = {"nonce": garbage, "certificate": "AAAA", "signature": "AAAA"}
    assert 400 <= api.post("/residents/login", json=junk).status_code < 500
    forged = dict(signed, signature=base64.b64encode(bytes(256)).decode())
    fresh = api.post("/residents/login/challenges").json()["nonce"]
    _problem(
        api.post("/residents/login", json={"nonce": fresh, **forged}), 422, "signature-invalid"
    )


def test_expiry_notices_are_mailed_when_the_clock_passes_their_day(
    api: TestClient, tokens: dict[str, dict[str, str]], sandbox: System
) -> None:
    # A stay of 200 days caps the card's validity (its birthday rule would give years): the
    # moves below cross ~200 midnights, each running the day's jobs, not ~1,100.
    stay_ends = sandbox.services.clock.today() + dt.timedelta(days=200)
    person_id, serial = _card(sandbox, period_of_stay_ends=stay_ends)
    card = api.get(f"/cards/{serial}", headers=tokens["ward_office"]).json()
    expires = dt.date.fromisoformat(card["expires_on"])
    assert expires == stay_ends
    admin = tokens["admin"]
    before = (expires - dt.timedelta(days=150)).isoformat()
    quiet = api.post("/sandbox/clock", json={"to": before}, headers=admin).json()
    assert quiet["renewal_notices"] == 0
    moved = api.post(
        "/sandbox/clock", json={"to": (expires - dt.timedelta(days=30)).isoformat()}, headers=admin
    ).json()
    assert moved["renewal_notices"] == 1  # once, however many days passed since it fell due
    mail = api.get(
        f"/ward-office/residents/{ref('per', person_id)}/mail", headers=tokens["ward_office"]
    ).json()
    assert [m["kind"] for m in mail].count("renewal_notice") == 1


def _kept_clock(database: Path) -> dt.datetime | None:
    engine = create_engine(f"sqlite:///{database}")
    try:
        with Session(engine) as session:
            return sandbox_clock.stored(session)
    finally:
        engine.dispose()


@pytest.mark.sqlite_only
def test_the_command_line_moves_the_sandbox_clock_of_the_sandbox_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, migrated_data_dir: Callable[[Path], Path]
) -> None:
    from typer.testing import CliRunner

    from mynumber.cli.main import app

    monkeypatch.setenv("MYNUMBER_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("MYNUMBER_DATABASE_URL", raising=False)
    # The sandbox's files are there from the start (migrated copies, as the worker's other
    # tests have them): the clock kept in them shows that the commands use its own database.
    migrated_data_dir(Settings(data_dir=tmp_path / "var").for_sandbox().data_dir)
    own = tmp_path / "var" / "sandbox" / "mynumber.sqlite3"
    runner = CliRunner()
    shown = runner.invoke(app, ["sandbox", "clock"])
    assert shown.exit_code == 0, shown.output
    started = _kept_clock(own)
    assert started is not None
    moved = runner.invoke(app, ["sandbox", "clock", "+30d"])
    assert moved.exit_code == 0 and "31 rounds" in moved.output, moved.output
    back = runner.invoke(app, ["sandbox", "clock", "2000-01-01"])
    assert back.exit_code == 1 and "only moves forward" in back.output
    assert _kept_clock(own) == started + dt.timedelta(days=30)  # its own database
    assert not (tmp_path / "var" / "mynumber.sqlite3").exists()
    token = runner.invoke(app, ["sandbox", "admin-token"])
    assert token.exit_code == 0 and token.output.strip().startswith("mnt_")


def test_a_resident_applies_online_with_the_letters_application_id_and_no_token(
    api: TestClient, sandbox: System
) -> None:
    registered = register(sandbox)
    photo = base64.b64encode(sample_photo_jpeg()).decode()
    body = {
        "channel": "smartphone",
        "application_id": registered.application_id,
        "photo_base64": photo,
        "taken_within_six_months": True,
        "no_headwear": True,
        "plain_background": True,
    }
    _problem(api.post("/cards/applications/online", json={**body, "channel": "counter"}), 422)
    _problem(api.post("/cards/applications/online", json={**body, "application_id": "1" * 23}), 404)
    made = api.post("/cards/applications/online", json=body)
    assert made.status_code == 201, made.text
    assert made.json()["channel"] == "smartphone"
    assert unref("per", made.json()["person_id"]) == registered.person_id
    _problem(api.post("/cards/applications/online", json=body), 409)  # one open application
