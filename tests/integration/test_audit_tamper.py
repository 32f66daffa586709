"""The audit log proves itself: keyed chains, one per organisation, and signed checkpoints
outside the database. Each test plays an attacker who can write the database (triggers
lifted) but holds neither the audit key nor the checkpoint file."""

from __future__ import annotations

import hashlib
import json
import stat
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import insert, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from mynumber.adapters.db.models import AuditEntry, AuditHead
from mynumber.bootstrap import System
from mynumber.domain.access import Role
from mynumber.services.core import audit, audit_chain
from mynumber.services.core.audit_chain import ChainReport, legacy_hash, write_pending
from mynumber.services.core.audit_checkpoints import verify_log, write_checkpoint
from mynumber.services.core.context import Caller
from tests.conftest import START
from tests.integration.test_audit import _guards_dropped

WARD = Caller(name="ward office 131016", role=Role.WARD_OFFICE, municipality_code="131016")
CLINIC = Caller(name="Kanda Clinic", role=Role.CLINIC)


def _act(system: System, caller: Caller, count: int, action: str = "read") -> None:
    """``count`` audited actions by ``caller``, one transaction each."""
    for i in range(count):
        with system.uow() as uow:
            audit.record(
                uow.session, caller=caller, action=f"{action}_{i}", at=START, person_id=i + 1
            )
            uow.commit()


def _checkpoint(system: System) -> None:
    with system.reading() as uow:
        write_checkpoint(uow.session, system.audit_checkpoints(), START)


def _verify(system: System) -> ChainReport:
    with system.reading() as uow:
        return verify_log(uow.session, system.audit_checkpoints(), system.services.keys.audit_key)


def _kinds(report: ChainReport) -> set[str]:
    return {f.kind for f in report.findings}


def _chain_ids(system: System) -> dict[str, int]:
    with system.reading() as uow:
        return {h.chain: h.id for h in uow.session.scalars(select(AuditHead))}


def _ids(system: System, chain_id: int) -> list[int]:
    with system.reading() as uow:
        return list(
            uow.session.scalars(
                select(AuditEntry.id)
                .where(AuditEntry.chain_id == chain_id)
                .order_by(AuditEntry.seq)
            )
        )


@pytest.fixture
def logged(system: System) -> System:
    """Five entries by a ward office and three by a clinic, then a checkpoint."""
    _act(system, WARD, 5)
    _act(system, CLINIC, 3)
    _checkpoint(system)
    return system


def test_an_untouched_log_verifies_against_its_checkpoint(logged: System) -> None:
    report = _verify(logged)
    assert report.ok, report.findings
    assert (report.entries, report.chains) == (8, 2) and report.checkpoint_at is not None


def test_two_organisations_do_not_share_a_head_row(system: System) -> None:
    _act(system, WARD, 2)
    _act(system, CLINIC, 2)
    chains = _chain_ids(system)
    assert set(chains) == {"ward_office/ward office 131016", "clinic/Kanda Clinic"}
    with system.reading() as uow:
        by_chain = {(e.chain_id, e.seq) for e in uow.session.scalars(select(AuditEntry))}
    assert by_chain == {
        (chains["ward_office/ward office 131016"], 1),
        (chains["ward_office/ward office 131016"], 2),
        (chains["clinic/Kanda Clinic"], 1),
        (chains["clinic/Kanda Clinic"], 2),
    }


@pytest.mark.postgres
@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_one_organisation_appending_does_not_hold_up_another(system: System) -> None:
    _act(system, WARD, 1)
    _act(system, CLINIC, 1)  # both heads exist
    with system.uow() as holding:
        audit.record(holding.session, caller=WARD, action="slow", at=START)
        write_pending(holding.session)  # the ward office's head is locked
        outcome: list[object] = []

        def clinic_appends() -> None:
            try:
                with system.uow() as uow:
                    uow.session.execute(text("SET LOCAL lock_timeout = '3s'"))
                    audit.record(uow.session, caller=CLINIC, action="quick", at=START)
                    uow.commit()
                outcome.append("committed")
            except DBAPIError as exc:
                outcome.append(exc)

        other = threading.Thread(target=clinic_appends)
        other.start()
        other.join(timeout=30)
        assert outcome == ["committed"]
        holding.commit()
    assert _verify(system).ok


def test_an_edited_entry_is_named(logged: System) -> None:
    ward_ids = _ids(logged, _chain_ids(logged)["ward_office/ward office 131016"])
    with _guards_dropped(logged), logged.engine.begin() as conn:
        conn.execute(
            text("UPDATE audit_log SET actor = 'someone else' WHERE id = :id"), {"id": ward_ids[2]}
        )
    report = _verify(logged)
    assert [(f.kind, f.entry_id) for f in report.findings] == [("edited", ward_ids[2])]
    assert "entry 3 of chain 'ward_office/ward office 131016'" in report.reason


def test_an_inserted_entry_is_named(logged: System) -> None:
    """Appended at the tail with a plausible link and the head moved: without the key its
    hash cannot be the service's."""
    chain = _chain_ids(logged)["clinic/Kanda Clinic"]
    with logged.engine.begin() as conn:
        head = conn.execute(select(AuditHead).where(AuditHead.id == chain)).one()
        forged = {
            "chain_id": chain,
            "seq": head.last_seq + 1,
            "at": START,
            "actor": "x",
            "role": "clinic",
            "purpose": "",
            "action": "read",
            "person_id": 9,
            "detail": "",
            "clerk": None,
            "prev_hash": head.last_hash,
        }
        forged["entry_hash"] = legacy_hash(forged)
        conn.execute(insert(AuditEntry), forged)
        conn.execute(
            text("UPDATE audit_head SET last_seq = :s, last_hash = :h WHERE id = :id"),
            {"s": forged["seq"], "h": forged["entry_hash"], "id": chain},
        )
    forged_id = _ids(logged, chain)[-1]
    report = _verify(logged)
    assert [(f.kind, f.entry_id) for f in report.findings] == [("inserted", forged_id)]


def test_a_deleted_entry_in_the_middle_is_named(logged: System) -> None:
    ward_ids = _ids(logged, _chain_ids(logged)["ward_office/ward office 131016"])
    with _guards_dropped(logged), logged.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log WHERE id = :id"), {"id": ward_ids[1]})
    report = _verify(logged)
    assert _kinds(report) == {"deleted"}
    assert "entry 2 of chain 'ward_office/ward office 131016' was deleted" in report.reason


def _cut_the_ward_offices_tail(system: System) -> None:
    """The ward office's chain cut back from 5 entries to 3, its head reset to match."""
    chain = _chain_ids(system)["ward_office/ward office 131016"]
    ward_ids = _ids(system, chain)
    with _guards_dropped(system), system.engine.begin() as conn:
        kept = conn.execute(select(AuditEntry).where(AuditEntry.id == ward_ids[2])).one()
        conn.execute(text("DELETE FROM audit_log WHERE chain_id = :c AND seq > 3"), {"c": chain})
        conn.execute(
            text("UPDATE audit_head SET last_seq = 3, last_hash = :h WHERE id = :c"),
            {"h": kept.entry_hash, "c": chain},
        )


def test_a_cut_tail_with_its_head_reset_is_found(logged: System) -> None:
    _cut_the_ward_offices_tail(logged)
    report = _verify(logged)
    assert _kinds(report) == {"cut"}
    assert "signed 5 entries, the database ends at 3" in report.reason


def test_an_emptied_log_with_its_heads_reset_is_found(logged: System) -> None:
    """``TRUNCATE`` (its trigger lifted) on PostgreSQL, ``DELETE`` on SQLite, then the heads
    put back to the start: the database alone now says "0 entries, intact"."""
    pg = logged.engine.dialect.name == "postgresql"
    with _guards_dropped(logged), logged.engine.begin() as conn:
        if pg:
            conn.execute(text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_truncate"))
            conn.execute(text("TRUNCATE audit_log"))
            conn.execute(text("ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_truncate"))
        else:
            conn.execute(text("DELETE FROM audit_log"))
        conn.execute(text(f"UPDATE audit_head SET last_seq = 0, last_hash = '{'0' * 64}'"))
    report = _verify(logged)
    assert _kinds(report) == {"truncated"}
    assert "signed 8 entries in 2 chains, the database holds none" in report.reason


def test_a_recomputed_chain_is_found(logged: System) -> None:
    """Every hash recomputed without the key (an entry removed, the rest renumbered): no
    entry carries the keyed hash, and the checkpoint's head is not there any more."""
    chain = _chain_ids(logged)["ward_office/ward office 131016"]
    with _guards_dropped(logged), logged.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log WHERE chain_id = :c AND seq = 2"), {"c": chain})
        prev, seq = "0" * 64, 0
        for row in (
            conn.execute(
                select(AuditEntry.__table__)
                .where(AuditEntry.chain_id == chain)
                .order_by(AuditEntry.seq)
            )
            .mappings()
            .all()
        ):
            seq += 1
            values = {**row, "seq": seq, "prev_hash": prev}
            prev = legacy_hash(values)
            conn.execute(
                text(
                    "UPDATE audit_log SET seq = :s, prev_hash = :p, entry_hash = :h WHERE id = :id"
                ),
                {"s": seq, "p": values["prev_hash"], "h": prev, "id": row["id"]},
            )
        conn.execute(
            text("UPDATE audit_head SET last_seq = :s, last_hash = :h WHERE id = :c"),
            {"s": seq, "h": prev, "c": chain},
        )
    report = _verify(logged)
    assert "recomputed" in _kinds(report) and "cut" in _kinds(report)
    assert "chain 'ward_office/ward office 131016' was recomputed" in report.reason


def test_without_the_key_the_same_log_does_not_verify(logged: System) -> None:
    with logged.reading() as uow:
        report = verify_log(uow.session, logged.audit_checkpoints(), b"\x01" * 32)
    assert "recomputed" in _kinds(report)


@pytest.mark.postgres
@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_postgres_refuses_to_truncate_the_log(logged: System) -> None:
    with logged.engine.begin() as conn, pytest.raises(DBAPIError, match="append-only"):
        conn.execute(text("TRUNCATE audit_log"))
    assert _verify(logged).ok


# --- The checkpoint file ---------------------------------------------------------------------


def test_the_checkpoint_file_only_grows_and_is_for_its_owner(logged: System) -> None:
    path = logged.audit_checkpoints().path
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    first = path.read_bytes()
    _act(logged, CLINIC, 1, "again")
    _checkpoint(logged)
    grown = path.read_bytes()
    assert grown.startswith(first) and grown.count(b"\n") == 2
    lines = [json.loads(line) for line in grown.splitlines()]
    assert [line["entries"] for line in lines] == [8, 9]
    assert lines[1]["prev"] == hashlib.sha256(first.rstrip(b"\n")).hexdigest()
    checkpoints, problems = logged.audit_checkpoints().read()
    assert problems == [] and [c.number for c in checkpoints] == [1, 2]


def test_a_line_names_only_the_chains_that_moved(logged: System) -> None:
    """The first line names every chain; the next only the clinic's, which moved; what the
    second checkpoint signs is still both chains' heads (the lines folded)."""
    _act(logged, CLINIC, 1, "again")
    _checkpoint(logged)
    lines = [json.loads(line) for line in logged.audit_checkpoints().path.read_bytes().splitlines()]
    named = [{chain for _, chain, _, _ in line["heads"]} for line in lines]
    assert named == [
        {"ward_office/ward office 131016", "clinic/Kanda Clinic"},
        {"clinic/Kanda Clinic"},
    ]
    checkpoints, problems = logged.audit_checkpoints().read()
    assert problems == []
    assert {h.chain: h.seq for h in checkpoints[-1].heads.values()} == {
        "ward_office/ward office 131016": 5,
        "clinic/Kanda Clinic": 4,
    }


def test_a_cut_tail_of_a_chain_the_latest_line_does_not_name_is_found(logged: System) -> None:
    """The ward office's head was signed in the first line only; cutting its tail after a
    second line (the clinic's) still shows."""
    _act(logged, CLINIC, 1, "again")
    _checkpoint(logged)
    _cut_the_ward_offices_tail(logged)
    report = _verify(logged)
    assert _kinds(report) == {"cut"}
    assert "signed 5 entries, the database ends at 3" in report.reason


def test_two_processes_appending_in_turn_keep_one_numbered_linked_file(logged: System) -> None:
    """Two server processes, each with its own file object: each line follows the other's,
    and names only what moved since the line before it, whoever wrote that."""
    first, second = logged.audit_checkpoints(), logged.audit_checkpoints()
    for file, caller in ((first, CLINIC), (second, WARD), (first, CLINIC), (second, CLINIC)):
        _act(logged, caller, 1, "turn")
        with logged.reading() as uow:
            write_checkpoint(uow.session, file, START)
    lines = [json.loads(line) for line in first.path.read_bytes().splitlines()]
    assert [line["n"] for line in lines] == [1, 2, 3, 4, 5]
    assert [len(line["heads"]) for line in lines] == [2, 1, 1, 1, 1]
    checkpoints, problems = logged.audit_checkpoints().read()
    assert problems == [] and checkpoints[-1].entries == 12
    assert _verify(logged).ok


def test_one_checkpoint_per_n_entries_for_the_service_not_per_process(system: System) -> None:
    """Two processes' checkpointers: once one has signed, the other has nothing to do until
    N more entries."""
    _act(system, WARD, 2)
    one, other = system.audit_checkpointer(), system.audit_checkpointer()
    for checkpointer in (one, other):
        checkpointer.every = 3
    assert one.round(force=True) is True
    _act(system, CLINIC, 3)
    assert one.round() is True
    assert other.round() is False  # the 3 entries are in one's checkpoint already
    _act(system, CLINIC, 3)
    assert other.round() is True
    checkpoints, problems = system.audit_checkpoints().read()
    assert problems == [] and [c.entries for c in checkpoints] == [2, 5, 8]


def test_a_line_torn_by_a_crash_is_reported_and_the_next_one_follows_it(
    logged: System,
) -> None:
    """The service died in the middle of an append: the file ends in half a line. The next
    checkpoint starts a line of its own, linked to the torn one and numbered after the last
    whole one; ``read`` names the torn line and nothing else."""
    path = logged.audit_checkpoints().path
    whole = path.read_bytes()
    _act(logged, CLINIC, 1, "torn")
    _checkpoint(logged)
    path.write_bytes(path.read_bytes()[: len(whole) + 40])  # half the second line
    _act(logged, WARD, 1, "after")
    _checkpoint(logged)
    lines = path.read_bytes().splitlines()
    assert len(lines) == 3 and path.read_bytes().endswith(b"\n")
    assert json.loads(lines[2])["prev"] == hashlib.sha256(lines[1]).hexdigest()
    checkpoints, problems = logged.audit_checkpoints().read()
    assert [c.number for c in checkpoints] == [1, 2] and checkpoints[-1].entries == 10
    assert [p.message for p in problems] == [
        "checkpoint file line 2: it is not a signed checkpoint"
    ]
    # Another process, or this one restarted, reads the file from its start, the ended torn
    # line on the way: it goes on appending after it.
    _act(logged, CLINIC, 1, "restarted")
    _checkpoint(logged)
    checkpoints, problems = logged.audit_checkpoints().read()
    assert [c.number for c in checkpoints] == [1, 2, 3] and len(problems) == 1


def _rewrite(path: Path, change: dict[str, object]) -> None:
    lines = path.read_bytes().splitlines()
    body = json.loads(lines[-1])
    body.update(change)
    lines[-1] = json.dumps(body, separators=(",", ":")).encode()
    path.write_bytes(b"\n".join(lines) + b"\n")


def test_a_checkpoint_edited_in_the_file_fails_its_signature(logged: System) -> None:
    path = logged.audit_checkpoints().path
    _rewrite(path, {"entries": 0, "heads": []})
    report = _verify(logged)
    assert _kinds(report) == {"checkpoint"} and "signature does not verify" in report.reason


def test_a_checkpoint_taken_out_of_the_file_is_found(logged: System) -> None:
    _act(logged, WARD, 1, "more")
    _checkpoint(logged)
    path = logged.audit_checkpoints().path
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(lines[1])
    report = _verify(logged)
    assert "checkpoint" in _kinds(report) and "does not follow" in report.reason


def test_the_service_writes_checkpoints_at_start_every_n_entries_and_at_stop(
    system: System,
) -> None:
    _act(system, WARD, 2)
    checkpointer = system.audit_checkpointer()
    checkpointer.every, checkpointer.poll = 3, 3600.0  # rounds run by hand below
    checkpointer.start()  # the log moved since the (absent) last checkpoint: one now
    _act(system, CLINIC, 2)
    assert checkpointer.round() is False  # 2 new entries < 3
    _act(system, CLINIC, 1)
    assert checkpointer.round() is True
    _act(system, WARD, 1)
    checkpointer.stop()
    checkpoints, problems = system.audit_checkpoints().read()
    assert problems == [] and [c.entries for c in checkpoints] == [2, 5, 6]


def test_rounds_after_the_first_sign_what_every_chain_holds(system: System) -> None:
    """On PostgreSQL the rounds after the first read only the heads written since the last
    (by the rows' transaction ids); what each checkpoint signs, folded, is still every
    chain's head, and the file's loss makes the next round sign them all again."""
    _act(system, WARD, 2)
    checkpointer = system.audit_checkpointer()
    checkpointer.every, checkpointer.poll = 1, 3600.0
    checkpointer.start()
    for caller in (CLINIC, WARD, CLINIC):
        _act(system, caller, 1, "round")
        assert checkpointer.round() is True
    with system.reading() as uow:
        now = {h.id: (h.chain, h.seq, h.hash) for h in audit_chain.heads(uow.session)}
    checkpoints, problems = system.audit_checkpoints().read()
    assert problems == [] and [c.entries for c in checkpoints] == [2, 3, 4, 5]
    assert {i: (h.chain, h.seq, h.hash) for i, h in checkpoints[-1].heads.items()} == now
    lines = [json.loads(line) for line in system.audit_checkpoints().path.read_bytes().splitlines()]
    assert [len(line["heads"]) for line in lines] == [1, 1, 1, 1]
    # The later rounds read by transaction id where there are any (PostgreSQL).
    assert (checkpointer._since is not None) == (system.engine.dialect.name == "postgresql")
    system.audit_checkpoints().path.unlink()
    _act(system, CLINIC, 1, "after")
    assert checkpointer.round() is True
    (line,) = [json.loads(x) for x in system.audit_checkpoints().path.read_bytes().splitlines()]
    assert len(line["heads"]) == 2 and line["entries"] == 6
    assert _verify(system).ok


@pytest.mark.postgres
@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_a_head_moved_by_a_transaction_in_flight_at_the_horizon_is_read_later(
    system: System,
) -> None:
    """A transaction that moved the ward office's head but had not committed when the
    horizon was taken is invisible then, and among the heads moved since once committed; a
    head last written by a transaction older than the horizon is not. (The horizon is the
    server's: a transaction still running in another database holds it back, and then the
    clinic's head, written before, counts as moved too — more read, never less.)"""
    _act(system, WARD, 1)
    _act(system, CLINIC, 1)
    chains = _chain_ids(system)
    ward = chains.pop("ward_office/ward office 131016")
    (clinic,) = chains.values()
    with system.uow() as in_flight:
        audit.record(in_flight.session, caller=WARD, action="late", at=START)
        write_pending(in_flight.session)  # the head row written, not committed
        with system.reading() as uow:
            since = audit_chain.horizon(uow.session)
            assert since is not None
            older = {h: _written_by(uow.session, h) < since for h in (ward, clinic)}
            before = [(h.id, h.seq) for h in audit_chain.heads_moved_since(uow.session, since)]
        in_flight.commit()
    with system.reading() as uow:
        moved = [(h.id, h.seq) for h in audit_chain.heads_moved_since(uow.session, since)]
    # Before the commit: each committed head by its writer's age, the one in flight unseen.
    assert before == [(h, 1) for h in (ward, clinic) if not older[h]]
    # After it: the moved ward head among them, the clinic's still by its writer's age.
    assert moved == sorted([(ward, 2)] + [(clinic, 1)] * (not older[clinic]))


def _written_by(session: Session, head: int) -> int:
    """The transaction id that last wrote the head row (its ``xmin``; no wraparound here)."""
    return int(
        session.scalar(
            text("SELECT xmin::text::bigint FROM audit_head WHERE id = :id"), {"id": head}
        )
    )


@contextmanager
def _no_checkpoint_file(system: System) -> Iterator[None]:
    yield
    assert not system.audit_checkpoints().path.exists()


def test_without_a_checkpoint_the_chains_are_still_checked(system: System) -> None:
    _act(system, WARD, 3)
    with _no_checkpoint_file(system):
        assert _verify(system).ok
        ward_ids = _ids(system, _chain_ids(system)["ward_office/ward office 131016"])
        with _guards_dropped(system), system.engine.begin() as conn:
            conn.execute(
                text("UPDATE audit_log SET detail = 'x' WHERE id = :id"), {"id": ward_ids[0]}
            )
        assert _kinds(_verify(system)) == {"edited"}


@pytest.mark.usefixtures("cli_data_seeded")
def test_the_cli_checkpoints_and_names_what_it_finds(tmp_path: Path) -> None:
    import sqlite3

    from tests.integration.test_cli import _register, run

    assert _register(tmp_path).returncode == 0
    done = run(["audit", "checkpoint"], tmp_path)
    assert done.returncode == 0 and "checkpoint 1:" in done.stdout, done.stderr
    assert run(["audit", "verify"], tmp_path).returncode == 0
    database = sqlite3.connect(tmp_path / "mynumber.sqlite3")
    with database:
        database.execute("DROP TRIGGER audit_log_no_delete")
        database.execute("DELETE FROM audit_log")
        database.execute(f"UPDATE audit_head SET last_seq = 0, last_hash = '{'0' * 64}'")
    database.close()
    done = run(["audit", "verify"], tmp_path)
    assert done.returncode == 1 and done.stderr.startswith("error: truncated: the log was emptied")
