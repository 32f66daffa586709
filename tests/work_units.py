"""The units of work pytest-xdist's ``--dist loadscope`` hands a worker: a test module, or a
class of one (pytest-xdist's own split), except the browser tests, which are one unit.

Their Chromium (the ``browser`` fixture, with its kept ``tab``) is package-scoped: pytest
closes it whenever a worker goes on to a test outside ``tests/e2e``. With each e2e module its
own unit, a worker ran them between other modules and launched Chromium and Playwright's
driver again after each (~9 launches a run over three workers, ~1.5 s of CPU each with the
tab's renderer, and a server per worker). As one unit they run on one worker, in a row, with
one launch (docs/benchmarks.md, "The test suite", fourteenth pass).

Used by ``tests/conftest.py`` (the scheduler, and the order of the units) and by
``scripts/module_costs.py`` (``tests/module_costs.txt``, the units' seconds)."""

from __future__ import annotations

from xdist.scheduler import LoadScopeScheduling

BROWSER_TESTS = "tests/e2e/"


def xdist_scope(nodeid: str) -> str:
    """The unit of work of the test ``nodeid``: ``tests/e2e`` for every browser test, else
    its module, or its class (the node id up to its last ``::``)."""
    if nodeid.startswith(BROWSER_TESTS):
        return BROWSER_TESTS.rstrip("/")
    return nodeid.rsplit("::", 1)[0]


class UnitScheduling(LoadScopeScheduling):
    """``--dist loadscope`` with the units of ``xdist_scope``."""

    def _split_scope(self, nodeid: str) -> str:
        return xdist_scope(nodeid)
