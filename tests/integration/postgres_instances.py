"""PostgreSQL servers of a test's own: made with ``initdb``, run as the test's child processes.

For ``test_multi_server.py`` (docs/scale.md, "Beyond one machine"): a primary, its streaming
replica (``pg_basebackup -R``) and a second primary, each on a free port under a temporary
folder, stopped by the test (and at its end whatever happened). Run as root (as on this
machine), the servers run as the ``postgres`` user: PostgreSQL refuses to run as root.
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg

PG_BIN = Path(os.environ.get("MYNUMBER_PG_BIN", "/usr/lib/postgresql/15/bin"))
PROGRAMS = ("initdb", "postgres", "pg_basebackup", "pg_config")
STARTUP = 60.0
"""Seconds a server may take to accept connections (a loaded machine: several seconds)."""


def missing() -> str | None:
    """Why servers cannot be made here (None: they can)."""
    absent = [name for name in PROGRAMS if not (PG_BIN / name).is_file()]
    if absent:
        return f"PostgreSQL server programs not found in {PG_BIN}: {', '.join(absent)}"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root and there is no 'postgres' user to run the servers as"
    sharedir = subprocess.run(
        [str(PG_BIN / "pg_config"), "--sharedir"], capture_output=True, text=True, check=True
    ).stdout.strip()
    if not (Path(sharedir) / "extension" / "postgres_fdw.control").is_file():
        return f"the postgres_fdw extension is not installed ({sharedir}/extension)"
    return None


def _as_owner() -> dict[str, Any]:
    """Popen's arguments to run a server program as ``postgres`` when we are root."""
    if os.geteuid() != 0:
        return {}
    owner = pwd.getpwnam("postgres")
    return {"user": owner.pw_uid, "group": owner.pw_gid, "extra_groups": []}


def _hand_over(path: Path) -> None:
    if os.geteuid() == 0:
        owner = pwd.getpwnam("postgres")
        os.chown(path, owner.pw_uid, owner.pw_gid)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Instance:
    """One PostgreSQL server (a data directory and, while it runs, its postmaster)."""

    name: str
    folder: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def data(self) -> Path:
        return self.folder / self.name

    @property
    def log(self) -> Path:
        return self.folder / f"{self.name}.log"

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def conninfo(self, database: str = "postgres") -> str:
        return f"host=127.0.0.1 port={self.port} user=postgres dbname={database}"

    def initdb(self) -> None:
        _run(
            self.folder,
            "initdb",
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C",
            "--no-sync",
        )

    def fresh_copy_of(self, other: Instance) -> None:
        """This instance's data: a copy of ``other``'s fresh, stopped ``initdb`` (one initdb
        for two independent primaries: each takes seconds on a loaded machine)."""
        _run(self.folder, "cp", "-a", str(other.data), str(self.data))

    def base_backup_of(self, primary: Instance) -> None:
        """This instance's data: a copy of ``primary``'s, set to stream from it (``-R``)."""
        _run(
            self.folder,
            "pg_basebackup",
            "-h",
            "127.0.0.1",
            "-p",
            str(primary.port),
            "-U",
            "postgres",
            "-D",
            str(self.data),
            "-R",
            "--wal-method=stream",
            "--checkpoint=fast",
            "--no-sync",
        )

    def start(self) -> None:
        """Start the postmaster and wait until it accepts connections."""
        self.launch()
        self.ready()

    def launch(self) -> None:
        """Start the postmaster, without waiting (``ready`` waits): servers start side by side."""
        settings = {
            "listen_addresses": "127.0.0.1",
            "unix_socket_directories": str(self.folder),
            "fsync": "off",  # a test's throw-away data; nothing here measures durability
            "shared_buffers": "16MB",
            "max_connections": "40",
        }
        args = [str(PG_BIN / "postgres"), "-D", str(self.data), "-p", str(self.port)]
        for key, value in settings.items():
            args += ["-c", f"{key}={value}"]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                args,
                cwd=self.folder,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                **_as_owner(),
            )

    def ready(self) -> None:
        """Wait until the launched postmaster accepts connections."""
        assert self.process is not None, f"{self.name} was not launched"
        deadline = time.monotonic() + STARTUP
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited at start:\n{self.log_tail()}")
            try:
                psycopg.connect(self.conninfo(), connect_timeout=2).close()
                return
            except psycopg.OperationalError as refused:
                if time.monotonic() > deadline:
                    raise TimeoutError(
                        f"{self.name} not up in {STARTUP} s:\n{self.log_tail()}"
                    ) from refused
                time.sleep(0.05)

    def stop(self) -> None:
        """Fast shutdown (SIGINT: sessions ended, a clean checkpoint); killed if it hangs."""
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=STARTUP)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def log_tail(self) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-20:])


@dataclass
class Servers:
    """The test's instances under one temporary folder (removed with them at ``close``)."""

    folder: Path
    instances: list[Instance] = field(default_factory=list)

    @classmethod
    def make(cls, parent: Path) -> Servers:
        # Not pytest's tmp_path: its parents are private to root, and the servers run as postgres.
        folder = parent / f"mynumber-servers-{os.getpid()}-{free_port()}"
        folder.mkdir(mode=0o700)
        _hand_over(folder)
        return cls(folder)

    def new(self, name: str) -> Instance:
        instance = Instance(name, self.folder)
        self.instances.append(instance)
        return instance

    def close(self) -> None:
        for instance in reversed(self.instances):
            instance.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


def _run(folder: Path, program: str, *args: str) -> None:
    command = str(PG_BIN / program) if (PG_BIN / program).is_file() else program
    done = subprocess.run(
        [command, *args], cwd=folder, capture_output=True, text=True, **_as_owner()
    )
    if done.returncode != 0:
        raise RuntimeError(f"{program} failed ({done.returncode}):\n{done.stdout}{done.stderr}")
