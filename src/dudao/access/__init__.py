"""The access layer: what a person may read (scope), which fields (fields), and what they may do (rules).

Import from here, never from the submodules' internals: `from dudao.access import school_q,
can_manage_office, may_read_field`. See docs/access.md for where each rule lives and how a new
area adds one. This package imports only `dudao.people.models` (roles and grants) and
`dudao.regions.models`; every domain app depends on it, never the reverse.
"""

from dudao.access.fields import (
    VISIT_FULL_FIELDS,
    field_read_q,
    full_visit_q,
    may_read_field,
    readable_fields,
    restricted_fields,
    sees_full_visit,
)
from dudao.access.objects import get_visible_or_404, require_writable
from dudao.access.rules import (
    FINDING_LEADER,
    FINDING_OFFICE,
    FINDING_SUPERVISOR,
    FINDING_UNIT,
    acting_school_q,
    area_roots,
    can_manage_office,
    can_manage_users,
    can_write_anything,
    finding_offices,
    finding_roles,
    has_supervisor_record,
    is_office_user,
    is_system_admin,
    may_act_on_area,
    may_act_on_school,
    may_add_finding_evidence,
    may_create_finding,
    may_create_findings,
    may_edit_framework,
    may_edit_questionnaire,
    may_handle_complaint,
    may_own_framework,
    may_own_questionnaire,
    may_reassign_complaint,
    may_register_complaint,
    may_run_survey,
    may_take_finding_step,
    sees_area,
    sees_complaint_contact,
    sees_office_details,
)
from dudao.access.scope import (
    NO_ROLE,
    Scope,
    ancestor_codes,
    clear_scope_cache,
    document_q,
    extend_school_scope,
    framework_q,
    get_scope,
    government_unit_q,
    managed_users_q,
    office_q,
    questionnaire_q,
    region_q,
    register_school_scope,
    school_q,
    sees_framework_drafts,
    supervisor_q,
    survey_q,
    user_q,
    visible_users,
    write_region_q,
    zone_q,
)

__all__ = [
    "FINDING_LEADER", "FINDING_OFFICE", "FINDING_SUPERVISOR", "FINDING_UNIT",
    "NO_ROLE", "VISIT_FULL_FIELDS", "Scope", "extend_school_scope", "acting_school_q", "ancestor_codes", "area_roots", "can_manage_office", "can_manage_users",
    "can_write_anything", "clear_scope_cache", "field_read_q", "framework_q", "government_unit_q", "finding_offices", "finding_roles", "has_supervisor_record", "full_visit_q", "get_scope", "get_visible_or_404",
    "is_office_user", "is_system_admin", "managed_users_q", "may_act_on_area", "may_act_on_school",
    "may_add_finding_evidence", "may_create_finding", "may_create_findings", "may_edit_framework", "may_own_framework", "may_handle_complaint", "may_read_field", "may_reassign_complaint",
    "may_register_complaint", "may_take_finding_step", "office_q", "readable_fields", "region_q", "register_school_scope", "require_writable",
    "restricted_fields", "school_q", "sees_area", "sees_complaint_contact", "sees_framework_drafts", "sees_full_visit", "sees_office_details",
    "supervisor_q", "user_q", "visible_users", "write_region_q", "zone_q",
    "questionnaire_q", "survey_q", "may_own_questionnaire", "may_edit_questionnaire", "may_run_survey",
    "document_q",
]
