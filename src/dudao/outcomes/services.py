"""Recording a decision taken on a school's results (every write of the outcomes app)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dudao.outcomes.models import DecisionKind, OutcomeDecision
from dudao.outcomes.selectors import may_record_decision, office_of_school

if TYPE_CHECKING:
    from dudao.documents.models import Document
    from dudao.findings.models import Finding
    from dudao.people.models import User
    from dudao.regions.models import Office
    from dudao.schools.models import School


def recording_office(user: User, school: School) -> Office | None:
    """The office the decision is recorded for: the user's own (the nearest office of their write grants
    holding the school); an admin's is the school's nearest office."""
    from dudao.access import get_scope
    from dudao.regions.models import Office

    scope = get_scope(user)
    codes = sorted((c for c in scope.write_region_codes if school.region_code.startswith(c)), key=len, reverse=True)
    for code in codes:
        office = Office.objects.filter(region__code=code).select_related("region").first()
        if office is not None:
            return office
    return office_of_school(school) if scope.write_everything else None


@transaction.atomic
def decision_record(*, by: User, school: School, kind: str, decided_on: date, basis: str,
                    document: Document | None = None, finding: Finding | None = None) -> OutcomeDecision:
    """A decision on the school (and on its principal, whose name is kept as it is today). Only office
    staff whose region holds the school (and admins) record; the date may not lie in the future; a
    linked finding must be the school's, and both links must be readable by the person recording."""
    if not may_record_decision(by, school):
        raise PermissionDenied(_("只有督导室工作人员可以记录结果运用决定。"))
    errors: dict[str, str] = {}
    basis = (basis or "").strip()
    if kind not in DecisionKind.values:
        errors["kind"] = _("请选择运用方式。")
    if decided_on > timezone.localdate():
        errors["decided_on"] = _("决定日期不能晚于今天。")
    if not basis:
        errors["basis"] = _("请填写依据（如督导结果、会议纪要、文件）。")
    if finding is not None and finding.school_id != school.pk:
        errors["finding"] = _("所选问题不属于该校。")
    if errors:
        raise ValidationError(errors)
    office = recording_office(by, school)
    if office is None:
        raise PermissionDenied(_("找不到记录该决定的督导室。"))
    return OutcomeDecision.objects.create(
        school=school, principal_name=school.head_name, kind=kind, decided_on=decided_on, basis=basis[:2000],
        document=document, finding=finding, office=office, decided_by=by)
