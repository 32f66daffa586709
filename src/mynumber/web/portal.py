"""マイナポータル — the My Number Portal pages: log in with the card, then see your record, your
card and certificates, notices, medical records and who looked at your data; register your
face for terminals, apply for child benefit, file an e-Tax return signed on the card.

There is no card reader in a browser here: the login page asks for the card's serial (as if the
reader read it) and the 4-digit PIN, and the server plays the reader (``services.portal``).
Handlers are thin: parse, call the use case in one unit of work, flash and redirect, or
re-render the form with the error beside its field.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from mynumber.domain.access import Role
from mynumber.domain.clock import JST
from mynumber.domain.errors import MyNumberError, Unauthenticated, invalid
from mynumber.domain.tax_return import FIRST_TAX_YEAR
from mynumber.services.core.context import Caller
from mynumber.services.flows import moving_online
from mynumber.services.insurance import medical_records
from mynumber.services.oidc import history as sign_ins
from mynumber.services.portal import resident as portal
from mynumber.services.registry import reads, residents
from mynumber.web.core import (
    Form,
    NavItem,
    NotLoggedIn,
    ResidentRoute,
    flash,
    form_values,
    http_status,
    redirect,
    render,
    require_date,
    run,
    web_session,
)
from mynumber.web.session import ResidentLogin

BASE = "/portal"
router = APIRouter(prefix=BASE, route_class=ResidentRoute, include_in_schema=False)


class PortalNavItem(NavItem):
    """The portal link: for residents and for visitors who are not logged in as staff."""

    def visible_to(self, caller: Caller | None) -> bool:
        return caller is None or caller.role is Role.RESIDENT


NAV = (PortalNavItem(BASE, "My Number Portal", "マイナポータル"),)
MENU = (
    ("", "Home", "ホーム"),
    ("/details", "My details", "わたしの情報"),
    ("/card", "Card and certificates", "カードと電子証明書"),
    ("/medical", "Medical records", "医療・健診の情報"),
    ("/access-log", "Who looked at my data", "わたしの情報を見た人"),
    ("/services", "Services I signed in to", "サインインしたサービス"),
    ("/face", "Face registration", "顔認証の登録"),
    ("/child-benefit", "Child benefit", "児童手当"),
    ("/tax", "e-Tax return", "確定申告（e-Tax）"),
    ("/moving-out", "Moving out (one-stop)", "引越し（転出届）"),
)
Values = Annotated[dict[str, Any], Depends(form_values)]


@dataclass(frozen=True)
class PortalUser:
    """The logged-in resident and the card they logged in with."""

    caller: Caller
    card_serial: str


def resident(request: Request) -> PortalUser:
    """A dependency: the resident logged in with a card that is still active."""
    login = web_session(request).resident()
    if login is None:
        raise NotLoggedIn
    caller = portal.resident_caller(login.person_id, login.name)
    try:
        run(
            request,
            lambda s, svc: portal.check_portal_session(
                s, caller=caller, card_serial=login.card_serial
            ),
        )
    except Unauthenticated as exc:
        web_session(request).log_out()
        flash(request, exc.message_en, exc.message_ja, "error")
        raise NotLoggedIn from None
    request.state.caller = caller
    return PortalUser(caller, login.card_serial)


Resident = Annotated[PortalUser, Depends(resident)]


def page(
    request: Request, template: str, *, status: int = 200, path: str = "", **context: Any
) -> Response:
    """A portal page with its menu."""
    return render(
        request,
        f"portal/{template}",
        status=status,
        page_path=BASE + path,
        menu=MENU,
        base=BASE,
        **context,
    )


# --- Logging in with the card -------------------------------------------------------------


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str = "") -> Response:
    """Card serial and 4-digit PIN (the reader's part is played by the server)."""
    return page(request, "login.html", path="/login", form=Form(values={"next": next}))


@router.post("/login", response_class=HTMLResponse)
def log_in(request: Request, values: Values) -> Response:
    """Authenticate the card; on success the session holds the resident."""
    form = Form(values={k: values.get(k, "") for k in ("card_serial", "next")})
    try:
        done = run(
            request,
            lambda s, svc: portal.log_in_with_card(
                s,
                svc,
                card_serial=str(values.get("card_serial", "")),
                pin=str(values.get("user_authentication_pin", "")),
            ),
        )
    except MyNumberError as exc:
        return page(
            request, "login.html", status=http_status(exc), path="/login", form=form.fail(exc)
        )
    web_session(request).log_in_resident(ResidentLogin(done.person_id, done.card_serial, done.name))
    flash(request, "Welcome, {name}.", "{name} さん、ようこそ。", name=done.name)
    target = str(values.get("next", ""))
    return redirect(target if target.startswith(BASE + "/") or target == BASE else BASE)


# --- Reading pages ------------------------------------------------------------------------


@router.get("", response_class=HTMLResponse)
def home(request: Request, user: Resident) -> Response:
    """Notices (お知らせ) and the menu."""
    card = run(
        request,
        lambda s, svc: portal.my_card(s, svc, caller=user.caller, card_serial=user.card_serial),
    )
    return page(request, "home.html", card=card)


@router.get("/details", response_class=HTMLResponse)
def details(request: Request, user: Resident) -> Response:
    """Your record in the resident register (number masked)."""
    view = run(
        request,
        lambda s, svc: residents.view_resident(
            s, svc, caller=user.caller, person_id=user.caller.scope_id or 0
        ),
    )
    return page(request, "details.html", path="/details", view=view)


@router.get("/card", response_class=HTMLResponse)
def card(request: Request, user: Resident) -> Response:
    """The card's and the certificates' validity, renewal dates, PIN tries left."""
    found = run(
        request,
        lambda s, svc: portal.my_card(s, svc, caller=user.caller, card_serial=user.card_serial),
    )
    return page(request, "card.html", path="/card", card=found)


@router.get("/medical", response_class=HTMLResponse)
def medical(request: Request, user: Resident) -> Response:
    """Prescriptions (薬剤情報) and check-up results (健診情報)."""
    records = run(
        request,
        lambda s, svc: medical_records.records_for_owner(
            s, svc, caller=user.caller, person_id=user.caller.scope_id or 0
        ),
    )
    return page(
        request,
        "medical.html",
        path="/medical",
        prescriptions=[r for r in records if r.kind == "prescription"],
        checkups=[r for r in records if r.kind == "checkup"],
    )


@router.get("/access-log", response_class=HTMLResponse)
def access_log(request: Request, user: Resident) -> Response:
    """Who looked at or changed your data, when and why."""
    lines = run(request, lambda s, svc: portal.who_looked(s, svc, caller=user.caller))
    return page(request, "access_log.html", path="/access-log", lines=lines, jst=JST)


# --- Face registration ----------------------------------------------------------------------


def _face_page(request: Request, user: PortalUser, form: Form, status: int = 200) -> Response:
    registered = run(request, lambda s, svc: portal.face_registered_on(s, caller=user.caller))
    return page(
        request, "face.html", status=status, path="/face", form=form, registered_on=registered
    )


@router.get("/face", response_class=HTMLResponse)
def face_page(request: Request, user: Resident) -> Response:
    """Whether terminals may match your face against the card's photo."""
    return _face_page(request, user, Form())


@router.post("/face", response_class=HTMLResponse)
def register_face(request: Request, user: Resident, values: Values) -> Response:
    """Register (``action=register``) or withdraw (``action=withdraw``) the face registration."""
    form = Form(values=values)
    try:
        if values.get("action") == "withdraw":
            run(request, lambda s, svc: portal.withdraw_face(s, svc, caller=user.caller))
            flash(
                request,
                "Face registration withdrawn: terminals will ask for your PIN.",
                "顔認証の登録を取り消しました。端末では暗証番号を入力してください。",
            )
        else:
            if values.get("agree") != "yes":
                raise invalid(
                    "agree",
                    "Tick the box to agree to face matching at terminals.",
                    "端末での顔認証に同意する場合はチェックを入れてください。",
                )
            run(
                request,
                lambda s, svc: portal.register_face(
                    s, svc, caller=user.caller, card_serial=user.card_serial
                ),
            )
            flash(
                request,
                "Your face is registered: clinic and kiosk terminals can match it "
                "against your card's photo.",
                "顔認証を登録しました。医療機関やキオスク端末でカードの顔写真と照合できます。",
            )
    except MyNumberError as exc:
        return _face_page(request, user, form.fail(exc), http_status(exc))
    return redirect(f"{BASE}/face")


# --- Child benefit --------------------------------------------------------------------------


def _child_page(request: Request, user: PortalUser, form: Form, status: int = 200) -> Response:
    rows = run(
        request, lambda s, svc: portal.child_benefit_applications(s, svc, caller=user.caller)
    )
    return page(
        request,
        "child_benefit.html",
        status=status,
        path="/child-benefit",
        form=form,
        applications=rows,
    )


@router.get("/child-benefit", response_class=HTMLResponse)
def child_benefit_page(request: Request, user: Resident) -> Response:
    """The 児童手当 form and the applications made so far."""
    return _child_page(request, user, Form())


@router.post("/child-benefit", response_class=HTMLResponse)
def apply_child_benefit(request: Request, user: Resident, values: Values) -> Response:
    """Apply for child benefit for a child in your household (no My Number needed)."""
    form = Form(values=values)
    try:
        row = run(
            request,
            lambda s, svc: portal.apply_for_child_benefit(
                s,
                svc,
                caller=user.caller,
                child_name=str(values.get("child_name", "")),
                child_date_of_birth=require_date(values, "child_date_of_birth"),
                lives_with_applicant=values.get("lives_with_applicant") == "yes",
            ),
        )
    except MyNumberError as exc:
        return _child_page(request, user, form.fail(exc), http_status(exc))
    flash(
        request,
        "Application received (number {number}). The ward office will write to "
        "you with its decision.",
        "申請を受け付けました（受付番号 {number}）。審査結果は市区町村からお知らせします。",
        number=row.id,
    )
    return redirect(f"{BASE}/child-benefit")


# --- e-Tax ----------------------------------------------------------------------------------


def _whole_number(values: dict[str, Any], name: str, *, required: bool = True) -> int:
    text = str(values.get(name, "") or "").replace(",", "").replace(" ", "").strip()
    if not text and not required:
        return 0
    if not text.isdigit() or len(text) > 13:
        raise invalid(
            name,
            "Enter a whole number of yen (digits only), zero or more.",
            "金額は0以上の整数（円、数字のみ）で入力してください。",
        )
    return int(text)


def _tax_year(values: dict[str, Any]) -> int:
    text = str(values.get("tax_year", "")).strip()
    if not (text.isdigit() and len(text) == 4):
        raise invalid(
            "tax_year",
            "Enter the tax year as four digits, e.g. 2025.",
            "年分を西暦4桁で入力してください（例：2025）。",
        )
    return int(text)


def _tax_page(request: Request, form: Form, status: int = 200) -> Response:
    today = request.app.state.system.services.clock.today()
    return page(
        request,
        "tax.html",
        status=status,
        path="/tax",
        form=form,
        years=list(range(today.year - 1, FIRST_TAX_YEAR - 1, -1))[:5],
    )


@router.get("/tax", response_class=HTMLResponse)
def tax_page(request: Request, user: Resident) -> Response:
    """The return form: year, salary, deductions, tax withheld, signature PIN."""
    today = request.app.state.system.services.clock.today()
    return _tax_page(request, Form(values={"tax_year": str(today.year - 1)}))


@router.post("/tax", response_class=HTMLResponse)
def file_tax_return(request: Request, user: Resident, values: Values) -> Response:
    """Sign the return on the card and submit it; a wrong PIN shows the tries left."""
    form = Form(values={k: v for k, v in values.items() if k != "signature_pin"})
    try:
        tax_form = portal.TaxForm(
            tax_year=_tax_year(values),
            salary=_whole_number(values, "salary"),
            tax_withheld=_whole_number(values, "tax_withheld"),
            deductions=_whole_number(values, "deductions", required=False),
        )
        receipt = run(
            request,
            lambda s, svc: portal.file_tax_return(
                s,
                svc,
                caller=user.caller,
                card_serial=user.card_serial,
                form=tax_form,
                signature_pin=str(values.get("signature_pin", "")),
            ),
        )
    except MyNumberError as exc:
        return _tax_page(request, form.fail(exc), http_status(exc))
    flash(
        request,
        "Your {year} return was signed with your card and received "
        "by the tax office: receipt number {receipt}.",
        "{year}年分の申告書をカードで署名し、税務署が受け付けました。受付番号 {receipt}。",
        year=receipt.tax_year,
        receipt=receipt.receipt_number,
    )
    return redirect(f"{BASE}/tax")


# --- Moving out online (引越しワンストップ) ---------------------------------------------------


def _moving_page(request: Request, form: Form, status: int = 200) -> Response:
    municipalities = run(request, lambda s, svc: reads.municipalities(s))
    return page(
        request,
        "moving_out.html",
        status=status,
        path="/moving-out",
        form=form,
        municipalities=municipalities,
    )


@router.get("/moving-out", response_class=HTMLResponse)
def moving_out_page(request: Request, user: Resident) -> Response:
    """The online 転出届: where to, when, the day of the visit to the new office."""
    return _moving_page(request, Form())


@router.post("/moving-out", response_class=HTMLResponse)
def file_moving_out(request: Request, user: Resident, values: Values) -> Response:
    """Sign the 転出届 on the card; the new municipality is told when you will come."""
    form = Form(values={k: v for k, v in values.items() if k != "signature_pin"})
    try:
        planned = require_date(values, "planned_move_on")
        visit = require_date(values, "visit_on")
        done = run(
            request,
            lambda s, svc: moving_online.file_moving_out_online(
                s,
                svc,
                caller=user.caller,
                card_serial=user.card_serial,
                destination=str(values.get("destination", "")).strip(),
                planned_move_on=planned,
                visit_on=visit,
                signature_pin=str(values.get("signature_pin", "")),
            ),
        )
    except MyNumberError as exc:
        return _moving_page(request, form.fail(exc), http_status(exc))
    flash(
        request,
        "Your moving-out notification was signed with your card and filed. Come to the new "
        "office with your card on {visit}, and at the latest by {deadline}: after that the "
        "card lapses.",
        "転出届をカードで署名して提出しました。{visit}にカードを持って転入先の窓口へお越し"
        "ください。{deadline}を過ぎるとカードが失効します。",
        visit=done.visit_on.isoformat(),
        deadline=done.visit_deadline.isoformat(),
    )
    return redirect(f"{BASE}/moving-out")


# --- Services signed in to with the card (デジタル認証アプリ) ------------------------------------


@router.get("/services", response_class=HTMLResponse)
def services_page(request: Request, user: Resident) -> Response:
    """Every service the resident signed in to or shared data with, when and what."""
    found = run(request, lambda s, svc: sign_ins.services_used(s, svc, caller=user.caller))
    return page(request, "services.html", path="/services", services=found, jst=JST)


@router.post("/services", response_class=HTMLResponse)
def revoke_service(request: Request, user: Resident, values: Values) -> Response:
    """Withdraw a service's consent: its access tokens stop working now."""
    client_id = str(values.get("client_id", ""))
    try:
        run(
            request,
            lambda s, svc: sign_ins.revoke_service(s, svc, caller=user.caller, client_id=client_id),
        )
    except MyNumberError as exc:
        flash(request, exc.message_en, exc.message_ja, "error")
        return redirect(f"{BASE}/services")
    flash(
        request,
        "Consent withdrawn: the service can no longer read what you shared.",
        "同意を取り消しました。サービスは提供した情報を読み取れなくなりました。",
    )
    return redirect(f"{BASE}/services")
