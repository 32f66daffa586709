"""``python -m mynumber.i18n update|compile|check`` (see ``mynumber.i18n.messages``).

Run from the root of the checkout whose catalogues you mean to write: a shared virtualenv
may import ``mynumber`` from another checkout (then set ``PYTHONPATH=$PWD/src``), and the
command refuses rather than rewrite that other checkout's catalogues.
"""

from __future__ import annotations

import sys
from pathlib import Path

from mynumber.i18n import messages

COMMANDS = {"update": messages.update, "compile": messages.compile_all, "check": messages.check}

if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in COMMANDS:
        sys.exit(f"usage: python -m mynumber.i18n {{{'|'.join(COMMANDS)}}}")
    here = Path.cwd().resolve()
    if sys.argv[1] != "check" and messages.SOURCE_ROOT.parent != here:
        sys.exit(
            f"mynumber is imported from {messages.SOURCE_ROOT}, not from {here}/src: "
            "run from that checkout, or set PYTHONPATH=$PWD/src"
        )
    sys.exit(COMMANDS[sys.argv[1]]() or 0)
