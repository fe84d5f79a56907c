"""Who may act: one predicate per action, consulted by the service that performs it.

Pages, the API and background tasks call the same service, and the service asks the rule here;
a page or an endpoint may ask the same rule beforehand to hide a button or refuse early, never a
copy of it. Each rule takes the acting user first and the object acted on, answers a bool, and
reads only the user's `Scope` (computed once per request) and the object's own fields and
relations: this module imports no domain app, so every app may depend on it.

Words: "manage an office" = office staff (not leaders) of the office's region or above, and admins;
"office details" = the office's staff *and* leaders, those above, admins (they read, not act);
"acting schools" = the schools a supervisor is responsible for today (not the zone colleagues'
schools they read).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dudao.access.scope import Role, get_scope

if TYPE_CHECKING:
    from dudao.people.models import User


def _authenticated(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def _covers(codes, code: str) -> bool:
    return any(code.startswith(c) for c in codes)


# --- generic: roles and offices ------------------------------------------------------------------------
def is_system_admin(user: User) -> bool:
    return get_scope(user).everything


def can_write_anything(user: User) -> bool:
    """Base data, imports, the attention page: admins and office staff of some region."""
    scope = get_scope(user)
    return scope.write_everything or bool(scope.write_region_codes)


def can_manage_users(user: User) -> bool:
    """The account pages: system admins and office staff (leaders, supervisors and schools do not)."""
    return can_write_anything(user)


def is_office_user(user: User) -> bool:
    """Staff and leaders of an office, and admins: those who read an office's reports and statistics."""
    scope = get_scope(user)
    return scope.everything or bool(scope.region_codes)


def can_manage_office(user: User, office) -> bool:
    """Office staff (not leaders) of the office's region or above, and admins, manage its team, zones
    and settings."""
    scope = get_scope(user)
    return scope.write_everything or _covers(scope.write_region_codes, office.region.code)


def sees_office_details(user: User, office) -> bool:
    """Full phone numbers, settings pages and the like: the office (staff and leaders) and those above it."""
    scope = get_scope(user)
    return scope.everything or _covers(scope.region_codes, office.region.code)


def area_roots(user: User) -> list[str]:
    """Region codes whose monitoring dashboards the user reads: their offices' regions (staff and
    leaders); "" (the whole country) for admins; none for those who see only schools."""
    scope = get_scope(user)
    if scope.everything:
        return [""]
    return list(scope.region_codes)


def sees_area(user: User, code: str) -> bool:
    """A region's monitoring dashboard: the offices of the region or above (staff and leaders), admins."""
    return any(code.startswith(root) for root in area_roots(user))


def has_supervisor_record(user: User) -> bool:
    """The user is on a supervisor team (a record of any status): the visit, complaint and findings
    ledgers offer them "mine" (the visit ledger opens on it) and the workbench their findings to
    verify. Every "mine" filters by the record (`supervisor__user`), so the record — not the
    supervisor role — is what makes "mine" match anything (docs/architecture.md, "Who is a
    supervisor"). Read through the relation, never by importing supervisors."""
    return _authenticated(user) and hasattr(user, "supervisor")


def may_act_on_area(user: User, code: str) -> bool:
    """Turning a region's monitoring warning into a finding, recomputing it: staff of the region or above."""
    scope = get_scope(user)
    return scope.write_everything or _covers(scope.write_region_codes, code)


def may_act_on_school(user: User, school) -> bool:
    """Recording something about a school (a complaint received by phone, a finding): office staff
    whose region holds the school, admins, and the school's current responsible supervisor — not a
    zone colleague who only reads it."""
    scope = get_scope(user)
    if scope.write_everything or _covers(scope.write_region_codes, school.region_code):
        return True
    return school.pk in scope.acting_school_ids


def acting_school_q(user: User, *, prefix: str = ""):
    """`may_act_on_school` as a filter, for the school choices of a form."""
    from functools import reduce
    from operator import or_

    from django.db.models import Q

    scope = get_scope(user)
    if scope.write_everything:
        return Q()
    parts = [Q(**{f"{prefix}region_code__startswith": c}) for c in scope.write_region_codes]
    parts.append(Q(**{f"{prefix}pk__in": sorted(scope.acting_school_ids)}))
    return reduce(or_, parts)


def _active_supervisor_above(user: User, office) -> bool:
    """The user's supervisor record is active and belongs to the office or an office above it."""
    record = getattr(user, "supervisor", None) if _authenticated(user) else None
    return record is not None and record.status == "active" and office.region.code.startswith(record.office.region.code)


# --- findings ------------------------------------------------------------------------------------------
# A person's roles on one finding (`finding_roles`); the workflow table (findings/workflow.py) names
# the roles that may take each step.
FINDING_OFFICE, FINDING_SUPERVISOR, FINDING_UNIT, FINDING_LEADER = "office", "supervisor", "unit", "leader"


def finding_roles(user: User, finding) -> set[str]:
    """The user's roles on this finding (several at once: office staff who is also its supervisor):
    "office" manages the finding's office (`can_manage_office`); "leader" reads it (`sees_office_details`);
    "supervisor" is the finding's responsible supervisor; "unit" a school account of its school."""
    if not _authenticated(user) or not user.is_active:
        return set()
    roles: set[str] = set()
    office = finding.office
    if can_manage_office(user, office):
        roles.add(FINDING_OFFICE)
    elif sees_office_details(user, office):
        roles.add(FINDING_LEADER)
    if finding.supervisor_id and finding.supervisor.user_id == user.pk:
        roles.add(FINDING_SUPERVISOR)
    if finding.school_id and user.role_grants.filter(role=Role.SCHOOL_USER, schools=finding.school_id).exists():
        roles.add(FINDING_UNIT)
    # a government unit's finding (督政): the unit's own accounts (政府单位用户) rectify it
    unit_id = getattr(finding, "government_unit_id", None)
    if unit_id and unit_id in get_scope(user).government_unit_ids:
        roles.add(FINDING_UNIT)
    return roles


def may_take_finding_step(user: User, finding, step_roles) -> bool:
    """A workflow step (notify, report, verify …) whose table row names `step_roles`."""
    return bool(finding_roles(user, finding) & set(step_roles))


def may_add_finding_evidence(user: User, finding) -> bool:
    """Photos and documents: the unit, the office and the supervisor (leaders only read)."""
    return may_take_finding_step(user, finding, {FINDING_UNIT, FINDING_OFFICE, FINDING_SUPERVISOR})


def _own_supervisor_offices(user: User):
    """The office of the user's active supervisor record (through the relation: no import of supervisors)."""
    from dudao.regions.models import Office

    return Office.objects.filter(supervisors__user=user, supervisors__status="active").select_related("region")


def finding_offices(user: User) -> list:
    """Offices on whose behalf the user may record a finding (`may_create_finding` without the
    school): those they manage (staff, admins) — widest first — then their own supervisor office."""
    from dudao.regions.models import Office

    if not _authenticated(user):
        return []
    visible = Office.objects.visible_to(user).select_related("region")
    offices = sorted((o for o in visible if can_manage_office(user, o)), key=lambda o: (len(o.region.code), o.region.code))
    offices += [o for o in _own_supervisor_offices(user) if o not in offices]
    return offices


def may_create_findings(user: User) -> bool:
    """`bool(finding_offices(user))` with one EXISTS over the offices the user manages (a province
    office sees 140), then their own supervisor record. The school page asks it on each view."""
    from functools import reduce
    from operator import or_

    from django.db.models import Q

    from dudao.regions.models import Office

    if not _authenticated(user):
        return False
    scope = get_scope(user)
    if scope.write_everything or scope.write_region_codes:
        offices = Office.objects.visible_to(user)
        if not scope.write_everything:
            offices = offices.filter(reduce(or_, (Q(region__code__startswith=c) for c in scope.write_region_codes)))
        if offices.exists():
            return True
    return _own_supervisor_offices(user).exists()


def may_create_finding(user: User, office, school) -> bool:
    """Registering a finding on behalf of `office`: those who manage the office, or an active
    supervisor of the office (or above) for a school they are responsible for."""
    if can_manage_office(user, office):
        return True
    if school is None:
        return False
    return _active_supervisor_above(user, office) and school.pk in get_scope(user).acting_school_ids


# --- complaints ----------------------------------------------------------------------------------------
def may_handle_complaint(user: User, complaint) -> bool:
    """Triage, close, note: the assigned supervisor, the office's staff (or an office above), admins."""
    if not _authenticated(user):
        return False
    if get_scope(user).write_everything:
        return True
    if complaint.supervisor_id and complaint.supervisor.user_id == user.pk:
        return True
    return complaint.office is not None and can_manage_office(user, complaint.office)


def may_reassign_complaint(user: User, complaint) -> bool:
    """Handing a complaint to another supervisor: the office's staff (or above) and admins."""
    if get_scope(user).write_everything:
        return True
    return complaint.office is not None and can_manage_office(user, complaint.office)


def may_register_complaint(user: User, school) -> bool:
    """Recording a complaint received by phone, visit or letter: see `may_act_on_school`."""
    return _authenticated(user) and may_act_on_school(user, school)


def sees_complaint_contact(user: User, complaint) -> bool:
    """The complainant's phone and name, and the internal record (verification, notes, events):
    the office (staff and leaders, and offices above), the assigned supervisor and admins."""
    if not _authenticated(user):
        return False
    if get_scope(user).everything:
        return True
    if complaint.supervisor_id and complaint.supervisor.user_id == user.pk:
        return True
    return complaint.office is not None and sees_office_details(user, complaint.office)


# --- the framework library (issue [9] item 1) ----------------------------------------------------------
def may_own_framework(user: User, office) -> bool:
    """Creating a framework for an office, or copying one into it: the office's own staff (not an
    office above or below, not leaders) and admins. The library is the office's working set."""
    scope = get_scope(user)
    return scope.write_everything or office.region.code in scope.write_region_codes


def may_edit_framework(user: User, framework) -> bool:
    """Editing, publishing, importing into or deactivating a framework: staff of the owning office and
    admins. Built-ins (no owner) are read-only for everyone: an office copies one to adapt it."""
    if framework.owner_id is None:
        return False
    return may_own_framework(user, framework.owner)


# --- questionnaires and surveys (issue [10] item 3; docs/surveys.md) -------------------------------------
def may_own_questionnaire(user: User, office) -> bool:
    """Creating or copying a questionnaire into an office: the office's own staff and admins (as frameworks)."""
    return may_own_framework(user, office)


def may_edit_questionnaire(user: User, questionnaire) -> bool:
    """Editing a questionnaire and its questions: staff of the owning office and admins. Built-ins
    (no office) are read-only: an office copies one to adapt it."""
    if questionnaire.office_id is None:
        return False
    return may_own_questionnaire(user, questionnaire.office)


def may_run_survey(user: User, survey) -> bool:
    """Opening, closing, links, targets and voiding responses: office staff of the survey's office or
    above (not leaders, who read), and admins."""
    return can_manage_office(user, survey.office)
