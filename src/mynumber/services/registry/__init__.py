"""The resident register (住民基本台帳) as a ward office keeps it: moving in, within and out,
residents' records, allocating and opening My Numbers, the notification letters and bulk
registration.

Actor: ward office staff. Rules called: ``domain.registration``, ``domain.deadlines``,
``domain.numbering``, ``domain.numbers``, ``domain.mail``.
"""
