"""Accounts at scale: an office opens (and closes) the accounts of its supervisors and schools in batch.

User names follow one documented rule (docs/architecture.md, "Accounts in batch"):

- a school account is the school's 10-digit 学校标识码, e.g. ``4301820001`` (``-2``, ``-3``… only if
  that name is already taken by another account);
- a supervisor account is the office's region code, ``-d`` and a 3-digit sequence number of that
  office, e.g. ``430182-d007``; numbers continue after the highest one ever issued, never reused.

Initial passwords are random, printable and free of look-alike characters (0/O, 1/l/I). They exist
in clear only in the response that creates them (page and the Excel embedded in it); the database
keeps the hash, and the account must choose its own password at first login.
"""

from __future__ import annotations

import re
import secrets
import string
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from dudao.access import can_manage_office, can_manage_users, clear_scope_cache, visible_users
from dudao.people.models import Role, RoleGrant, User

if TYPE_CHECKING:
    from dudao.schools.models import School
    from dudao.supervisors.models import Supervisor

PASSWORD_ALPHABET = "".join(ch for ch in string.ascii_letters + string.digits if ch not in "0O1lI")
PASSWORD_LENGTH = 10
# One request hashes every password (Argon2 in production): keep a batch within a request's time.
MAX_BATCH = 300


@dataclass(frozen=True)
class IssuedAccount:
    """One account opened in batch, with the only copy of its initial password."""

    kind: str  # "督学" or "学校"
    name: str
    unit: str  # the office of a supervisor, the 学校标识码 of a school
    username: str
    password: str
    user_id: int


@dataclass(frozen=True)
class Skipped:
    name: str
    reason: str


# --- what may be opened: the page and the API pick from the same rows --------------------------------


def batch_supervisors(user: User):
    """The roster records whose accounts the user may open (their write scope), by office and name."""
    from dudao.access import supervisor_q
    from dudao.supervisors.models import Supervisor

    return (Supervisor.objects.filter(supervisor_q(user, write=True))
            .select_related("office__region", "user").order_by("office__region__code", "name"))


def batch_schools(user: User):
    """The schools whose accounts the user may open (their write scope), by region and code."""
    from dudao.schools.models import School

    return School.objects.visible_to(user, write=True).order_by("region_code", "code")


def batch_rows(*, user: User, kind: str, q: str = "", office=None, limit: int = 2000) -> list[dict]:
    """The 批量开通账号 page's rows: schools (with a ✓ when a school account exists) or supervisors
    (with their account), of one office's region when given, matching `q`; selectable when no
    account exists yet (and, for a supervisor, when active)."""
    from django.db.models import Q

    if kind == "schools":
        schools = batch_schools(user)
        if office is not None:  # a city office opens one county at a time
            schools = schools.filter(region_code__startswith=office.region.code)
        with_account = set(RoleGrant.schools.through.objects.filter(rolegrant__role="school_user", school__in=schools)
                           .values_list("school_id", flat=True))
        if q:
            schools = schools.filter(Q(name__icontains=q) | Q(code__startswith=q))
        return [{"pk": s.pk, "name": s.name, "unit": s.code, "account": "✓" if s.pk in with_account else "",
                 "selectable": s.pk not in with_account} for s in schools[:limit]]
    supervisors = batch_supervisors(user)
    if office is not None:
        supervisors = supervisors.filter(office=office)
    if q:
        supervisors = supervisors.filter(name__icontains=q)
    return [{"pk": s.pk, "name": s.name, "unit": s.office.name, "account": s.user.username if s.user_id else "",
             "selectable": not s.user_id and s.status == "active", "status": s.get_status_display()}
            for s in supervisors[:limit]]


def random_password() -> str:
    """10 characters with at least one upper-case letter, one lower-case letter and one digit."""
    while True:
        password = "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(PASSWORD_LENGTH))
        if any(c.isupper() for c in password) and any(c.islower() for c in password) and any(c.isdigit() for c in password):
            return password


def _free_username(base: str, taken: set[str]) -> str:
    name, n = base, 1
    while name.lower() in taken:
        n += 1
        name = f"{base}-{n}"
    taken.add(name.lower())
    return name


def _taken_like(prefix: str) -> set[str]:
    return {u.lower() for u in User.objects.filter(username__istartswith=prefix).values_list("username", flat=True)}


def supervisor_username_prefix(office) -> str:
    return f"{office.region.code}-d"


def _next_supervisor_numbers(prefix: str) -> int:
    pattern = re.compile(re.escape(prefix) + r"(\d+)$", re.IGNORECASE)
    numbers = [int(m.group(1)) for u in User.objects.filter(username__istartswith=prefix).values_list("username", flat=True)
               if (m := pattern.match(u))]
    return max(numbers, default=0) + 1


def _new_user(*, username: str, full_name: str, phone: str = "") -> tuple[User, str]:
    password = random_password()
    user = User(username=username, full_name=full_name, phone=phone, must_change_password=True)
    user.set_password(password)
    user.save()
    return user, password


def _check_batch(items: list) -> None:
    if len(items) > MAX_BATCH:
        raise PermissionDenied(_("一次最多开通 %(n)s 个账号，请分批操作。") % {"n": MAX_BATCH})


@transaction.atomic
def supervisor_accounts_create(*, by: User, supervisors: Iterable[Supervisor]) -> tuple[list[IssuedAccount], list[Skipped]]:
    """Open an account for each supervisor on the roster that has none, linked to the record and
    holding the 责任督学 role (its scope follows the supervisor's assignments)."""
    from dudao.supervisors.models import SupervisorStatus
    from dudao.supervisors.services import supervisor_ensure_role

    supervisors = list(supervisors)
    _check_batch(supervisors)
    issued: list[IssuedAccount] = []
    skipped: list[Skipped] = []
    counters: dict[int, int] = {}
    for supervisor in sorted(supervisors, key=lambda s: (s.office_id, s.pk)):
        if not can_manage_office(by, supervisor.office):
            raise PermissionDenied
        if supervisor.user_id:
            skipped.append(Skipped(supervisor.name, _("已有账号 %(u)s") % {"u": supervisor.user.username}))
            continue
        if supervisor.status != SupervisorStatus.ACTIVE:
            skipped.append(Skipped(supervisor.name, _("不在岗（%(s)s）") % {"s": supervisor.get_status_display()}))
            continue
        prefix = supervisor_username_prefix(supervisor.office)
        if supervisor.office_id not in counters:
            counters[supervisor.office_id] = _next_supervisor_numbers(prefix)
        number = counters[supervisor.office_id]
        counters[supervisor.office_id] = number + 1
        user, password = _new_user(username=f"{prefix}{number:03d}", full_name=supervisor.name, phone=supervisor.phone)
        supervisor.user = user
        supervisor.save(update_fields=["user", "updated_at"])
        supervisor_ensure_role(supervisor=supervisor)
        issued.append(IssuedAccount(_("督学"), supervisor.name, supervisor.office.name, user.username, password, user.pk))
    return issued, skipped


@transaction.atomic
def school_accounts_create(*, by: User, schools: Iterable[School]) -> tuple[list[IssuedAccount], list[Skipped]]:
    """Open one 学校用户 account per school that has none, named by its 学校标识码."""
    from dudao.schools.models import School

    schools = list(schools)
    _check_batch(schools)
    writable = set(School.objects.visible_to(by, write=True).filter(pk__in=[s.pk for s in schools]).values_list("pk", flat=True))
    has_account = set(
        RoleGrant.schools.through.objects.filter(rolegrant__role=Role.SCHOOL_USER, school_id__in=[s.pk for s in schools])
        .values_list("school_id", flat=True)
    )
    issued: list[IssuedAccount] = []
    skipped: list[Skipped] = []
    for school in sorted(schools, key=lambda s: s.code):
        if school.pk not in writable:
            raise PermissionDenied
        if school.pk in has_account:
            skipped.append(Skipped(school.name, _("已有学校账号")))
            continue
        username = _free_username(school.code, _taken_like(school.code))
        user, password = _new_user(username=username, full_name=school.name)
        grant = RoleGrant.objects.create(user=user, role=Role.SCHOOL_USER)
        grant.schools.set([school])
        issued.append(IssuedAccount(_("学校"), school.name, school.code, user.username, password, user.pk))
    return issued, skipped


@transaction.atomic
def users_set_active(*, by: User, users: Iterable[User], active: bool) -> int:
    """Disable (or enable again) accounts the caller manages; never the caller's own."""
    users = [u for u in users if u.pk != by.pk]
    if not can_manage_users(by):
        raise PermissionDenied
    managed = set(visible_users(by).filter(pk__in=[u.pk for u in users]).values_list("pk", flat=True))
    if any(u.pk not in managed for u in users):
        raise PermissionDenied
    changed = 0
    for u in User.objects.filter(pk__in=[u.pk for u in users]).exclude(is_active=active):
        u.is_active = active
        u.save(update_fields=["is_active"])  # one by one: the operation log records each account
        clear_scope_cache(u)
        changed += 1
    return changed


ACCOUNT_SHEET_HEADERS = ["类型", "名称", "所属单位/学校标识码", "用户名", "初始密码"]


def issued_accounts_xlsx(issued: list[IssuedAccount], login_url: str) -> bytes:
    """The printable list of new accounts (the only other copy of the passwords: never stored)."""
    import tempfile

    from dudao.core.excel import write_xlsx

    notes = [
        f"登录地址：{login_url}",
        "首次登录后系统会要求修改密码；初始密码只在开通时显示一次，系统不保存明文。",
        "请将账号单独交给本人，打印件用后销毁。",
    ]
    rows = [[a.kind, a.name, a.unit, a.username, a.password] for a in issued]
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as tmp:
        write_xlsx(tmp.name, "账号清单", ACCOUNT_SHEET_HEADERS, rows, notes=notes)
        tmp.seek(0)
        return tmp.read()
