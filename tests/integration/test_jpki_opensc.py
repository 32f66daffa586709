"""Real smart-card software reads our card: pcscd + vsmartcard-vpcd + OpenSC's own tools.

Each test module run starts a private ``pcscd`` (its own socket, handed over the systemd way,
and its own vpcd port), so it never meets a system pcscd; every test puts a fresh card in the
virtual reader through ``mynumber.adapters.vpcd`` and takes it out again. Nothing here reads
the card with our own code except the pyscard terminal test, which checks that our terminals
get through PC/SC what they get in process. Skipped locally when the tools are missing; a
failure when ``CI=true``.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from mynumber.adapters.pcsc import InProcessReader, JpkiTerminal, PcscReader
from mynumber.adapters.vpcd import VpcdBridge
from mynumber.card import BasicFourItems, Chip, ChipData, ChipStore, KeyPool, MemoryChipStore
from mynumber.card.apdu import JpkiCard
from mynumber.card.files import KeySlot
from mynumber.card.pins import PinRef
from mynumber.domain.errors import PinLocked, WrongPin
from mynumber.domain.numbers import IndividualNumber
from mynumber.pki.ca import CertificateAuthority
from mynumber.pki.challenge import make_challenge, verify_challenge_signature
from mynumber.pki.profiles import SignatureSubject
from mynumber.pki.xmlsig import sign_xml, verify_signed_xml
from tests.conftest import TEST_MASTER_KEY
from tests.integration.forked_servers import Forked, forked_popen

pytestmark = pytest.mark.jpki

PKCS11_MODULE = next(
    iter(sorted(Path("/usr/lib").glob("*/opensc-pkcs11.so"))),
    Path("/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so"),
).as_posix()
VPCD_DRIVER = "/usr/lib/pcsc/drivers/serial/libifdvpcd.so"
READER = "Virtual PCD 00 00"
AUTH_PIN, SIGNATURE_PIN = "4826", "MYNA2026"
WAIT = 10.0  # seconds: every wait for pcscd or the reader is bounded by this


def _pcscd_binary() -> str | None:
    return shutil.which("pcscd") or shutil.which("pcscd", path="/usr/sbin:/sbin")


def _missing() -> list[str]:
    missing = [
        tool
        for tool in ("opensc-tool", "pkcs15-tool", "pkcs11-tool", "openssl")
        if shutil.which(tool) is None
    ]
    missing += [] if _pcscd_binary() else ["pcscd"]
    missing += [path for path in (PKCS11_MODULE, VPCD_DRIVER) if not Path(path).exists()]
    try:
        import smartcard  # noqa: F401
    except ImportError:
        missing.append("pyscard")
    return missing


# --- a private pcscd ---------------------------------------------------------------------------


def _free_port_pair() -> int:
    """A port p with p and p+1 free (vpcd listens on one port per slot, two slots)."""
    for _ in range(50):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        try:
            with socket.socket() as second:
                second.bind(("127.0.0.1", port + 1))
            return port
        except OSError:
            continue
    raise RuntimeError("no free port pair for vpcd")


@dataclass
class Pcscd:
    """A pcscd of our own: its socket, its vpcd port, the environment that reaches it."""

    process: subprocess.Popen[bytes]
    socket_path: Path
    port: int
    env: dict[str, str]
    log: Path

    def run(self, *args: str, check: bool = False) -> subprocess.CompletedProcess[str]:
        """Run an OpenSC/openssl tool against this pcscd (bounded in time)."""
        done = subprocess.run(list(args), env=self.env, capture_output=True, text=True, timeout=60)
        if check and done.returncode != 0:
            raise AssertionError(f"{args[0]} failed: {done.stdout}{done.stderr}")
        return done

    def card_present(self) -> bool:
        """Whether pcscd sees a card in our reader (PC/SC status, no APDU sent)."""
        from smartcard import scard

        result, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
        if result != scard.SCARD_S_SUCCESS:
            return False
        try:
            result, states = scard.SCardGetStatusChange(
                context, 0, [(READER, scard.SCARD_STATE_UNAWARE)]
            )
            return result == scard.SCARD_S_SUCCESS and bool(
                states[0][1] & scard.SCARD_STATE_PRESENT
            )
        finally:
            scard.SCardReleaseContext(context)

    def wait_until(self, present: bool, what: str) -> None:
        deadline = time.monotonic() + WAIT
        while self.card_present() is not present:
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(
                    f"{what} within {WAIT}s; pcscd log:\n" + self.log.read_text()[-2000:]
                )
            time.sleep(0.05)


_ACTIVATE = """
import os, sys
os.dup2(int(sys.argv[1]), 3)
os.environ.update(LISTEN_PID=str(os.getpid()), LISTEN_FDS="1")
os.execv(sys.argv[2], sys.argv[2:])
"""
"""Put the socket at fd 3 and become pcscd (same pid, as socket activation requires)."""


def _start_pcscd(directory: Path) -> Pcscd:
    port = _free_port_pair()
    conf = directory / "reader.conf.d"
    conf.mkdir()
    (conf / "vpcd").write_text(
        f'FRIENDLYNAME "Virtual PCD"\nDEVICENAME /dev/null:0x{port:X}\n'
        f"LIBPATH {VPCD_DRIVER}\nCHANNELID 0x{port:X}\n"
    )
    (directory / "opensc.conf").write_text(
        "app default {\n  framework pkcs15 {\n    use_file_caching = no;\n  }\n}\n"
    )
    socket_path = directory / "pcscd.comm"
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(socket_path))
    listener.listen(32)
    # pcscd takes its listening socket from systemd-style activation (fd 3, LISTEN_PID/FDS):
    # the only way to give this pcscd a socket of its own (it ignores PCSCLITE_CSOCK_NAME).
    log = directory / "pcscd.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-c",
                _ACTIVATE,
                str(listener.fileno()),
                _pcscd_binary() or "pcscd",
                "--foreground",
                "--auto-exit",
                "--debug",
                "--apdu",
                "--config",
                str(conf),
            ],
            pass_fds=(listener.fileno(),),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    listener.close()
    env = {
        **os.environ,
        "PCSCLITE_CSOCK_NAME": str(socket_path),
        "OPENSC_CONF": str(directory / "opensc.conf"),
    }
    return Pcscd(process, socket_path, port, env, log)


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(WAIT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(WAIT)


@pytest.fixture(scope="module")
def pcscd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pcscd]:
    missing = _missing()
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"JPKI tests need {', '.join(missing)} (CI=true)")
        pytest.skip(f"missing {', '.join(missing)}")
    pid_file = Path("/run/pcscd/pcscd.pid")  # ours overwrites and removes a system pcscd's
    system_pid = pid_file.read_bytes() if pid_file.exists() else None
    before = os.environ.get("PCSCLITE_CSOCK_NAME")
    daemon = _start_pcscd(tmp_path_factory.mktemp("pcscd"))
    os.environ["PCSCLITE_CSOCK_NAME"] = str(daemon.socket_path)  # pyscard in this process
    try:
        deadline = time.monotonic() + WAIT
        while READER not in daemon.run("opensc-tool", "--list-readers").stdout:
            if daemon.process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(
                    "pcscd did not show the vpcd reader:\n" + daemon.log.read_text()[-2000:]
                )
            time.sleep(0.05)
        yield daemon
    finally:
        _stop(daemon.process)
        if before is None:
            os.environ.pop("PCSCLITE_CSOCK_NAME", None)
        else:
            os.environ["PCSCLITE_CSOCK_NAME"] = before
        if system_pid is not None and not pid_file.exists():
            pid_file.write_bytes(system_pid)


# --- cards -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ca(tmp_path_factory: pytest.TempPathFactory) -> CertificateAuthority:
    return CertificateAuthority.load_or_create(
        tmp_path_factory.mktemp("ca"), b"test-ca", now=dt.datetime.now(dt.UTC)
    )


@dataclass
class CardUnderTest:
    chip: Chip
    auth_certificate: x509.Certificate
    signature_certificate: x509.Certificate


MakeCard = Callable[[ChipStore, bytes], CardUnderTest]


@pytest.fixture(scope="module")
def make_card(ca: CertificateAuthority) -> MakeCard:
    keys = KeyPool.generate(4)
    serials = iter(range(5000, 6000))

    def make(store: ChipStore, chip_key: bytes) -> CardUnderTest:
        serial = next(serials)
        born = dt.date(1990, 4, 1)
        data = ChipData(
            IndividualNumber.parse("6214 9832 0257"),
            BasicFourItems("山田 太郎", "東京都千代田区千代田1番1号", born, "1"),
            photo=b"\xff\xd8 face \xff\xd9",
        )
        chip, public = Chip.manufacture(
            store, card_id=f"JPKI-{serial}", data=data, key_source=keys, chip_key=chip_key
        )
        chip.set_initial_pins(
            user_authentication=AUTH_PIN,
            resident_registry=AUTH_PIN,
            card_info_input=AUTH_PIN,
            signature=SIGNATURE_PIN,
        )
        now = dt.datetime.now(dt.UTC)
        until = now + dt.timedelta(days=30)
        auth = ca.issue_authentication_certificate(
            public.user_auth, serial=serial, not_before=now, not_after=until
        )
        signature = ca.issue_signature_certificate(
            public.signature,
            serial=serial + 100_000,
            not_before=now,
            not_after=until,
            subject=SignatureSubject("山田 太郎", "東京都千代田区千代田1番1号", born, "1"),
        )
        chip.write_certificates(
            ca_certificate=ca.issuing_certificate, authentication=auth, signature=signature
        )
        return CardUnderTest(chip, auth, signature)

    return make


@pytest.fixture
def card(pcscd: Pcscd, make_card: MakeCard) -> Iterator[CardUnderTest]:
    """A fresh card in the virtual reader; taken out (and seen gone) afterwards."""
    test_card = make_card(MemoryChipStore(), os.urandom(32))
    bridge = VpcdBridge(JpkiCard(test_card.chip), port=pcscd.port).insert(timeout=WAIT)
    try:
        pcscd.wait_until(True, "the card did not appear in the reader")
        yield test_card
    finally:
        bridge.remove()
        pcscd.wait_until(False, "the card was not seen removed")


def der(certificate: x509.Certificate) -> bytes:
    return certificate.public_bytes(serialization.Encoding.DER)


def pem_to_der(text: str) -> bytes:
    start = text.index("-----BEGIN CERTIFICATE-----")
    return der(x509.load_pem_x509_certificate(text[start:].encode()))


def tries_left(listing: str) -> list[int]:
    """The "Tries left" of each PIN in ``pkcs15-tool --list-pins`` (authentication first)."""
    return [int(line.split(":")[1]) for line in listing.splitlines() if "Tries left" in line]


# --- OpenSC reads, authenticates and signs -----------------------------------------------------


def test_opensc_names_our_card_jpki(pcscd: Pcscd, card: CardUnderTest) -> None:
    assert pcscd.run("opensc-tool", "--name", check=True).stdout.strip() == "jpki"
    assert (
        pcscd.run("opensc-tool", "--atr", check=True).stdout.strip() == "3b:e0:00:ff:81:31:fe:45:14"
    )


def test_pkcs15_tool_lists_and_reads_the_authentication_certificate(
    pcscd: Pcscd, card: CardUnderTest
) -> None:
    listing = pcscd.run("pkcs15-tool", "--list-certificates", check=True).stdout
    for label in (
        "User Authentication Certificate",
        "Digital Signature Certificate",
        "User Authentication Certificate CA",
        "Digital Signature Certificate CA",
    ):
        assert f"[{label}]" in listing
    read = pcscd.run("pkcs15-tool", "--read-certificate", "01", check=True).stdout
    assert pem_to_der(read) == der(card.auth_certificate)
    read_ca = pcscd.run("pkcs15-tool", "--read-certificate", "03", check=True).stdout
    assert "BEGIN CERTIFICATE" in read_ca


def test_the_signature_certificate_is_read_only_after_the_signature_pin(
    pcscd: Pcscd, card: CardUnderTest
) -> None:
    refused = pcscd.run("pkcs15-tool", "--read-certificate", "02")
    assert refused.returncode != 0 and "BEGIN CERTIFICATE" not in refused.stdout
    read = pcscd.run(
        "pkcs15-tool",
        "--verify-pin",
        "--auth-id",
        "02",
        "--pin",
        SIGNATURE_PIN,
        "--read-certificate",
        "02",
        check=True,
    ).stdout
    assert pem_to_der(read) == der(card.signature_certificate)


def test_list_pins_shows_the_tries_left_falling_after_a_wrong_pin(
    pcscd: Pcscd, card: CardUnderTest
) -> None:
    assert tries_left(pcscd.run("pkcs15-tool", "--list-pins", check=True).stdout) == [3, 5]
    wrong = pcscd.run("pkcs15-tool", "--verify-pin", "--auth-id", "01", "--pin", "9999")
    assert wrong.returncode != 0 and "incorrect" in wrong.stderr
    wrong = pcscd.run("pkcs15-tool", "--verify-pin", "--auth-id", "02", "--pin", "WRONG1")
    assert wrong.returncode != 0
    assert tries_left(pcscd.run("pkcs15-tool", "--list-pins", check=True).stdout) == [2, 4]
    with card.chip.open_session() as session:  # the chip's own counter, not a copy
        assert session.tries_left(PinRef.USER_AUTHENTICATION) == 2


@pytest.mark.parametrize(
    "key_id,pin,token",
    [
        ("01", AUTH_PIN, "JPKI (User Authentication PIN)"),
        ("02", SIGNATURE_PIN, "JPKI (Digital Signature PIN)"),
    ],
)
def test_pkcs11_tool_signs_and_openssl_verifies_with_the_certificate(
    pcscd: Pcscd, card: CardUnderTest, tmp_path: Path, key_id: str, pin: str, token: str
) -> None:
    data, signature, cert = tmp_path / "data", tmp_path / "sig", tmp_path / "cert.pem"
    data.write_bytes("確定申告書 e-Tax 2026".encode())
    pcscd.run(
        "pkcs11-tool",
        "--module",
        PKCS11_MODULE,
        "--token-label",
        token,
        "--login",
        "--pin",
        pin,
        "--sign",
        "--mechanism",
        "SHA256-RSA-PKCS",
        "--id",
        key_id,
        "--input-file",
        str(data),
        "--output-file",
        str(signature),
        check=True,
    )
    certificate = card.auth_certificate if key_id == "01" else card.signature_certificate
    cert.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    public = tmp_path / "public.pem"
    pcscd.run(
        "openssl", "x509", "-in", str(cert), "-pubkey", "-noout", "-out", str(public), check=True
    )
    verified = pcscd.run(
        "openssl",
        "dgst",
        "-sha256",
        "-verify",
        str(public),
        "-signature",
        str(signature),
        str(data),
    )
    assert verified.returncode == 0 and "Verified OK" in verified.stdout
    data.write_bytes(b"tampered")
    assert (
        pcscd.run(
            "openssl",
            "dgst",
            "-sha256",
            "-verify",
            str(public),
            "-signature",
            str(signature),
            str(data),
        ).returncode
        != 0
    )


def test_pkcs11_tool_cannot_sign_without_the_right_pin(
    pcscd: Pcscd, card: CardUnderTest, tmp_path: Path
) -> None:
    (tmp_path / "data").write_bytes(b"data")
    refused = pcscd.run(
        "pkcs11-tool",
        "--module",
        PKCS11_MODULE,
        "--login",
        "--pin",
        "0000",
        "--sign",
        "--mechanism",
        "SHA256-RSA-PKCS",
        "--id",
        "01",
        "--input-file",
        str(tmp_path / "data"),
        "--output-file",
        str(tmp_path / "sig"),
    )
    assert refused.returncode != 0 and "CKR_PIN_INCORRECT" in refused.stderr


@pytest.mark.parametrize(
    "auth_id,wrong,label,attempts",
    [
        ("01", "9999", "JPKI (User Authentication PIN)", 3),
        ("02", "WRONG1", "JPKI (Digital Signature PIN)", 5),
    ],
)
def test_opensc_reports_the_pin_blocked_after_the_last_wrong_entry(
    pcscd: Pcscd, card: CardUnderTest, auth_id: str, wrong: str, label: str, attempts: int
) -> None:
    for _ in range(attempts):
        refused = pcscd.run("pkcs15-tool", "--verify-pin", "--auth-id", auth_id, "--pin", wrong)
        assert refused.returncode != 0 and "incorrect" in refused.stderr
    right = AUTH_PIN if auth_id == "01" else SIGNATURE_PIN
    blocked = pcscd.run("pkcs15-tool", "--verify-pin", "--auth-id", auth_id, "--pin", right)
    assert blocked.returncode != 0 and "blocked" in blocked.stderr
    login = pcscd.run(
        "pkcs11-tool",
        "--module",
        PKCS11_MODULE,
        "--token-label",
        label,
        "--login",
        "--pin",
        right,
        "--list-objects",
    )
    assert "CKR_PIN_LOCKED" in login.stderr
    tokens = pcscd.run(
        "pkcs11-tool", "--module", PKCS11_MODULE, "--list-token-slots", check=True
    ).stdout
    slot = tokens[tokens.index(label) :]
    assert "user PIN locked" in slot.split("pin min/max")[0]


# --- our terminals take the same path --------------------------------------------------------


def test_a_terminal_gets_the_same_answers_through_pcsc_as_in_process(
    pcscd: Pcscd, card: CardUnderTest
) -> None:
    nonce = make_challenge()
    with PcscReader(READER, timeout=WAIT) as reader:
        over_pcsc = JpkiTerminal(reader)
        answer = over_pcsc.authenticate(nonce, AUTH_PIN)
        signed = over_pcsc.sign(b"e-Tax", SIGNATURE_PIN)
        with pytest.raises(WrongPin) as wrong_pcsc:
            over_pcsc.verify(PinRef.CARD_INFO_INPUT, "0000")
        number = over_pcsc.read_my_number(AUTH_PIN)
    verify_challenge_signature(card.auth_certificate, nonce, answer.signature)
    assert answer.certificate_der == der(card.auth_certificate)
    assert signed.certificate_der == der(card.signature_certificate)
    assert number.masked == "**** **** 0257"
    in_process = JpkiTerminal(InProcessReader.for_chip(card.chip))
    assert in_process.authenticate(nonce, AUTH_PIN).signature == answer.signature
    assert in_process.sign(b"e-Tax", SIGNATURE_PIN) == signed  # PKCS#1 v1.5 is deterministic
    with pytest.raises(WrongPin) as wrong_in_process:
        in_process.verify(PinRef.CARD_INFO_INPUT, "0000")
    assert (wrong_pcsc.value.details, wrong_in_process.value.details) == (
        {"pin": "card_info_input", "tries_left": 2},
        {"pin": "card_info_input", "tries_left": 2},
    )
    assert in_process.read_certificate(KeySlot.USER_AUTH) == card.auth_certificate


def test_an_e_tax_return_signed_through_pcsc_verifies(
    pcscd: Pcscd, card: CardUnderTest, ca: CertificateAuthority
) -> None:
    with PcscReader(READER, timeout=WAIT) as reader:
        certificate, signer = JpkiTerminal(reader).signer(KeySlot.SIGNATURE, SIGNATURE_PIN)
        signed = sign_xml(
            "<申告書><年分>2025</年分></申告書>".encode(), signer=signer, certificate=certificate
        )
    verified = verify_signed_xml(
        signed, ca, at=dt.datetime.now(dt.UTC), is_revoked=lambda serial: None
    )
    assert verified.certificate == card.signature_certificate


def test_the_services_terminals_use_answer_the_same_through_pcsc_and_in_process(
    pcscd: Pcscd, card: CardUnderTest, ca: CertificateAuthority
) -> None:
    """The clinic terminal, kiosk and portal answer challenges with ``answer_challenge`` and
    e-Tax signs with ``sign_tax_return``: given a PC/SC reader or the chip, the same result."""
    from mynumber.services.jpki.card_auth import answer_challenge
    from mynumber.services.tax.tax_office import sign_tax_return

    nonce = make_challenge()
    xml = "<申告書><年分>2025</年分></申告書>".encode()
    with PcscReader(READER, timeout=WAIT) as reader:
        over_pcsc = answer_challenge(reader, pin=AUTH_PIN, nonce=nonce)
        signed_pcsc = sign_tax_return(reader, signature_pin=SIGNATURE_PIN, xml=xml)
    in_process = answer_challenge(card.chip, pin=AUTH_PIN, nonce=nonce)
    assert over_pcsc == in_process
    assert sign_tax_return(card.chip, signature_pin=SIGNATURE_PIN, xml=xml) == signed_pcsc
    verify_signed_xml(signed_pcsc, ca, at=dt.datetime.now(dt.UTC), is_revoked=lambda s: None)
    with PcscReader(READER, timeout=WAIT) as reader, pytest.raises(WrongPin) as wrong:
        answer_challenge(reader, pin="0000", nonce=nonce)
    assert "2 tries left" in wrong.value.message_en


def test_a_pin_locked_through_pcsc_is_locked_in_process(pcscd: Pcscd, card: CardUnderTest) -> None:
    with PcscReader(READER, timeout=WAIT) as reader:
        terminal = JpkiTerminal(reader)
        for _ in range(3):
            with pytest.raises(WrongPin):
                terminal.authenticate(make_challenge(), "0000")
        with pytest.raises(PinLocked):
            terminal.authenticate(make_challenge(), AUTH_PIN)
    with pytest.raises(PinLocked):
        card.chip.open_session().verify(PinRef.USER_AUTHENTICATION, AUTH_PIN)


# --- `mynumber reader insert` ------------------------------------------------------------------


def _cli(args: list[str], data_dir: Path) -> Forked:
    """``python -m mynumber.cli …``, forked from the interpreter that imported the project
    once (``forked_servers``), not a fresh one: ~2 s of CPU less a command. Still a process of
    its own with its own environment, stopped by SIGTERM, its exit status and its standard
    output and error apart (a fresh interpreter's start is ``test_cli``'s)."""
    env = {
        **os.environ,
        "MYNUMBER_DATA_DIR": str(data_dir),
        "MYNUMBER_MASTER_KEY": TEST_MASTER_KEY,
        "COLUMNS": "200",
    }
    return forked_popen(
        [sys.executable, "-m", "mynumber.cli", *args],
        env=env,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def test_reader_insert_puts_a_card_from_the_database_in_the_reader(
    pcscd: Pcscd,
    make_card: MakeCard,
    tmp_path: Path,
    request: pytest.FixtureRequest,
    migrated_data_dir: Callable[[Path], Path],
) -> None:
    from mynumber.bootstrap import build_system
    from mynumber.config import Settings

    system = build_system(
        Settings(data_dir=migrated_data_dir(tmp_path), master_key=TEST_MASTER_KEY)
    )
    request.addfinalizer(system.close)
    services = system.services
    stored = make_card(services.chips, services.keys.chip_key)
    serial = stored.chip.card_id
    command = _cli(
        ["reader", "insert", serial, "--port", str(pcscd.port), "--wait", str(WAIT)], tmp_path
    )
    try:
        pcscd.wait_until(True, "the card from the database did not appear")
        assert pcscd.run("opensc-tool", "--name", check=True).stdout.strip() == "jpki"
        read = pcscd.run("pkcs15-tool", "--read-certificate", "01", check=True).stdout
        assert pem_to_der(read) == der(stored.auth_certificate)
        pcscd.run("pkcs15-tool", "--verify-pin", "--auth-id", "01", "--pin", "9999")
        with Chip(services.chips, serial, chip_key=services.keys.chip_key).open_session() as s:
            assert s.tries_left(PinRef.USER_AUTHENTICATION) == 2  # counted in the database
    finally:
        command.send_signal(signal.SIGTERM)
        out, errors = command.communicate(timeout=WAIT)
    assert command.returncode == 0, errors
    assert f"card {serial} removed" in out
    pcscd.wait_until(False, "the card was not seen removed")


def test_reader_insert_of_an_unknown_card_is_one_line_and_exit_1(
    tmp_path: Path, migrated_data_dir: Callable[[Path], Path]
) -> None:
    command = _cli(
        ["reader", "insert", "NO-SUCH-CARD", "--wait", "0.1"], migrated_data_dir(tmp_path)
    )
    _out, errors = command.communicate(timeout=120)
    assert command.returncode == 1
    assert len(errors.strip().splitlines()) == 1 and "No such card" in errors


# --- the PC/SC contexts our reader holds -----------------------------------------------------


def unreleased_pcsc_contexts() -> int:
    """pyscard's connections still holding a PC/SC context (each establishes one when made;
    one left to the garbage collector is released whenever the object goes, and its
    destructor raises if pcscd has gone by then)."""
    from smartcard.pcsc.PCSCCardConnection import PCSCCardConnection

    gc.collect()  # connections already unreachable: their destructor releases them
    return sum(
        1
        for each in gc.get_objects()
        if isinstance(each, PCSCCardConnection) and each.hcontext is not None
    )


def test_a_closed_reader_holds_no_pcsc_context(pcscd: Pcscd, card: CardUnderTest) -> None:
    before = unreleased_pcsc_contexts()
    reader = PcscReader(READER, timeout=WAIT)
    assert unreleased_pcsc_contexts() == before + 1
    assert JpkiTerminal(reader).is_my_number_card()
    reader.close()
    assert unreleased_pcsc_contexts() == before  # released now, `reader` still referenced
