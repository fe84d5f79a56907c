"""Every write of a campaign's plan and life: create, edit, scope, steps of the workflow table.

Each service asks the rules itself (`campaigns/access.py`, `workflow.role_of`): the page, the API
and any task get the same answer. Every step is logged as a `CampaignEvent`; the people who act
next are notified (notifications app).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dudao.campaigns import workflow
from dudao.campaigns.access import may_create_campaign, may_manage_campaign
from dudao.campaigns.figures import figures_forget
from dudao.campaigns.models import (
    SCHOOLS_NOTIFIED,
    Campaign,
    CampaignEvent,
    CampaignKind,
    CampaignSchool,
    ScopeMode,
    TeamMember,
)
from dudao.campaigns.selection import ScopeSpec, clean_filters, resolve

if TYPE_CHECKING:
    from dudao.people.models import User
    from dudao.regions.models import Office

PLAN_FIELDS = ("kind", "name", "year", "framework_version", "purpose", "basis", "scope_text", "time_text",
               "content", "method", "staffing", "requirements", "results_use", "notice_date", "self_deadline",
               "onsite_start", "onsite_end", "preliminary_date", "defence_deadline", "final_date",
               "rectification_deadline", "reinspection_date", "summary_date", "unannounced", "aggregation",
               "discrepancy_threshold")
# The phases' dates in their order: each must not come before the previous one that is set.
DATE_ORDER = ("notice_date", "self_deadline", "onsite_start", "onsite_end", "preliminary_date", "defence_deadline",
              "final_date", "rectification_deadline", "reinspection_date", "summary_date")


def campaign_url(campaign: Campaign) -> str:
    return reverse("campaigns:detail", kwargs={"pk": campaign.pk})


def _event(campaign: Campaign, *, action: str, by: User | None, from_state: str = "", to_state: str = "",
           note: str = "") -> CampaignEvent:
    return CampaignEvent.objects.create(campaign=campaign, action=action, actor=by, from_state=from_state,
                                        to_state=to_state, note=note)


def _check_plan(campaign: Campaign) -> None:
    """The plan's own consistency: a published framework version usable by the office, dates in order,
    no self-inspection in a 暗访 campaign."""
    from dudao.frameworks.models import VersionState

    errors: dict[str, list[str]] = {}
    if not (campaign.name or "").strip():
        errors["name"] = [_("请填写项目名称。")]
    if not campaign.year:
        errors["year"] = [_("请填写年度。")]
    if campaign.framework_version_id is None:
        raise ValidationError({**errors, "framework_version": [_("请选择指标体系版本。")]})
    version = campaign.framework_version
    if version.state != VersionState.PUBLISHED:
        errors["framework_version"] = [_("只能选用已发布的指标体系版本。")]
    else:
        owner = version.framework.owner
        if owner is not None and not campaign.office.region.code.startswith(owner.region.code):
            errors["framework_version"] = [_("只能选用内置指标体系或本督导室及上级督导室的指标体系。")]
    if campaign.kind not in CampaignKind.values:
        errors["kind"] = [_("请选择督导类型。")]
    elif "framework_version" not in errors:
        if campaign.kind == CampaignKind.GOVERNMENT and not version.framework.for_governments:
            errors["framework_version"] = [_("督政项目只能选用督政（评价政府）的指标体系。")]
        elif campaign.kind != CampaignKind.GOVERNMENT and version.framework.for_governments:
            errors["framework_version"] = [_("督政（评价政府）的指标体系只能用于督政项目，请选用学校指标体系。")]
    if campaign.unannounced and campaign.self_deadline:
        errors["self_deadline"] = [_("暗访不提前通知学校，不安排学校自查，请清空自查截止日期。")]
    previous = None
    for name in DATE_ORDER:
        value = getattr(campaign, name)
        if value is None:
            continue
        if previous is not None and value < previous[1]:
            label = getattr(Campaign._meta.get_field(name), "verbose_name", name)
            errors.setdefault(name, []).append(_("%(this)s不能早于%(that)s。") % {
                "this": label, "that": getattr(Campaign._meta.get_field(previous[0]), "verbose_name", previous[0])})
        previous = (name, value)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def campaign_create(*, by: User, office: Office, data: dict[str, Any]) -> Campaign:
    """A new draft campaign of `office` (its staff or an office above, admins)."""
    if not may_create_campaign(by, office):
        raise PermissionDenied(_("只有该督导室（或上级督导室）的工作人员可以创建督导项目。"))
    campaign = Campaign(office=office, created_by=by, state=workflow.S.DRAFT)
    for name in PLAN_FIELDS:
        if name in data:
            setattr(campaign, name, data[name])
    _check_plan(campaign)
    campaign.save()
    _event(campaign, action="create", by=by, to_state=campaign.state)
    return campaign


def _require_editable(by: User, campaign: Campaign) -> None:
    if not may_manage_campaign(by, campaign):
        raise PermissionDenied(_("只有组织督导室（或上级督导室）的工作人员可以修改督导项目。"))
    if campaign.state not in workflow.EDITABLE_STATES:
        raise ValidationError(_("督导项目当前状态为“%(state)s”，只有草拟（含退回修改）的项目可以修改。") % {
            "state": campaign.state_label})


@transaction.atomic
def campaign_update(*, by: User, campaign: Campaign, data: dict[str, Any]) -> Campaign:
    """Edit the plan (实施方案, dates, rules) of a draft or returned campaign."""
    campaign = Campaign.objects.select_for_update(of=("self",)).select_related("office__region").get(pk=campaign.pk)
    _require_editable(by, campaign)
    changed = []
    for name in PLAN_FIELDS:
        if name in data and getattr(campaign, name) != data[name]:
            setattr(campaign, name, data[name])
            changed.append(name)
    _check_plan(campaign)
    if changed:
        campaign.save()
        labels = "、".join(str(getattr(Campaign._meta.get_field(n), "verbose_name", n)) for n in changed)
        _event(campaign, action="update", by=by, note=_("修改：%(fields)s") % {"fields": labels})
    return campaign


def scope_spec_of(campaign: Campaign) -> ScopeSpec:
    return ScopeSpec(mode=campaign.scope_mode, region=campaign.scope_region, filters=dict(campaign.scope_filters or {}),
                     school_ids=list(campaign.schools.values_list("school_id", flat=True)),
                     sample_size=campaign.sample_size, strata=campaign.sample_strata, seed=campaign.sample_seed)


@transaction.atomic
def campaign_scope_apply(*, by: User, campaign: Campaign, spec: ScopeSpec) -> int:
    """Store the schools the spec selects as the campaign's scope (draft only). Schools already in
    scope keep their team; those no longer selected are removed. Returns the number of schools."""
    campaign = Campaign.objects.select_for_update(of=("self",)).select_related("office__region").get(pk=campaign.pk)
    _require_editable(by, campaign)
    spec.filters = clean_filters(spec.filters)
    picked = resolve(user=by, office=campaign.office, spec=spec)
    wanted = {school.pk: stratum for school, stratum in picked}
    existing = {row.school_id: row for row in campaign.schools.all()}
    CampaignSchool.objects.filter(campaign=campaign).exclude(school_id__in=list(wanted)).delete()
    CampaignSchool.objects.bulk_create([CampaignSchool(campaign=campaign, school_id=pk, stratum=stratum)
                                        for pk, stratum in wanted.items() if pk not in existing])
    figures_forget(campaign)  # the results summed per team count only the schools in scope
    for pk, row in existing.items():
        if pk in wanted and row.stratum != wanted[pk]:
            row.stratum = wanted[pk]
            row.save(update_fields=["stratum", "updated_at"])
    campaign.scope_mode = spec.mode
    campaign.scope_region = spec.region if spec.mode != ScopeMode.PICKED else None
    campaign.scope_filters = spec.filters if spec.mode != ScopeMode.PICKED else {}
    campaign.sample_size = spec.sample_size if spec.mode == ScopeMode.SAMPLE else None
    campaign.sample_strata = spec.strata if spec.mode == ScopeMode.SAMPLE else ""
    campaign.sample_seed = spec.seed if spec.mode == ScopeMode.SAMPLE else None
    campaign.save()
    note = _("%(mode)s，共 %(n)s 所学校") % {"mode": ScopeMode(spec.mode).label, "n": len(wanted)}
    if spec.mode == ScopeMode.SAMPLE:
        note += _("（随机种子 %(seed)s）") % {"seed": spec.seed}
    _event(campaign, action="scope", by=by, note=note)
    return len(wanted)


# --- the workflow --------------------------------------------------------------------------------------
@transaction.atomic
def campaign_transition(*, by: User, campaign: Campaign, action: str, note: str = "") -> Campaign:
    """Take one step of `workflow.ACTIONS` as `by`.

    PermissionDenied (Chinese) when the user's role may not take the step; ValidationError (Chinese)
    when the step does not apply to the campaign now, or its reason, dates or schools are missing.
    The row is locked, so two people acting at once cannot both move it."""
    transition = workflow.ACTIONS.get(action)
    if transition is None:
        raise ValidationError(_("未知的操作。"))
    campaign = (Campaign.objects.select_for_update(of=("self",))
                .select_related("office__region", "framework_version").get(pk=campaign.pk))
    roles = workflow.role_of(by, campaign)
    if not roles & transition.roles:
        who = _("督导室领导") if workflow.LEADER in transition.roles else _("组织督导室（或上级督导室）的工作人员")
        raise PermissionDenied(_("您无权执行“%(action)s”：只有%(who)s可以执行。") % {"action": transition.label, "who": who})
    if not transition.applies_to(campaign):
        raise ValidationError(_("督导项目当前状态为“%(state)s”，不能%(action)s。") % {
            "state": campaign.state_label, "action": transition.label})
    note = (note or "").strip()
    if transition.needs_note and not note:
        raise ValidationError({"note": [_("请填写%(what)s。") % {"what": transition.note_label}]})
    missing = workflow.missing_requirements(campaign, transition)
    if missing:
        raise ValidationError(missing)
    if action == "submit":
        _check_plan(campaign)
    from_state = campaign.state
    if action == "approve":
        campaign.approved_by, campaign.approved_at = by, timezone.now()
    elif action == "return":
        campaign.approved_by, campaign.approved_at = None, None
    elif action == "notify" and campaign.notice_date is None:
        campaign.notice_date = timezone.localdate()
    campaign.state = transition.to_state
    campaign.save()
    _event(campaign, action=action, by=by, from_state=from_state, to_state=campaign.state, note=note)
    _announce(campaign, transition, by=by, note=note)
    return campaign


def _users_of_schools(campaign: Campaign) -> list[User]:
    from dudao.people.models import Role, User

    if campaign.is_government:  # 督政: the accounts of the government units in scope (governance.CampaignUnit)
        return list(User.objects.filter(
            is_active=True, role_grants__role=Role.GOVERNMENT_USER,
            role_grants__government_unit__campaign_entries__campaign=campaign).distinct().order_by("pk"))
    return list(User.objects.filter(is_active=True, role_grants__role=Role.SCHOOL_USER,
                                    role_grants__schools__campaign_entries__campaign=campaign).distinct().order_by("pk"))


def _team_users(campaign: Campaign) -> list[User]:
    return [m.user for m in TeamMember.objects.filter(team__campaign=campaign, user__is_active=True)
            .select_related("user").order_by("user_id")]


def _office_users(campaign: Campaign, roles: Iterable[str]) -> list[User]:
    from dudao.people.selectors import office_staff

    return list(office_staff(campaign.office, roles))


def _approvers(campaign: Campaign) -> list[User]:
    """The leaders who approve: those of the owning office, or — where it has none — of the nearest
    office above that has some (they may approve too: `access.is_leader_of`)."""
    from dudao.people.models import Role
    from dudao.people.selectors import office_staff
    from dudao.regions.selectors import offices_above

    for office in offices_above(campaign.office.region.code):
        leaders = list(office_staff(office, [Role.OFFICE_LEADER]))
        if leaders:
            return leaders
    return []


def _tell(users: Iterable[User], *, campaign: Campaign, title: str, body: str, exclude: User | None,
          level: str = "info") -> int:
    from dudao.notifications.services import notify

    sent, seen = 0, set()
    url = campaign_url(campaign)
    for user in users:
        if user.pk in seen or (exclude is not None and user.pk == exclude.pk):
            continue
        seen.add(user.pk)
        if notify(recipient=user, title=title, body=body, url=url, level=level):
            sent += 1
    return sent


def _schools_told(campaign: Campaign, *, by: User | None) -> None:
    """Tell the school accounts in scope, once, and record it (they read the campaign from now on)."""
    if campaign.events.filter(action=SCHOOLS_NOTIFIED).exists():
        return
    users = _users_of_schools(campaign)
    if campaign.has_self_inspection and campaign.is_government:
        body = _("请于 %(day)s 前在平台提交自评报告（含各项指标自评分与佐证材料）。") % {"day": campaign.self_deadline}
    elif campaign.has_self_inspection:
        body = _("请于 %(day)s 前完成学校自查（自查自纠）并在平台提交。") % {"day": campaign.self_deadline}
    else:
        body = _("请登录平台查看督导项目的安排与要求。")
    count = _tell(users, campaign=campaign, title=_("督导通知：%(name)s") % {"name": campaign.name}, body=body,
                  exclude=by)
    _event(campaign, action=SCHOOLS_NOTIFIED, by=by, note=_("已通知 %(n)s 个学校账号") % {"n": count})


def _announce(campaign: Campaign, transition: workflow.Transition, *, by: User, note: str) -> None:
    """Tell the people who act next (never the actor). Schools are told when the notice goes out; an
    announced campaign without self-inspection tells them when the on-site phase starts; a 暗访
    campaign only with the preliminary opinion, after the on-site phase."""
    from dudao.people.models import Role

    title = _("督导项目“%(name)s”：%(action)s") % {"name": campaign.name, "action": transition.label}
    body = note[:300]
    name = transition.name
    if name == "submit":
        _tell(_approvers(campaign), campaign=campaign, title=title,
              body=body or _("请审批实施方案。"), exclude=by)
    elif name in ("approve", "return"):
        _tell([campaign.created_by, *_office_users(campaign, [Role.OFFICE_STAFF])], campaign=campaign, title=title,
              body=body, exclude=by, level="warning" if name == "return" else "info")
    elif name == "cancel":
        recipients = _office_users(campaign, [Role.OFFICE_STAFF]) + _team_users(campaign)
        if campaign.events.filter(action=SCHOOLS_NOTIFIED).exists():
            recipients += _users_of_schools(campaign)
        _tell(recipients, campaign=campaign, title=title, body=body, exclude=by, level="warning")
    else:
        if name in ("notify", "start_onsite", "start_onsite_direct"):
            _tell(_team_users(campaign), campaign=campaign, title=title, body=body, exclude=by)
        if name == "notify" or (name == "start_onsite_direct" and not campaign.unannounced) or (
                name == "preliminary" and campaign.unannounced):
            _schools_told(campaign, by=by)
        elif name not in ("notify", "start_onsite", "start_onsite_direct") and campaign.events.filter(
                action=SCHOOLS_NOTIFIED).exists():
            _tell(_users_of_schools(campaign), campaign=campaign, title=title, body=body, exclude=by)
