"""代理人による受取 (RULES.md "proxies"): the reasons that qualify, the reply form, both IDs,
and "75 or older" on the holder's date of birth (hypothesis over birthdays, 29 February)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mynumber.domain.cards import IdentityShown
from mynumber.domain.errors import InvalidInput
from mynumber.domain.proxies import ProxyReason, ProxyShown, check_proxy
from mynumber.domain.registration import IdDocument
from mynumber.domain.timelines import reaches_age_on

HOLDER = "Smith John"
BORN = dt.date(1995, 4, 12)
TODAY = dt.date(2026, 6, 1)
PROXY = IdentityShown("Smith Mary", dt.date(1968, 2, 3))


def _proxy(**changes: object) -> ProxyShown:
    values: dict[str, object] = {
        "identity": PROXY,
        "id_documents": (IdDocument.DRIVING_LICENCE,),
        "reason": "hospital_stay",
        "reply_form_shown": True,
    }
    return ProxyShown(**(values | changes))  # type: ignore[arg-type]


def _check(proxy: ProxyShown, born: dt.date = BORN, today: dt.date = TODAY) -> ProxyReason:
    return check_proxy(proxy, holder_name_latin=HOLDER, holder_born=born, today=today)


@pytest.mark.parametrize("reason", [r for r in ProxyReason if r is not ProxyReason.AGED_75_OR_OVER])
def test_each_reason_of_the_rules_lets_a_proxy_collect(reason: ProxyReason) -> None:
    assert _check(_proxy(reason=reason.value)) is reason


@pytest.mark.parametrize("reason", ["work", "busy", "travel", "", "Illness!"])
def test_any_other_reason_is_refused(reason: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        _check(_proxy(reason=reason))
    assert refused.value.details["field"] == "proxy_reason"


def test_without_the_reply_form_a_proxy_collects_nothing() -> None:
    with pytest.raises(InvalidInput) as refused:
        _check(_proxy(reply_form_shown=False))
    assert refused.value.details["field"] == "reply_form"


@pytest.mark.parametrize("docs", [(), (IdDocument.NOTIFICATION_LETTER,)])
def test_the_proxy_shows_their_own_photo_id(docs: tuple[IdDocument, ...]) -> None:
    with pytest.raises(InvalidInput) as refused:
        _check(_proxy(id_documents=docs))
    assert refused.value.details["field"] == "proxy_id_documents"


@pytest.mark.parametrize("who", [IdentityShown(HOLDER, BORN), IdentityShown(" ", BORN)])
def test_the_proxy_is_someone_named_other_than_the_holder(who: IdentityShown) -> None:
    with pytest.raises(InvalidInput) as refused:
        _check(_proxy(identity=who))
    assert refused.value.details["field"] == "proxy_name_latin"


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(1990, 12, 31)))
def test_75_or_older_from_the_75th_birthday_not_a_day_before(born: dt.date) -> None:
    birthday = reaches_age_on(born, 75) + dt.timedelta(days=1)
    aged = _proxy(reason="aged_75_or_over")
    assert _check(aged, born=born, today=birthday) is ProxyReason.AGED_75_OR_OVER
    with pytest.raises(InvalidInput):
        _check(aged, born=born, today=birthday - dt.timedelta(days=1))


def test_born_on_29_february_the_holder_is_75_on_1_march_of_a_common_year() -> None:
    aged = _proxy(reason="aged_75_or_over")
    born = dt.date(1952, 2, 29)
    assert _check(aged, born=born, today=dt.date(2027, 3, 1))
    with pytest.raises(InvalidInput):
        _check(aged, born=born, today=dt.date(2027, 2, 28))
