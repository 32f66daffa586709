"""The tax office: returns signed with the card's signature certificate (e-Tax) and the slips
employers file.

Actor: the tax office. Rules called: ``domain.tax_return``, ``mynumber.pki``.
"""
