"""Staff log-in: each clerk with their own login and password (``services.core.staff``);
the session is kept on the server and the cookie carries only its random id
(``web.session``). API tokens are for machines and never accepted here.

``staff(Role.X)`` is the dependency a staff page declares: the session is read on every
request (a deactivated clerk or a lapsed or ended session is logged out at once) and other
roles are refused.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from mynumber.domain.access import Role
from mynumber.domain.errors import Forbidden, MyNumberError, Unauthenticated
from mynumber.services.core import staff as staff_accounts
from mynumber.services.core.context import Caller
from mynumber.services.core.policy import role_refused
from mynumber.web.core import (
    Form,
    NavItem,
    NotLoggedIn,
    WebRoute,
    flash,
    form_values,
    http_status,
    redirect,
    render,
    web_session,
)

router = APIRouter(route_class=WebRoute, include_in_schema=False)
NAV: tuple[NavItem, ...] = ()

# Where each role lands after logging in; later actors add theirs here.
HOME_OF_ROLE: dict[Role, str] = {
    Role.WARD_OFFICE: "/staff/ward-office",
    Role.CARD_CENTRE: "/staff/card-centre",
    Role.CLINIC: "/staff/clinic",
    Role.KIOSK: "/staff/kiosk",
    Role.EMPLOYER: "/staff/employer",
    Role.IMMIGRATION: "/staff/immigration",
}


def optional_caller(request: Request) -> Caller | None:
    """The logged-in caller, if any (public pages use it to show the staff links).

    A resident logged in to the My Number Portal is a ``Role.RESIDENT`` caller bound to their
    record; the portal's own pages also re-check their card on every request.
    """
    caller = web_session(request).caller
    if caller is None:
        resident = web_session(request).resident()
        if resident is None:
            return None
        portal_user = Caller(name=resident.name, role=Role.RESIDENT, scope_id=resident.person_id)
        request.state.caller = portal_user
        return portal_user
    request.state.caller = caller
    return caller


def staff(*roles: Role) -> Callable[[Request], Awaitable[Caller]]:
    """A dependency: the logged-in caller, who must have one of ``roles``."""

    # No thread: it reads the session the route class loaded, and reads nothing else.
    async def dependency(request: Request) -> Caller:
        caller = optional_caller(request)
        if caller is None:
            raise NotLoggedIn
        if caller.role not in roles:  # audited as a use case's role check is
            raise role_refused(
                caller,
                Forbidden(
                    f"This page is for other staff; you are logged in as {caller.name}.",
                    f"このページは別の職員向けです（{caller.name} としてログイン中）。",
                ),
                roles,
            )
        return caller

    return dependency


def _safe_next(target: str | None, caller: Caller) -> str:
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return HOME_OF_ROLE.get(caller.role, "/")


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str = "") -> Response:
    """The login form (a portal page sends its visitor to the portal's card login)."""
    if next == "/portal" or next.startswith("/portal/"):
        return redirect(f"/portal/login?next={next}")
    optional_caller(request)
    return render(request, "login.html", form=Form(values={"next": next}))


@router.post("/login", response_class=HTMLResponse)
def login(request: Request, values: Annotated[dict[str, Any], Depends(form_values)]) -> Response:
    """Check the clerk's login and password; on success a new session holds the clerk (a
    wrong password is refused and recorded in the audit log under the clerk's name)."""
    login = str(values.get("login", "")).strip()[:64]
    password = str(values.get("password", ""))
    form = Form(values={"next": values.get("next", ""), "login": login})
    try:
        if not login:
            raise Unauthenticated(
                "Enter your login.", "ログインIDを入力してください。", field="login"
            )
        if not password:
            raise Unauthenticated(
                "Enter your password.", "パスワードを入力してください。", field="password"
            )
        system = request.app.state.system
        with system.uow() as uow:  # committed either way: a refusal is audited
            attempt = staff_accounts.log_in(
                uow.session, system.services, login=login, password=password
            )
            uow.commit()
        if attempt.refusal is not None:
            raise attempt.refusal
        assert attempt.login is not None
    except MyNumberError as exc:
        return render(
            request, "login.html", status=http_status(exc), form=form.fail(exc), page_path="/login"
        )
    web_session(request).log_in_staff(attempt.login)
    caller = attempt.login.caller
    flash(
        request,
        f"Logged in as {caller.clerk} ({caller.name}).",
        f"{caller.name} の {caller.clerk} としてログインしました。",
    )
    return redirect(_safe_next(str(values.get("next", "")), caller))


@router.post("/logout")
def logout(request: Request, values: Annotated[dict[str, Any], Depends(form_values)]) -> Response:
    """End the session: its row is deleted, so the old cookie no longer works."""
    web_session(request).log_out()
    flash(request, "You have logged out.", "ログアウトしました。")
    return redirect("/")
