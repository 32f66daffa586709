"""`mynumber tokens …` — API tokens for machines: issue (with an expiry), list, rotate,
revoke. A token is printed once, when made; the database keeps only its keyed hash.

The API remembers a token's caller for up to 10 seconds (``api.deps.TOKEN_CACHE_SECONDS``),
so a token revoked here stops working at the latest 10 seconds later in a running server.
Errors print one line and exit 1.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from mynumber.cli.support import command_system, console, one_line_errors

app = typer.Typer(
    help="API tokens for machines: issue, list, rotate, revoke.", no_args_is_help=True
)


_system = command_system


@app.command("issue")
@one_line_errors
def issue(
    org: Annotated[str, typer.Option(help="The organisation's id or exact name")],
    expires_in: Annotated[str, typer.Option(help="Lifetime: e.g. 90d, 12h, 30m")] = "90d",
) -> None:
    """Issue a token for an organisation; prints it once."""
    from mynumber.services.core import staff, tokens

    system = _system()
    lifetime = tokens.parse_lifetime(expires_in)
    with system.uow() as uow:
        organisation = staff.find_organisation(uow.session, org)
        issued = tokens.issue_for(
            uow.session, system.services, organisation=organisation, lifetime=lifetime
        )
        name = organisation.name
        uow.commit()
    _print_issued(issued, name)


def _print_issued(issued: Any, name: str) -> None:
    until = issued.expires_at.isoformat(timespec="minutes") if issued.expires_at else "never"
    console.print(
        f"token {issued.id} for {name}, expires {until}:", highlight=False, soft_wrap=True
    )
    console.print(issued.token, highlight=False, soft_wrap=True)


@app.command("list")
@one_line_errors
def list_() -> None:
    """Every token: id, organisation, role, status, issued, expires (never the token)."""
    from mynumber.services.core import tokens

    system = _system()
    with system.reading() as uow:
        rows = tokens.list_tokens(uow.session)
    now = system.services.clock.now()
    for t in rows:
        until = t.expires_at.isoformat(timespec="minutes") if t.expires_at else "never"
        console.print(
            f"{t.id:>5}  {t.status(now):<8} {t.role:<12} {t.organisation}  "
            f"issued {t.created_at.isoformat(timespec='minutes')}  expires {until}",
            highlight=False,
            soft_wrap=True,
        )
    if not rows:
        console.print("no API tokens")


@app.command("rotate")
@one_line_errors
def rotate(token_id: Annotated[int, typer.Argument(help="The token's id (tokens list)")]) -> None:
    """Issue the token's successor (same organisation and lifetime) and revoke it now."""
    from mynumber.services.core import tokens

    system = _system()
    with system.uow() as uow:
        issued = tokens.rotate_token(uow.session, system.services, token_id=token_id)
        uow.commit()
    console.print(f"token {token_id} revoked", highlight=False)
    _print_issued(issued, "the same organisation")


@app.command("revoke")
@one_line_errors
def revoke(token_id: Annotated[int, typer.Argument(help="The token's id (tokens list)")]) -> None:
    """Revoke a token now."""
    from mynumber.services.core import tokens

    system = _system()
    with system.uow() as uow:
        tokens.revoke_token(uow.session, system.services, token_id=token_id)
        uow.commit()
    console.print(
        f"token {token_id} revoked (a running server refuses it within 10 s)", highlight=False
    )
