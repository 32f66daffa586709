"""The `mynumber` command (Typer + Rich): serve, validate, register, audit, demo, bench."""

from __future__ import annotations

import datetime as dt
import secrets
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from mynumber.cli.admin import app as admin_app
from mynumber.cli.card import app as card_app
from mynumber.cli.chaos import chaos as chaos_command
from mynumber.cli.employer import app as employer_app
from mynumber.cli.guide import guide as guide_command
from mynumber.cli.jpki import app as jpki_app
from mynumber.cli.keys import app as keys_app
from mynumber.cli.oidc import app as oidc_app
from mynumber.cli.sandbox import app as sandbox_app
from mynumber.cli.support import command_system, console, err, one_line_errors, run_use_case
from mynumber.cli.tokens import app as tokens_app
from mynumber.cli.ward import app as ward_app
from mynumber.config import Settings

if TYPE_CHECKING:
    from mynumber.bootstrap import System

app = typer.Typer(
    help="Japan's My Number system.", no_args_is_help=True, pretty_exceptions_enable=False
)
audit_app = typer.Typer(help="The audit log.", no_args_is_help=True)
bench_app = typer.Typer(help="Benchmarks (figures go in docs/benchmarks.md).", no_args_is_help=True)
app.add_typer(audit_app, name="audit")
app.add_typer(bench_app, name="bench")
app.add_typer(jpki_app, name="reader")
app.add_typer(card_app, name="card")
app.add_typer(employer_app, name="employer")
app.add_typer(tokens_app, name="tokens")
app.add_typer(admin_app, name="admin")
app.add_typer(keys_app, name="keys")
app.add_typer(sandbox_app, name="sandbox")
app.add_typer(oidc_app, name="oidc")
app.add_typer(ward_app, name="ward")
app.command("guide")(guide_command)
app.command("chaos")(chaos_command)


_system = command_system


@app.command()
@one_line_errors
def validate(number: str) -> None:
    """Check a My Number's form and check digit (exit 0 valid, 1 with the reason)."""
    from mynumber.domain.numbers import IndividualNumber

    parsed = IndividualNumber.parse(number, field="number")
    console.print(f"valid: {parsed.masked}")


@app.command()
@one_line_errors
def serve(
    port: Annotated[int, typer.Option(help="TCP port")] = 0,
    host: Annotated[str, typer.Option(help="Address to listen on")] = "",
    sandbox: Annotated[
        bool,
        typer.Option(
            help="The integrators' sandbox: its own database, a clock the sandbox admin "
            "moves, virtual cards over HTTP (never in production mode)"
        ),
    ] = False,
) -> None:
    """Migrate and serve HTTP; in dev mode, load demo data and print a demo token per role
    (production mode starts with what the database holds, and prints no secret)."""
    import uvicorn

    from mynumber.api.app import create_app
    from mynumber.api.observability import configure_json_logs

    settings = Settings().for_sandbox() if sandbox else Settings()
    # The options win over the environment, and the public address follows them unless set.
    settings = settings.model_copy(
        update={"port": port or settings.port, "host": host or settings.host}
    )
    if settings.mode == "dev" and not settings.metrics_token:
        settings = settings.model_copy(update={"metrics_token": secrets.token_urlsafe(24)})
        console.print(
            "Metrics (dev mode): GET /metrics with "
            f"'Authorization: Bearer {settings.metrics_token}'",
            soft_wrap=True,
            highlight=False,
        )
    with start_up(settings, settings.resolved_public_base_url()) as system:
        configure_json_logs()
        uvicorn.run(
            create_app(system),
            host=settings.host,
            port=settings.port,
            log_config=None,
            access_log=False,
        )


def start_up(settings: Settings, base: str) -> System:
    """The system ``serve`` runs. Production mode: the key checked (``Settings``), nothing
    made or printed but the address. Dev mode: the demo world, its tokens and PINs."""
    from mynumber.bootstrap import build_system

    settings.master_key_bytes()  # a refused key stops the start before anything is made
    if settings.sandbox:
        from mynumber.bootstrap import build_sandbox_system

        system = build_sandbox_system(settings)
    else:
        system = build_system(settings)
    if settings.mode == "production":
        console.print(
            f"Production mode: serving {base} (API docs: {base}/docs)",
            soft_wrap=True,
            highlight=False,
        )
        return system
    from mynumber.demo.world import seed_world

    world = seed_world(system)
    _print_tokens(world.tokens, base)
    _print_clerks(world.clerks, base)
    if world.card_serial:
        pins = world.pins
        console.print(
            f"Demo resident {world.person_name} holds card {world.card_serial}: "
            f"4-digit PINs {pins.user_authentication} (user authentication), "
            f"{pins.resident_registry}, {pins.card_info_input}; signature PIN "
            f"{pins.signature}. Try the portal and the clinic terminal with it.",
            soft_wrap=True,
            highlight=False,
        )
    if settings.sandbox:
        _print_sandbox(system, base)
    return system


def _print_sandbox(system: System, base: str) -> None:
    from mynumber.services.sandbox import organisations

    token = run_use_case(system, organisations.admin_token)
    console.print(
        f"[bold]Sandbox[/bold] — the clock shows {system.services.clock.now():%Y-%m-%d %H:%M} "
        f"JST and moves only when told (POST {base}/sandbox/clock, or `mynumber sandbox clock "
        f"+30d`). Sandbox admin token: {token}   Walk-through: docs/integrators.md",
        soft_wrap=True,
        highlight=False,
    )


def _print_tokens(demo: list[Any], base: str) -> None:
    console.print(
        "[bold]Demo API tokens (dev mode)[/bold] — paste one into the API page's "
        "Authorize button, or send it as 'Authorization: Bearer <token>':"
    )
    for t in demo:
        console.print(
            f"  {t.role.value:<12} {t.token}  ({t.organisation})", soft_wrap=True, highlight=False
        )
    console.print(
        f"Service: {base}   Guide for newcomers: {base}/guide   API docs: {base}/docs",
        soft_wrap=True,
        highlight=False,
    )


def _print_clerks(clerks: list[Any], base: str) -> None:
    console.print(
        f"[bold]Demo clerks (dev mode)[/bold] — log in to the staff pages at "
        f"{base}/login with a login and its password:"
    )
    for c in clerks:
        console.print(
            f"  {c.role.value:<12} {c.login:<34} {c.password}  ({c.organisation})",
            soft_wrap=True,
            highlight=False,
        )


@app.command()
@one_line_errors
def register(
    name: Annotated[str, typer.Option(help="Name in Latin letters, as on the passport")],
    born: Annotated[str, typer.Option(help="Date of birth, YYYY-MM-DD")],
    sex: Annotated[str, typer.Option(help="M or F")],
    nationality: Annotated[str, typer.Option(help="2-letter country code, JP for Japanese")],
    address: Annotated[str, typer.Option(help="The new address")],
    municipality: Annotated[str, typer.Option(help="6-digit local government code")],
    since: Annotated[str, typer.Option(help="Started living there, YYYY-MM-DD")],
    residence_card: Annotated[str, typer.Option(help="Residence card number")] = "",
    status: Annotated[str, typer.Option(help="Status of residence")] = "",
    stay_ends: Annotated[str, typer.Option(help="End of period of stay, YYYY-MM-DD")] = "",
    id_document: Annotated[list[str], typer.Option(help="Identity documents shown")] = [],  # noqa: B006
) -> None:
    """転入届: register a person moving in (prints the masked number)."""
    from mynumber.domain.access import Role
    from mynumber.domain.registration import build_moving_in
    from mynumber.services.core.context import Caller
    from mynumber.services.flows import moving

    system = _system()
    form = build_moving_in(
        name_latin=name,
        date_of_birth=_date("born", born),
        sex=sex,
        nationality=nationality,
        address=address,
        started_living_on=_date("since", since),
        filed_on=system.services.clock.today(),
        id_documents=id_document
        or (["residence_card", "passport"] if nationality.upper() != "JP" else ["driving_licence"]),
        residence_card_number=residence_card or None,
        status_of_residence=status or None,
        period_of_stay_ends=_date("stay_ends", stay_ends) if stay_ends else None,
    )
    # The office of the municipality moved in to files it (the policy asks exactly that).
    caller = Caller(
        name=f"cli ward office {municipality}",
        role=Role.WARD_OFFICE,
        municipality_code=municipality,
    )
    result = run_use_case(
        system,
        lambda session, svc: moving.register_moving_in(
            session, svc, caller=caller, municipality_code=municipality, form=form
        ),
    )
    late = " (late: more than 14 days after moving in)" if result.late else ""
    console.print(f"registered person {result.person_id}: My Number {result.masked_number}{late}")
    if result.application_id:
        console.print(f"notification letter mailed; application ID {result.application_id}")


def _date(field: str, text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        from mynumber.domain.errors import invalid

        raise invalid(
            field,
            f"'{text}' is not a date (YYYY-MM-DD).",
            f"「{text}」は日付ではありません（YYYY-MM-DD）。",
        ) from None


@audit_app.command("verify")
@one_line_errors
def audit_verify() -> None:
    """Check every chain of the audit log, entry by entry and against the latest signed
    checkpoint; name each edited, inserted or deleted entry, cut tail, emptied table or
    recomputed chain, and exit 1 if anything was found."""
    from mynumber.services.core.audit_checkpoints import verify_log

    system = _system()
    with system.reading() as uow:
        report = verify_log(uow.session, system.audit_checkpoints(), system.services.keys.audit_key)
    if report.ok:
        against = (
            f"checked against the checkpoint of {report.checkpoint_at}"
            if report.checkpoint_at
            else "no checkpoint yet to check it against"
        )
        console.print(
            f"audit log intact: {report.entries} entries in {report.chains} chains; {against}"
        )
        return
    shown = 20
    for finding in report.findings[:shown]:
        err.print(f"error: {finding.kind}: {finding.message}", highlight=False, soft_wrap=True)
    if len(report.findings) > shown:
        err.print(f"error: … and {len(report.findings) - shown} more findings")
    raise typer.Exit(1)


@audit_app.command("checkpoint")
@one_line_errors
def audit_checkpoint() -> None:
    """Sign every chain's head now and append it to the checkpoint file."""
    from mynumber.services.core.audit_checkpoints import write_checkpoint

    system = _system()
    file = system.audit_checkpoints()
    with system.reading() as uow:
        checkpoint = write_checkpoint(uow.session, file, system.services.clock.now())
    console.print(
        f"checkpoint {checkpoint.number}: {checkpoint.entries} entries in "
        f"{len(checkpoint.heads)} chains, signed at {checkpoint.at} ({file.path})"
    )


@bench_app.command("derive")
@one_line_errors
def bench_derive(count: Annotated[int, typer.Option(help="How many numbers")] = 1_000_000) -> None:
    """Derive COUNT My Numbers in one vectorised batch and print numbers per second."""
    from mynumber.bench import derive

    derive.run(count, console)


@bench_app.command("register")
@one_line_errors
def bench_register(
    count: Annotated[int, typer.Option(help="How many residents")] = 100_000,
    batch: Annotated[int, typer.Option(help="Residents per transaction")] = 500,
) -> None:
    """Register COUNT Faker('ja_JP') residents through the service layer."""
    from mynumber.bench import register

    register.run(Settings(), count, batch, console)


@bench_app.command("enrol")
@one_line_errors
def bench_enrol(
    database_url: Annotated[
        str,
        typer.Option(
            help="The PostgreSQL database to load (made afresh; one that exists is replaced "
            "only if it holds an earlier load), kept for `bench eligibility`"
        ),
    ],
    residents: Annotated[int, typer.Option(help="Residents enrolled with cards")] = 1_000_000,
    visits: Annotated[
        float, typer.Option(help="Clinic visits per resident over the year of history")
    ] = 1.0,
    data_dir: Annotated[
        Path | None,
        typer.Option(help="The load's data folder (default var/bench/<database>)"),
    ] = None,
    sample: Annotated[
        int, typer.Option(help="Cards kept for the load generator (their certificates signed)")
    ] = 20_000,
    workers: Annotated[int, typer.Option(help="Loading processes (0: one per core)")] = 0,
    vacuum: Annotated[
        bool, typer.Option(help="VACUUM ANALYZE after the load (else ANALYZE only)")
    ] = True,
) -> None:
    """Load RESIDENTS residents with cards, certificates, enrolments and a year of clinic
    visits into a fresh PostgreSQL database, kept for `bench eligibility --database-url`
    (docs/benchmarks.md, "Ten million residents")."""
    from mynumber.bench import enrol

    if not database_url.startswith("postgresql"):
        raise typer.BadParameter("--database-url must name a PostgreSQL database")
    enrol.load_kept(
        database_url,
        residents,
        console,
        data_dir=data_dir,
        sample=sample,
        visits_per_resident=visits,
        workers=workers or None,
        vacuum=vacuum,
    )


@bench_app.command("eligibility")
@one_line_errors
def bench_eligibility(
    residents: Annotated[int, typer.Option(help="Residents enrolled with cards")] = 1_000_000,
    database_url: Annotated[
        str,
        typer.Option(
            help="A loaded database (measured as it is), else the PostgreSQL server where a "
            "fresh one is made; SQLite if empty"
        ),
    ] = "",
    data_dir: Annotated[
        Path | None,
        typer.Option(help="A loaded database's data folder (default var/bench/<database>)"),
    ] = None,
    runs: Annotated[int, typer.Option(min=1, help="Runs in a row against one server")] = 1,
    seconds: Annotated[float, typer.Option(help="Length of each measured run")] = 10.0,
    rate: Annotated[float, typer.Option(help="Checks per second for the latencies")] = 500.0,
    terminals: Annotated[
        int, typer.Option(help="Clinic terminals (connections) at full speed")
    ] = 32,
    workers: Annotated[
        int, typer.Option(help="Server processes (0: one on SQLite, one per core on PostgreSQL)")
    ] = 0,
    warm_up: Annotated[int, typer.Option(help="Checks sent before anything is measured")] = 2000,
    timeline: Annotated[
        Path | None,
        typer.Option(help="A CSV to append each fixed-rate check's due time and latency to"),
    ] = None,
) -> None:
    """Clinic eligibility checks over HTTP against the trivial endpoint (docs/benchmarks.md)."""
    from mynumber.bench import eligibility

    eligibility.run(
        residents,
        console,
        database_url=database_url or None,
        data_dir=data_dir,
        runs=runs,
        seconds=seconds,
        rate=rate,
        connections=terminals,
        workers=workers,
        warm_up=warm_up,
        timeline=timeline,
    )


@app.command()
@one_line_errors
def openapi() -> None:
    """Print the API's OpenAPI document (JSON), from which `make client` generates the Python
    client; the sandbox's routes are in it (they answer 404 outside the sandbox)."""
    import json
    import secrets
    import tempfile
    from pathlib import Path

    from mynumber.api.app import create_app
    from mynumber.bootstrap import build_system

    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(data_dir=Path(folder), master_key=secrets.token_hex(32))
        # An empty database of its own, thrown away.
        with build_system(settings) as system:
            document = create_app(system).openapi()
    typer.echo(json.dumps(document, indent=2, ensure_ascii=False))


@app.command()
@one_line_errors
def demo() -> None:
    """Walk a newly arrived resident through the system on a simulated clock."""
    from mynumber.demo.tour import run_demo

    run_demo(console)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
