"""The My Number Card from application to return: applications, the card centre's production
queue, collection and PINs at the counter, the chip after a move, use and suspension, and the
convenience-store kiosk.

Actor: the resident, ward office counter staff and the card centre. Rules called:
``domain.cards``, ``domain.validity``, ``domain.pins``, ``domain.photo_rules``.
"""
