"""Signed checkpoints of the audit log, kept outside the database (監査ログのチェックポイント).

In the spirit of Certificate Transparency's signed tree heads: now and then the service signs
the chains' heads — each one's number of entries and last hash — with an Ed25519 key from the
key ring, with the time and the total, and appends that line to a file that only grows
(``Settings.audit_checkpoint_file``, mode 0600). Each line also carries the hash of the line
before it, so a line taken out of the file shows too.

A line names only the chains whose head moved since the line before it (the first names them
all); what a checkpoint signs is every chain's head as of that line, the lines folded in order.
With ten thousand clinics each writing its own chain, a line with every head was a megabyte,
written every thousand entries (about once a second at the morning peak) by each server
process, each time holding the interpreter for ~100 ms in the middle of its requests; the file
grew by gigabytes a day (docs/scale.md).

Someone who can write the database but neither holds the key nor can write that file can
then no longer cut a chain's tail, empty the table or rewrite a chain unseen:
``verify_log`` checks the database's chains against the latest checkpoint.

The service writes a checkpoint when it starts (if the log moved while it was down), every
``Settings.audit_checkpoint_every`` entries while it runs (``AuditCheckpointer``, a thread of
its own), and when it stops; ``mynumber audit checkpoint`` writes one on demand.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import json
import os
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from sqlalchemy.orm import Session

from mynumber.services.core import audit_chain
from mynumber.services.core.audit_chain import (
    GENESIS,
    ChainReport,
    Finding,
    SignedHead,
    verify_chain,
)


@dataclass(frozen=True)
class Checkpoint:
    """One signed line: the heads of every chain at ``at``."""

    number: int
    at: str
    entries: int
    heads: dict[int, SignedHead]
    """Every chain's head as of this line (the lines up to it, folded)."""


@dataclass
class _Folded:
    """The file as far as it was read: up to byte ``end``, every chain's latest signed head,
    the last line and its number."""

    end: int = 0
    heads: dict[int, SignedHead] = field(default_factory=dict)
    last: bytes = b""
    number: int = 0

    def fold(self, raw: bytes, body: dict[str, Any]) -> None:
        # All read before anything changes: a line that is not a whole checkpoint folds none
        # of its heads in (``take``).
        heads, number = _heads(body), int(body["n"])
        self.heads.update(heads)
        self.last, self.number = raw, number

    def take(self, raw: bytes) -> None:
        """A line read from the file. One that is no checkpoint (torn by a crash in the
        middle of an append, or damaged) stays for ``read`` to report and adds no heads;
        the next line follows it (its hash), numbered after the last whole one."""
        try:
            body = json.loads(raw)
            self.fold(raw, body)
        except (ValueError, KeyError, TypeError):
            self.last = raw


class NoLineBefore(Exception):
    """Only the heads that moved were given, and the file has no line to say the others."""


class CheckpointFile:
    """The append-only file of signed checkpoints, with the key that signs them."""

    def __init__(self, path: Path, signing_seed: bytes) -> None:
        self.path = path
        self._key = Ed25519PrivateKey.from_private_bytes(signing_seed)
        self.public_key: Ed25519PublicKey = self._key.public_key()
        self._folded = _Folded()

    @property
    def public_key_hex(self) -> str:
        return self.public_key.public_bytes(Encoding.Raw, PublicFormat.Raw).hex()

    def append(
        self, heads: list[audit_chain.Head], at: dt.datetime, *, every_chain: bool = True
    ) -> Checkpoint:
        """Sign ``heads`` and append the line of those that moved (under an exclusive lock of
        the file: several server processes may write). ``heads``: every chain's, or (not
        ``every_chain``) those that may have moved since the file's last line, the others
        standing as it signed them; ``NoLineBefore`` if the file has none."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
        with os.fdopen(fd, "r+b") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            folded = self._caught_up(fh)
            if not every_chain and not folded.number:
                raise NoLineBefore(str(self.path))
            given = {h.id: SignedHead(h.chain, h.seq, h.hash) for h in heads}
            moved = {i: h for i, h in given.items() if folded.heads.get(i) != h}
            signing = given if every_chain else {**folded.heads, **moved}
            body: dict[str, Any] = {
                "v": 1,
                "n": folded.number + 1,
                "at": at.astimezone(dt.UTC).isoformat(),
                "entries": sum(h.seq for h in signing.values()),
                "heads": [[i, h.chain, h.seq, h.hash] for i, h in moved.items()],
                "prev": hashlib.sha256(folded.last).hexdigest() if folded.last else GENESIS,
                "key": self.public_key_hex,
            }
            body["sig"] = self._key.sign(_signed_bytes(body)).hex()
            raw = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
            fh.write(raw + b"\n")
            fh.flush()
            os.fsync(fh.fileno())
            folded.fold(raw, body)
            folded.end = fh.tell()
        return _checkpoint(body, dict(folded.heads))

    def _caught_up(self, fh: Any) -> _Folded:
        """What this file object last read, with the lines appended since (by another
        process) folded in; from the start if the file is new to it or was replaced."""
        end = fh.seek(0, os.SEEK_END)
        if end < self._folded.end:
            self._folded = _Folded()
        folded = self._folded
        fh.seek(folded.end)
        for line in fh:  # a line at a time: a file of the old, full lines runs to gigabytes
            if not line.endswith(b"\n"):  # the last, torn by a crash: ended, so the next
                fh.write(b"\n")  # line does not run on from it
            raw = line.rstrip(b"\n")
            if raw:
                folded.take(raw)
        folded.end = fh.seek(0, os.SEEK_END)
        return folded

    def latest_entries(self) -> int:
        """The entries the file's last line counts (-1: no line), without verifying it."""
        if not self.path.exists():
            return -1
        with self.path.open("rb") as fh:
            last = _last_line(fh)
        try:
            return int(json.loads(last)["entries"]) if last else -1
        except (ValueError, KeyError, TypeError):
            return -1

    def read(self) -> tuple[list[Checkpoint], list[Finding]]:
        """Every checkpoint whose signature and link verify, and a finding for each line
        that does not (a line edited, forged, or taken out)."""
        if not self.path.exists():
            return [], []
        checkpoints: list[Checkpoint] = []
        findings: list[Finding] = []
        previous: bytes | None = None
        signed: dict[int, SignedHead] = {}
        with self.path.open("rb") as fh:
            for number, line in enumerate(fh, start=1):
                raw = line.rstrip(b"\n")
                problem = self._problem(raw, previous, len(checkpoints) + 1)
                if problem:
                    findings.append(
                        Finding("checkpoint", f"checkpoint file line {number}: {problem}")
                    )
                else:
                    body = json.loads(raw)
                    # A line that does not verify adds nothing: the heads before it stand.
                    signed.update(_heads(body))
                    checkpoints.append(_checkpoint(body, dict(signed)))
                previous = raw
        return checkpoints, findings

    def _problem(self, raw: bytes, previous: bytes | None, expected_number: int) -> str:
        try:
            body = json.loads(raw)
            signature = bytes.fromhex(body.pop("sig"))
            self.public_key.verify(signature, _signed_bytes(body))
        except InvalidSignature:
            return "its signature does not verify (edited or forged)"
        except (ValueError, KeyError, TypeError, AttributeError):
            return "it is not a signed checkpoint"
        expected_prev = hashlib.sha256(previous).hexdigest() if previous else GENESIS
        if body.get("prev") != expected_prev:
            return "it does not follow the line before it (a line was removed or moved)"
        if body.get("n") != expected_number:
            return f"it is number {body.get('n')}, expected {expected_number}"
        return ""


def _signed_bytes(body: dict[str, Any]) -> bytes:
    unsigned = {k: v for k, v in body.items() if k != "sig"}
    return json.dumps(unsigned, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def _heads(body: dict[str, Any]) -> dict[int, SignedHead]:
    """The heads one line names."""
    return {int(i): SignedHead(chain, seq, hash_) for i, chain, seq, hash_ in body["heads"]}


def _checkpoint(body: dict[str, Any], heads: dict[int, SignedHead]) -> Checkpoint:
    return Checkpoint(body["n"], body["at"], body["entries"], heads)


def _last_line(fh: Any) -> bytes:
    """The file's last line without its newline (empty for an empty file), read backwards
    a block at a time until a newline shows."""
    end = fh.seek(0, os.SEEK_END)
    blocks: list[bytes] = []
    position = end
    while position > 0:
        step = min(4096, position)
        position -= step
        fh.seek(position)
        block = fh.read(step)
        if position + step == end:
            block = block.rstrip(b"\n")
        newline = block.rfind(b"\n")
        if newline >= 0:
            blocks.append(block[newline + 1 :])
            break
        blocks.append(block)
    return b"".join(reversed(blocks)).rstrip(b"\n")


def write_checkpoint(session: Session, file: CheckpointFile, at: dt.datetime) -> Checkpoint:
    """Sign every chain's committed head now and append it to ``file``."""
    return file.append(audit_chain.heads(session), at)


def verify_log(session: Session, file: CheckpointFile, key: bytes) -> ChainReport:
    """The chains checked entry by entry and against the latest checkpoint that verifies,
    with what was found wrong in the checkpoint file itself."""
    checkpoints, file_findings = file.read()
    latest = checkpoints[-1] if checkpoints else None
    report = verify_chain(
        session,
        key=key,
        signed=latest.heads if latest else None,
        signed_at=latest.at if latest else None,
    )
    if not file_findings:
        return report
    return ChainReport(
        report.entries, report.chains, (*file_findings, *report.findings), report.checkpoint_at
    )


class AuditCheckpointer:
    """While the service runs: a checkpoint at start (if the log moved since the last one),
    every ``every`` entries (looked at each ``poll`` seconds) and at stop."""

    def __init__(
        self,
        reading: Callable[[], AbstractContextManager[Session]],
        file: CheckpointFile,
        clock: Callable[[], dt.datetime],
        *,
        every: int = 1000,
        poll: float = 1.0,
    ) -> None:
        self.reading, self.file, self.clock = reading, file, clock
        self.every, self.poll = every, poll
        self.written = -1
        """The entries the last checkpoint counted (-1: none read yet)."""
        self._since: int | None = None
        """PostgreSQL: the horizon taken before the last checkpoint's read of the heads."""
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self.written = self.file.latest_entries()
        self.round(force=True)
        self._thread = threading.Thread(target=self._run, name="audit-checkpointer", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self.round(force=True)

    def round(self, *, force: bool = False) -> bool:
        """Write a checkpoint if enough entries were added (any, with ``force``). After the
        first, on PostgreSQL, only the heads written since the last one's read are read
        (``audit_chain.heads_moved_since``)."""
        # Another server process may have written one meanwhile: one checkpoint per N
        # entries for the service, not one per process.
        self.written = max(self.written, self.file.latest_entries())
        with self.reading() as session:
            entries = audit_chain.entries_written(session)
            moved = entries - self.written
            if moved <= 0 or (moved < self.every and not force):
                return False
            horizon = audit_chain.horizon(session)  # before the read: nothing in flight lost
            self.written = self._checkpoint(session).entries
            self._since = horizon
        return True

    def _checkpoint(self, session: Session) -> Checkpoint:
        if self._since is not None:
            try:
                return self.file.append(
                    audit_chain.heads_moved_since(session, self._since),
                    self.clock(),
                    every_chain=False,
                )
            except NoLineBefore:  # the file was taken away: every head again
                pass
        return write_checkpoint(session, self.file, self.clock())

    def _run(self) -> None:
        while not self._stop.wait(self.poll):
            try:
                self.round()
            except Exception:  # the next round tries again; the log itself is intact
                continue
