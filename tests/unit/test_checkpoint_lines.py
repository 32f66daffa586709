"""The checkpoint file's lines: the last one read backwards a block at a time, and one
that is no whole checkpoint folding nothing in."""

from __future__ import annotations

from pathlib import Path

import pytest

from mynumber.services.core.audit_checkpoints import _Folded, _last_line


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


@pytest.mark.parametrize(
    "line",
    [
        b'{"heads": [[7, "clinic/Kanda Clinic", 3, "ab"]]}',  # no number: not a checkpoint
        b'{"n": "x", "heads": [[7, "clinic/Kanda Clinic", 3, "ab"]]}',
        b'{"n": 2, "heads": [[7, "clinic/Kanda Clinic", 3]]}',
        b'{"n": 2, "heads": [[7, "clinic/Kanda Clinic", 3, "ab"]',  # torn
    ],
)
def test_a_line_that_is_no_whole_checkpoint_folds_no_head_in(line: bytes) -> None:
    """Its heads were never signed as a checkpoint's: taken in, the next line would leave out
    a chain whose head only that line named."""
    folded = _Folded()
    folded.take(b'{"n": 1, "heads": [[1, "ward/131016", 5, "cd"]]}')
    folded.take(line)
    assert set(folded.heads) == {1} and folded.number == 1 and folded.last == line
