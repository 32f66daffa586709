"""The regional immigration bureau (地方出入国在留管理局): the special residence card
(特定在留カード), issued with a stay application and renewed with a stay renewal.

Actor: an immigration bureau (``Role.IMMIGRATION``), bound to its ``ImmigrationBureau``. It
acts only on foreign residents and only for the stay; it never reads the My Number (the card
centre writes it to the chip). Rules called: ``domain.special_residence``,
``domain.validity``, ``domain.pins``, ``domain.policy``.
"""
