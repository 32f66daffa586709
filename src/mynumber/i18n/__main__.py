"""``python -m mynumber.i18n update|compile|check`` (see ``mynumber.i18n.messages``)."""

from __future__ import annotations

import sys

from mynumber.i18n import messages

COMMANDS = {"update": messages.update, "compile": messages.compile_all, "check": messages.check}

if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in COMMANDS:
        sys.exit(f"usage: python -m mynumber.i18n {{{'|'.join(COMMANDS)}}}")
    sys.exit(COMMANDS[sys.argv[1]]() or 0)
