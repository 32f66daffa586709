"""One settings object, read from ``MYNUMBER_*`` environment variables.

Nothing is built at import time: call ``get_settings()`` (cached) or construct ``Settings``
directly in tests. In ``dev`` mode a missing master key is made once and kept in
``var/dev-master.key`` (and the service says so); in ``production`` mode it is a start-up error.
"""

from __future__ import annotations

import os
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic_settings import BaseSettings, SettingsConfigDict


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
    host: str = "127.0.0.1"
    port: int = 8000
    public_base_url: str = "http://127.0.0.1:8000"

    def resolved_database_url(self) -> str:
        """The configured URL, or the embedded SQLite file under ``data_dir``."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'mynumber.sqlite3').as_posix()}"

    def resolved_chip_database_url(self) -> str:
        """Where the card store (the chips) lives.

        On PostgreSQL, the same database: chip operations run in their own short transactions
        beside the caller's. SQLite allows one writer at a time, so a chip acting while a unit
        of work is open would wait for it: there the chips get a file of their own (they stand
        for the residents' pockets, not the register).
        """
        if self.chip_database_url:
            return self.chip_database_url
        url = self.resolved_database_url()
        if not url.startswith("sqlite"):
            return url
        path = url.split("///", 1)[1]
        stem = path[:-len(".sqlite3")] if path.endswith(".sqlite3") else path
        return f"sqlite:///{stem}-chips.sqlite3"

    def master_key_bytes(self) -> bytes:
        """The master key; in dev mode made (and kept) on first use."""
        if self.master_key:
            return _parse_key(self.master_key)
        if self.mode == "production":
            raise ConfigurationError(
                "MYNUMBER_MASTER_KEY is required in production mode (64 hex characters)."
            )
        return _dev_master_key(self.data_dir)


def _parse_key(text: str) -> bytes:
    try:
        key = bytes.fromhex(text.strip())
    except ValueError:
        raise ConfigurationError("MYNUMBER_MASTER_KEY must be hexadecimal.") from None
    if len(key) != 32:
        raise ConfigurationError("MYNUMBER_MASTER_KEY must be 32 bytes (64 hex characters).")
    return key


def _dev_master_key(data_dir: Path) -> bytes:
    path = data_dir / "dev-master.key"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
        print(f"dev mode: made a new master key in {path} (never use dev mode in production)")
    return _parse_key(path.read_text())


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings; tests build their own ``Settings`` instead."""
    return Settings()
