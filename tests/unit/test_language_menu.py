"""The language menu's addresses (``web.core.language_menu``) are Starlette's own: each the
page's address with ``lang=`` set by ``URL.include_query_params``, host-relative — though
they are built from one rebuild of the address, not one a language."""

from __future__ import annotations

import random

from starlette.datastructures import URL
from starlette.requests import Request

from mynumber import i18n
from mynumber.web import core


def _url(path: str, query: bytes) -> URL:
    scope = {
        "type": "http",
        "method": "GET",
        "path": path,
        "query_string": query,
        "headers": [(b"host", b"testserver")],
        "scheme": "http",
        "server": ("testserver", None),
    }
    return Request(scope).url


def _starlettes(url: URL, codes: tuple[str, ...]) -> list[str]:
    return [str(url.include_query_params(lang=c).replace(scheme="", netloc="")) for c in codes]


CASES = [
    ("/", b""),
    ("/portal", b"lang=ja"),
    ("/portal/card", b"a=1&lang=ja&b=2&lang=vi"),  # every lang dropped, the new one last
    ("//x", b"a="),
    ("/a b/é", b"x=%2B&y=+&z=%zz&=&&="),
    ("/p?q#r\\", b"q=1#fragment"),  # a query with '#': the fragment stays last
]
# Codes urlencode escapes, too.
CODES = (*i18n.ALL, "zh Hant", "a+b", "é", "")


def test_the_addresses_are_starlettes_for_every_language() -> None:
    rng = random.Random(14)
    alphabet = "ab/%?#&=+;: lang~é日\\.-_*'\"<>[]@!$,"
    cases = [*CASES]
    for _ in range(3000):
        path = "/" + "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        query = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14))).encode()
        cases.append((path, query))
    for path, query in cases:
        url = _url(path, query)
        assert core._in_each_language(url, CODES) == _starlettes(url, CODES), (path, query)
