"""サンドボックス — the integrators' sandbox (``mynumber serve --sandbox``).

Actor: the sandbox admin (``Role.SANDBOX_ADMIN``), an integrator building a clinic reception
system, payroll software or a municipal system against the real API. They move the sandbox's
simulated clock (``clock``: the scheduled work runs as the days pass, ``domain.sandbox``),
put a card in a virtual reader and send it APDUs (``cards``: the same chip and PIN counters as
every other use of the card), and make organisations with their tokens (``organisations``).
Rules called: ``domain.sandbox``, and those of every feature whose work it runs or sets up.
"""
