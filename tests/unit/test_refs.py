"""Opaque references (services.core.refs): unguessable, unforgeable, bound to their kind,
stable, and refused as not found whenever they do not decode."""

from __future__ import annotations

import base64

import pytest
from pydantic import BaseModel

from mynumber.adapters.keys import KeyRing
from mynumber.domain.errors import NotFound
from mynumber.services.core import refs
from mynumber.services.core.refs import Kind, PersonId, PersonRef, References

KEYS = KeyRing.from_master(bytes(range(32)))
REFS = References.from_keys(KEYS)


def test_the_same_id_always_gives_the_same_reference_and_back() -> None:
    first = REFS.reference(Kind.PERSON, 42)
    again = References.from_keys(KeyRing.from_master(bytes(range(32)))).reference(Kind.PERSON, 42)
    assert first == again  # bookmarks keep working, across restarts
    assert REFS.resolve(Kind.PERSON, first) == 42


@pytest.mark.parametrize("kind", list(Kind))
def test_a_reference_has_its_kind_as_prefix_and_a_fixed_length(kind: Kind) -> None:
    ref = REFS.reference(kind, 7)
    prefix, _, body = ref.partition("_")
    assert prefix == kind.value
    assert len(body) == refs.BODY_LENGTH and body.isalnum() and body == body.lower()


def test_sequential_ids_give_unrelated_references_that_never_show_the_id() -> None:
    made = [REFS.reference(Kind.PERSON, i) for i in range(1, 200)]
    assert len(set(made)) == len(made)
    # neighbours have nothing in common: the first 8 characters after the prefix all differ
    assert len({ref[4:12] for ref in made}) == len(made)
    for i, ref in enumerate(made, start=1):
        sealed = base64.b32decode(ref.split("_", 1)[1].upper() + "=")
        assert i.to_bytes(8, "big") not in sealed  # not the id's bytes in clear
    big = 987_654_321
    ref = REFS.reference(Kind.PERSON, big)
    assert str(big) not in ref and format(big, "x") not in ref


def test_a_reference_of_one_kind_is_not_found_as_another() -> None:
    visit = REFS.reference(Kind.VISIT, 5)
    with pytest.raises(NotFound):
        REFS.resolve(Kind.PERSON, visit)
    # even with the prefix changed by hand: the kind is authenticated, not just written
    with pytest.raises(NotFound):
        REFS.resolve(Kind.PERSON, "per_" + visit.split("_", 1)[1])
    with pytest.raises(NotFound):
        REFS.resolve(Kind.NOTIFICATION_LETTER, "ntf_" + REFS.reference(Kind.LETTER, 5)[4:])


@pytest.mark.parametrize(
    "bad",
    [
        "1",
        "42",
        42,
        None,
        "",
        "per_",
        "per",
        "per_1",
        "per_" + "a" * refs.BODY_LENGTH,  # well-formed, never made
        "per_" + "1" * refs.BODY_LENGTH,  # not base32
        "PER_" + "a" * refs.BODY_LENGTH,
        "per_" + "a" * (refs.BODY_LENGTH + 1),
        "per_" + "é" * refs.BODY_LENGTH,
    ],
)
def test_anything_that_is_not_a_reference_is_not_found(bad: object) -> None:
    with pytest.raises(NotFound) as raised:
        REFS.resolve(Kind.PERSON, bad)
    assert raised.value.message_en == "No such person."  # never echoes what was sent


def test_a_tampered_reference_is_not_found() -> None:
    ref = REFS.reference(Kind.PERSON, 42)
    body = ref.split("_", 1)[1]
    for i in range(len(body)):
        flipped = "b" if body[i] != "b" else "c"
        with pytest.raises(NotFound):
            REFS.resolve(Kind.PERSON, f"per_{body[:i]}{flipped}{body[i + 1 :]}")


def test_only_the_spelling_the_service_gave_is_a_reference() -> None:
    # base32 of 24 bytes leaves 3 unused bits in the last character: the other spellings
    # decode to the same bytes and are refused all the same
    ref = REFS.reference(Kind.PERSON, 42)
    alphabet = "abcdefghijklmnopqrstuvwxyz234567"
    for last in alphabet:
        if last != ref[-1]:
            with pytest.raises(NotFound):
                REFS.resolve(Kind.PERSON, ref[:-1] + last)


def test_another_master_key_makes_other_references_and_refuses_these() -> None:
    other = References.from_keys(KeyRing.from_master(bytes(range(1, 33))))
    ref = REFS.reference(Kind.PERSON, 42)
    assert other.reference(Kind.PERSON, 42) != ref
    with pytest.raises(NotFound):
        other.resolve(Kind.PERSON, ref)


def test_an_id_out_of_range_has_no_reference() -> None:
    with pytest.raises(ValueError):
        REFS.reference(Kind.PERSON, -1)
    with pytest.raises(ValueError):
        REFS.reference(Kind.PERSON, 1 << 64)


def test_without_a_current_key_the_module_functions_refuse_to_guess() -> None:
    with pytest.raises(RuntimeError):
        refs.reference(Kind.PERSON, 1)
    with refs.using(REFS):
        assert refs.resolve(Kind.PERSON, refs.reference(Kind.PERSON, 1)) == 1


class _Out(BaseModel):
    person_id: PersonId


class _In(BaseModel):
    person_id: PersonRef


def test_a_response_field_holds_the_id_and_shows_its_reference_in_json() -> None:
    with refs.using(REFS):
        out = _Out(person_id=42)
        assert out.person_id == 42 and out.model_dump() == {"person_id": 42}
        assert out.model_dump(mode="json") == {"person_id": REFS.reference(Kind.PERSON, 42)}
    schema = _Out.model_json_schema(mode="serialization")["properties"]["person_id"]
    assert schema["type"] == "string" and schema["pattern"].startswith("^per_")


def test_a_request_field_takes_only_a_reference_of_its_kind() -> None:
    with refs.using(REFS):
        assert _In(person_id=REFS.reference(Kind.PERSON, 42)).person_id == 42
        for bad in (42, "42", REFS.reference(Kind.VISIT, 42)):
            with pytest.raises(NotFound):
                _In(person_id=bad)
