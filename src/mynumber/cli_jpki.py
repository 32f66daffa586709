"""`mynumber reader …` — put a card in the vpcd virtual reader (カードリーダーに挿す).

``mynumber reader insert CARD`` loads card CARD (its serial) from the configured card store and
connects it to the ``vsmartcard-vpcd`` reader that ``pcscd`` loads (127.0.0.1:35963 by
default), so software no one on this team wrote — OpenSC, e-Tax software, browsers — reads it,
checks its PINs and signs with it, over PC/SC and the JPKI command set
(``mynumber.card.apdu``). The card stays in until Ctrl-C (or SIGTERM) or until pcscd closes
the connection. The same PIN counters, keys and data as every other use of the card.
"""

from __future__ import annotations

import signal
from collections.abc import Callable
from functools import wraps
from types import FrameType
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console

from mynumber.adapters.vpcd import VPCD_HOST, VPCD_PORT
from mynumber.config import ConfigurationError, Settings
from mynumber.domain.errors import MyNumberError

app = typer.Typer(help="The virtual card reader (vpcd): cards for PC/SC software.",
                  no_args_is_help=True)
console = Console()
err = Console(stderr=True)

F = TypeVar("F", bound=Callable[..., Any])


def _one_line_errors(func: F) -> F:
    """Rule errors print one line on stderr and exit 1 (as ``mynumber.cli`` does)."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except MyNumberError as exc:
            err.print(f"error: {exc.message_en} / {exc.message_ja}", highlight=False)
            raise typer.Exit(1) from None
        except ConfigurationError as exc:
            err.print(f"error: {exc}", highlight=False)
            raise typer.Exit(2) from None

    return wrapper  # type: ignore[return-value]


def _stop_on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


@app.command()
@_one_line_errors
def insert(
    card: Annotated[str, typer.Argument(help="The card's serial number")],
    host: Annotated[str, typer.Option(help="Where vpcd listens")] = VPCD_HOST,
    port: Annotated[int, typer.Option(help="vpcd's port (its first slot)")] = VPCD_PORT,
    wait: Annotated[float, typer.Option(help="Seconds to wait for the reader")] = 10.0,
) -> None:
    """Put card CARD in the vpcd virtual reader until Ctrl-C."""
    from mynumber.adapters.vpcd import VpcdBridge
    from mynumber.bootstrap import build_system
    from mynumber.card.apdu import JpkiCard
    from mynumber.card.chip import Chip

    services = build_system(Settings()).services
    services.chips.load(card)  # NotFound, before touching the reader
    bridge = VpcdBridge(JpkiCard(Chip(services.chips, card, chip_key=services.keys.chip_key)),
                        host=host, port=port)
    bridge.connect(timeout=wait)
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    console.print(f"card {card} is in the virtual reader (vpcd {host}:{port}); "
                  "Ctrl-C takes it out", highlight=False)
    try:
        bridge.serve()
    except KeyboardInterrupt:
        pass
    finally:
        bridge.remove()
    console.print(f"card {card} removed", highlight=False)
