"""What every `mynumber` command shares: the consoles and the one-line error rule.

A rule error prints one line on stderr — the field, then the English and Japanese
messages — and exits 1; a configuration error exits 2. Nothing half-done is kept: the
command's unit of work was not committed.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeVar

import click
import typer
from rich.console import Console

from mynumber.config import ConfigurationError, Settings
from mynumber.domain.errors import MyNumberError
from mynumber.services.core import audit

if TYPE_CHECKING:
    from mynumber.bootstrap import System

console = Console()
err = Console(stderr=True)

F = TypeVar("F", bound=Callable[..., Any])

EXIT_CODES: dict[type[Exception], int] = {MyNumberError: 1, ConfigurationError: 2}
"""The CLI's table from error kinds to exit codes (the API's is ``mynumber.http_status``):
every rule refusal exits 1, whatever HTTP status the API gives it; a configuration error 2."""
T = TypeVar("T")


def one_line_errors(func: F) -> F:
    """Turn rule and configuration errors into one line and a non-zero exit."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except MyNumberError as exc:
            field = exc.details.get("field")
            prefix = f"{field}: " if field else ""
            err.print(
                f"error: {prefix}{exc.message_en} / {exc.message_ja}",
                highlight=False,
                soft_wrap=True,
            )
            raise typer.Exit(EXIT_CODES[MyNumberError]) from None
        except ConfigurationError as exc:
            err.print(f"error: {exc}", highlight=False, soft_wrap=True)
            raise typer.Exit(EXIT_CODES[ConfigurationError]) from None

    return wrapper  # type: ignore[return-value]


def run_use_case(system: Any, call: Callable[[Any, Any], T]) -> T:
    """Run one use case as the pages do (``audit.run_use_case``: committed, or nothing kept
    and a refusal audited)."""
    return audit.run_use_case(system, call)


def command_system() -> System:
    """The system of ``Settings()`` for one command, closed when the command ends (what each
    command group's ``_system`` is: tests put a system of their own in its place)."""
    from mynumber.bootstrap import build_system  # not at import: ``--help`` needs none of it

    return closed_with_command(build_system(Settings()))


def closed_with_command(system: System) -> System:
    """``system``, closed when the running command ends (its context closes: after the
    command returns or fails); outside a command, the caller's to close."""
    context = click.get_current_context(silent=True)
    if context is not None:
        context.call_on_close(system.close)
    return system
