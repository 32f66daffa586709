"""Staff log-in: paste the organisation's API token; it is kept in the signed session cookie.

``staff(Role.X)`` is the dependency a staff page declares: it authenticates the session's
token on every request (``services.tokens.authenticate``: a keyed-hash look-up, so a revoked
token stops working at once) and refuses other roles.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from mynumber.domain.access import Role
from mynumber.domain.errors import Forbidden, MyNumberError, Unauthenticated
from mynumber.services.core.context import Caller
from mynumber.web.core import (
    Form,
    NavItem,
    NotLoggedIn,
    WebRoute,
    flash,
    form_values,
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
}


def optional_caller(request: Request) -> Caller | None:
    """The logged-in caller, if any (public pages use it to show the staff links).

    A resident logged in to the My Number Portal is a ``Role.RESIDENT`` caller bound to their
    record; the portal's own pages also re-check their card on every request.
    """
    token = web_session(request).token
    if token is None:
        resident = web_session(request).resident()
        if resident is None:
            return None
        portal_user = Caller(name=resident.name, role=Role.RESIDENT,
                             scope_id=resident.person_id)
        request.state.caller = portal_user
        return portal_user
    try:
        caller = request.app.state.system.caller_of(token)
    except Unauthenticated:
        web_session(request).log_out()
        return None
    request.state.caller = caller
    return caller


def staff(*roles: Role) -> Callable[[Request], Caller]:
    """A dependency: the logged-in caller, who must have one of ``roles``."""

    def dependency(request: Request) -> Caller:
        caller = optional_caller(request)
        if caller is None:
            raise NotLoggedIn
        if caller.role not in roles:
            raise Forbidden(
                f"This page is for other staff; you are logged in as {caller.name}.",
                f"このページは別の職員向けです（{caller.name} としてログイン中）。")
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
def login(request: Request,
          values: Annotated[dict[str, Any], Depends(form_values)]) -> Response:
    """Check the pasted token; on success keep it in the session."""
    token = str(values.get("token", "")).strip()
    form = Form(values={"next": values.get("next", "")})
    try:
        if not token:
            raise Unauthenticated("Paste your organisation's API token.",
                                  "組織のAPIトークンを貼り付けてください。", field="token")
        caller = request.app.state.system.caller_of(token)
    except MyNumberError as exc:
        if "field" not in exc.details:
            exc.details["field"] = "token"
        return render(request, "login.html", status=exc.status, form=form.fail(exc),
                      page_path="/login")
    web_session(request).log_in(token)
    flash(request, f"Logged in as {caller.name}.", f"{caller.name} としてログインしました。")
    return redirect(_safe_next(str(values.get("next", "")), caller))


@router.post("/logout")
def logout(request: Request,
           values: Annotated[dict[str, Any], Depends(form_values)]) -> Response:
    """Forget the token."""
    web_session(request).log_out()
    flash(request, "You have logged out.", "ログアウトしました。")
    return redirect("/")
