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
from types import FrameType
from typing import Annotated

import typer

from mynumber.adapters.vpcd import VPCD_HOST, VPCD_PORT
from mynumber.cli.support import command_system, console, one_line_errors

app = typer.Typer(
    help="The virtual card reader (vpcd): cards for PC/SC software.", no_args_is_help=True
)


def _stop_on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


@app.command()
@one_line_errors
def insert(
    card: Annotated[str, typer.Argument(help="The card's serial number")],
    host: Annotated[str, typer.Option(help="Where vpcd listens")] = VPCD_HOST,
    port: Annotated[int, typer.Option(help="vpcd's port (its first slot)")] = VPCD_PORT,
    wait: Annotated[float, typer.Option(help="Seconds to wait for the reader")] = 10.0,
) -> None:
    """Put card CARD in the vpcd virtual reader until Ctrl-C."""
    from mynumber.adapters.vpcd import VpcdBridge
    from mynumber.card.apdu import JpkiCard
    from mynumber.card.chip import Chip

    services = command_system().services
    services.chips.load(card)  # NotFound, before touching the reader
    bridge = VpcdBridge(
        JpkiCard(Chip(services.chips, card, chip_key=services.keys.chip_key)), host=host, port=port
    )
    bridge.connect(timeout=wait)
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    console.print(
        f"card {card} is in the virtual reader (vpcd {host}:{port}); Ctrl-C takes it out",
        highlight=False,
    )
    try:
        bridge.serve()
    except KeyboardInterrupt:
        pass
    finally:
        bridge.remove()
    console.print(f"card {card} removed", highlight=False)
