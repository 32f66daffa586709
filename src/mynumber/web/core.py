"""The page framework: language, sessions, rendering, the navigation registry, and a route
class that turns every error into a page (never JSON, never a 500 for bad input).

Every page module under ``web/`` exposes ``router`` (an ``APIRouter`` built with
``route_class=WebRoute``) and ``NAV`` (the ``NavItem``s it adds to the header); ``mount_web``
lists the modules. Pages render with ``render(request, "template.html", **context)``; the
templates extend ``base.html`` and use the macros in ``macros.html``.
"""

from __future__ import annotations

import datetime as dt
import functools
import inspect
import logging
from collections.abc import Awaitable, Callable, Coroutine, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, TypeVar
from urllib.parse import urlencode

import jinja2
from fastapi import Depends, Request, Response
from fastapi import Path as PathParameter
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import URL, UploadFile

from mynumber import i18n
from mynumber.adapters.unexpected import log_unexpected
from mynumber.domain.access import Role
from mynumber.domain.errors import Forbidden, InvalidInput, MyNumberError, invalid
from mynumber.domain.photo_rules import MAX_FILE_BYTES
from mynumber.domain.registration import parse_id_documents
from mynumber.domain.representation import LegalRepresentative, representative_shown
from mynumber.http_status import http_status
from mynumber.services.core import audit, refs
from mynumber.services.core.context import Caller, DbSession, Services
from mynumber.services.core.writes import DatabaseRefusedInput
from mynumber.web import session as sessions

log = logging.getLogger("mynumber.web")
T = TypeVar("T")
HERE = Path(__file__).parent
LANG_COOKIE = "mynumber_lang"


@dataclass(frozen=True)
class NavItem:
    """A link in the header. ``roles`` empty: shown to everyone; else only to those roles."""

    path: str
    label_en: str
    label_ja: str
    roles: frozenset[Role] = frozenset()

    def visible_to(self, caller: Caller | None) -> bool:
        return not self.roles or (caller is not None and caller.role in self.roles)


class NotLoggedIn(Exception):
    """A staff page was asked for without a (valid) session: go to the login page."""


@functools.cache
def environment() -> jinja2.Environment:
    """The template environment (autoescaped; templates are package data), one per process.

    Shared by every app the process makes: a template is compiled once (~10 ms each), not
    once per app — the tests make an app per test or per module. Its globals are the same
    for every app, and rendering from several threads is safe. Templates are package data
    and do not change under a running process, so ``get_template`` does not look at the
    file's time again on every page (``auto_reload``)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=jinja2.select_autoescape(["html", "svg"]),
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
        auto_reload=False,
    )
    env.globals["format_date"] = format_date
    env.globals["zip"] = zip
    # Links to a record carry its opaque reference, never its id: {{ ref("per", view.person_id) }}
    env.globals["ref"] = lambda kind, id_: refs.reference(refs.Kind(kind), id_)
    return env


def format_date(day: dt.date | None, lang: str) -> str:
    """``Wed 15 Apr 2026`` / ``2026年4月15日（水）`` / ``Thứ 4, 15 thg 4, 2026`` …"""
    return "" if day is None else i18n.day_with_weekday(day, lang)


# --- Per-request state ----------------------------------------------------------------------


def session_key(request: Request) -> bytes:
    return sessions.derive_key(request.app.state.system.services.keys.token_key)


def web_session(request: Request) -> sessions.WebSession:
    found: sessions.WebSession = request.state.web_session
    return found


def pick_lang(request: Request, available: tuple[str, ...] = i18n.ALL) -> str:
    """``?lang=`` first (the language menu), then the cookie, then the browser's
    ``Accept-Language``, then English; narrowed to what the page speaks (``available``)."""
    asked = request.query_params.get("lang")
    if asked in i18n.ALL:
        return i18n.narrow(asked, available)
    cookie = request.cookies.get(LANG_COOKIE)
    if cookie in i18n.ALL:
        return i18n.narrow(cookie, available)
    found = i18n.negotiate(request.headers.get("accept-language", ""), available)
    return found or i18n.DEFAULT


def lang_of(request: Request) -> str:
    lang: str = request.state.lang
    return lang


def flash(request: Request, en: str, ja: str, kind: str = "success", **values: object) -> None:
    """A message for the next page: a literal pair, ``{placeholders}`` filled from
    ``values`` in the reader's language."""
    web_session(request).flash(en, ja, kind, **values)


def redirect(path: str) -> RedirectResponse:
    """After a successful POST: see the result with a GET (303)."""
    return RedirectResponse(path, status_code=303)


# --- Rendering ------------------------------------------------------------------------------


@dataclass(frozen=True)
class MenuEntry:
    """A language in the header's language menu: its name in itself, and where it leads."""

    language: i18n.Language
    url: str
    current: bool


def language_menu(request: Request, lang: str, page_path: str | None) -> list[MenuEntry]:
    """The page in each language it speaks (after a POST: ``page_path``, or home)."""
    codes: tuple[str, ...] = request.state.languages
    if page_path is None and request.method == "GET":
        urls = _in_each_language(request.url, codes)
    else:
        base = page_path or "/"
        urls = [f"{base}{'&' if '?' in base else '?'}lang={code}" for code in codes]
    return [
        MenuEntry(i18n.language(code), url, code == lang)
        for code, url in zip(codes, urls, strict=True)
    ]


def _in_each_language(url: URL, codes: tuple[str, ...]) -> list[str]:
    """This address (path and query) with ``lang=`` set to each code, as Starlette's
    ``include_query_params(lang=…)`` makes it — any ``lang`` dropped, the new one last — with
    the rest of the query re-encoded once (``remove_query_params``), not once a language (a
    resident's page has eleven)."""
    without = url.remove_query_params("lang")
    joint = "&" if without.query else "?"  # read before the host goes: ``//x`` stays a path
    rest = without.replace(scheme="", netloc="", fragment="")
    fragment = f"#{url.fragment}" if url.fragment else ""
    return [f"{rest}{joint}{urlencode({'lang': code})}{fragment}" for code in codes]


def render(
    request: Request,
    template: str,
    *,
    status: int = 200,
    page_path: str | None = None,
    **context: Any,
) -> HTMLResponse:
    """A page from ``template`` in the request's language.

    ``page_path`` is where the language switch leads when the page answers a POST.
    """
    lang = lang_of(request)
    sess = web_session(request)
    caller: Caller | None = getattr(request.state, "caller", None)
    nav: Iterable[NavItem] = request.app.state.web_nav
    env: jinja2.Environment = request.app.state.web_templates
    html = env.get_template(template).render(
        request=request,
        lang=lang,
        language=i18n.language(lang),
        t=i18n.translator(lang),
        caller=caller,
        nav=[n for n in nav if n.visible_to(caller)],
        flashes=sess.pop_flashes(),
        csrf=sessions.csrf_token(session_key(request), sess),
        language_menu=language_menu(request, lang, page_path),
        current_path=request.url.path,
        active_path=active_nav(request.url.path, nav),
        contact=request.app.state.system.settings,
        **context,
    )
    return HTMLResponse(html, status_code=status)


def active_nav(path: str, nav: Iterable[NavItem]) -> str:
    """The nav link a page belongs to: the longest one that ``path`` starts with."""
    inside = [n.path for n in nav if path == n.path or path.startswith(n.path.rstrip("/") + "/")]
    return max(inside, key=len, default=path)


HEADINGS: dict[int, tuple[str, str]] = {
    400: ("This request cannot be handled", "このリクエストは処理できません"),
    401: ("Please log in", "ログインしてください"),
    403: ("You may not see this page", "このページは表示できません"),
    404: ("Page not found", "ページが見つかりません"),
    405: ("This page cannot be used this way", "このページはこの方法では使えません"),
    500: ("Something went wrong on our side", "システムでエラーが発生しました"),
    503: ("The service is unavailable for a moment", "ただいまサービスを利用できません"),
}


def wants_html(request: Request) -> bool:
    """A browser asking for a page (``Accept: text/html`` before any JSON), not an API client."""
    accept = request.headers.get("accept", "").lower()
    if "text/html" not in accept:
        return False
    json_at = accept.find("json")
    return json_at == -1 or accept.find("text/html") < json_at


def browser_error_page(request: Request, status: int, en: str, ja: str) -> HTMLResponse:
    """An error page for a browser outside the pages (a mistyped address, an API address,
    an error on our side): the status's heading and the message in the person's language
    (``?lang=``, the language cookie, the browser's preference), without a session."""
    # The messages come in English and Japanese only: the page speaks the staff's languages.
    request.state.languages = i18n.STAFF
    lang = pick_lang(request, i18n.STAFF)
    env: jinja2.Environment = request.app.state.web_templates
    heading_en, heading_ja = HEADINGS.get(status, HEADINGS[400 if status < 500 else 500])
    html = env.get_template("http_error.html").render(
        request=request,
        lang=lang,
        language=i18n.language(lang),
        t=i18n.translator(lang),
        caller=None,
        nav=[n for n in request.app.state.web_nav if n.visible_to(None)],
        flashes=[],
        csrf="",
        language_menu=language_menu(request, lang, "/" if request.method != "GET" else None),
        current_path=request.url.path,
        active_path="",
        heading_en=heading_en,
        heading_ja=heading_ja,
        message_en=en,
        message_ja=ja,
        request_id=getattr(request.state, "request_id", ""),
        contact=request.app.state.system.settings,
    )
    return HTMLResponse(html, status_code=status)


def error_page(request: Request, exc: MyNumberError, *, status: int | None = None) -> HTMLResponse:
    """The plain error page: the problem in English and Japanese, and a way back (the
    status from the edges' table unless ``status`` says otherwise)."""
    return render(
        request, "error.html", status=status or http_status(exc), error=exc, page_path="/"
    )


# --- Forms ----------------------------------------------------------------------------------


@dataclass
class Form:
    """A form's values and its errors (field → (English, Japanese)), shown beside the field."""

    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, tuple[str, str]] = field(default_factory=dict)
    problem: MyNumberError | None = None

    def fail(self, exc: MyNumberError) -> Form:
        """Record a refused submission: beside its field when the error names one."""
        self.problem = exc
        name = exc.details.get("field")
        if isinstance(name, str):
            self.errors[name] = (exc.message_en, exc.message_ja)
        return self

    def error(self, name: str) -> tuple[str, str] | None:
        return self.errors.get(name)

    def value(self, name: str, default: Any = "") -> Any:
        return self.values.get(name, default)


def parse_date(values: dict[str, Any], name: str, *, required: bool = True) -> dt.date | None:
    """A date field (YYYY-MM-DD, as ``<input type=date>`` sends it), or ``InvalidInput``."""
    text = str(values.get(name, "") or "").strip()
    if not text:
        if required:
            raise InvalidInput("Enter a date.", "日付を入力してください。", field=name)
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        # What was typed is not repeated (it may be anything, even a number).
        raise InvalidInput(
            "This is not a date: use YYYY-MM-DD.", "日付ではありません（YYYY-MM-DD）。", field=name
        ) from None


def require_date(values: dict[str, Any], name: str) -> dt.date:
    day = parse_date(values, name)
    assert day is not None
    return day


def representative_of(values: dict[str, Any]) -> LegalRepresentative | None:
    """The legal representative of a child under 15 (法定代理人), as read from their own ID
    (staff at the counter, the parent on the online form);
    ``None`` when no name is entered (``representation.check_representation`` decides
    whether one was needed)."""
    name = str(values.get("representative_name", "")).strip()
    if not name:
        return None
    return representative_shown(
        name_latin=name,
        date_of_birth=require_date(values, "representative_date_of_birth"),
        relation=str(values.get("representative_relation", "")),
        id_documents=parse_id_documents(as_list(values, "representative_id_documents")),
    )


async def form_values(request: Request) -> dict[str, Any]:
    """The submitted form (lists for repeated names), after the CSRF check."""
    data = await request.form()
    values: dict[str, Any] = {}
    for key in data:
        items = [str(v) for v in data.getlist(key) if isinstance(v, str)]
        values[key] = items if len(items) > 1 or key.endswith("[]") else (items or [""])[0]
    if not sessions.csrf_ok(
        session_key(request), web_session(request), str(values.pop("csrf", ""))
    ):
        raise Forbidden(
            "This form has expired. Go back, reload the page and send it again.",
            "フォームの有効期限が切れました。ページを再読み込みしてもう一度送信してください。",
        )
    return values


# --- The route class ------------------------------------------------------------------------


class WebRoute(APIRoute):
    """Sets up the session and language, and answers every error with a page.

    Staff pages speak English and Japanese; residents' pages use ``ResidentRoute``."""

    languages: tuple[str, ...] = i18n.STAFF

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        original = super().get_route_handler()

        async def handler(request: Request) -> Response:
            key = session_key(request)
            system = request.app.state.system
            request.state.web_session = await run_in_threadpool(
                sessions.load, system, request.cookies.get(sessions.COOKIE)
            )
            request.state.languages = self.languages
            request.state.lang = pick_lang(request, self.languages)
            response = await _answer(original, request)
            if sessions.unsaved(system, web_session(request)):
                await run_in_threadpool(sessions.save, system, web_session(request))
            _write_cookies(request, response, key)
            return response

        return handler


async def record_refusal(request: Request, error: MyNumberError) -> None:
    """The audit entry a refusal carries, appended (``audit.record_refusal``) in a worker
    thread — for the pages and the API alike. Most errors (not found, no token, a stale form)
    carry none, and take no thread to say so."""
    if audit.carries_entry(error):
        await run_in_threadpool(_audit_once, request, error)


def _audit_once(request: Request, error: MyNumberError) -> None:
    """One refusal entry a request. A page whose form was refused shows the person's page
    again with the refusal in the form; where that page is refused too (the person is not
    the caller's), its refusal is the page's own second look, not a second attempt of the
    caller's, and is waived: the form's refusal, which the caller sent, is the one logged."""
    if getattr(request.state, "refusal_audited", False):
        audit.waive_refusal(error)
    elif audit.record_refusal(request.app.state.system, error):
        request.state.refusal_audited = True


async def _answer(original: Callable[[Request], Awaitable[Response]], request: Request) -> Response:
    try:
        return await original(request)
    except NotLoggedIn:
        target = request.url.path if request.method == "GET" else "/"
        return RedirectResponse(f"/login?next={target}", status_code=303)
    except MyNumberError as exc:  # a refusal before any use case (the page's own role check)
        await record_refusal(request, exc)
        return error_page(request, exc)
    except (RequestValidationError, OverflowError, DatabaseRefusedInput):  # an id past the range
        return error_page(
            request,
            InvalidInput(
                "This address or form is not valid: check it and try again.",
                "アドレスまたは入力内容が正しくありません。確認してもう一度お試しください。",
            ),
        )
    except Exception as exc:  # a bug, not the visitor's fault: say so, never echo it
        log_unexpected(log, exc, where=f"{request.method} {request.url.path}")
        return error_page(
            request,
            _Internal(
                "Something went wrong on our side; nothing was changed. Please try again.",
                "システム内部でエラーが発生しました。変更は行われていません。もう一度お試しください。",
            ),
            status=500,
        )


class ResidentRoute(WebRoute):
    """A page residents read (the guide, the online application, the portal): in every
    language of ``i18n.ALL``, its messages complete in each (``i18n.scope``)."""

    languages = i18n.ALL


class _Internal(MyNumberError):
    code = "internal"


def _write_cookies(request: Request, response: Response, key: bytes) -> None:
    secure = request.url.scheme == "https"
    sess = web_session(request)
    if sess.cookie_changed:  # only the random id: the session itself is on the server
        response.set_cookie(
            sessions.COOKIE, sess.sid, httponly=True, samesite="strict", secure=secure
        )
    asked = request.query_params.get("lang")
    if asked in i18n.ALL and request.cookies.get(LANG_COOKIE) != asked:
        response.set_cookie(LANG_COOKIE, asked, samesite="lax", secure=secure, max_age=365 * 86400)


# --- Shared by the page modules ------------------------------------------------------------


def path_reference(kind: refs.Kind, name: str) -> Callable[..., Awaitable[int]]:
    """A dependency that gives the id behind the path parameter ``name``, which holds an
    opaque reference of ``kind`` (``services.core.refs``); anything else is ``NotFound``, as
    an unknown id. The API and the pages both use it (``api.deps``)."""

    async def resolve_reference(**path: str) -> int:  # no thread: a few microseconds of AES
        return refs.resolve(kind, path[name])

    what = f"An opaque reference ({kind.value}_…)"
    resolve_reference.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [
            inspect.Parameter(
                name,
                inspect.Parameter.KEYWORD_ONLY,
                annotation=Annotated[str, PathParameter(description=what)],
            )
        ],
        return_annotation=int,
    )
    resolve_reference.reference_kind = kind  # type: ignore[attr-defined]
    return resolve_reference


PersonPath = Annotated[int, Depends(path_reference(refs.Kind.PERSON, "person_id"))]
VisitPath = Annotated[int, Depends(path_reference(refs.Kind.VISIT, "visit_id"))]
EmployeePath = Annotated[int, Depends(path_reference(refs.Kind.EMPLOYEE, "employee_id"))]


def run(request: Request, use_case: Callable[[DbSession, Services], T]) -> T:
    """Run one use case in a unit of work and commit it (nothing is kept if it fails)."""
    # A refusal is audited here: the page may show it in its form, and then the route class
    # never sees it.
    try:
        return audit.run_use_case(request.app.state.system, use_case, audit_refusal=False)
    except MyNumberError as refused:
        _audit_once(request, refused)
        raise


async def read_upload(request: Request, name: str, en: str, ja: str) -> bytes:
    """An uploaded image (at most a little over the photo size limit), or ``InvalidInput``."""
    upload = (await request.form()).get(name)
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise invalid(name, en, ja)
    data = await upload.read(MAX_FILE_BYTES + 1)
    if not data:
        raise invalid(
            name,
            "The file is empty: choose it again.",
            "ファイルが空です。もう一度選んでください。",
        )
    return data


def as_list(values: dict[str, Any], name: str) -> list[str]:
    found = values.get(name, [])
    return [str(v) for v in found] if isinstance(found, list) else [str(found)] if found else []
