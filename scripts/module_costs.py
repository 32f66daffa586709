"""tests/module_costs.txt from a whole run's ``--durations=0`` output: the seconds of each unit
``--dist loadscope`` hands a worker (a test module, or a class of one, and all the browser
tests as one: ``tests/work_units.py``), setup, call and teardown of its tests added up,
heaviest first. pytest-xdist
hands the units out in that order (tests/conftest.py, ``pytest_collection_modifyitems``).

    PYTHONDONTWRITEBYTECODE= pytest -n 3 --dist loadscope --durations=0 --durations-min=0 > run.txt
    python -m scripts.module_costs run.txt > tests/module_costs.txt
"""

from __future__ import annotations

import re
import sys
from collections import defaultdict

from tests.work_units import xdist_scope

LINE = re.compile(r"^\s*(\d+(?:\.\d+)?)s (?:setup|call|teardown)\s+(\S.*::.*?)\s*$")


def main(path: str) -> None:
    seconds: dict[str, float] = defaultdict(float)
    with open(path, encoding="utf-8") as run:
        for line in run:
            found = LINE.match(line)
            if found:
                seconds[xdist_scope(found.group(2))] += float(found.group(1))
    print("# <seconds> <scope>: a whole run's --durations=0 by module or class")
    for scope, total in sorted(seconds.items(), key=lambda kv: (-kv[1], kv[0])):
        print(f"{total:.1f} {scope}")


if __name__ == "__main__":
    main(sys.argv[1])
