"""Production means production: no demo data and no printed secret, and no start with a key
that is known (dev, published, patterned) or kept in a file others can read."""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx2
import pytest
from sqlalchemy import create_engine, func, select
from typer.testing import CliRunner

from mynumber.adapters.db.models import ApiToken, Person
from mynumber.adapters.db.models_card import Card
from mynumber.adapters.keys import unsafe_master_key
from mynumber.cli.main import app, start_up
from mynumber.config import ConfigurationError, Settings
from tests.conftest import TEST_MASTER_KEY
from tests.integration.forked_servers import forked_popen

_BASE_ENV = {
    "PATH": "/usr/bin:/bin",
    "COLUMNS": "200",
    "HOME": os.environ.get("HOME", "/tmp"),
    "PYTHONPATH": os.environ.get("PYTHONPATH", ""),
}


def _key_file(folder: Path, key: str, mode: int = 0o600) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "master.key"
    path.write_text(key + "\n")
    path.chmod(mode)
    return path


@dataclass
class _Done:
    returncode: int
    stdout: str
    stderr: str


def _mynumber(args: list[str], env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> _Done:
    """The command in this process (Typer's ``CliRunner``) under the production environment
    ``env``; ``serve`` cannot start a server here (it would answer on the port until the
    test's timeout): a refusal must come before it. The real ``serve`` process is
    ``test_production_serve_answers_and_printed_nothing_demo``."""
    import uvicorn

    def no_server(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("serve got as far as starting the server")

    for name in list(os.environ):
        if name.startswith("MYNUMBER_"):
            monkeypatch.delenv(name)
    monkeypatch.setattr(uvicorn, "run", no_server)
    result = CliRunner().invoke(
        app, args, env={"COLUMNS": "200", "MYNUMBER_MODE": "production", **env}
    )
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return _Done(result.exit_code, result.stdout, result.stderr)


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o660])
def test_a_key_file_open_to_group_or_others_is_refused(tmp_path: Path, mode: int) -> None:
    path = _key_file(tmp_path / "secrets", secrets.token_hex(32), mode)
    settings = Settings(mode="production", data_dir=tmp_path / "var", master_key_file=path)
    with pytest.raises(ConfigurationError, match="chmod 600"):
        settings.master_key_bytes()


def test_serve_refuses_a_world_readable_key_file_with_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _key_file(tmp_path / "secrets", secrets.token_hex(32), 0o644)
    done = _mynumber(
        ["serve", "--port", "1"],
        {"MYNUMBER_DATA_DIR": str(tmp_path / "var"), "MYNUMBER_MASTER_KEY_FILE": str(path)},
        monkeypatch,
    )
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "owner only" in lines[0] and "0644" in lines[0]
    assert not (tmp_path / "var" / "mynumber.sqlite3").exists()


def test_a_private_key_file_is_read(tmp_path: Path) -> None:
    key = secrets.token_hex(32)
    path = _key_file(tmp_path / "secrets", key)
    settings = Settings(mode="production", data_dir=tmp_path / "var", master_key_file=path)
    assert settings.master_key_bytes() == bytes.fromhex(key)


def test_serve_refuses_the_dev_key_made_by_an_earlier_dev_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "var"
    Settings(mode="dev", data_dir=data).master_key_bytes()  # what a dev start does first
    assert (data / "dev-master.key").exists()
    dev_key = (data / "dev-master.key").read_text().strip()
    for env in (
        {"MYNUMBER_MASTER_KEY": dev_key},
        {"MYNUMBER_MASTER_KEY_FILE": str(data / "dev-master.key")},
    ):
        done = _mynumber(
            ["serve", "--port", "1"], {"MYNUMBER_DATA_DIR": str(data), **env}, monkeypatch
        )
        assert done.returncode == 2, done.stdout
        assert "dev-mode key" in done.stderr and len(done.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("key", [TEST_MASTER_KEY, "00" * 32, "ab" * 32, "0123456789abcdef" * 4])
def test_published_and_patterned_keys_are_refused_in_production_only(
    tmp_path: Path, key: str
) -> None:
    with pytest.raises(ConfigurationError, match="cannot be used in production"):
        Settings(mode="production", data_dir=tmp_path, master_key=key).master_key_bytes()
    assert Settings(mode="dev", data_dir=tmp_path, master_key=key).master_key_bytes()


def test_a_random_key_is_not_called_unsafe() -> None:
    for _ in range(200):
        assert unsafe_master_key(secrets.token_bytes(32)) is None


def _count(url: str, model: type) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.scalar(select(func.count()).select_from(model)) or 0)
    finally:
        engine.dispose()


def test_production_start_up_makes_no_demo_data_and_prints_no_secret(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _key_file(tmp_path / "secrets", secrets.token_hex(32))
    settings = Settings(
        mode="production", database_url=db_url, data_dir=tmp_path / "var", master_key_file=path
    )
    start_up(settings, "http://127.0.0.1:8000").close()
    printed = capsys.readouterr()
    assert "Production mode" in printed.out
    for secret in ("token", "Token", "PIN", "Demo", "demo"):
        assert secret not in printed.out + printed.err
    for model in (ApiToken, Person, Card):
        assert _count(db_url, model) == 0, model


def test_dev_start_up_still_makes_the_demo_world(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The contrast that shows the production test measures something."""
    settings = Settings(
        mode="dev", database_url=db_url, data_dir=tmp_path / "var", master_key=secrets.token_hex(32)
    )
    start_up(settings, "http://127.0.0.1:8000").close()
    assert "Demo API tokens" in capsys.readouterr().out
    assert _count(db_url, ApiToken) > 0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_production_serve_answers_and_printed_nothing_demo(tmp_path: Path) -> None:
    data = tmp_path / "var"
    path = _key_file(tmp_path / "secrets", secrets.token_hex(32))
    port = _free_port()
    environ = {
        **_BASE_ENV,
        "MYNUMBER_MODE": "production",
        "MYNUMBER_DATA_DIR": str(data),
        "MYNUMBER_MASTER_KEY_FILE": str(path),
    }
    # Forked from an interpreter that imported the project once (``forked_servers``: the
    # forkserver the worker's other servers come from), not a fresh one: ~1.5 s of CPU less.
    # Still a process of its own on its own port, in this environment only, stopped by
    # SIGTERM, its outputs apart; a fresh interpreter's start is ``test_cli``'s.
    server = forked_popen(
        [sys.executable, "-m", "mynumber.cli", "serve", "--port", str(port)],
        env=environ,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        health = None
        while time.monotonic() < deadline and server.poll() is None:
            try:
                health = httpx2.get(f"http://127.0.0.1:{port}/health", timeout=1)
                break
            except httpx2.TransportError:
                time.sleep(0.2)
        assert health is not None and health.status_code == 200
        assert health.headers["cache-control"] == "no-store"
    finally:
        server.terminate()
        out, err = server.communicate(timeout=30)
    assert "Production mode" in out
    for secret in ("token", "PIN", "Demo", "demo"):
        assert secret not in out + err
    url = f"sqlite:///{data / 'mynumber.sqlite3'}"
    assert _count(url, ApiToken) == 0 and _count(url, Person) == 0
