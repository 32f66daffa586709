"""Imported last by the suite's forkserver (``forked_servers.PRELOAD``): its heap, the project,
uvicorn and FastAPI it imported, frozen (``gc.freeze``) before it forks anything.

The forkserver ends as any interpreter does, with full garbage collections over that heap
(~0.7 s of CPU a forkserver, one per pytest worker that forks a server); frozen, it is not
traversed. Its forked servers inherit the frozen heap as well: their own collections skip the
imported modules, as ``gc.freeze``'s documentation advises before a fork. What is frozen is
the modules and what they made at import, never garbage in a server's life.
"""

import gc

gc.freeze()
