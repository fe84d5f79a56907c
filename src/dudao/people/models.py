"""Users, their roles and what each role grants (the input of the one scope mechanism)."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from dudao.core.models import BaseModel


class Role(models.TextChoices):
    SYSTEM_ADMIN = "system_admin", _("系统管理员")
    OFFICE_STAFF = "office_staff", _("督导室工作人员")
    OFFICE_LEADER = "office_leader", _("领导（只读）")
    SUPERVISOR = "supervisor", _("责任督学")
    SCHOOL_USER = "school_user", _("学校用户")
    EVALUATOR = "evaluator", _("第三方评估机构")
    GOVERNMENT_USER = "government_user", _("政府单位用户")


# What each role is bound to. Region-bound roles see the office region's subtree; school-bound
# roles (the others: supervisor, school user, evaluator) see listed schools. The supervisor's schools come from assignments (issue [2]): until
# then they are listed on the grant, and `dudao.access.register_school_scope` lets the zones app
# replace that rule without touching any view.
REGION_ROLES = frozenset({Role.OFFICE_STAFF, Role.OFFICE_LEADER})
# Roles whose scope may be changed (base data, imports); the leader and the others only read.
WRITE_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.OFFICE_STAFF})


class DudaoUserManager(UserManager):
    """Which accounts a person sees is `dudao.access.visible_users`: this module stays below the
    access layer and never imports it."""


class User(AbstractUser):
    full_name = models.CharField(_("姓名"), max_length=64, blank=True)
    phone = models.CharField(_("手机号"), max_length=20, blank=True)
    # Set on accounts created in batch or whose password someone else reset: until the person
    # chooses their own password, every page sends them to 我的账号 and the API refuses (403).
    must_change_password = models.BooleanField(_("须修改密码"), default=False)

    objects = DudaoUserManager()

    class Meta:
        ordering = ["username"]
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.username


class RoleGrant(BaseModel):
    """One role held by one user: a user may hold several; their scope is the union."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    office = models.ForeignKey(
        "regions.Office",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="role_grants",
        verbose_name=_("所属督导室"),
    )
    schools = models.ManyToManyField(
        "schools.School", blank=True, related_name="role_grants", verbose_name=_("学校")
    )
    # 政府单位用户 (督政, docs/governance.md): the one government unit the account acts for. A string
    # reference: the governance app sits above people and is never imported here.
    government_unit = models.ForeignKey(
        "governance.GovernmentUnit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="grants",
        verbose_name=_("政府单位"),
    )
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        ordering = ["user_id", "role"]
        verbose_name = _("角色授权")
        verbose_name_plural = _("角色授权")

    def __str__(self) -> str:
        where = self.office.name if self.office_id else ""
        return f"{self.user} · {self.get_role_display()} {where}".strip()

    def clean(self) -> None:
        if self.role in REGION_ROLES and not self.office_id:
            raise ValidationError({"office": _("该角色必须指定所属督导室。")})
        if self.role == Role.GOVERNMENT_USER and not self.government_unit_id:
            raise ValidationError({"government_unit": _("政府单位用户必须指定一个政府单位。")})


class ApiToken(BaseModel):
    """A personal API token; only its SHA-256 is stored, the token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("名称"), max_length=64)
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def issue(cls, *, user: User, name: str) -> tuple[ApiToken, str]:
        key = "dd_" + secrets.token_urlsafe(32)
        token = cls.objects.create(user=user, name=name, key_hash=cls.hash_key(key), prefix=key[:8])
        return token, key
