"""`mynumber bench derive`: derive numbers in one vectorised FF3-1 batch."""

from __future__ import annotations

import os
import platform
import time

import numpy as np
from rich.console import Console

from mynumber.adapters.keys import KeyRing
from mynumber.domain.numbering import derive_my_number, derive_my_numbers, registry_code_for


def run(count: int, console: Console) -> float:
    """Derive ``count`` numbers; check a sample against the per-number path; print the rate."""
    keys = KeyRing.from_master(os.urandom(32))
    codes = np.arange(1, count + 1, dtype=np.int64)
    started = time.perf_counter()
    numbers = derive_my_numbers(codes, key=keys.number_key, tweak=keys.number_tweak)
    elapsed = time.perf_counter() - started
    sample = np.linspace(0, count - 1, num=min(count, 200), dtype=np.int64)
    for i in sample:
        scalar = derive_my_number(
            registry_code_for(int(codes[i])), key=keys.number_key, tweak=keys.number_tweak
        )
        if f"{int(numbers[i]):012d}" != scalar.digits:
            raise SystemExit("vectorised result differs from the per-number result")
    distinct = len(np.unique(numbers)) == count
    rate = count / elapsed if elapsed else float("inf")
    console.print(
        f"derived {count:,} numbers in {elapsed:.3f} s: {rate:,.0f} numbers/s "
        f"(all distinct: {distinct}; 200 checked against the scalar path) "
        f"on {platform.machine()} with {os.cpu_count()} cores"
    )
    return rate
