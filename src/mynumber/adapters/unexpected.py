"""Logging a bug: its traceback, never its message.

An unexpected error is logged with every frame of its traceback (and of its causes) so it can
be found and fixed, but with the exception's message withheld: a message may quote the input
(``int('1234 5678 9012')``, a database error's parameters), and the input may be a My Number.
"""

from __future__ import annotations

import logging
import traceback


def traceback_without_messages(exc: BaseException) -> str:
    """The traceback of ``exc`` and its causes (innermost first, as Python prints a chain):
    frames and exception classes, no messages."""
    blocks: list[str] = []
    link: traceback.TracebackException | None = traceback.TracebackException.from_exception(exc)
    while link is not None:
        kind = link.exc_type
        name = f"{kind.__module__}.{kind.__qualname__}" if kind else "?"
        frames = "".join(link.stack.format())
        blocks.append(f"Traceback (most recent call last):\n{frames}{name} (message withheld)\n")
        link = link.__cause__ or (None if link.__suppress_context__ else link.__context__)
    return "".join(reversed(blocks))


def log_unexpected(log: logging.Logger, exc: BaseException, *, where: str) -> None:
    """Log a bug at ERROR with its traceback (see the module's docstring)."""
    log.error(
        "unexpected error on %s: %s\n%s", where, type(exc).__name__, traceback_without_messages(exc)
    )
