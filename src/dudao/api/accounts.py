"""Accounts at scale over the API: the accounts an office manages, batch opening (the initial
passwords are in this one response only) and batch disabling — the same services as the pages."""

from __future__ import annotations

from typing import Literal

from django.core.exceptions import PermissionDenied
from ninja import Router, Schema

from dudao.access import can_manage_users, visible_users
from dudao.people import accounts

router = Router(tags=["账号 accounts"])


class AccountOut(Schema):
    id: int
    username: str
    full_name: str
    is_active: bool
    must_change_password: bool
    roles: list[str]


class BatchIn(Schema):
    kind: Literal["supervisors", "schools"]
    ids: list[int]


class IssuedOut(Schema):
    kind: str
    name: str
    unit: str
    username: str
    password: str
    user_id: int


class SkippedOut(Schema):
    name: str
    reason: str


class BatchOut(Schema):
    issued: list[IssuedOut]
    skipped: list[SkippedOut]


class ActiveIn(Schema):
    ids: list[int]
    active: bool


class ActiveOut(Schema):
    changed: int


def _require_manager(request) -> None:
    if not can_manage_users(request.user):
        raise PermissionDenied


@router.get("", response=list[AccountOut], summary="可管理的账号")
def list_accounts(request, q: str = ""):
    _require_manager(request)
    users = visible_users(request.user).prefetch_related("role_grants").order_by("username")
    if q:
        users = users.filter(username__icontains=q) | users.filter(full_name__icontains=q)
    return [{"id": u.pk, "username": u.username, "full_name": u.full_name, "is_active": u.is_active,
             "must_change_password": u.must_change_password, "roles": sorted({g.role for g in u.role_grants.all()})}
            for u in users[:5000]]


@router.post("/batch", response=BatchOut, summary="批量开通督学或学校账号（初始密码只在本次响应中返回）")
def create_batch(request, payload: BatchIn):
    _require_manager(request)
    if payload.kind == "schools":
        schools = accounts.batch_schools(request.user).filter(pk__in=payload.ids)
        if schools.count() != len(set(payload.ids)):
            raise PermissionDenied
        issued, skipped = accounts.school_accounts_create(by=request.user, schools=schools)
    else:
        supervisors = accounts.batch_supervisors(request.user).filter(pk__in=payload.ids)
        if supervisors.count() != len(set(payload.ids)):
            raise PermissionDenied
        issued, skipped = accounts.supervisor_accounts_create(by=request.user, supervisors=supervisors)
    return {"issued": [a.__dict__ for a in issued], "skipped": [s.__dict__ for s in skipped]}


@router.post("/active", response=ActiveOut, summary="批量停用或启用账号")
def set_active(request, payload: ActiveIn):
    _require_manager(request)
    users = list(visible_users(request.user).filter(pk__in=payload.ids))
    if len(users) != len(set(payload.ids)):
        raise PermissionDenied
    return {"changed": accounts.users_set_active(by=request.user, users=users, active=payload.active)}
