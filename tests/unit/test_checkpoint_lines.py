"""The checkpoint file's last line, read backwards a block at a time."""

from __future__ import annotations

from pathlib import Path

import pytest

from mynumber.services.core.audit_checkpoints import _last_line


@pytest.mark.parametrize(
    "content, last",
    [
        (b"", b""),
        (b"\n", b""),
        (b"one\n", b"one"),
        (b"one", b"one"),
        (b"one\ntwo\n", b"two"),
        (b"one\n" + b"x" * 10_000 + b"\n", b"x" * 10_000),
        (b"y" * 5_000 + b"\n" + b"x" * 4_095 + b"\n", b"x" * 4_095),
        (b"y" * 5_000 + b"\n" + b"x" * 4_096 + b"\n", b"x" * 4_096),
        (b"y" * 5_000 + b"\n" + b"x" * 8_193, b"x" * 8_193),
    ],
)
def test_the_last_line_whatever_its_length(tmp_path: Path, content: bytes, last: bytes) -> None:
    path = tmp_path / "checkpoints.jsonl"
    path.write_bytes(content)
    with path.open("rb") as fh:
        assert _last_line(fh) == last
