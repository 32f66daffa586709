"""Use cases, one feature package per actor (see docs/architecture.md).

Each function takes the unit of work's session and the ``Services`` context and calls the rules
in ``mynumber.domain``. Packages import ``core``, lower features in the order ``core`` → ``jpki``
→ ``registry`` → ``cards`` → ``insurance`` → ``employer`` → ``tax`` → ``portal``, and ``flows``
(use cases that cross features) sits above them all.
"""
