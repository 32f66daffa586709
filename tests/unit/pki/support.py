"""Constants and helpers shared by the JPKI tests (fixtures live in conftest.py)."""

from __future__ import annotations

import datetime as dt
import subprocess
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from mynumber.pki.profiles import SignatureSubject

PASSPHRASE = b"correct horse battery staple"
# Yesterday: certificates must be valid *now* for openssl and xmlsec1, which use the wall clock.
NOW = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(days=1)
FIVE_YEARS = dt.timedelta(days=5 * 365)

TARO = SignatureSubject(
    name="山田 太郎",
    address="東京都千代田区千代田1番1号",
    date_of_birth=dt.date(1990, 4, 1),
    sex="1",
)


@dataclass(frozen=True)
class CardKeys:
    """Pre-made card keys: index them instead of generating new ones."""

    keys: tuple[rsa.RSAPrivateKey, ...]

    def __getitem__(self, index: int) -> rsa.RSAPrivateKey:
        return self.keys[index]


def pem(cert: x509.Certificate | x509.CertificateRevocationList) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """Run a real tool; never raises on a non-zero exit (tests assert on it)."""
    return subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, timeout=60, check=False
    )


def never_revoked(serial: int) -> None:
    return None
