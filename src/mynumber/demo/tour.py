"""`mynumber demo` — a newly arrived foreign resident, from arrival to card in hand.

Runs the real services on a fresh database in a temporary folder, on a ``SimulatedClock``
(months pass in seconds), with the product's fresh RSA-2048 keys for the card (no key pool)
and the real post, which fails to deliver the notification letter the first time. Prints the
dated timeline, including the refusals a resident meets on the way.
"""

from __future__ import annotations

import datetime as dt
import secrets
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from rich.console import Console
from rich.table import Table

from mynumber.domain.clock import JST, SimulatedClock
from mynumber.domain.errors import MyNumberError

START = dt.datetime(2026, 4, 1, 9, 0, tzinfo=JST)
ADDRESS = "Room 305, 2-3-1 Kudan-minami, Chiyoda-ku, Tokyo"
NAME, BORN, CARD = "GARCIA MARIA", dt.date(1994, 7, 3), "AB12345678CD"
T = TypeVar("T")


class Story:
    """The system, the clock and the timeline being written."""

    def __init__(self, folder: Path) -> None:
        from mynumber.adapters.mail import PostOffice
        from mynumber.bootstrap import build_system
        from mynumber.config import Settings
        from mynumber.demo.data import seed_municipalities

        self.clock = SimulatedClock(START)
        self.post = PostOffice()
        settings = Settings(data_dir=folder, master_key=secrets.token_hex(32))
        self.system = build_system(settings, clock=self.clock, post=self.post)
        self.lines: list[tuple[dt.date, str]] = []
        self.run(lambda s, svc: seed_municipalities(s))

    def run(self, call: Callable[[Any, Any], T]) -> T:
        with self.system.uow() as uow:
            result = call(uow.session, self.system.services)
            uow.commit()
        return result

    def note(self, text: str) -> None:
        self.lines.append((self.clock.today(), text))

    def refused(self, call: Callable[[Any, Any], Any], what: str) -> None:
        try:
            self.run(call)
        except MyNumberError as error:
            self.note(f"{what} — refused: {error.message_en}")
        else:  # pragma: no cover - the story expects a refusal here
            raise AssertionError(f"{what} was not refused")

    def go_to(self, day: dt.date, hour: int = 10) -> None:
        self.clock.set(dt.datetime.combine(day, dt.time(hour), tzinfo=JST))
        from mynumber.services.cards.centre import run_daily_jobs

        self.run(run_daily_jobs)


def run_demo(console: Console) -> None:
    """Walk the story and print the dated timeline."""
    with tempfile.TemporaryDirectory(prefix="mynumber-demo-") as folder:
        story = Story(Path(folder))
        try:
            _walk(story)
        finally:
            story.system.close()
    table = Table(title="From arrival to card in hand (simulated clock)")
    table.add_column("date", style="cyan", no_wrap=True)
    table.add_column("what happened", overflow="fold")
    for day, text in story.lines:
        table.add_row(day.isoformat(), text)
    console.print(table)


def _walk(story: Story) -> None:
    person_id, application_id = _arrive(story)
    _letter_fails(story, person_id)
    _apply(story, person_id, application_id)
    serial = _collect(story, application_id)
    _use(story, serial)


def _ward() -> Any:
    from mynumber.domain.access import Role
    from mynumber.services.core.context import Caller

    return Caller(name="Chiyoda ward office", role=Role.WARD_OFFICE, municipality_code="131016")


def _arrive(story: Story) -> tuple[int, str]:
    from mynumber.domain.registration import build_moving_in
    from mynumber.services.flows.moving import register_moving_in

    story.note(
        f"{NAME} arrives from Spain (Engineer, 3-year period of stay) and moves into {ADDRESS}"
    )
    form = build_moving_in(
        name_latin=NAME,
        date_of_birth=BORN,
        sex="F",
        nationality="ES",
        address=ADDRESS,
        started_living_on=START.date() - dt.timedelta(days=2),
        filed_on=START.date(),
        id_documents=["residence_card", "passport"],
        residence_card_number=CARD,
        status_of_residence="Engineer/Specialist",
        period_of_stay_ends=START.date().replace(year=2029),
    )
    story.post.fail_deliveries_to("Room 305", _not_home())
    result = story.run(
        lambda s, svc: register_moving_in(
            s, svc, caller=_ward(), municipality_code="131016", form=form
        )
    )
    story.note(
        f"転入届 filed at Chiyoda ward office: registered, My Number "
        f"{result.masked_number}; the notification letter is mailed"
    )
    return result.person_id, result.application_id or ""


def _not_home() -> Any:
    from mynumber.domain.mail import DeliveryFailure

    return DeliveryFailure.NOT_HOME


def _letter_fails(story: Story, person_id: int) -> None:
    from mynumber.domain.registration import IdDocument
    from mynumber.services.registry.letters import hand_over_letter

    story.go_to(START.date() + dt.timedelta(days=21))
    story.note(
        "The post tries to deliver the letter: nobody is home; it goes back to the "
        "ward office (held at the counter)"
    )
    story.post.failures.clear()
    story.go_to(START.date() + dt.timedelta(days=29))
    story.run(
        lambda s, svc: hand_over_letter(
            s,
            svc,
            caller=_ward(),
            person_id=person_id,
            id_documents=(IdDocument.RESIDENCE_CARD, IdDocument.PASSPORT),
        )
    )
    story.note(
        "No letter after 4 weeks: she asks at the ward office and receives it against "
        "her residence card"
    )


def _apply(story: Story, person_id: int, application_id: str) -> None:
    import cv2
    from skimage import data as samples

    from mynumber.adapters.photo import sample_photo_jpeg
    from mynumber.domain.access import Role
    from mynumber.domain.cards import Channel
    from mynumber.domain.photo_rules import PhotoDeclaration
    from mynumber.services.cards.applications import apply_for_card
    from mynumber.services.core.context import Caller

    me = Caller(name=NAME, role=Role.RESIDENT, scope_id=person_id)
    declared = PhotoDeclaration(True, True, True)
    far = cv2.imencode(".png", cv2.cvtColor(samples.astronaut(), cv2.COLOR_RGB2BGR))[1]

    def submit(photo: bytes) -> Callable[[Any, Any], Any]:
        return lambda s, svc: apply_for_card(
            s,
            svc,
            caller=me,
            channel=Channel.SMARTPHONE,
            photo=photo,
            declaration=declared,
            application_id=application_id,
        )

    story.refused(
        submit(far.tobytes()), "She scans the letter's QR code and uploads a waist-up selfie"
    )
    view = story.run(submit(sample_photo_jpeg()))
    story.note(
        f"She uploads a head-and-shoulders photo: application accepted; pickup notice "
        f"expected {view.notice_expected_from} – {view.notice_expected_by}"
    )


def _collect(story: Story, application_id: str) -> str:
    from mynumber.services.cards.applications import ask_after_application

    application = story.run(
        lambda s, svc: ask_after_application(s, svc, caller=_ward(), application_id=application_id)
    )
    story.go_to(application.notice_expected_from)
    story.note(
        "The card centre makes the card (fresh RSA-2048 keys on the chip) and mails "
        "the pickup notice (交付通知書)"
    )
    story.go_to(application.notice_expected_from + dt.timedelta(days=4))
    story.note("The pickup notice arrives")
    trivial = _pins("1234")
    story.refused(
        _collect_with(application_id, trivial), "At the counter she chooses 1234 as her 4-digit PIN"
    )
    done = story.run(_collect_with(application_id, _pins("4826")))
    story.note(
        f"She sets better PINs and receives card {done.card_serial}: valid until "
        f"{done.expires_on} (her period of stay), certificates until "
        f"{done.certificates_expire_on}"
    )
    return done.card_serial


def _pins(four: str) -> Any:
    from mynumber.services.cards.counter import InitialPins

    return InitialPins(four, "5937", "7148", "MARIA2026")


def _collect_with(application_id: str, pins: Any) -> Callable[[Any, Any], Any]:
    from mynumber.domain.cards import IdentityShown
    from mynumber.domain.registration import IdDocument
    from mynumber.services.cards.counter import collect_card

    docs = (IdDocument.RESIDENCE_CARD, IdDocument.NOTIFICATION_LETTER)
    return lambda s, svc: collect_card(
        s,
        svc,
        caller=_ward(),
        application_id=application_id,
        identity=IdentityShown(NAME, BORN, CARD),
        id_documents=docs,
        pins=pins,
    )


def _use(story: Story, serial: str) -> None:
    from mynumber.card import Chip
    from mynumber.domain.access import Role
    from mynumber.domain.pins import PinKind
    from mynumber.services.cards.use import use_card
    from mynumber.services.core.context import Caller

    clinic = Caller(name="Kanda Clinic", role=Role.CLINIC)
    story.go_to(story.clock.today() + dt.timedelta(days=7))

    def at_the_reader(pin: str) -> Callable[[Any, Any], Any]:
        # The card is in the clinic's reader: the PIN is entered on that session only.
        def use(s: Any, svc: Any) -> Any:
            with Chip(svc.chips, serial, chip_key=svc.keys.chip_key).open_session() as reader:
                return use_card(
                    s,
                    svc,
                    caller=clinic,
                    card_serial=serial,
                    reader=reader,
                    pin_kind=PinKind.USER_AUTHENTICATION,
                    pin=pin,
                    checks_address=True,
                )

        return use

    story.refused(at_the_reader("4827"), "At a clinic's card reader she mistypes her PIN")
    story.run(at_the_reader("4826"))
    story.note("She enters it again correctly: the card is accepted — card in hand and in use")
