"""地方出入国在留管理局 — the immigration bureau's page: issue the special residence card
(特定在留カード) with a stay, or renew it with a stay renewal.

The same use cases as ``POST /immigration/special-residence-cards`` and ``…/renewals``
(``services.immigration.special_residence_cards``).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from mynumber.domain.access import Role
from mynumber.domain.cards import IdentityShown
from mynumber.domain.errors import MyNumberError, NotFound
from mynumber.services.cards.counter import InitialPins
from mynumber.services.core.context import Caller
from mynumber.services.immigration import special_residence_cards as special
from mynumber.web.auth import staff
from mynumber.web.core import (
    Form,
    NavItem,
    WebRoute,
    flash,
    form_values,
    http_status,
    parse_date,
    redirect,
    render,
    require_date,
    run,
)

BASE = "/staff/immigration"
router = APIRouter(prefix=BASE, route_class=WebRoute, include_in_schema=False)
NAV = (NavItem(BASE, "Immigration bureau", "出入国在留管理局", frozenset({Role.IMMIGRATION})),)
BureauStaff = Annotated[Caller, Depends(staff(Role.IMMIGRATION))]
Values = Annotated[dict[str, Any], Depends(form_values)]
ACTIONS = ("issue", "renewal")
PIN_FIELDS = frozenset(
    {"user_authentication_pin", "resident_registry_pin", "card_info_input_pin", "signature_pin"}
)


@router.get("", response_class=HTMLResponse)
def home(request: Request, caller: BureauStaff, action: str = "issue") -> Response:
    """The form of one procedure: issue with a stay, or renew with a stay renewal."""
    return _page(request, Form(), action if action in ACTIONS else "issue")


def _page(request: Request, form: Form, action: str, status: int = 200) -> Response:
    return render(
        request, "immigration/home.html", status=status, form=form, action=action, base=BASE
    )


def _text(values: dict[str, Any], name: str) -> str:
    return str(values.get(name, "") or "").strip()


def _granted(values: dict[str, Any]) -> special.GrantedStay:
    return special.GrantedStay(
        _text(values, "new_residence_card_number"),
        _text(values, "status_of_residence"),
        parse_date(values, "period_of_stay_ends", required=False),
    )


def _pins(values: dict[str, Any]) -> InitialPins:
    return InitialPins(
        _text(values, "user_authentication_pin"),
        _text(values, "resident_registry_pin"),
        _text(values, "card_info_input_pin"),
        _text(values, "signature_pin") or None,
    )


@router.post("/{action}", response_class=HTMLResponse)
def act(request: Request, caller: BureauStaff, action: str, values: Values) -> Response:
    """Issue (``issue``) or renew (``renewal``) the special residence card."""
    if action not in ACTIONS:
        raise NotFound("No such procedure.", "該当する手続きはありません。")
    kept = {k: v for k, v in values.items() if k not in PIN_FIELDS and k != "csrf"}
    form = Form(values=kept)
    try:
        applicant = IdentityShown(
            _text(values, "name_latin"),
            require_date(values, "date_of_birth"),
            _text(values, "residence_card_number"),
        )
        granted, pins = _granted(values), _pins(values)
        if action == "renewal":
            done = run(
                request,
                lambda s, svc: special.renew_with_stay(
                    s, svc, caller=caller, applicant=applicant, granted=granted, pins=pins
                ),
            )
        else:
            nationality = _text(values, "nationality")
            done = run(
                request,
                lambda s, svc: special.issue_special_residence_card(
                    s,
                    svc,
                    caller=caller,
                    applicant=applicant,
                    nationality=nationality,
                    granted=granted,
                    pins=pins,
                ),
            )
    except MyNumberError as exc:
        return _page(request, form.fail(exc), action, http_status(exc))
    flash(
        request,
        f"Special residence card {done.card_serial} handed over, valid until {done.expires_on}.",
        f"特定在留カード（{done.card_serial}）を交付しました。有効期限は {done.expires_on} です。",
    )
    return redirect(BASE)
