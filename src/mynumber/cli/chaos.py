"""`mynumber chaos` — the fault harness (``mynumber.chaos``): the service killed at random
moments under traffic, restarted, and its invariants checked after every round. Prints each
violation on a line of its own, then one line of totals; exits 1 if anything was violated."""

from __future__ import annotations

from typing import Annotated

import typer

from mynumber.chaos import FAULT_AFTER
from mynumber.cli.support import console, one_line_errors
from mynumber.domain.errors import invalid


@one_line_errors
def chaos(
    seconds: Annotated[
        float, typer.Option(help="Start no new round after this long (at least one round is run)")
    ] = 60.0,
    database_url: Annotated[
        str,
        typer.Option(
            help="PostgreSQL server (a fresh database is made there and dropped); SQLite if empty"
        ),
    ] = "",
    rounds: Annotated[int, typer.Option(help="At most this many rounds")] = 1000,
    threads: Annotated[int, typer.Option(help="Clients sending at once")] = 4,
    cards: Annotated[int, typer.Option(help="Cards made to wait at the counter per round")] = 4,
    seed: Annotated[int | None, typer.Option(help="Random seed (faults, moments, traffic)")] = None,
    keep: Annotated[bool, typer.Option(help="Keep the temporary folder (log, database)")] = False,
    fault_after: Annotated[
        tuple[float, float],
        typer.Option(
            help="Each fault comes after a random number of seconds of traffic between these"
        ),
    ] = FAULT_AFTER,
) -> None:
    """Serve, send registrations, applications, collections, PIN entries and clinic checks,
    kill the service (SIGKILL, SIGTERM, dropped database connections), restart, check."""
    from mynumber.chaos.harness import run

    shortest, longest = fault_after
    if not 0 < shortest <= longest:
        raise invalid(
            "fault-after",
            f"Give two numbers of seconds above 0, the shorter first (not {shortest:g} "
            f"{longest:g}), for example --fault-after 1 5.",
            f"0より大きい秒数を短い順に2つ指定してください（{shortest:g} {longest:g} は不可）。"
            "例: --fault-after 1 5",
        )
    totals = run(
        console,
        seconds=seconds,
        database_url=database_url or None,
        max_rounds=rounds,
        threads=threads,
        cards_per_round=cards,
        seed=seed,
        keep=keep,
        fault_after=fault_after,
    )
    console.print(totals.line, highlight=False, soft_wrap=True)
    if totals.violations:
        raise typer.Exit(1)
