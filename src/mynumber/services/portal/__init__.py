"""The resident's portal (マイナポータル): login with the card, the card page, the access log,
face checks and child benefit.

Actor: the resident. Rules called: ``domain.cards``, ``domain.validity``, ``domain.timelines``.
"""
