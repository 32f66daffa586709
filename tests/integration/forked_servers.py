"""Server processes forked from an interpreter that imported the project once.

`bench eligibility` and `mynumber chaos` start their services as ``python -c …`` and
``python -m mynumber.cli serve …`` subprocesses: each a fresh interpreter importing the
project, uvicorn and FastAPI and building the app, ~1.5-2.5 s of CPU a start, most of what
those modules' servers cost in a test (eight starts in the benchmark's module, six in the
chaos runs). ``forked_subprocess`` stands in for the ``subprocess`` module those two use:
its ``Popen`` runs the same command line in a process forked from multiprocessing's
forkserver, which imported the project once (``PRELOAD``). The server is still a process of
its own, on its own port, with the environment and working folder it was given, killed and
stopped by signals; only the imports are done before the fork. What a fresh interpreter's
start does (the entry points, the imports) is run for real by ``test_cli``.

``forked_popen`` also starts the integrators' sandbox (``mynumber serve --sandbox``) and
``test_jpki_opensc``'s ``mynumber reader insert`` commands, whose outputs it gives back as
``Popen.communicate`` does (``PIPE``: temporary files read once the process has ended).

A forked process hashes the clerks' passwords as the tests' own process does
(``tests/staff_login.py``'s ``cheap_passwords``: Argon2id at its cheapest, the same rules and
hash format): the sandbox's start makes its eleven demo clerks, ~0.2 s of CPU each at the
product's cost, where no test of its logs in with them. It stretches the cards' PINs as the
process that forked it does (``tests/conftest.py``'s ``pins_stretched_cheaply``), so a card
made on one side of the fork is checked on the other.
"""

from __future__ import annotations

import multiprocessing
import os
import runpy
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from multiprocessing import forkserver
from pathlib import Path
from types import SimpleNamespace
from typing import IO, Any

from mynumber.card import pins

# What the servers import before they serve (and `bench enrol`'s workers, which share the
# forkserver: it is one per process).
PRELOAD = [
    "mynumber.bench.enrol",
    "mynumber.bench.eligibility",
    "mynumber.cli.main",
    "mynumber.api.app",
    "mynumber.demo.world",
    "uvicorn",
    "uvicorn.loops.uvloop",
    "uvicorn.protocols.http.httptools_impl",
    "uvicorn.lifespan.on",
    "tests.integration.forkserver_frozen",  # last: freezes what the others imported
]

_started_here = False


def _context() -> multiprocessing.context.ForkServerContext:
    """The forkserver context, its server started with ``PRELOAD``. The forkserver is one per
    process: one that `bench enrol` started earlier with its own module only is stopped first
    (no pool of it outlives its ``enrol``), or every fork would import the project again."""
    global _started_here
    context = multiprocessing.get_context("forkserver")
    server: Any = getattr(forkserver, "_forkserver", None)
    if not _started_here:
        if server is not None and getattr(server, "_forkserver_pid", None) is not None:
            server._stop()
        context.set_forkserver_preload(PRELOAD)
        _started_here = True
    return context


def ready() -> None:
    """Start the forkserver now (its imports), before a harness starts timing a server's start."""
    _context()
    forkserver.ensure_running()


def _run(
    argv: list[str],
    env: dict[str, str],
    cwd: str | None,
    out: str | None,
    err: str | None,
    pin_iterations: int,
) -> None:
    """In the forked process: what ``python argv[1:]`` would do, in ``env`` and ``cwd``, its
    standard output appended to the file ``out`` and its standard error to ``err`` (each
    inherited where ``None``), the clerks' passwords hashed at the tests' cost and the PINs
    stretched as the forking process stretches them (``pin_iterations``: the cards it made
    are checked here, and the other way round)."""
    from mynumber.services.core import staff
    from tests.staff_login import cheap_hasher

    staff.HASHER = cheap_hasher()
    pins.PBKDF2_ITERATIONS = pin_iterations
    os.environ.clear()
    os.environ.update(env)
    tempfile.tempdir = None  # TMPDIR as given, not as the forkserver found it
    if cwd is not None:
        os.chdir(cwd)
    # Both appended to one file where stderr is STDOUT: O_APPEND keeps each write whole.
    for path, target in ((out, 1), (err, 2)):
        if path is not None:
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            os.dup2(fd, target)
            os.close(fd)
    flag, what, *rest = argv[1:]
    if flag == "-c":
        sys.argv = ["-c", *rest]
        exec(compile(what, "<string>", "exec"), {"__name__": "__main__"})
    elif flag == "-m":
        sys.argv = [what, *rest]
        runpy.run_module(what, run_name="__main__", alter_sys=True)
    else:
        raise ValueError(f"not a command line this stands in for: {argv}")


class Forked:
    """The part of ``subprocess.Popen`` the two harnesses use, over a forked process."""

    def __init__(
        self,
        process: multiprocessing.process.BaseProcess,
        args: Sequence[str],
        piped: tuple[Path | None, Path | None] = (None, None),
        text: bool = False,
    ) -> None:
        self._process = process
        self.args = args
        self.pid = process.pid
        self._piped, self._text = piped, text

    @property
    def returncode(self) -> int | None:
        """As ``Popen``'s: the exit status, or minus the signal that ended it."""
        return self._process.exitcode

    def poll(self) -> int | None:
        return self._process.exitcode

    def wait(self, timeout: float | None = None) -> int:
        self._process.join(timeout)
        code = self._process.exitcode
        if code is None:
            raise subprocess.TimeoutExpired(list(self.args), timeout or 0)
        return code

    def send_signal(self, sig: int) -> None:
        if self._process.exitcode is None:
            os.kill(self._process.pid or 0, sig)

    def terminate(self) -> None:
        self._process.terminate()

    def kill(self) -> None:
        self._process.kill()

    def communicate(self, timeout: float | None = None) -> tuple[Any, Any]:
        """As ``Popen.communicate`` (no input): the piped outputs once the process ended."""
        self.wait(timeout)
        found: list[Any] = []
        for path in self._piped:
            data = path.read_bytes() if path is not None else None
            found.append(data.decode() if data is not None and self._text else data)
            if path is not None:
                path.unlink()
        return found[0], found[1]


def forked_popen(
    args: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    cwd: str | Path | None = None,
    stdout: IO[Any] | int | None = None,
    stderr: IO[Any] | int | None = None,
    text: bool = False,
) -> Forked:
    """``subprocess.Popen(args, env=…, cwd=…, stdout=…, stderr=…, text=…)``, forked. Each
    output is inherited (``None``), a file, or ``PIPE`` — a temporary file that
    ``communicate`` reads once the process has ended (no pipe reaches a forkserver's child);
    ``stderr`` may also be ``STDOUT``."""

    def target(stream: IO[Any] | int | None, name: str) -> tuple[str | None, Path | None]:
        if stream is None:
            return None, None
        if stream == subprocess.PIPE:
            handle, path = tempfile.mkstemp(prefix=f"forked-{name}-")
            os.close(handle)
            return path, Path(path)
        if isinstance(stream, int):
            raise ValueError("only PIPE, STDOUT (for stderr), a file or None are stood in for")
        return str(Path(stream.name).resolve()), None

    out, out_pipe = target(stdout, "out")
    if stderr == subprocess.STDOUT:
        err, err_pipe = out, None
    else:
        err, err_pipe = target(stderr, "err")
    process = _context().Process(
        target=_run,
        args=(
            list(args),
            dict(os.environ if env is None else env),
            None if cwd is None else str(cwd),
            out,
            err,
            pins.PBKDF2_ITERATIONS,
        ),
    )
    process.start()
    return Forked(process, args, (out_pipe, err_pipe), text)


forked_subprocess = SimpleNamespace(
    Popen=forked_popen,
    PIPE=subprocess.PIPE,
    STDOUT=subprocess.STDOUT,
    TimeoutExpired=subprocess.TimeoutExpired,
)
"""For ``monkeypatch.setattr(module, "subprocess", forked_subprocess)``."""
