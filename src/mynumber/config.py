"""One settings object, read from ``MYNUMBER_*`` environment variables.

Nothing is built at import time: call ``get_settings()`` (cached) or construct ``Settings``
directly in tests. In ``dev`` mode a missing master key is made once and kept in
``var/dev-master.key`` (and the service says so). In ``production`` mode the key must be given
(``MYNUMBER_MASTER_KEY`` or ``MYNUMBER_MASTER_KEY_FILE``), must not be the dev key or a
published or patterned one, and a key file must be readable by its owner only: anything else
is a start-up error.
"""

from __future__ import annotations

import os
import secrets
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic_settings import BaseSettings, SettingsConfigDict

if TYPE_CHECKING:
    from mynumber.adapters.keys import KeyFile


class ConfigurationError(RuntimeError):
    """The service cannot start with this configuration."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MYNUMBER_", extra="ignore")

    mode: Literal["dev", "production"] = "dev"
    database_url: str = ""
    chip_database_url: str = ""
    data_dir: Path = Path("var")
    master_key: str = ""
    """64 hex characters (32 bytes). Every other key is derived from it with HKDF."""
    master_key_file: Path | None = None
    """A file holding the master key (64 hex characters), mode 0600: production's usual way,
    so the key is not in the process environment."""
    host: str = "127.0.0.1"
    port: int = 8000
    public_base_url: str = ""
    """The address people and certificates reach the service at (certificate CRL and OCSP
    URLs, the letter's QR code). Empty: derived from ``host`` and ``port``."""
    metrics_token: str = ""
    """The bearer token Prometheus sends to ``/metrics``; empty: the metrics are not served
    (docs/security.md, "The operator's view")."""
    audit_checkpoint_file: Path | None = None
    """Where the audit log's signed checkpoints are appended; outside the database on
    purpose (default ``<data_dir>/audit-checkpoints.jsonl``)."""
    audit_checkpoint_every: int = 1000
    """While serving, a checkpoint once this many entries have been added since the last."""
    contact_office: str = ""
    """Who the public pages name for questions (the deploying municipality's counter); when
    empty, the pages say "the My Number counter of your ward office" in the reader's
    language."""
    contact_phone: str = ""
    contact_email: str = ""
    office_hours: str = "8:30–17:15"
    """The counter's hours on open days (the closed days are the rule's:
    ``timelines.is_business_day``)."""
    sandbox: bool = False
    """The integrators' sandbox (``mynumber serve --sandbox``): a clock the sandbox admin
    moves, virtual cards driven over HTTP, organisations made over the API. Never in
    production mode."""

    def for_sandbox(self) -> Settings:
        """These settings in sandbox mode, with data of their own (``<data_dir>/sandbox``:
        its database, keys and CA) unless a database is named; refused in production mode."""
        if self.mode == "production":
            raise ConfigurationError(
                "The sandbox never runs in production mode: unset MYNUMBER_MODE=production."
            )
        return self.model_copy(update={"sandbox": True, "data_dir": self.data_dir / "sandbox"})

    def resolved_public_base_url(self) -> str:
        """``public_base_url`` if set, else ``http://<host>:<port>`` (a wildcard host is
        reached at the loopback address), so ``serve --port 18801`` writes port 18801 into
        certificates and letters."""
        if self.public_base_url:
            return self.public_base_url.rstrip("/")
        host = "127.0.0.1" if self.host in ("0.0.0.0", "::", "") else self.host
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{self.port}"

    def resolved_audit_checkpoint_file(self) -> Path:
        """The checkpoint file: the configured path, or one beside the embedded database."""
        return self.audit_checkpoint_file or self.data_dir / "audit-checkpoints.jsonl"

    def resolved_database_url(self) -> str:
        """The configured URL, or the embedded SQLite file under ``data_dir``."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'mynumber.sqlite3').as_posix()}"

    def resolved_chip_database_url(self) -> str:
        """Where the chips' PIN try counters live (the chips' state is in the register's
        database and transaction: docs/architecture.md, "Card and register: all or nothing").

        A wrong PIN counts even when its request fails, so the counters are written in short
        transactions of their own, beside the request's. On PostgreSQL, the same database
        (through a pool of their own). SQLite allows one writer at a time, so a try written
        while a unit of work is open would wait for it: there the counters get a file of their
        own (which also held the whole chips before; they are moved over at start).
        """
        if self.chip_database_url:
            return self.chip_database_url
        url = self.resolved_database_url()
        if not url.startswith("sqlite"):
            return url
        path = url.split("///", 1)[1]
        stem = path[: -len(".sqlite3")] if path.endswith(".sqlite3") else path
        return f"sqlite:///{stem}-chips.sqlite3"

    def master_key_bytes(self) -> bytes:
        """The master key; in dev mode made (and kept) on first use. In production mode a
        key known to be unsafe is refused (``adapters.keys.unsafe_master_key``)."""
        if self.master_key_file is not None:
            key = _key_from_file(self.master_key_file)
        elif self.master_key:
            key = _parse_key(self.master_key)
        elif self.mode == "production":
            raise ConfigurationError(
                "MYNUMBER_MASTER_KEY is required in production mode (64 hex characters), "
                "or MYNUMBER_MASTER_KEY_FILE naming a file that holds it."
            )
        else:
            return _dev_master_key(self.data_dir)
        if self.mode == "production":
            _refuse_unsafe(key, self.data_dir)
        return key

    def master_key_path(self) -> Path | None:
        """The file the master key and its versions live in (``mynumber keys rotate`` writes
        there); ``None`` when it is given in ``MYNUMBER_MASTER_KEY``."""
        if self.master_key_file is not None:
            return self.master_key_file
        if self.master_key or self.mode == "production":
            return None
        return self.data_dir / "dev-master.key"

    def key_file(self) -> KeyFile:
        """The master keys with every version (``adapters.keys.KeyFile``), checked as
        ``master_key_bytes`` checks them."""
        from mynumber.adapters.keys import KeyFile, KeyFileError, MasterKeys

        root = self.master_key_bytes()
        path = self.master_key_path()
        if path is None:
            return KeyFile(MasterKeys.single(root))
        try:
            return KeyFile.load(path)
        except (OSError, KeyFileError) as exc:
            raise ConfigurationError(f"The master key file {path} cannot be read: {exc}.") from None


def _parse_key(text: str) -> bytes:
    try:
        key = bytes.fromhex(text.strip())
    except ValueError:
        raise ConfigurationError("MYNUMBER_MASTER_KEY must be hexadecimal.") from None
    if len(key) != 32:
        raise ConfigurationError("MYNUMBER_MASTER_KEY must be 32 bytes (64 hex characters).")
    return key


def _root_in_file(text: str) -> bytes:
    """The root key of a key file: its one key, or its ``root`` line once it has versions
    (``adapters.keys.parse_key_file``)."""
    from mynumber.adapters.keys import KeyFileError, parse_key_file

    if len(text.split()) == 1:
        return _parse_key(text)  # from before versions: the messages it always gave
    try:
        return parse_key_file(text).root
    except KeyFileError as exc:
        raise ConfigurationError(f"The master key file cannot be read: {exc}.") from None


def _key_from_file(path: Path) -> bytes:
    """The key in ``path``, which must be readable by its owner only."""
    from mynumber.adapters.keys import readable_by_others

    try:
        mode = path.stat().st_mode
        text = path.read_text()
    except OSError as exc:
        raise ConfigurationError(
            f"MYNUMBER_MASTER_KEY_FILE {path} cannot be read ({exc.strerror})."
        ) from None
    if readable_by_others(mode):
        raise ConfigurationError(
            f"MYNUMBER_MASTER_KEY_FILE {path} is open to group or others (mode "
            f"{mode & 0o777:04o}): make it readable by its owner only (chmod 600)."
        )
    return _root_in_file(text)


def _refuse_unsafe(key: bytes, data_dir: Path) -> None:
    from mynumber.adapters.keys import unsafe_master_key

    dev_path = data_dir / "dev-master.key"
    try:
        dev_key: bytes | None = _root_in_file(dev_path.read_text())
    except (OSError, ConfigurationError):
        dev_key = None
    reason = unsafe_master_key(key, dev_key=dev_key)
    if reason is not None:
        raise ConfigurationError(
            f"The master key cannot be used in production mode: {reason}. "
            "Make a new one (python -c 'import secrets; print(secrets.token_hex(32))')."
        )


def _dev_master_key(data_dir: Path) -> bytes:
    path = data_dir / "dev-master.key"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
        print(f"dev mode: made a new master key in {path} (never use dev mode in production)")
    return _root_in_file(path.read_text())


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings; tests build their own ``Settings`` instead."""
    return Settings()
