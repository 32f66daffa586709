"""The access policy: each relationship rule, allowed when related and refused when not."""

from __future__ import annotations

import pytest

from mynumber.domain.access import Purpose, Role
from mynumber.domain.pins import PinKind
from mynumber.domain.policy import (
    Action,
    Actor,
    Relationship,
    Visit,
    decide,
    terminal_may_verify,
)

CHIYODA, SHIBUYA = "131016", "131130"
PERSON = 7
ALL_ACTIONS = list(Action)


def person(**facts: object) -> Relationship:
    return Relationship(person_id=PERSON, **facts)  # type: ignore[arg-type]


# --- ward office: its own municipality --------------------------------------------------


@pytest.mark.parametrize(
    "action",
    [
        Action.VIEW_PERSON,
        Action.CHANGE_REGISTRATION,
        Action.HANDLE_LETTER,
        Action.HANDLE_CARD,
        Action.VIEW_CARD,
        Action.VIEW_APPLICATION,
        Action.USE_CARD,
    ],
)
def test_ward_office_acts_only_on_its_own_residents(action: Action) -> None:
    chiyoda = Actor(Role.WARD_OFFICE, municipality_code=CHIYODA)
    shibuya = Actor(Role.WARD_OFFICE, municipality_code=SHIBUYA)
    facts = person(municipalities=frozenset({CHIYODA}))
    assert decide(chiyoda, action, facts).allowed
    refused = decide(shibuya, action, facts)
    assert not refused.allowed and refused.reason == "other-municipality"
    assert refused.message_en and refused.message_ja


def test_ward_office_of_the_destination_and_the_origin_both_act_on_a_move() -> None:
    moving = person(municipalities=frozenset({CHIYODA, SHIBUYA}))
    for code in (CHIYODA, SHIBUYA):
        assert decide(
            Actor(Role.WARD_OFFICE, municipality_code=code), Action.HANDLE_CARD, moving
        ).allowed
    assert not decide(
        Actor(Role.WARD_OFFICE, municipality_code="011002"), Action.HANDLE_CARD, moving
    ).allowed


def test_ward_office_without_a_municipality_is_refused() -> None:
    decision = decide(
        Actor(Role.WARD_OFFICE), Action.VIEW_PERSON, person(municipalities=frozenset({CHIYODA}))
    )
    assert not decision.allowed and decision.reason == "no-municipality"


def test_ward_office_reads_its_residents_number_for_a_lawful_purpose_only() -> None:
    chiyoda = Actor(Role.WARD_OFFICE, municipality_code=CHIYODA)
    facts = person(municipalities=frozenset({CHIYODA}))
    assert decide(chiyoda, Action.READ_NUMBER, facts, Purpose.TAX).allowed
    assert (
        decide(chiyoda, Action.READ_NUMBER, facts, Purpose.OWN_RECORD).reason
        == "purpose-not-allowed"
    )
    assert decide(chiyoda, Action.READ_NUMBER, facts, None).reason == "purpose-not-allowed"
    shibuya = Actor(Role.WARD_OFFICE, municipality_code=SHIBUYA)
    assert not decide(shibuya, Action.READ_NUMBER, facts, Purpose.TAX).allowed


# --- employer: never from the register ---------------------------------------------------


@pytest.mark.parametrize("purpose", list(Purpose))
def test_employer_never_reads_a_number_from_the_register(purpose: Purpose) -> None:
    # Even its own employee who gave it the number: it reads its own copy, not the register.
    facts = person(employee_of=frozenset({3}), municipalities=frozenset({CHIYODA}))
    decision = decide(Actor(Role.EMPLOYER, scope_id=3), Action.READ_NUMBER, facts, purpose)
    assert not decision.allowed and decision.reason == "employer-never-from-register"
    assert not decide(
        Actor(Role.EMPLOYER, scope_id=3), Action.FIND_BY_NUMBER, facts, purpose
    ).allowed


@pytest.mark.parametrize("action", ALL_ACTIONS)
def test_employer_is_granted_nothing_in_the_register(action: Action) -> None:
    facts = person(
        employee_of=frozenset({3}), municipalities=frozenset({CHIYODA}), card_in_terminal=True
    )
    assert not decide(Actor(Role.EMPLOYER, scope_id=3), action, facts, Purpose.TAX).allowed


# --- insurer, tax office, card centre -----------------------------------------------------


def test_insurer_sees_its_own_insured_only() -> None:
    facts = person(insured_by=frozenset({5}))
    assert decide(
        Actor(Role.INSURER, scope_id=5), Action.READ_NUMBER, facts, Purpose.SOCIAL_SECURITY
    ).allowed
    assert decide(Actor(Role.INSURER, scope_id=5), Action.VIEW_INSURANCE, facts).allowed
    other = decide(
        Actor(Role.INSURER, scope_id=6), Action.READ_NUMBER, facts, Purpose.SOCIAL_SECURITY
    )
    assert not other.allowed and other.reason == "not-insured-here"
    assert (
        decide(Actor(Role.INSURER, scope_id=5), Action.READ_NUMBER, facts, Purpose.TAX).reason
        == "purpose-not-allowed"
    )


def test_tax_office_sees_a_taxpayer_it_has_a_record_of() -> None:
    tax = Actor(Role.TAX_OFFICE)
    assert decide(tax, Action.READ_NUMBER, person(tax_records=True), Purpose.TAX).allowed
    refused = decide(tax, Action.READ_NUMBER, person(tax_records=False), Purpose.TAX)
    assert not refused.allowed and refused.reason == "no-tax-record"


def test_card_centre_sees_cards_never_the_number() -> None:
    centre = Actor(Role.CARD_CENTRE)
    holder = person(card_record=True, municipalities=frozenset({CHIYODA}))
    assert decide(centre, Action.VIEW_CARD, holder).allowed
    assert not decide(centre, Action.VIEW_CARD, person(card_record=False)).allowed
    for purpose in Purpose:
        decision = decide(centre, Action.READ_NUMBER, holder, purpose)
        assert decision.reason == "card-centre-never-number"
    assert not decide(centre, Action.HANDLE_CARD, holder).allowed


# --- resident: themselves --------------------------------------------------------------------


def test_resident_sees_themselves_only() -> None:
    me = Actor(Role.RESIDENT, scope_id=PERSON)
    assert decide(me, Action.READ_NUMBER, person(), Purpose.OWN_RECORD).allowed
    assert decide(me, Action.VIEW_CARD, person()).allowed
    someone = Relationship(person_id=PERSON + 1)
    assert decide(me, Action.VIEW_CARD, someone).reason == "not-self"
    assert not decide(Actor(Role.RESIDENT), Action.VIEW_CARD, person()).allowed


# --- clinic: a visit proved by the card, consent chosen at the terminal -------------------


def visit(
    clinic: int = 1, *, proven: bool = True, open_: bool = True, consent: bool = True
) -> Relationship:
    return person(
        visit=Visit(clinic_id=clinic, proven_by_chip=proven, open=open_, consent_history=consent)
    )


def test_clinic_sees_history_within_its_own_proved_consented_visit() -> None:
    clinic = Actor(Role.CLINIC, scope_id=1)
    assert decide(clinic, Action.VIEW_HISTORY, visit()).allowed
    assert decide(clinic, Action.VIEW_HISTORY, visit(clinic=2)).reason == "no-visit-here"
    assert decide(clinic, Action.VIEW_HISTORY, person()).reason == "no-visit-here"
    assert decide(clinic, Action.VIEW_HISTORY, visit(open_=False)).reason == "visit-closed"
    assert (
        decide(clinic, Action.VIEW_HISTORY, visit(proven=False)).reason
        == "visit-not-proven-by-card"
    )
    assert decide(clinic, Action.VIEW_HISTORY, visit(consent=False)).reason == "no-consent"


def test_clinic_writes_records_at_its_own_open_visit_only() -> None:
    clinic = Actor(Role.CLINIC, scope_id=1)
    assert decide(clinic, Action.RECORD_AT_VISIT, visit(consent=False)).allowed
    assert not decide(clinic, Action.RECORD_AT_VISIT, visit(clinic=2)).allowed
    assert not decide(clinic, Action.RECORD_AT_VISIT, visit(open_=False)).allowed


@pytest.mark.parametrize("role", [Role.CLINIC, Role.KIOSK])
def test_terminals_use_only_a_card_in_their_reader(role: Role) -> None:
    terminal = Actor(role, scope_id=1)
    assert decide(terminal, Action.USE_CARD, person(card_in_terminal=True)).allowed
    refused = decide(terminal, Action.USE_CARD, person(card_in_terminal=False))
    assert not refused.allowed and refused.reason == "card-not-in-terminal"


@pytest.mark.parametrize("role", [Role.CLINIC, Role.KIOSK])
@pytest.mark.parametrize(
    "action", [Action.READ_NUMBER, Action.FIND_BY_NUMBER, Action.VIEW_PERSON, Action.HANDLE_CARD]
)
def test_terminals_never_see_the_register(role: Role, action: Action) -> None:
    facts = person(card_in_terminal=True, municipalities=frozenset({CHIYODA}))
    assert not decide(Actor(role, scope_id=1), action, facts, Purpose.TAX).allowed


def test_clinic_terminal_verifies_only_the_user_authentication_pin() -> None:
    assert terminal_may_verify(Role.CLINIC, PinKind.USER_AUTHENTICATION).allowed
    for pin in PinKind:
        if pin is not PinKind.USER_AUTHENTICATION:
            assert not terminal_may_verify(Role.CLINIC, pin).allowed


def test_kiosk_verifies_only_what_its_reset_flow_needs() -> None:
    # each reset proves the other credential (domain.kiosk): nothing else
    assert terminal_may_verify(Role.KIOSK, PinKind.SIGNATURE).allowed
    assert terminal_may_verify(Role.KIOSK, PinKind.USER_AUTHENTICATION).allowed
    for pin in (PinKind.RESIDENT_REGISTRY, PinKind.CARD_INFO_INPUT):
        assert not terminal_may_verify(Role.KIOSK, pin).allowed
    for role in (Role.EMPLOYER, Role.INSURER, Role.TAX_OFFICE, Role.CARD_CENTRE):
        assert not terminal_may_verify(role, PinKind.USER_AUTHENTICATION).allowed


def test_every_refusal_explains_itself_in_both_languages() -> None:
    for role in Role:
        for action in Action:
            decision = decide(
                Actor(role, scope_id=99, municipality_code=SHIBUYA),
                action,
                Relationship(person_id=PERSON),
                Purpose.TAX,
            )
            if not decision.allowed:
                assert decision.message_en and decision.message_ja and decision.reason


def test_clinic_writes_records_only_at_a_visit_its_card_proved() -> None:
    clinic = Actor(Role.CLINIC, scope_id=1)
    refused = decide(clinic, Action.RECORD_AT_VISIT, visit(proven=False))
    assert not refused.allowed and refused.reason == "visit-not-proven-by-card"


def test_consent_counts_only_with_the_visits_card_in_the_terminal() -> None:
    clinic = Actor(Role.CLINIC, scope_id=1)
    in_terminal = Relationship(
        person_id=PERSON,
        card_in_terminal=True,
        visit=Visit(clinic_id=1, proven_by_chip=True, open=True, consent_history=False),
    )
    assert decide(clinic, Action.GIVE_CONSENT, in_terminal).allowed
    assert (
        decide(clinic, Action.GIVE_CONSENT, visit(consent=False)).reason == "consent-not-from-card"
    )  # a choice the clinic's software states, no card
    for facts, reason in (
        (visit(proven=False), "visit-not-proven-by-card"),
        (visit(clinic=2), "no-visit-here"),
        (visit(open_=False), "visit-closed"),
    ):
        assert decide(clinic, Action.GIVE_CONSENT, facts).reason == reason
    for role in Role:
        if role is not Role.CLINIC:
            assert not decide(Actor(role, scope_id=1), Action.GIVE_CONSENT, in_terminal).allowed


def test_a_visual_check_needs_the_card_in_the_terminal_and_a_clerk() -> None:
    desk = Actor(Role.CLINIC, scope_id=1, clerk="sato")
    assert decide(desk, Action.VISUAL_CHECK, person(card_in_terminal=True)).allowed
    assert decide(desk, Action.VISUAL_CHECK, person()).reason == "card-not-in-terminal"
    machine = Actor(Role.CLINIC, scope_id=1)
    assert decide(machine, Action.VISUAL_CHECK, person(card_in_terminal=True)).reason == "no-clerk"


# --- asked before any state: moving in, applying, insurance use, enrolment -----------------


def test_a_moving_in_belongs_to_the_office_of_the_municipality_moved_in_to() -> None:
    newcomer = Relationship(municipalities=frozenset({CHIYODA}))  # not yet a person
    assert decide(
        Actor(Role.WARD_OFFICE, municipality_code=CHIYODA), Action.CHANGE_REGISTRATION, newcomer
    ).allowed
    refused = decide(
        Actor(Role.WARD_OFFICE, municipality_code=SHIBUYA), Action.CHANGE_REGISTRATION, newcomer
    )
    assert not refused.allowed and refused.reason == "other-municipality"


def test_a_card_is_applied_for_by_the_persons_office_or_the_person() -> None:
    facts = person(municipalities=frozenset({CHIYODA}))
    assert decide(
        Actor(Role.WARD_OFFICE, municipality_code=CHIYODA), Action.APPLY_FOR_CARD, facts
    ).allowed
    assert decide(Actor(Role.RESIDENT, scope_id=PERSON), Action.APPLY_FOR_CARD, facts).allowed
    assert (
        decide(
            Actor(Role.WARD_OFFICE, municipality_code=SHIBUYA), Action.APPLY_FOR_CARD, facts
        ).reason
        == "other-municipality"
    )
    assert (
        decide(Actor(Role.RESIDENT, scope_id=PERSON + 1), Action.APPLY_FOR_CARD, facts).reason
        == "not-self"
    )
    for role in (Role.CARD_CENTRE, Role.CLINIC, Role.INSURER, Role.KIOSK):
        assert (
            decide(
                Actor(role, scope_id=1),
                Action.APPLY_FOR_CARD,
                person(card_record=True, card_in_terminal=True),
            ).reason
            == "role-not-allowed"
        )


def test_insurance_use_is_registered_by_the_person_their_office_or_the_terminal() -> None:
    facts = person(municipalities=frozenset({CHIYODA}))
    action = Action.REGISTER_INSURANCE_USE
    assert decide(Actor(Role.RESIDENT, scope_id=PERSON), action, facts).allowed
    assert decide(Actor(Role.WARD_OFFICE, municipality_code=CHIYODA), action, facts).allowed
    assert not decide(Actor(Role.WARD_OFFICE, municipality_code=SHIBUYA), action, facts).allowed
    clinic = Actor(Role.CLINIC, scope_id=1)
    assert decide(clinic, action, person(card_in_terminal=True)).allowed
    assert decide(clinic, action, facts).reason == "card-not-in-terminal"
    assert not decide(
        Actor(Role.INSURER, scope_id=1), action, person(insured_by=frozenset({1}))
    ).allowed


def test_an_insurer_enrols_only_a_person_it_is_entitled_to_insure() -> None:
    facts = person(insurable_by=frozenset({5}), insured_by=frozenset({6}))
    assert decide(Actor(Role.INSURER, scope_id=5), Action.ENROL_INSURED, facts).allowed
    # insuring someone now is no entitlement to enrol them again (the policy asks insurable_by)
    refused = decide(Actor(Role.INSURER, scope_id=6), Action.ENROL_INSURED, facts)
    assert not refused.allowed and refused.reason == "not-entitled-to-insure"
    assert "転入届" in refused.message_ja
    assert not decide(Actor(Role.INSURER), Action.ENROL_INSURED, facts).allowed
    assert (
        decide(
            Actor(Role.WARD_OFFICE, municipality_code=CHIYODA),
            Action.ENROL_INSURED,
            person(municipalities=frozenset({CHIYODA})),
        ).reason
        == "role-not-allowed"
    )
