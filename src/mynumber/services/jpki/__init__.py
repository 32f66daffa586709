"""Public personal authentication (公的個人認証, JPKI): the card's certificates, their issue and
revocation, and authentication by a card's signature over a fresh challenge.

Actor: the card centre (J-LIS) as certificate authority, and every relying party that checks a
card. Rules called: ``mynumber.pki`` (X.509, CRL, OCSP), ``domain.validity``.
"""
