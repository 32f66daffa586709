"""Analyse the installed dependencies' types once, when they are installed (``make``'s set-up).

mypy checks ``src/mynumber`` against the types of everything it imports: the standard
library's stubs, SQLAlchemy, FastAPI, pydantic, cryptography… With an empty cache, those
take ~80 % of a cold ``mypy`` (~12 of ~15 s of CPU on the 2-core machine, docs/benchmarks.md,
fifteenth pass), and they change only when the dependencies do. As pip byte-compiles a
package when it installs it, the set-up runs mypy over a module that only imports every
module ``src/mynumber`` imports from outside the project; its results land in
``.mypy_cache``, where ``make typecheck`` finds them. The project's own modules are not
analysed here: ``make typecheck`` checks them. mypy checks each cached module against its
source's hash, so a cache older than the installed files is analysed again, not trusted.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import tempfile
from pathlib import Path

PROJECT = "mynumber"


def imported_modules(package: Path) -> list[str]:
    """Every absolute module name that a file under ``package`` imports, the project's own
    and ``__future__`` left out."""
    found: set[str] = set()
    for path in package.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module)
    return sorted(name for name in found if name.split(".")[0] not in (PROJECT, "__future__"))


def main() -> int:
    modules = imported_modules(Path("src") / PROJECT)
    with tempfile.TemporaryDirectory() as folder:
        imports = Path(folder) / "mynumber_dependencies.py"
        imports.write_text("".join(f"import {name}\n" for name in modules), encoding="utf-8")
        # The project's configuration (pyproject.toml, read from here), so that the cached
        # results are made with the options ``make typecheck`` uses.
        return subprocess.call([sys.executable, "-m", "mypy", str(imports)])


if __name__ == "__main__":
    sys.exit(main())
