"""随访·视导 (`VisitBasis.FOLLOWUP`): a visit by a supervisor or the office to a school they are not
挂牌 at — to follow up a finding of the ledger (`basis_ref` "finding:<id>") or to look at the school
(`basis_ref` ""). It is recorded on the one phone form (visits/bases.py: drafts, photos, idempotent
submission, server time and position) with the visit's own methods, narrative and opinions; it
counts toward no quota (`models.COUNTED` is routine visits only), and shows in the ledger with its
basis.

Who may record (`may_record_followup`, asked by every write: start, autosave, photos, submit):
- office staff whose region holds the school (and admins), or
- an active supervisor (a record in service) who reads the school (their zone, a team's schools) and
  is **not** 挂牌 at it that day — their visit there is a routine one, on 我的督导, and counts.
A finding followed up must be one the person reads, of that school.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dudao.visits.bases import BasisRule, register_basis
from dudao.visits.models import VisitBasis

if TYPE_CHECKING:
    from dudao.findings.models import Finding
    from dudao.people.models import User
    from dudao.schools.models import School
    from dudao.visits.models import Visit

FINDING_PREFIX = "finding:"


def ref_of_finding(finding: Finding) -> str:
    return f"{FINDING_PREFIX}{finding.pk}"


def finding_id_of_ref(ref: str) -> int | None:
    if ref.startswith(FINDING_PREFIX) and ref[len(FINDING_PREFIX):].isdigit():
        return int(ref[len(FINDING_PREFIX):])
    return None


def _active_supervisor(user: User):
    from dudao.supervisors.models import Supervisor, SupervisorStatus

    return Supervisor.objects.filter(user=user, status=SupervisorStatus.ACTIVE).first()


def _office_covers(user: User, school: School) -> bool:
    from dudao.access import get_scope

    scope = get_scope(user)
    return scope.write_everything or any(school.region_code.startswith(c) for c in scope.write_region_codes)


def may_start_followups(user: User) -> bool:
    """Whether the person may record 随访·视导 anywhere: office staff (or an admin) or an active supervisor."""
    from dudao.access import can_write_anything

    return can_write_anything(user) or _active_supervisor(user) is not None


def followup_finding(user: User, ref: str) -> Finding | None:
    """The finding a ref names, if the person reads it (else None)."""
    from dudao.findings.models import Finding

    pk = finding_id_of_ref(ref)
    if pk is None:
        return None
    return Finding.objects.visible_to(user).select_related("school").filter(pk=pk).first()


def may_record_followup(user: User, school: School, ref: str = "", day: date | None = None) -> None:
    """PermissionDenied with the reason unless the person may record a 随访·视导 of the school now."""
    from dudao.schools.models import School as SchoolModel
    from dudao.zones.models import Assignment

    day = day or timezone.localdate()
    staff = _office_covers(user, school)
    supervisor = None if staff else _active_supervisor(user)
    if not staff and supervisor is None:
        from dudao.access import can_write_anything

        if can_write_anything(user):  # office staff, of another region
            raise PermissionDenied(_("%(school)s 不在您所在督导室的辖区内。") % {"school": school.name})
        raise PermissionDenied(_("只有督导室工作人员或在岗督学可以填写随访·视导记录。"))
    if not SchoolModel.objects.visible_to(user).filter(pk=school.pk).exists():
        raise PermissionDenied(_("%(school)s 不在您的督导范围内。") % {"school": school.name})
    if supervisor is not None and Assignment.objects.current(day).filter(supervisor=supervisor, school=school).exists():
        raise PermissionDenied(_("您是%(school)s的挂牌责任督学：请在“我的督导”填写经常性督导记录（计入配额）。")
                               % {"school": school.name})
    if ref:
        finding = followup_finding(user, ref)
        if finding is None or finding.school_id != school.pk:
            raise PermissionDenied(_("所随访的问题不存在、不在您的权限范围内，或不属于%(school)s。") % {"school": school.name})


def _may_record(user: User, school: School, ref: str, day: date) -> None:
    may_record_followup(user, school, ref, timezone.localdate())  # judged today, like the campaign's


def _title(visit: Visit, finding: Finding | None) -> str:
    if finding is not None:
        return _("跟踪问题：%(text)s") % {"text": finding.description[:40]}
    return _("学校视导")


def _form(visit: Visit) -> dict[str, Any]:
    finding = followup_finding(visit.created_by, visit.basis_ref)
    return {"template": "visits/followup_section.html", "title": _title(visit, finding), "finding": finding,
            "home_label": _("随访·视导"), "needs_narrative": True}


def _detail(visit: Visit) -> dict[str, Any] | None:
    from dudao.findings.models import Finding

    pk = finding_id_of_ref(visit.basis_ref)
    if pk is None:
        return None
    finding = Finding.objects.filter(pk=pk).select_related("school").first()
    return {"template": "visits/followup_detail.html", "finding": finding}


def register() -> None:
    register_basis(VisitBasis.FOLLOWUP, BasisRule(
        may_record=_may_record, check=lambda ref, school, answers, submitting: {}, on_submit=lambda visit, by: None,
        form=_form, home_url=lambda visit: reverse("visits:followup_home"), detail=_detail,
        needs=("methods", "narrative")))
