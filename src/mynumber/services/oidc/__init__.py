"""デジタル認証アプリ — Sign in with the My Number Card: the OpenID Connect provider.

Actors: a **service** (relying party) applies with its name, purpose, exact redirect URIs and
the scopes it wants (``clients``); the **card centre** reviews it (approve, refuse, suspend);
the **holder** proves their card at the authorization page — the user-authentication PIN, and
the signature PIN when the basic four or a signature are asked (``signin``) — and consents or
declines; the provider (``provider``, on Authlib's OAuth 2.0 / OpenID Connect server, keys
in ``keys``) hands the service a code, then an ID token with a pairwise ``sub``
(``domain.oidc``) and, at userinfo, only what was consented. The holder sees every service
they signed in to and may revoke it (``history``). Consent is an access-policy decision
(``domain.policy.Action.SHARE_WITH_SERVICE``), audited like every other.
"""
