"""Use cases that cross features: moving (the register and the card together).

Actor: ward office staff. Rules called: those of ``registry`` and ``cards``.
"""
