"""Typed dependencies: the system, an open unit of work, and the authenticated caller."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from mynumber.adapters.db.uow import UnitOfWork
from mynumber.bootstrap import System
from mynumber.domain.errors import Unauthenticated
from mynumber.services import tokens
from mynumber.services.context import Caller, Services

_bearer = HTTPBearer(auto_error=False, description="An organisation's API token")


def get_system(request: Request) -> System:
    system: System = request.app.state.system
    return system


def get_services(system: Annotated[System, Depends(get_system)]) -> Services:
    return system.services


def get_uow(system: Annotated[System, Depends(get_system)]) -> Iterator[UnitOfWork]:
    with system.uow() as uow:
        yield uow


def get_caller(
    request: Request,
    system: Annotated[System, Depends(get_system)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Caller:
    if credentials is None:
        raise Unauthenticated("Send an API token: Authorization: Bearer <token>.",
                              "APIトークンを Authorization ヘッダーで送ってください。")
    with system.uow() as uow:
        caller = tokens.authenticate(uow.session, system.services, credentials.credentials)
    request.state.caller = caller
    return caller


SystemDep = Annotated[System, Depends(get_system)]
ServicesDep = Annotated[Services, Depends(get_services)]
UowDep = Annotated[UnitOfWork, Depends(get_uow)]
CallerDep = Annotated[Caller, Depends(get_caller)]
