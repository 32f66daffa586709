"""The vpcd bridge's wire protocol, against a stand-in for vpcd on a loopback socket."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from mynumber.adapters.vpcd import ReaderUnavailable, VpcdBridge
from mynumber.card import Chip
from mynumber.card.apdu import JpkiCard
from mynumber.card.jpki_ap import ATR, JPKI_AID


class FakeVpcd:
    """What vpcd does: listen, accept the card, send length-prefixed frames."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.server.settimeout(5)
        self.port = self.server.getsockname()[1]
        self.card: socket.socket | None = None

    def accept(self) -> None:
        self.card, _ = self.server.accept()
        self.card.settimeout(5)

    def send(self, message: bytes) -> None:
        assert self.card is not None
        self.card.sendall(len(message).to_bytes(2, "big") + message)

    def exchange(self, message: bytes) -> bytes:
        self.send(message)
        assert self.card is not None
        size = int.from_bytes(self._exactly(2), "big")
        return self._exactly(size)

    def _exactly(self, size: int) -> bytes:
        assert self.card is not None
        data = b""
        while len(data) < size:
            chunk = self.card.recv(size - len(data))
            assert chunk, "the bridge closed the connection"
            data += chunk
        return data

    def close(self) -> None:
        if self.card is not None:
            self.card.close()
        self.server.close()


@pytest.fixture
def vpcd() -> Iterator[FakeVpcd]:
    fake = FakeVpcd()
    yield fake
    fake.close()


def test_the_bridge_answers_atr_and_apdus_in_vpcd_frames(vpcd: FakeVpcd, chip: Chip) -> None:
    with VpcdBridge(JpkiCard(chip), port=vpcd.port).insert(timeout=5) as bridge:
        vpcd.accept()
        vpcd.send(b"\x01")  # power on: no answer expected
        assert vpcd.exchange(b"\x04") == ATR
        assert vpcd.exchange(bytes.fromhex("00A4040C0A") + JPKI_AID) == b"\x90\x00"
        assert vpcd.exchange(bytes.fromhex("00A4020C020018")) == b"\x90\x00"
        assert vpcd.exchange(bytes.fromhex("00200080")) == b"\x63\xc3"
        vpcd.send(b"\x02")  # reset: the application is no longer selected
        assert vpcd.exchange(bytes.fromhex("00A4020C020018")) == b"\x6a\x82"
        assert bridge.inserted
    assert not bridge.inserted


def test_the_bridge_stops_when_the_reader_goes_away(vpcd: FakeVpcd, chip: Chip) -> None:
    bridge = VpcdBridge(JpkiCard(chip), port=vpcd.port)
    bridge.connect(timeout=5)
    vpcd.accept()
    assert vpcd.card is not None
    vpcd.card.close()
    bridge.serve()  # returns instead of hanging or raising
    bridge.remove()


def test_no_reader_listening_is_a_clear_error(chip: Chip) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(ReaderUnavailable) as refused:
        VpcdBridge(JpkiCard(chip), port=port).connect(timeout=0.2)
    assert "pcscd" in refused.value.message_en
