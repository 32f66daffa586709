"""A bug is logged with its traceback, never with its message (it may quote a My Number)."""

from __future__ import annotations

import logging

import pytest

from mynumber.adapters.unexpected import log_unexpected, traceback_without_messages

NUMBER = "123456789018"


def _parse_the_input(text: str) -> int:
    return int(text + "x")


def _handle_request() -> None:
    try:
        _parse_the_input(NUMBER)
    except ValueError as exc:
        raise RuntimeError(f"could not read {NUMBER}") from exc


def _raised() -> BaseException:
    with pytest.raises(RuntimeError) as info:
        _handle_request()
    return info.value


def test_the_traceback_names_every_frame_and_class_of_the_chain() -> None:
    text = traceback_without_messages(_raised())
    assert "_parse_the_input" in text and "_handle_request" in text
    assert "builtins.ValueError (message withheld)" in text
    assert "builtins.RuntimeError (message withheld)" in text
    assert text.index("ValueError") < text.index("RuntimeError")  # the cause first


def test_no_message_reaches_the_log(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR, logger="mynumber.test"):
        log_unexpected(logging.getLogger("mynumber.test"), _raised(), where="POST /somewhere")
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "POST /somewhere" in logged and "Traceback" in logged
    # The source lines of the frames are shown (they are code); the values never are.
    assert NUMBER not in logged and "(message withheld)" in logged
