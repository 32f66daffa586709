"""`mynumber chaos`: the fault harness (issue 16.5).

It runs the service (`mynumber serve`, dev mode) as a subprocess on a database of its own, sends
it a mixed stream of registrations, card applications, collections, PIN entries and clinic
checks over HTTP, kills it at random moments (``SIGKILL``, ``SIGTERM``, and on PostgreSQL the
service's database connections, ``pg_terminate_backend``), restarts it and, after every round,
checks what must hold whatever the crash (``invariants``): one number per person and no two
alike; each card's chip and register agree; no half-collected card; the audit log verifies;
nothing written for a request that was refused, nothing lost for one that was answered.

``ledger`` is what was sent and how it was answered, ``world`` the residents whose cards are
waiting at the counter, ``traffic`` the stream, ``harness`` the rounds. It is an entry point
(above the API in the layers): it reads the database directly to check it.
"""

FAULT_AFTER = (1.0, 5.0)
"""The seconds of traffic before a round's fault, drawn between these (``--fault-after``;
here, not in ``harness``, so that the command's options do not import the harness)."""
