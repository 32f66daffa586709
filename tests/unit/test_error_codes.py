"""Every refusal's code is listed in docs/errors.md (issue 19.5): a caller can look up each
code a response may carry. The codes come from the error kinds themselves (every subclass of
``MyNumberError`` in the project) and from the edge's own answers (``problem(…, "code", …)``)."""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Iterator
from pathlib import Path

import mynumber
from mynumber.domain.errors import MyNumberError

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "errors.md").read_text(encoding="utf-8")
EDGE_CODE = re.compile(r'problem\(\s*\d+,\s*"([a-z0-9-]+)"')
NAMED_CODE = re.compile(r'^\s+\d+: \(\s*"([a-z0-9-]+)"', re.M)


def _kinds(base: type[MyNumberError]) -> Iterator[type[MyNumberError]]:
    for kind in base.__subclasses__():
        yield kind
        yield from _kinds(kind)


def _error_codes() -> set[str]:
    for module in pkgutil.walk_packages(mynumber.__path__, "mynumber."):
        if ".migrations" not in module.name and not module.name.endswith("__main__"):
            importlib.import_module(module.name)
    kinds = [MyNumberError, *_kinds(MyNumberError)]
    return {k.code for k in kinds if k.__module__.startswith("mynumber.")} - {"error"}


def _edge_codes() -> set[str]:
    found: set[str] = set()
    for path in (ROOT / "src" / "mynumber" / "api").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        found |= set(EDGE_CODE.findall(text)) | set(NAMED_CODE.findall(text))
    return found


def test_every_code_is_listed_in_the_docs() -> None:
    codes = _error_codes() | _edge_codes()
    assert len(codes) > 40
    missing = sorted(code for code in codes if f"`{code}`" not in DOC)
    assert not missing, f"codes not in docs/errors.md: {missing}"


def test_the_problem_type_is_the_documented_uri_of_the_code() -> None:
    from mynumber.api.problems import TYPE_BASE

    assert TYPE_BASE == "https://mynumber.example/problems/"
    assert "https://mynumber.example/problems/<code>" in DOC
