"""仮想カードリーダー — put a card in the vpcd virtual reader, so PC/SC software can use it.

``vsmartcard-vpcd`` is a reader driver loaded by ``pcscd``: it listens on TCP
(127.0.0.1:35963 for its first slot, as configured in ``/etc/reader.conf.d/vpcd``) and treats
whatever connects as the card in that slot. Inserting a card is connecting; removing it is
closing the connection. The protocol (vsmartcard documentation, "vpcd"), both directions:
a 2-byte big-endian length, then that many bytes. From the reader, a 1-byte message is a control
code — ``0`` power off, ``1`` power on, ``2`` reset (no answer to these three) and ``4`` "send
the ATR" (answered with the ATR; vpcd also asks it to poll whether the card is still there);
anything longer is a command APDU, answered with the response APDU.

Written here from that description (the GPL ``virtualsmartcard`` package is not used).
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from types import TracebackType
from typing import Protocol

from mynumber.domain.errors import CardError

VPCD_HOST = "127.0.0.1"
VPCD_PORT = 35963
POWER_OFF, POWER_ON, RESET, GET_ATR = 0, 1, 2, 4
_RETRY_EVERY = 0.1


class VirtualCard(Protocol):
    """What the bridge needs of a card (``mynumber.card.apdu.JpkiCard`` is one)."""

    atr: bytes

    def power_on(self) -> None: ...

    def power_off(self) -> None: ...

    def reset(self) -> None: ...

    def process(self, apdu: bytes) -> bytes: ...


class ReaderUnavailable(CardError):
    """No vpcd reader listens where we were told to connect."""

    code = "reader-unavailable"
    title = "The virtual card reader is not available"


class VpcdBridge:
    """One card in one vpcd slot. ``insert()`` / ``remove()`` run it on a background thread;
    ``connect()`` then ``serve()`` run it in the caller's thread (the CLI)."""

    def __init__(self, card: VirtualCard, *, host: str = VPCD_HOST, port: int = VPCD_PORT) -> None:
        self.card = card
        self.host = host
        self.port = port
        self._socket: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()

    def __enter__(self) -> VpcdBridge:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.remove()

    def connect(self, *, timeout: float = 10.0) -> None:
        """Connect to the reader, retrying until ``timeout`` seconds have passed (pcscd may
        still be starting); ``ReaderUnavailable`` after that."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                self._socket = socket.create_connection((self.host, self.port), timeout=1.0)
                self._socket.settimeout(None)
                self._socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                return
            except OSError:
                if time.monotonic() >= deadline:
                    raise ReaderUnavailable(
                        f"No virtual card reader (vpcd) listens on {self.host}:{self.port}: "
                        "is pcscd running with vsmartcard-vpcd?",
                        f"仮想カードリーダー（vpcd）が {self.host}:{self.port} にありません。"
                        "pcscd と vsmartcard-vpcd が動いているか確認してください。",
                        host=self.host,
                        port=self.port,
                    ) from None
                time.sleep(_RETRY_EVERY)

    def serve(self) -> None:
        """Answer the reader until it goes away or ``remove()`` is called."""
        connection = self._socket
        if connection is None:
            raise RuntimeError("connect() first")
        try:
            while not self._stopping.is_set():
                message = _receive(connection)
                if message is None:
                    return
                answer = self._answer(message)
                if answer is not None:
                    connection.sendall(len(answer).to_bytes(2, "big") + answer)
        except OSError:
            if not self._stopping.is_set():
                raise
        finally:
            self.card.power_off()

    def insert(self, *, timeout: float = 10.0) -> VpcdBridge:
        """Connect and serve on a daemon thread: the card is in the reader."""
        self.connect(timeout=timeout)
        self._thread = threading.Thread(target=self.serve, name=f"vpcd:{self.port}", daemon=True)
        self._thread.start()
        return self

    def remove(self, *, timeout: float = 5.0) -> None:
        """Take the card out: close the connection and wait for the serving thread."""
        self._stopping.set()
        if self._socket is not None:
            with contextlib.suppress(OSError):
                self._socket.shutdown(socket.SHUT_RDWR)
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout)
            self._thread = None
        if self._socket is not None:
            self._socket.close()
            self._socket = None

    @property
    def inserted(self) -> bool:
        """Whether the bridge is connected and serving."""
        return self._socket is not None and not self._stopping.is_set()

    def _answer(self, message: bytes) -> bytes | None:
        if len(message) != 1:
            return self.card.process(message)
        code = message[0]
        if code == GET_ATR:
            return self.card.atr
        if code == POWER_ON:
            self.card.power_on()
        elif code == POWER_OFF:
            self.card.power_off()
        elif code == RESET:
            self.card.reset()
        return None  # unknown control codes are ignored, as vpcd expects no answer


def _receive(connection: socket.socket) -> bytes | None:
    """One length-prefixed message, or ``None`` when the reader closed the connection."""
    header = _receive_exactly(connection, 2)
    if header is None:
        return None
    return _receive_exactly(connection, int.from_bytes(header, "big"))


def _receive_exactly(connection: socket.socket, size: int) -> bytes | None:
    chunks, missing = [], size
    while missing:
        _ack_at_once(connection)
        chunk = connection.recv(missing)
        if not chunk:
            return None
        chunks.append(chunk)
        missing -= len(chunk)
    return b"".join(chunks)


def _ack_at_once(connection: socket.socket) -> None:
    """vpcd writes the length and the message separately with Nagle's algorithm on: if we
    delay our ACK (Linux does, ~40 ms), every APDU waits for it. Linux clears TCP_QUICKACK
    by itself, so it is set again before every read."""
    quickack = getattr(socket, "TCP_QUICKACK", None)
    if quickack is not None:
        with contextlib.suppress(OSError):
            connection.setsockopt(socket.IPPROTO_TCP, quickack, 1)
