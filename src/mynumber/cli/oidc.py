"""`mynumber oidc …` — the card centre reviews the services that sign people in with the card
(OpenID Connect, ``services.oidc``), and rotates the provider's ID-token signing key. Errors
print one line and exit 1."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from mynumber.cli.support import command_system, console, one_line_errors, run_use_case

app = typer.Typer(
    help="Sign in with the My Number Card: review services, rotate the signing key.",
    no_args_is_help=True,
)
CARD_CENTRE = "J-LIS card centre (mynumber oidc)"


_system = command_system


def _centre() -> Any:
    from mynumber.domain.access import Role
    from mynumber.services.core.context import Caller

    return Caller(name=CARD_CENTRE, role=Role.CARD_CENTRE)


def _review(client_id: str, decision: str, scopes: str = "") -> None:
    from mynumber.domain.oidc import ClientStatus
    from mynumber.services.oidc import clients

    wanted = [s.strip() for s in scopes.split(",") if s.strip()] or None
    done = run_use_case(
        _system(),
        lambda s, svc: clients.review(
            s,
            svc,
            caller=_centre(),
            client_id=client_id,
            decision=ClientStatus(decision),
            scopes=wanted,
        ),
    )
    console.print(
        f"{done.client_id} ({done.name}): {done.status}"
        + (f", scopes {' '.join(done.scopes_approved)}" if done.scopes_approved else "")
    )


@app.command("list")
@one_line_errors
def list_services() -> None:
    """Every service that applied, newest first, with its status and scopes."""
    from mynumber.services.oidc import clients

    found = run_use_case(_system(), lambda s, svc: clients.list_clients(s, caller=_centre()))
    for c in found:
        console.print(
            f"{c.client_id}  {c.status:<9}  {c.name} — asks {' '.join(c.scopes_asked)}; "
            f"approved {' '.join(c.scopes_approved) or '-'}; {', '.join(c.redirect_uris)}",
            highlight=False,
        )
    if not found:
        console.print("No service has applied.")


@app.command()
@one_line_errors
def approve(
    client_id: str,
    scopes: Annotated[
        str, typer.Option(help="Approve only these of the scopes asked, comma-separated")
    ] = "",
) -> None:
    """Approve a service (all the scopes it asked for, or those given)."""
    _review(client_id, "approved", scopes)


@app.command()
@one_line_errors
def refuse(client_id: str) -> None:
    """Refuse a service's application."""
    _review(client_id, "refused")


@app.command()
@one_line_errors
def suspend(client_id: str) -> None:
    """Suspend an approved service: its access tokens stop working at once."""
    _review(client_id, "suspended")


@app.command("rotate-key")
@one_line_errors
def rotate_key() -> None:
    """A new ID-token signing key; the old one stays in the JWKS until its tokens expire."""
    from mynumber.services.oidc import keys

    done = run_use_case(_system(), lambda s, svc: keys.rotate(s, svc))
    console.print(f"New signing key {done.new_kid}.")
    if done.old_kid and done.old_published_until:
        until = f"{done.old_published_until:%Y-%m-%d %H:%M} UTC"
        console.print(f"Key {done.old_kid} retired; published until {until}.")
