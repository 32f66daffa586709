"""Every refusal a use case raises carries its audit entry (issue 14.2): the entry points
append what the refusal carries (``services.core.audit.record_refusal``) and guess nothing,
so a refusal raised bare in ``services/`` would go unaudited through all three. This reads
the use cases' source: each ``raise`` of a refusal is wrapped in ``refused`` or
``role_refused``, or sits in a function marked ``refusals_audited``; and the caller's role is
checked through the policy (``services.core.policy.require_role``), not the bare rule."""

from __future__ import annotations

import ast
from pathlib import Path

import mynumber.services

SERVICES = Path(mynumber.services.__file__).parent
REFUSALS = {"Forbidden", "PurposeNotAllowed"}
WRAPPERS = {"refused", "role_refused"}


def _name(node: ast.expr) -> str:
    if isinstance(node, ast.Call):
        return _name(node.func)
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else ""


def _audited(func: ast.FunctionDef) -> bool:
    return any(_name(d) == "refusals_audited" for d in func.decorator_list)


def _functions(tree: ast.Module) -> list[ast.FunctionDef]:
    return [f for f in ast.walk(tree) if isinstance(f, ast.FunctionDef)]


def _bare_refusals(tree: ast.Module) -> list[tuple[str, int]]:
    """Functions that raise a refusal neither wrapped nor marked ``refusals_audited``."""
    found = []
    for func in _functions(tree):
        if _audited(func):
            continue
        for node in ast.walk(func):
            if isinstance(node, ast.Raise) and node.exc is not None and _name(node.exc) in REFUSALS:
                found.append((func.name, node.lineno))
    return found


def _names_for(module: str, helper: str, tree: ast.Module, own: bool) -> tuple[set[str], set[str]]:
    """How ``tree`` names ``module.helper``: bare names, and aliases of ``module``."""
    bare, aliases = ({helper} if own else set()), set()
    package, _, last = module.rpartition(".")
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == module:
            bare |= {a.asname or a.name for a in node.names if a.name == helper}
        elif isinstance(node, ast.ImportFrom) and node.module == package:
            aliases |= {a.asname or a.name for a in node.names if a.name == last}
        elif isinstance(node, ast.Import):
            aliases |= {a.asname or a.name for a in node.names if a.name == module}
    return bare, aliases


def _unaudited_callers(module: str, helper: str, trees: dict[str, ast.Module]) -> list[str]:
    """Where ``module.helper`` (a rule's helper that knows no caller) is called from a
    function that is not ``refusals_audited``; a helper nobody calls counts as one."""
    calls = []
    for name, tree in trees.items():
        bare, aliases = _names_for(module, helper, tree, own=name == module)
        calls += [
            func
            for func in _functions(tree)
            for node in ast.walk(func)
            if isinstance(node, ast.Call)
            and (
                (isinstance(node.func, ast.Name) and node.func.id in bare)
                or (
                    isinstance(node.func, ast.Attribute)
                    and node.func.attr == helper
                    and _name(node.func.value) in aliases
                )
            )
        ]
    if not calls:
        return [f"{helper}: never called"]
    return [f"{func.name} calls {helper}" for func in calls if not _audited(func)]


def _module(path: Path) -> str:
    return "mynumber.services." + ".".join(path.relative_to(SERVICES).with_suffix("").parts)


def test_no_use_case_raises_a_refusal_without_its_entry() -> None:
    """A refusal raised bare is allowed only in a helper whose every caller is marked (the
    helper knows no caller: ``check_holder``, ``open_number``, a face match)."""
    trees = {_module(path): ast.parse(path.read_text()) for path in SERVICES.rglob("*.py")}
    unaudited = [
        f"{module}:{line} {where}"
        for module, tree in trees.items()
        for helper, line in _bare_refusals(tree)
        for where in _unaudited_callers(module, helper, trees)
    ]
    assert unaudited == []


def test_roles_are_checked_through_the_policy() -> None:
    bare = []
    for path in SERVICES.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.ImportFrom)
                and node.module == "mynumber.domain.access"
                and any(a.name == "require_role" for a in node.names)
            ):
                bare.append(str(path.relative_to(SERVICES)))
    assert bare == []


def test_the_check_finds_a_bare_refusal() -> None:  # the check itself can fail
    tree = ast.parse("def f(caller):\n    raise Forbidden('no', 'いいえ')\n")
    assert _bare_refusals(tree) == [("f", 2)]
    assert _unaudited_callers("m", "f", {"m": tree}) == ["f: never called"]
    called = ast.parse("from m import f\ndef use_case(caller):\n    f()\n")
    assert _unaudited_callers("m", "f", {"m": tree, "n": called}) == ["use_case calls f"]
    by_alias = ast.parse("from p import m as mm\ndef use_case(caller):\n    mm.f()\n")
    assert _unaudited_callers("p.m", "f", {"p.m": tree, "n": by_alias}) == ["use_case calls f"]
    other_f = ast.parse("def use_case(caller):\n    f()\n")  # another module's own f
    assert _unaudited_callers("m", "f", {"m": tree, "n": other_f}) == ["f: never called"]
    marked_caller = ast.parse(
        "from m import f\n@refusals_audited\ndef use_case(caller):\n    f()\n"
    )
    assert _unaudited_callers("m", "f", {"m": tree, "n": marked_caller}) == []
    wrapped = ast.parse("def f(caller):\n    raise refused(caller, Forbidden('no', 'x'))\n")
    assert _bare_refusals(wrapped) == []
    marked = ast.parse("@refusals_audited\ndef f(caller):\n    raise Forbidden('no', 'x')\n")
    assert _bare_refusals(marked) == []
