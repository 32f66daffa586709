"""Ward office counter pages (市区町村窓口): moving in, looking a resident up, moving within
and out, the notification letter (status, hand-over against ID, reissue, the PDF).

Thin handlers: parse the form, call the same use cases as the API (``services.ward_office``,
``services.letters``, ``services.residents``) in one unit of work, commit, redirect. A refused
request re-renders its form with the error beside the field.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from mynumber.domain.access import Purpose, Role
from mynumber.domain.errors import MyNumberError, invalid
from mynumber.domain.mail import DeliveryFailure
from mynumber.domain.numbers import IndividualNumber
from mynumber.domain.registration import IdDocument, build_moving_in, parse_id_documents
from mynumber.services.core import refs
from mynumber.services.core.context import Caller, DbSession, Services
from mynumber.services.flows import moving, moving_online, number_change
from mynumber.services.registry import letters, reads, residence_cards, residents, ward_office
from mynumber.services.registry.numbers import find_by_number
from mynumber.web.auth import staff
from mynumber.web.core import (
    Form,
    NavItem,
    PersonPath,
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

BASE = "/staff/ward-office"
router = APIRouter(prefix=BASE, route_class=WebRoute, include_in_schema=False)
NAV = (
    NavItem(BASE, "Ward office", "区役所窓口", frozenset({Role.WARD_OFFICE})),
    NavItem(
        f"{BASE}/moving-in", "Register moving-in", "転入届の受付", frozenset({Role.WARD_OFFICE})
    ),
    NavItem(
        f"{BASE}/arrivals", "Announced arrivals", "来庁予定（転入）", frozenset({Role.WARD_OFFICE})
    ),
)
WardStaff = Annotated[Caller, Depends(staff(Role.WARD_OFFICE))]
Values = Annotated[dict[str, Any], Depends(form_values)]
T = TypeVar("T")

MOVING_IN_FIELDS = (
    "name_latin",
    "name_kana",
    "name_kanji",
    "date_of_birth",
    "sex",
    "nationality",
    "address",
    "started_living_on",
    "residence_card_number",
    "status_of_residence",
    "period_of_stay_ends",
    "id_documents",
    "municipality_code",
)


def _ref(person_id: int) -> str:
    return refs.reference(refs.Kind.PERSON, person_id)


def _resident_path(person_id: int) -> str:
    return f"{BASE}/residents/{_ref(person_id)}"


# --- Counter home and look-up --------------------------------------------------------------


@router.get("", response_class=HTMLResponse)
def counter_home(request: Request, caller: WardStaff) -> Response:
    """The look-up form (record number or My Number) and the way to a moving-in."""
    return render(request, "ward/home.html", form=Form(values={"q": ""}))


@router.post("/look-up", response_class=HTMLResponse)
def look_up(request: Request, caller: WardStaff, values: Values) -> Response:
    """Find the resident and show their record (POST, then a redirect: a My Number typed
    here travels in the request body, never in a URL, a browser history or an access log)."""
    query = str(values.get("q", ""))
    form = Form(values={"q": query})
    try:
        if not query.strip():
            raise invalid(
                "q",
                "Enter a record number or a 12-digit My Number.",
                "住民の記録番号か12桁のマイナンバーを入力してください。",
            )
        return redirect(_resident_path(_find(request, caller, query)))
    except MyNumberError as exc:
        return render(
            request, "ward/home.html", status=http_status(exc), form=form.fail(exc), page_path=BASE
        )


def _find(request: Request, caller: Caller, query: str) -> int:
    if query.strip().startswith(f"{refs.Kind.PERSON.value}_"):  # a record's reference
        return refs.resolve(refs.Kind.PERSON, query.strip())
    compact = "".join(ch for ch in query if ch not in " -")
    if not compact.isdigit():
        raise invalid(
            "q",
            "Enter a record reference (per_…) or a 12-digit My Number.",
            "住民の記録参照番号（per_…）か12桁のマイナンバーを入力してください。",
        )
    number = IndividualNumber.parse(compact, field="q")
    person = run(
        request,
        lambda s, svc: find_by_number(
            s, svc, caller=caller, number=number, purpose=Purpose.RESIDENT_REGISTRY
        ),
    )
    return person.id


# --- Moving in (転入届) --------------------------------------------------------------------


@router.get("/moving-in", response_class=HTMLResponse)
def moving_in_page(request: Request, caller: WardStaff) -> Response:
    """The full 転入届 form."""
    form = Form(
        values={
            "municipality_code": caller.municipality_code or "",
            "id_documents": ["residence_card", "passport"],
        }
    )
    return _moving_in_form(request, form)


def _moving_in_form(request: Request, form: Form, status: int = 200) -> Response:
    towns = run(request, lambda s, svc: reads.municipalities(s))
    return render(
        request,
        "ward/moving_in.html",
        status=status,
        form=form,
        id_documents=list(IdDocument),
        municipalities=towns,
        page_path=f"{BASE}/moving-in",
    )


@router.post("/moving-in", response_class=HTMLResponse)
def register_moving_in(request: Request, caller: WardStaff, values: Values) -> Response:
    """Register the person; a new person gets a number and a letter in the post."""
    docs = values.get("id_documents", [])
    values["id_documents"] = docs if isinstance(docs, list) else [docs]
    form = Form(values=values)
    try:
        code = str(values.get("municipality_code", "")).strip()
        result = run(
            request,
            lambda s, svc: moving.register_moving_in(
                s, svc, caller=caller, municipality_code=code, form=_moving_in(values, svc)
            ),
        )
    except MyNumberError as exc:
        return _moving_in_form(request, form.fail(exc), status=http_status(exc))
    _flash_registered(request, result)
    return redirect(_resident_path(result.person_id))


def _moving_in(values: dict[str, Any], svc: Services) -> Any:
    text = {
        k: str(values.get(k, "") or "").strip() for k in MOVING_IN_FIELDS if k != "id_documents"
    }
    return build_moving_in(
        name_latin=text["name_latin"],
        name_kana=text["name_kana"],
        name_kanji=text["name_kanji"],
        date_of_birth=require_date(values, "date_of_birth"),
        sex=text["sex"],
        nationality=text["nationality"],
        address=text["address"],
        started_living_on=require_date(values, "started_living_on"),
        filed_on=svc.clock.today(),
        id_documents=list(values["id_documents"]),
        residence_card_number=text["residence_card_number"] or None,
        status_of_residence=text["status_of_residence"] or None,
        period_of_stay_ends=parse_date(values, "period_of_stay_ends", required=False),
    )


def _flash_registered(request: Request, result: ward_office.MovingInResult) -> None:
    late_en = " Filed late (more than 14 days after moving in)." if result.late else ""
    late_ja = "（転入から14日を過ぎた届出）" if result.late else ""
    if result.returning:
        flash(
            request,
            f"Registered again: the same My Number {result.masked_number}.{late_en}",
            f"再登録しました。マイナンバーは以前と同じ {result.masked_number} です。{late_ja}",
        )
        return
    flash(
        request,
        f"Registered. My Number {result.masked_number}; the notification letter "
        f"is in the post (application ID {result.application_id}).{late_en}",
        f"登録しました。マイナンバー {result.masked_number}。個人番号通知書を郵送しました"
        f"（申請書ID {result.application_id}）。{late_ja}",
    )


# --- The resident's record -----------------------------------------------------------------


@router.get("/residents/{person_id}", response_class=HTMLResponse)
def resident_page(request: Request, caller: WardStaff, person_id: PersonPath) -> Response:
    """The masked record, the letter, and the moving forms."""
    return _resident(request, caller, person_id, {})


def _resident(
    request: Request, caller: Caller, person_id: int, forms: dict[str, Form], status: int = 200
) -> Response:
    def read(s: DbSession, svc: Services) -> dict[str, Any]:
        view = residents.view_resident(s, svc, caller=caller, person_id=person_id)
        return {
            "view": view,
            "letter": reads.letter_of(s, person_id),
            "municipalities": reads.municipalities(s),
        }

    context = run(request, read)
    for name in (
        "moving_within",
        "moving_out",
        "hand_over",
        "returned",
        "reissue",
        "residence_card",
        "change_number",
    ):
        forms.setdefault(name, Form())
    return render(
        request,
        "ward/resident.html",
        status=status,
        forms=forms,
        id_documents=list(IdDocument),
        failures=list(DeliveryFailure),
        page_path=_resident_path(person_id),
        base=BASE,
        **context,
    )


def _act(
    request: Request,
    caller: Caller,
    person_id: int,
    form_name: str,
    values: dict[str, Any],
    use_case: Callable[[DbSession, Services], Any],
    done: tuple[str, str],
) -> Response:
    """Run a resident-page action; on refusal, show the page with the error in that form."""
    try:
        run(request, use_case)
    except MyNumberError as exc:
        return _resident(
            request,
            caller,
            person_id,
            {form_name: Form(values=values).fail(exc)},
            status=http_status(exc),
        )
    flash(request, *done)
    return redirect(_resident_path(person_id))


@router.post("/residents/{person_id}/moving-within", response_class=HTMLResponse)
def moving_within(
    request: Request, caller: WardStaff, person_id: PersonPath, values: Values
) -> Response:
    """転居届: a new address in the same municipality."""

    def use_case(s: DbSession, svc: Services) -> Any:
        return ward_office.register_moving_within(
            s,
            svc,
            caller=caller,
            person_id=person_id,
            new_address=str(values.get("new_address", "")),
            moved_on=require_date(values, "moved_on"),
        )

    return _act(
        request,
        caller,
        person_id,
        "moving_within",
        values,
        use_case,
        ("The new address is registered.", "転居を登録しました。"),
    )


@router.post("/residents/{person_id}/my-number/change", response_class=HTMLResponse)
def change_number(
    request: Request, caller: WardStaff, person_id: PersonPath, values: Values
) -> Response:
    """個人番号の変更 (番号法 第7条第2項): a leaked number, fraud feared."""
    result: list[number_change.NumberChangeResult] = []

    def use_case(s: DbSession, svc: Services) -> Any:
        result.append(
            number_change.change_number(
                s,
                svc,
                caller=caller,
                person_id=person_id,
                ground=str(values.get("ground", "")),
                leaked=values.get("leaked") == "yes",
                fraud_feared=values.get("fraud_feared") == "yes",
            )
        )

    return _act(
        request,
        caller,
        person_id,
        "change_number",
        values,
        use_case,
        (
            "The My Number was changed. The card was cancelled; a new notification letter is "
            "in the post (the new card is applied for with it); the employers and insurers "
            "holding the old number were told to update it.",
            "個人番号を変更しました。カードは廃止し、新しい個人番号通知書を郵送しました"
            "（新しいカードはこの通知書で申請します）。旧番号を保有する事業者・保険者に"
            "更新を通知しました。",
        ),
    )


@router.post("/residents/{person_id}/residence-card", response_class=HTMLResponse)
def residence_card(
    request: Request, caller: WardStaff, person_id: PersonPath, values: Values
) -> Response:
    """在留カードの更新: record the renewed residence card's new number and the new stay."""

    def use_case(s: DbSession, svc: Services) -> Any:
        return residence_cards.record_residence_card_renewal(
            s,
            svc,
            caller=caller,
            person_id=person_id,
            residence_card_number=str(values.get("residence_card_number", "")),
            status_of_residence=str(values.get("status_of_residence", "")),
            period_of_stay_ends=parse_date(values, "period_of_stay_ends", required=False),
        )

    return _act(
        request,
        caller,
        person_id,
        "residence_card",
        values,
        use_case,
        (
            "The renewed residence card is recorded. The My Number Card's validity follows "
            "only at its validity change (card counter).",
            "更新後の在留カードを記録しました。マイナンバーカードの有効期限は、カード窓口での"
            "有効期間変更で変わります。",
        ),
    )


@router.post("/residents/{person_id}/moving-out", response_class=HTMLResponse)
def moving_out(
    request: Request, caller: WardStaff, person_id: PersonPath, values: Values
) -> Response:
    """転出届: to another municipality or abroad."""

    def use_case(s: DbSession, svc: Services) -> Any:
        destination = str(values.get("destination", "")).strip()
        if not destination:
            raise invalid(
                "destination", "Choose where the person is moving to.", "転出先を選んでください。"
            )
        return moving.register_moving_out(
            s,
            svc,
            caller=caller,
            person_id=person_id,
            destination=destination,
            planned_move_on=require_date(values, "planned_move_on"),
        )

    return _act(
        request,
        caller,
        person_id,
        "moving_out",
        values,
        use_case,
        ("The moving-out is registered.", "転出を登録しました。"),
    )


@router.post("/residents/{person_id}/letter/hand-over", response_class=HTMLResponse)
def hand_over(
    request: Request, caller: WardStaff, person_id: PersonPath, values: Values
) -> Response:
    """Hand a held letter to its owner, against photo ID."""
    docs = values.get("id_documents", [])
    docs = docs if isinstance(docs, list) else [docs]
    values["id_documents"] = docs
    return _act(
        request,
        caller,
        person_id,
        "hand_over",
        values,
        lambda s, svc: letters.hand_over_letter(
            s, svc, caller=caller, person_id=person_id, id_documents=_photo_ids(docs)
        ),
        ("The letter was handed over.", "通知書を交付しました。"),
    )


def _photo_ids(docs: list[str]) -> tuple[IdDocument, ...]:
    if not docs:
        raise invalid(
            "id_documents",
            "Tick the identity documents the person showed.",
            "提示された本人確認書類を選んでください。",
        )
    return parse_id_documents(docs)


@router.post("/residents/{person_id}/letter/reissue", response_class=HTMLResponse)
def reissue(request: Request, caller: WardStaff, person_id: PersonPath, values: Values) -> Response:
    """A lost letter: a new one is mailed, the old application ID stops working."""
    return _act(
        request,
        caller,
        person_id,
        "reissue",
        values,
        lambda s, svc: letters.reissue_letter(s, svc, caller=caller, person_id=person_id),
        (
            "A new letter is in the post; the old application ID no longer works.",
            "通知書を再発行して郵送しました。以前の申請書IDは使えません。",
        ),
    )


@router.post("/residents/{person_id}/letter/returned", response_class=HTMLResponse)
def returned(
    request: Request, caller: WardStaff, person_id: PersonPath, values: Values
) -> Response:
    """The post brought the letter back: it is held at the counter."""

    def use_case(s: DbSession, svc: Services) -> Any:
        try:
            failure = DeliveryFailure(str(values.get("reason", "")))
        except ValueError:
            raise invalid(
                "reason", "Choose why the post brought it back.", "返戻の理由を選んでください。"
            ) from None
        item = reads.letter_mail_item(s, person_id)
        return letters.record_mail_returned(s, svc, caller=caller, mail_id=item, failure=failure)

    return _act(
        request,
        caller,
        person_id,
        "returned",
        values,
        use_case,
        (
            "The letter is recorded as returned and held at the counter.",
            "通知書を返戻として記録し、窓口で保管しています。",
        ),
    )


@router.get("/residents/{person_id}/letter.pdf")
def letter_pdf(request: Request, caller: WardStaff, person_id: PersonPath) -> Response:
    """The notification letter as a PDF (reading the number is audited)."""
    pdf = run(
        request, lambda s, svc: letters.letter_pdf(s, svc, caller=caller, person_id=person_id)
    )
    return Response(
        pdf,
        media_type="application/pdf",
        headers={
            "Content-Disposition": "attachment; filename="
            f'"notification-letter-{_ref(person_id)}.pdf"'
        },
    )


# --- Arrivals announced online (引越しワンストップ) -------------------------------------------


def _arrivals_page(
    request: Request, caller: Caller, form: Form, failed_for: int | None = None, status: int = 200
) -> Response:
    arrivals = run(request, lambda s, svc: moving_online.announced_arrivals(s, svc, caller=caller))
    return render(
        request,
        "ward/arrivals.html",
        status=status,
        arrivals=arrivals,
        form=form,
        empty_form=Form(),
        failed_for=failed_for,
        page_path=f"{BASE}/arrivals",
        base=BASE,
    )


@router.get("/arrivals", response_class=HTMLResponse)
def arrivals(request: Request, caller: WardStaff) -> Response:
    """People who filed their 転出届 online and announced their visit here."""
    return _arrivals_page(request, caller, Form())


@router.post("/residents/{person_id}/arrival", response_class=HTMLResponse)
def complete_arrival(
    request: Request, caller: WardStaff, person_id: PersonPath, values: Values
) -> Response:
    """The 転入届 of an announced arrival, in person with the card."""
    try:
        started = require_date(values, "started_living_on")
        result = run(
            request,
            lambda s, svc: moving_online.complete_announced_arrival(
                s,
                svc,
                caller=caller,
                person_id=person_id,
                address=str(values.get("address", "")),
                started_living_on=started,
            ),
        )
    except MyNumberError as exc:
        return _arrivals_page(
            request, caller, Form(values=values).fail(exc), person_id, http_status(exc)
        )
    flash(
        request,
        "The moving-in is registered (filed late: recorded)."
        if result.late
        else "The moving-in is registered.",
        "転入を登録しました（届出期限後のため遅延として記録）。"
        if result.late
        else "転入を登録しました。",
    )
    return redirect(_resident_path(person_id))
