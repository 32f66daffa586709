"""公的個人認証サービス (JPKI) — the card centre's certificate authority, pure crypto.

``ca`` makes and loads the CA and issues the two card certificates; ``revocation`` builds CRLs
and answers OCSP; ``verify`` checks a certificate; ``challenge`` proves a card is present;
``xmlsig`` signs and verifies e-Tax XML. No storage here: callers pass revocation status in.
"""
