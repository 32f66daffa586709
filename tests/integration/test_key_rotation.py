"""Keys rotate (issue 16.4): sealed values name their key version, ``mynumber keys rotate``
re-seals them online in batches, older versions retire and are then refused; on SQLite and
PostgreSQL, with the master key in a 0600 key file as in production."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update
from typer.testing import CliRunner

from mynumber.adapters.db.models import Person
from mynumber.adapters.db.models_card import ChipFile, ChipKey
from mynumber.adapters.keys import parse_key_file
from mynumber.bootstrap import System
from mynumber.card.files import CardFile
from mynumber.card.pins import PinRef
from mynumber.card.signing import digest_info
from mynumber.config import Settings
from mynumber.domain import key_versions
from mynumber.domain.access import Purpose
from mynumber.domain.errors import Conflict
from mynumber.domain.key_versions import KeyVersionUnavailable
from mynumber.domain.numbers import IndividualNumber
from mynumber.services.flows import key_rotation
from mynumber.services.registry import numbers
from tests.conftest import TEST_MASTER_KEY, ward
from tests.integration.card_support import PINS, chip, issued_card
from tests.integration.helpers import register


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    """The tests' master key in a key file of its own (mode 0600), as production keeps it."""
    key_file = tmp_path / "master.key"
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(TEST_MASTER_KEY + "\n")
    return Settings(database_url=db_url, data_dir=tmp_path / "var", master_key_file=key_file)


def read_number(system: System, person_id: int) -> IndividualNumber:
    with system.uow() as uow:  # the read is audited, as a clerk's would be
        number = numbers.read_my_number(
            uow.session,
            system.services,
            caller=ward("131016"),
            person_id=person_id,
            purpose=Purpose.TAX,
        )
        uow.commit()
    return number


def someone(system: System, i: int) -> Any:
    """Register the ``i``-th of a few different people."""
    return register(
        system,
        name_latin=f"Smith {'ABCDEFGHIJ'[i % 10]}{'x' * (i // 10)}",
        residence_card_number=f"AB{i:08d}CD",
    )


def check_card(system: System, serial: str) -> IndividualNumber:
    """What a reader does with the card: a PIN, a signature with the authentication key, the
    number read from the chip."""
    with chip(system, serial).open_session() as reader:
        reader.verify(PinRef.USER_AUTHENTICATION, PINS.user_authentication)
        assert reader.sign_with_auth_key(digest_info(b"challenge"))
        reader.verify(PinRef.CARD_INFO_INPUT, PINS.card_info_input)
        return reader.read_my_number()


def rotate(system: System, **kw: Any) -> key_rotation.RotationReport:
    kw.setdefault("grace_seconds", 0)
    return key_rotation.rotate(system.uow, system.services, **kw)


def status(system: System) -> dict[int, key_rotation.VersionStatus]:
    with system.reading() as uow:
        return {v.version: v for v in key_rotation.status(uow.session, system.services)}


def sealed_versions(system: System) -> set[int]:
    """The version every sealed value in the database names."""
    with system.reading() as uow:
        values = [
            *uow.session.scalars(select(Person.number_sealed)),
            *uow.session.scalars(select(ChipKey.sealed_private_key)),
            *uow.session.scalars(select(ChipFile.data)),
        ]
    return {key_versions.version_of(bytes(v)) for v in values}


def key_file(system: System) -> Path:
    path = system.services.keys.key_file.path
    assert path is not None
    return path


def test_new_values_name_their_key_version(system: System) -> None:
    person = register(system)
    issued = issued_card(system, name="Tanaka Hanako")
    assert sealed_versions(system) == {1}
    with system.reading() as uow:
        sealed = uow.session.scalars(
            select(Person.number_sealed).where(Person.id == person.person_id)
        ).one()
    assert bytes(sealed).startswith(key_versions.tag(1))
    assert check_card(system, issued.serial) == read_number(system, issued.person_id)


def test_values_sealed_before_a_rotation_read_after_it_and_none_names_the_old_version(
    system: System,
) -> None:
    people = [someone(system, i) for i in range(3)]
    issued = issued_card(system, name="Tanaka Hanako")
    before = {p.person_id: read_number(system, p.person_id) for p in people}
    on_card = check_card(system, issued.serial)

    report = rotate(system, batch_size=2)

    assert (report.version, report.resumed, report.retired, report.left) == (2, False, [1], {})
    assert report.resealed > 0 and not report.unreadable
    assert {p: read_number(system, p) for p in before} == before
    assert check_card(system, issued.serial) == on_card
    assert sealed_versions(system) == {2}
    versions = status(system)
    assert versions[1].state == "retired" and versions[1].total == 0
    assert versions[2].state == "newest" and versions[2].values["persons.number_sealed"] == 4
    written = parse_key_file(key_file(system).read_text())
    assert written.versions[1] is None and written.versions[2] is not None
    assert written.root == bytes.fromhex(TEST_MASTER_KEY)  # the stable part stays
    assert stat.S_IMODE(key_file(system).stat().st_mode) == 0o600
    # New values use the newest version.
    later = someone(system, 50)
    assert read_number(system, later.person_id).digits
    assert sealed_versions(system) == {2}


def test_values_from_before_versions_open_and_are_resealed(system: System) -> None:
    """A number sealed before ciphertexts named their version (nonce ‖ AES-GCM, no tag) is
    read as version 1 and re-sealed by the rotation."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    from mynumber.adapters.keys import DATA_LABEL, derive_key

    person = register(system)
    number = read_number(system, person.person_id)
    with system.uow() as uow:
        row = uow.session.get(Person, person.person_id)
        assert row is not None
        nonce = os.urandom(12)
        old = nonce + AESGCM(derive_key(bytes.fromhex(TEST_MASTER_KEY), DATA_LABEL)).encrypt(
            nonce, number.digits.encode(), numbers.sealing_context(row.registry_code).encode()
        )
        row.number_sealed = old
        uow.commit()
    assert read_number(system, person.person_id) == number
    assert status(system)[1].values["persons.number_sealed"] == 1
    rotate(system)
    assert read_number(system, person.person_id) == number
    assert sealed_versions(system) == {2}


def test_a_value_under_a_retired_version_is_refused_with_a_clear_error(system: System) -> None:
    person = register(system)
    issued = issued_card(system, name="Tanaka Hanako")
    with system.reading() as uow:
        old_number = uow.session.scalars(
            select(Person.number_sealed).where(Person.id == person.person_id)
        ).one()
        old_file = uow.session.scalars(
            select(ChipFile.data).where(
                ChipFile.card_id == issued.serial, ChipFile.name == CardFile.MY_NUMBER.value
            )
        ).one()
    rotate(system)
    # A backup from before the rotation, restored: its values name version 1.
    with system.uow() as uow:
        uow.session.execute(
            update(Person).where(Person.id == person.person_id).values(number_sealed=old_number)
        )
        uow.session.execute(
            update(ChipFile)
            .where(ChipFile.card_id == issued.serial, ChipFile.name == CardFile.MY_NUMBER.value)
            .values(data=old_file)
        )
        uow.commit()
    with pytest.raises(KeyVersionUnavailable) as refused:
        read_number(system, person.person_id)
    assert "version 1" in str(refused.value) and "retired" in str(refused.value)
    assert refused.value.message_ja and refused.value.details == {"key_version": 1}
    with pytest.raises(KeyVersionUnavailable, match="retired"):
        check_card(system, issued.serial)
    assert status(system)[1].total == 2  # status names what still points at it


def test_retire_is_refused_while_a_version_still_seals_values_or_is_the_newest(
    system: System,
) -> None:
    register(system)
    keys = system.services.keys.key_file
    with pytest.raises(Conflict, match="newest"):
        key_rotation.retire(system.uow, system.services, 1)
    assert keys.add_version() == 2  # a rotation that has not re-sealed anything yet
    with pytest.raises(Conflict, match="still protects 1 values"):
        key_rotation.retire(system.uow, system.services, 1)
    assert parse_key_file(key_file(system).read_text()).versions[1] is not None
    rotate(system, retire_old=False)
    assert status(system)[1].state == "live"
    key_rotation.retire(system.uow, system.services, 1)
    assert status(system)[1].state == "retired"
    with pytest.raises(Conflict, match="already retired"):
        key_rotation.retire(system.uow, system.services, 1)


class Stop(Exception):
    """The rotation's process dies between two batches."""


def test_a_rotation_stopped_between_batches_is_resumed(system: System) -> None:
    people = [someone(system, i) for i in range(5)]
    before = {p.person_id: read_number(system, p.person_id) for p in people}
    batches = 0

    def die_after_two(kind: str, resealed: int) -> None:
        nonlocal batches
        batches += 1
        if batches == 2:
            raise Stop

    with pytest.raises(Stop):
        rotate(system, batch_size=2, after_batch=die_after_two)
    half = status(system)
    assert half[1].state == "live" and half[1].total == 1  # 4 of 5 re-sealed, then killed
    assert half[2].total == 4
    assert {p: read_number(system, p) for p in before} == before  # both versions read

    report = rotate(system, batch_size=2)

    assert (report.version, report.resumed, report.retired) == (2, True, [1])
    assert 3 not in parse_key_file(key_file(system).read_text()).versions  # no new version
    assert sealed_versions(system) == {2}
    assert {p: read_number(system, p) for p in before} == before


def test_a_rotation_during_traffic(system: System) -> None:
    """A clerk keeps registering people, reading numbers and checking a card while the
    rotation re-seals in batches of 2: no request fails, every value reads at the end."""
    people = [someone(system, i) for i in range(6)]
    issued = issued_card(system, name="Tanaka Hanako")
    expected = {p.person_id: read_number(system, p.person_id) for p in people}
    on_card = check_card(system, issued.serial)
    done = threading.Event()
    progress = threading.Condition()
    rounds = 0
    errors: list[BaseException] = []
    registered: list[int] = []

    def traffic() -> None:
        nonlocal rounds
        try:
            while not done.is_set():
                who = someone(system, 100 + rounds)
                registered.append(who.person_id)
                assert read_number(system, who.person_id).digits
                some = people[rounds % len(people)].person_id
                assert read_number(system, some) == expected[some]
                assert check_card(system, issued.serial) == on_card
                with progress:
                    rounds += 1
                    progress.notify_all()
        except BaseException as exc:  # the test's verdict, in the main thread
            errors.append(exc)
            with progress:
                progress.notify_all()

    def let_traffic_through(kind: str, resealed: int) -> None:
        # After each batch, wait for one more round of traffic: batches and requests
        # interleave on purpose, not by the luck of timing.
        with progress:
            seen = rounds
            progress.wait_for(lambda: rounds > seen or errors, timeout=30)

    worker = threading.Thread(target=traffic)
    worker.start()
    try:
        report = rotate(system, batch_size=2, grace_seconds=0.2, after_batch=let_traffic_through)
    finally:
        done.set()
        worker.join(timeout=60)
    assert not errors, errors
    assert rounds >= 3 and registered
    assert report.retired == [1] and report.left == {} and not report.unreadable
    assert sealed_versions(system) == {2}
    assert {p: read_number(system, p) for p in expected} == expected
    assert all(read_number(system, p).digits for p in registered)
    assert check_card(system, issued.serial) == on_card


@pytest.mark.sqlite_only  # refused from the settings, before any value is read
def test_the_key_file_refuses_rotation_when_the_key_is_in_the_environment(
    tmp_path: Path, db_url: str
) -> None:
    from mynumber.bootstrap import build_system

    system = build_system(
        Settings(database_url=db_url, data_dir=tmp_path / "env", master_key=TEST_MASTER_KEY),
        run_migrations=False,
    )
    try:
        with pytest.raises(Conflict, match="needs a key file"):
            key_rotation.rotate(system.uow, system.services)
    finally:
        system.close()


def test_keys_rotate_status_and_retire_through_the_cli(
    system: System, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mynumber.cli.main import app

    first = register(system)
    assert settings.master_key_file is not None
    monkeypatch.setenv("MYNUMBER_DATABASE_URL", settings.resolved_database_url())
    monkeypatch.setenv("MYNUMBER_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("MYNUMBER_MASTER_KEY_FILE", str(settings.master_key_file))
    monkeypatch.delenv("MYNUMBER_MASTER_KEY", raising=False)
    runner = CliRunner()

    shown = runner.invoke(app, ["keys", "status"])
    assert shown.exit_code == 0, shown.output
    assert "v1 newest: 1 values (persons.number_sealed 1)" in shown.output

    kept = runner.invoke(
        app, ["keys", "rotate", "--batch-size", "1", "--keep-old", "--grace-seconds", "0"]
    )
    assert kept.exit_code == 0, kept.output
    assert "rotated to key version 2: 1 values re-sealed" in kept.output
    shown = runner.invoke(app, ["keys", "status"])
    assert "v2 newest: 1 values" in shown.output and "v1 live: 0 values" in shown.output

    newest = runner.invoke(app, ["keys", "retire", "2"])
    assert newest.exit_code == 1 and "newest" in newest.output
    assert len(newest.output.strip().splitlines()) == 1
    retired = runner.invoke(app, ["keys", "retire", "1"])
    assert retired.exit_code == 0, retired.output
    assert "v1 retired: 0 values" in runner.invoke(app, ["keys", "status"]).output

    again = runner.invoke(app, ["keys", "rotate", "--grace-seconds", "0"])
    assert again.exit_code == 0, again.output
    assert "rotated to key version 3" in again.output and "retired: v2" in again.output
    assert parse_key_file(settings.master_key_file.read_text()).live == [3]
    # The service (the test's own system, another process's view of the key file) follows:
    # it reads what the CLI re-sealed, and seals new values under the newest version.
    assert sealed_versions(system) == {3}
    assert read_number(system, first.person_id).digits
    later = someone(system, 7)
    assert read_number(system, later.person_id).digits and sealed_versions(system) == {3}


def test_the_providers_signing_key_and_shared_claims_are_resealed(system: System) -> None:
    """Sign in with the My Number Card (issue 20): the ID-token key and the claims waiting in
    codes and tokens are sealed values like the others: re-sealed, and still usable."""
    from mynumber.adapters.db.models_oidc import OidcCode, OidcSigningKey, OidcToken
    from tests.integration.oidc_support import (
        Attempt,
        apply_and_approve,
        browser,
        returned,
        sign_in,
        token_request,
    )

    holder = issued_card(system)
    http = browser(system)
    bank = apply_and_approve(system, http)
    attempt = Attempt()
    code = returned(sign_in(http, bank, holder.serial, attempt=attempt))["code"]
    access = token_request(http, bank, code, attempt.verifier).json()["access_token"]
    returned(sign_in(http, bank, holder.serial))  # a code waiting to be redeemed
    rotate(system)
    with system.reading() as uow:
        values = [
            *uow.session.scalars(select(OidcSigningKey.private_key_sealed)),
            *uow.session.scalars(select(OidcCode.claims_sealed)),
            *uow.session.scalars(select(OidcToken.claims_sealed)),
        ]
    assert len(values) == 4 and {key_versions.version_of(bytes(v)) for v in values} == {2}
    info = http.get("/oidc/userinfo", headers={"Authorization": f"Bearer {access}"})
    assert info.status_code == 200 and info.json()["name"]
    again = Attempt()
    code = returned(sign_in(http, bank, holder.serial, attempt=again))["code"]
    assert token_request(http, bank, code, again.verifier).status_code == 200
