"""Writes on accounts and roles. Callers are system admins (checked in the views)."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from dudao.access import clear_scope_cache
from dudao.people.models import REGION_ROLES, Role, RoleGrant, User


@transaction.atomic
def user_create(*, username: str, password: str, full_name: str = "", phone: str = "", email: str = "") -> User:
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("用户名已存在。")})
    user = User(username=username, full_name=full_name, phone=phone, email=email)
    validate_password(password, user)
    user.set_password(password)
    user.save()
    return user


@transaction.atomic
def role_grant_add(*, user: User, role: str, office=None, schools: Iterable = (), note: str = "",
                   government_unit=None) -> RoleGrant:
    """Give a user one more role. Region roles need an office; school roles need schools; the
    government user (政府单位用户) one government unit and nothing else."""
    if role not in Role.values:
        raise ValidationError({"role": _("未知角色。")})
    schools = list(schools)
    if role in REGION_ROLES and office is None:
        raise ValidationError({"office": _("该角色必须指定所属督导室。")})
    if role == Role.SCHOOL_USER and len(schools) != 1:
        raise ValidationError({"schools": _("学校用户必须且只能关联一所学校。")})
    if role == Role.EVALUATOR and not schools:
        raise ValidationError({"schools": _("第三方评估机构必须至少指定一所学校。")})
    if role == Role.GOVERNMENT_USER:
        if government_unit is None:
            raise ValidationError({"government_unit": _("政府单位用户必须指定一个政府单位。")})
        office, schools = None, []
    else:
        government_unit = None
    if role == Role.SYSTEM_ADMIN:
        office, schools = None, []
    grant = RoleGrant.objects.create(user=user, role=role, office=office, note=note, government_unit=government_unit)
    if schools:
        grant.schools.set(schools)
    clear_scope_cache(user)
    return grant


@transaction.atomic
def role_grant_remove(*, grant: RoleGrant) -> None:
    user = grant.user
    grant.delete()
    clear_scope_cache(user)


@transaction.atomic
def user_set_password(*, user: User, password: str, by: User | None = None) -> None:
    """A password chosen by the person clears the forced change; one set by someone else (a reset)
    must be changed at the next login. The initial password cannot be kept as the new one."""
    own = by is not None and by.pk == user.pk
    if own and user.must_change_password and user.check_password(password):
        raise ValidationError(_("新密码不能与初始密码相同。"))
    validate_password(password, user)
    user.set_password(password)
    user.must_change_password = not own and by is not None
    user.save(update_fields=["password", "must_change_password"])


def user_unlock(*, user: User) -> int:
    """Lift a failed-login lockout (django-axes) for this user name."""
    from axes.utils import reset

    return reset(username=user.username)
