"""What the OpenAPI document says beyond the routes themselves: operation ids a generated
client can use as method names, the problem+json errors every operation may answer, and the
schema of a returned file.

FastAPI's default operation id (``register_moving_in_ward_office_residents_post``) repeats the
path and the method; ours is the router's module and the function
(``ward_office_register_moving_in``), unique because a module's functions are.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute
from pydantic import BaseModel, ConfigDict, Field

from mynumber.api.problems import PROBLEM

REF = "#/components/schemas/"


def operation_id(route: APIRoute) -> str:
    """``<router module>_<function>``, e.g. ``clinic_check_with_pin``."""
    module = route.endpoint.__module__.rsplit(".", 1)[-1]
    return f"{module}_{route.name}"


class FieldProblem(BaseModel):
    """One field of the request that is not valid."""

    field: str = Field(
        description="Dotted path of the field in the request, e.g. `consent.medication`"
    )
    message: str


class Problem(BaseModel):
    """An error, as RFC 9457 problem details, with the message in English and Japanese.

    Refusals may add members of their own (``reason``, ``field``, ``tries_left``…): strings,
    numbers or booleans, never personal data."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(examples=["https://mynumber.example/problems/not-found"])
    title: str
    status: int
    detail: str = Field(description="What happened and what to do, in English")
    detail_ja: str = Field(description="The same in Japanese")
    code: str = Field(description="Stable machine-readable cause, e.g. `pin-locked`")
    errors: list[FieldProblem] | None = Field(
        default=None, description="For `invalid-input`: each field that is not valid"
    )


_ERRORS = {
    400: "The request cannot be carried out as it stands",
    401: "No valid API token (never a card's refusal)",
    403: "This caller may not do this, or not for this person",
    404: "Nothing with this id, or nothing this caller may see",
    409: "The record's or the card's state does not allow this now (the detail says why and "
    "what to do)",
    422: "Input that is not valid (the detail names the fields), or a PIN or face that did "
    "not match (`wrong-pin` with `tries_left`, `face-not-matched`)",
    423: "The card's PIN is locked (`pin-locked`): reset at the ward office or a kiosk",
    500: "An error on our side; nothing was changed",
}

PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {
        "description": description,
        "content": {PROBLEM: {"schema": {"$ref": REF + "Problem"}}},
    }
    for status, description in _ERRORS.items()
}
"""Declared once for every operation (``FastAPI(responses=…)``); it also replaces FastAPI's
own 422, which describes a body this API never sends."""


def file_response(media_type: str, description: str) -> dict[int | str, dict[str, Any]]:
    """``responses=`` of a route that returns a file (PDF, DER…) rather than JSON."""
    return {
        200: {
            "description": description,
            "content": {media_type: {"schema": {"type": "string", "format": "binary"}}},
        }
    }


def install(app: FastAPI) -> None:
    """Adds the problem schemas to the document FastAPI builds (the routes only refer to
    them: FastAPI collects the models of JSON responses, not of other media types)."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        document = build()  # built once, then cached by FastAPI: the additions stay
        schemas = document.setdefault("components", {}).setdefault("schemas", {})
        if "Problem" not in schemas:
            problem = Problem.model_json_schema(ref_template=REF + "{model}")
            schemas.update(problem.pop("$defs", {}))
            schemas["Problem"] = problem
            _public_answers_no_token_errors(document)
        return document

    app.openapi = openapi  # type: ignore[method-assign]


CARD_IS_CREDENTIAL = {"x-card-is-credential": True}
"""``openapi_extra`` of a route that takes no token because a card's signature is the
credential (a resident's login): its refusal of the card's answer is a 401."""


LETTER_IS_CREDENTIAL = {"x-letter-is-credential": True}
"""``openapi_extra`` of a route that takes no token because the notification letter's
application ID relates the request to its person (the online card application)."""


def _public_answers_no_token_errors(document: dict[str, Any]) -> None:
    # The health check and the card centre's distribution points take no token. The OAuth
    # endpoints' own 401 (the service's proof, the access token: OAuth's JSON) stays.
    for operations in document.get("paths", {}).values():
        for operation in operations.values():
            if "security" not in operation:
                card = operation.get("x-card-is-credential", False)
                for status in ("403",) if card else ("401", "403"):
                    content = operation["responses"].get(status, {}).get("content", {})
                    if PROBLEM in content:
                        operation["responses"].pop(status, None)
