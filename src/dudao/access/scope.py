"""The one scope mechanism: what a person may see and change (read through `dudao.access`).

Every query that shows data to a person is filtered through `School.objects.visible_to(user)`,
`Region.objects.visible_to(user)` and friends, which are built from the Q objects below. No view
or API filters by hand; `access_*` helpers (in each app's selectors) build on the same querysets.

A user may hold several roles. Their scope is the union of what each grant gives, computed grant
by grant: a supervisor who is also office staff of county A sees county A plus their own schools,
never "county A applied to the supervisor role" or the widest role applied to another's region.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import reduce
from operator import or_
from typing import TYPE_CHECKING

from django.db.models import Q

from dudao.people.models import REGION_ROLES, WRITE_ROLES, Role, RoleGrant
from dudao.regions.codes import ancestor_codes  # the chain above a region: one copy, in regions

if TYPE_CHECKING:
    from dudao.people.models import User

# role -> function(user, grants of that role) -> school ids. Issue [2] registers the supervisor's
# rule (currently assigned schools) from the zones app; nothing else has to change.
SchoolScopeRule = Callable[["User", list[RoleGrant]], Iterable[int]]
_SCHOOL_RULES: dict[str, SchoolScopeRule] = {}
# role -> the schools that role *acts* on (records, registers), a subset of what it reads: a
# supervisor reads their zone colleagues' schools but acts only on those assigned to them.
_ACTING_RULES: dict[str, SchoolScopeRule] = {}


def register_school_scope(role: str, rule: SchoolScopeRule, *, acting: SchoolScopeRule | None = None) -> None:
    """`rule` gives the schools the role reads; `acting`, if given, the schools it acts on (and
    therefore reads too). Registering replaces both rules of the role."""
    _SCHOOL_RULES[role] = rule
    if acting is None:
        _ACTING_RULES.pop(role, None)
    else:
        _ACTING_RULES[role] = acting


# role -> extra rules whose schools are added to what the role's own rule gives (composed, never
# replacing it): the campaigns app adds the schools allocated to a supervisor's team during a
# campaign on top of the zones app's supervisor rule. NO_ROLE: accounts without any grant (bureau
# staff put in a team without a role of their own).
NO_ROLE = ""
_EXTRA_RULES: dict[str, list[SchoolScopeRule]] = {}


def extend_school_scope(role: str, rule: SchoolScopeRule) -> None:
    """Add `rule`'s schools to what `role` reads (once per rule; `register_school_scope` keeps replacing
    only the role's own rule). Reading only: acting stays with the role's own acting rule."""
    rules = _EXTRA_RULES.setdefault(role, [])
    if rule not in rules:
        rules.append(rule)


def _listed_schools(user: User, grants: list[RoleGrant]) -> Iterable[int]:
    return RoleGrant.schools.through.objects.filter(rolegrant__in=grants).values_list("school_id", flat=True)


for _role in (Role.SUPERVISOR, Role.SCHOOL_USER, Role.EVALUATOR):
    register_school_scope(_role, _listed_schools)


@dataclass(frozen=True)
class Scope:
    everything: bool = False
    write_everything: bool = False
    region_codes: tuple[str, ...] = ()
    write_region_codes: tuple[str, ...] = ()
    school_ids: frozenset[int] = field(default_factory=frozenset)
    acting_school_ids: frozenset[int] = field(default_factory=frozenset)
    roles: frozenset[str] = field(default_factory=frozenset)
    # 政府单位用户 (督政): the government units the person acts for — never schools, never a region
    government_unit_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def is_empty(self) -> bool:
        return not (self.everything or self.region_codes or self.school_ids)


def _collapse(codes: Iterable[str]) -> tuple[str, ...]:
    """Drop codes already covered by a shorter prefix: ('43', '4301') -> ('43',)."""
    kept: list[str] = []
    for code in sorted(set(codes), key=lambda c: (len(c), c)):
        if not any(code.startswith(k) for k in kept):
            kept.append(code)
    return tuple(sorted(kept))


def get_scope(user: User) -> Scope:
    """Compute (once per user object, i.e. once per request) what the user's grants give."""
    cached = getattr(user, "_dudao_scope", None)
    if cached is not None:
        return cached
    scope = _compute_scope(user)
    try:
        user._dudao_scope = scope
    except AttributeError:  # AnonymousUser
        pass
    return scope


def clear_scope_cache(user: User) -> None:
    if hasattr(user, "_dudao_scope"):
        del user._dudao_scope


def _compute_scope(user: User) -> Scope:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Scope()
    grants = list(RoleGrant.objects.filter(user=user).select_related("office__region"))
    roles = frozenset(g.role for g in grants)
    if user.is_superuser or Role.SYSTEM_ADMIN in roles:
        return Scope(everything=True, write_everything=True, roles=roles | {Role.SYSTEM_ADMIN})
    region_codes: list[str] = []
    write_codes: list[str] = []
    for grant in grants:
        if grant.role in REGION_ROLES and grant.office_id:
            region_codes.append(grant.office.region.code)
            if grant.role in WRITE_ROLES:
                write_codes.append(grant.office.region.code)
    school_ids: set[int] = set()
    by_role: dict[str, list[RoleGrant]] = {}
    for grant in grants:
        if grant.role in _SCHOOL_RULES or grant.role in _ACTING_RULES:
            by_role.setdefault(grant.role, []).append(grant)
    acting_ids: set[int] = set()
    for role, role_grants in by_role.items():
        if role in _SCHOOL_RULES:
            school_ids.update(_SCHOOL_RULES[role](user, role_grants))
        if role in _ACTING_RULES:
            acting_ids.update(_ACTING_RULES[role](user, role_grants))
    school_ids |= acting_ids  # a role reads what it acts on
    grants_of: dict[str, list[RoleGrant]] = {}
    for grant in grants:
        grants_of.setdefault(grant.role, []).append(grant)
    for role, role_grants in (grants_of.items() if grants else [(NO_ROLE, [])]):
        for rule in _EXTRA_RULES.get(role, ()):
            school_ids.update(rule(user, role_grants))
    return Scope(
        region_codes=_collapse(region_codes),
        write_region_codes=_collapse(write_codes),
        school_ids=frozenset(school_ids),
        acting_school_ids=frozenset(acting_ids),
        roles=roles,
        government_unit_ids=frozenset(g.government_unit_id for g in grants
                                      if g.role == Role.GOVERNMENT_USER and g.government_unit_id),
    )


def _nothing(prefix: str) -> Q:
    return Q(**{f"{prefix}pk__in": []})


def school_q(user: User, *, prefix: str = "", write: bool = False) -> Q:
    """Q over School (or over a model reaching School through `prefix`, e.g. "school__")."""
    scope = get_scope(user)
    if scope.write_everything if write else scope.everything:
        return Q()
    codes = scope.write_region_codes if write else scope.region_codes
    parts = [Q(**{f"{prefix}region_code__startswith": code}) for code in codes]
    if scope.school_ids and not write:
        parts.append(Q(**{f"{prefix}pk__in": sorted(scope.school_ids)}))
    return reduce(or_, parts) if parts else _nothing(prefix)


def _school_region_codes(scope: Scope) -> set[str]:
    """Region codes of the user's listed schools and all their ancestors."""
    if not scope.school_ids:
        return set()
    from dudao.regions.models import Region

    # Through the reverse relation (School.region, related_name "schools"): the access layer sits
    # below the schools app and never imports it.
    codes: set[str] = set()
    for code in Region.objects.filter(schools__pk__in=scope.school_ids).values_list("code", flat=True).distinct():
        codes.update(ancestor_codes(code))
    return codes


def region_q(user: User, *, prefix: str = "") -> Q:
    """Q over Region: the subtrees of the user's offices, plus the regions of their schools."""
    scope = get_scope(user)
    if scope.everything:
        return Q()
    parts = [Q(**{f"{prefix}code__startswith": code}) for code in scope.region_codes]
    school_codes = _school_region_codes(scope)
    if school_codes:
        parts.append(Q(**{f"{prefix}code__in": sorted(school_codes)}))
    return reduce(or_, parts) if parts else _nothing(prefix)


def write_region_q(user: User, *, prefix: str = "") -> Q:
    """Q over Region (or a model reaching Region through `prefix`, e.g. "region__"): the subtrees
    the user may change (office staff, admins); nothing for everyone else."""
    scope = get_scope(user)
    if scope.write_everything:
        return Q()
    parts = [Q(**{f"{prefix}code__startswith": code}) for code in scope.write_region_codes]
    return reduce(or_, parts) if parts else _nothing(prefix)


def office_q(user: User) -> Q:
    return region_q(user, prefix="region__")


def user_q(user: User) -> Q:
    """System admins manage every account. Office staff manage the accounts that belong wholly to
    their region subtrees (never above or beside them); everyone sees their own account."""
    scope = get_scope(user)
    if scope.everything:
        return Q()
    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    own = Q(pk=user.pk)
    if not scope.write_region_codes:
        return own
    return own | managed_users_q(scope.write_region_codes)


def _under(field: str, codes: Iterable[str]) -> Q:
    return reduce(or_, [Q(**{f"{field}__startswith": code}) for code in codes])


def managed_users_q(codes: tuple[str, ...]) -> Q:
    """Accounts an office of `codes` manages: at least one role inside the subtrees and none outside.

    A role is outside when it is system admin, names an office outside, is a region role without an
    office, or lists a school outside; a supervisor record of an office outside also makes the
    account outside. An account with no role belongs to nobody but the admin.
    """
    # Schools and supervisor records are reached through relations (the grant's listed schools,
    # the account's `supervisor` record), never imported: the access layer sits below those apps.
    office_inside = _under("office__region__code", codes)
    unit_inside = _under("government_unit__region__code", codes)
    grants_listing_outside = RoleGrant.schools.through.objects.exclude(_under("school__region_code", codes)).values("rolegrant_id")
    outside = (
        Q(role=Role.SYSTEM_ADMIN)
        | (Q(office__isnull=False) & ~office_inside)
        | (Q(office__isnull=True) & Q(role__in=REGION_ROLES))
        | Q(pk__in=grants_listing_outside)
        | (Q(government_unit__isnull=False) & ~unit_inside)
    )
    inside = RoleGrant.objects.exclude(role=Role.SYSTEM_ADMIN).filter(
        office_inside | _under("schools__region_code", codes) | unit_inside)
    record_outside = Q(supervisor__isnull=False) & ~_under("supervisor__office__region__code", codes)
    return (
        Q(pk__in=inside.values("user_id"))
        & ~Q(pk__in=RoleGrant.objects.filter(outside).values("user_id"))
        & ~record_outside
        & Q(is_superuser=False)
    )


def _office_region_q(user: User, path: str, *, write: bool) -> Q | None:
    """Q over `path` (an Office relation) for the user's region grants; None = everything."""
    scope = get_scope(user)
    if scope.write_everything if write else scope.everything:
        return None
    codes = scope.write_region_codes if write else scope.region_codes
    parts = [Q(**{f"{path}region__code__startswith": code}) for code in codes]
    return reduce(or_, parts) if parts else _nothing(path)


def supervisor_q(user: User, *, write: bool = False) -> Q:
    """Supervisors of offices in the user's region subtrees; a supervisor also sees their own record."""
    office_part = _office_region_q(user, "office__", write=write)
    if office_part is None:
        return Q()
    if not write and getattr(user, "is_authenticated", False):
        office_part |= Q(user=user)
    return office_part


def zone_q(user: User, *, write: bool = False) -> Q:
    """Zones of offices in the user's subtrees; supervisors also see the zones they work in (read-only)."""
    office_part = _office_region_q(user, "office__", write=write)
    if office_part is None:
        return Q()
    if not write and getattr(user, "is_authenticated", False):
        office_part |= Q(head__user=user) | Q(members__user=user)
    return office_part


def visible_users(user: User):
    """The accounts the user may see (and, for office staff, manage): see `user_q`."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(user_q(user))


# --- government units (督政, docs/governance.md) ----------------------------------------------------------
def government_unit_q(user: User, *, prefix: str = "", write: bool = False) -> Q:
    """Q over governance.GovernmentUnit (or a model reaching it through `prefix`, e.g. "unit__"): the
    units of the user's office subtrees (staff and leaders; `write`: staff only), admins all, and a
    政府单位用户 the one unit of their grant (reading only). Schools' accounts, supervisors and
    evaluators see no government unit."""
    scope = get_scope(user)
    if scope.write_everything if write else scope.everything:
        return Q()
    codes = scope.write_region_codes if write else scope.region_codes
    parts = [Q(**{f"{prefix}region__code__startswith": code}) for code in codes]
    if scope.government_unit_ids and not write:
        parts.append(Q(**{f"{prefix}pk__in": sorted(scope.government_unit_ids)}))
    return reduce(or_, parts) if parts else _nothing(prefix)


# --- the framework library (issue [9] item 1; docs/access.md "Frameworks") ------------------------------
def framework_q(user: User) -> Q:
    """Frameworks (frameworks.Framework) a person reads: the built-ins for everyone signed in; office
    staff and leaders also the frameworks of their offices' subtrees and of the offices above them
    (to copy a city's framework); supervisors, school accounts and evaluators the frameworks with a
    published version of the offices above their schools (they answer them)."""
    scope = get_scope(user)
    if scope.everything:
        return Q()
    if not getattr(user, "is_authenticated", False) or scope.is_empty:
        return _nothing("")
    q = Q(owner__isnull=True)
    if scope.region_codes:
        above = {a for code in scope.region_codes for a in ancestor_codes(code)}
        q |= _under("owner__region__code", scope.region_codes) | Q(owner__region__code__in=sorted(above))
    school_codes = _school_region_codes(scope)
    if school_codes:
        q |= Q(owner__region__code__in=sorted(school_codes)) & Q(versions__state="published")
    return q


def sees_framework_drafts(user: User, framework) -> bool:
    """Draft versions are work in progress: read by the owning office's staff and leaders, the offices
    above it and admins; everyone else reads the published versions only."""
    scope = get_scope(user)
    if scope.everything:
        return True
    if framework.owner_id is None:
        return False
    return any(framework.owner.region.code.startswith(code) for code in scope.region_codes)


# --- questionnaires and surveys (issue [10] item 3; docs/surveys.md) ------------------------------------
def questionnaire_q(user: User) -> Q:
    """Questionnaires (surveys.Questionnaire) a person reads: the built-ins for the offices' staff and
    leaders; also the questionnaires of their offices' subtrees and of the offices above (to copy a
    city's questionnaire). Supervisors, schools and evaluators do not run surveys: nothing."""
    scope = get_scope(user)
    if scope.everything:
        return Q()
    if not scope.region_codes:
        return _nothing("")
    above = {a for code in scope.region_codes for a in ancestor_codes(code)}
    return Q(office__isnull=True) | _under("office__region__code", scope.region_codes) | Q(
        office__region__code__in=sorted(above))


def survey_q(user: User, *, write: bool = False) -> Q:
    """Surveys (surveys.Survey) of the offices in the person's office subtrees (staff and leaders;
    write: staff only); admins all. Respondents never sign in; supervisors and schools see none."""
    part = _office_region_q(user, "office__", write=write)
    return Q() if part is None else part


# --- official documents (issue [11]; docs/documents.md) ---------------------------------------------------
def document_q(user: User, *, write: bool = False) -> Q:
    """Documents (documents.Document): the office's own, for the staff and leaders of its region and
    above (write: staff only), admins all. Once sent to its units (`shared_at`, for draft review or
    issued), also for whoever reads a recipient: the school's accounts and supervisors (schools they
    read), a 政府单位用户 (their unit), the offices of a recipient region's subtree (reading only)."""
    part = _office_region_q(user, "office__", write=write)
    if part is None:
        return Q()
    if write or not getattr(user, "is_authenticated", False):
        return part
    scope = get_scope(user)
    units = []
    if scope.school_ids:
        units.append(Q(recipients__school_id__in=sorted(scope.school_ids)))
    if scope.government_unit_ids:
        units.append(Q(recipients__government_unit_id__in=sorted(scope.government_unit_ids)))
    if scope.region_codes:
        units.append(_under("recipients__region__code", scope.region_codes))
    if units:
        part |= Q(shared_at__isnull=False) & reduce(or_, units)
    return part


# --- the policy library and 通知公告 (issue [11] item 7; docs/library.md) ---------------------------------
def policy_q(user: User) -> Q:
    """Policies (library.Policy): the built-ins for everyone with a role; an office's own entries for the
    offices of its subtree and above, and for the supervisors and schools under it (their handbook)."""
    scope = get_scope(user)
    if scope.everything:
        return Q()
    if not getattr(user, "is_authenticated", False) or (scope.is_empty and not scope.government_unit_ids):
        return _nothing("")
    q = Q(office__isnull=True)
    codes = set(scope.region_codes) | _school_region_codes(scope)
    above = {a for code in codes for a in ancestor_codes(code)} | codes
    if above:
        q |= Q(office__region__code__in=sorted(above))
    if scope.region_codes:
        q |= _under("office__region__code", scope.region_codes)
    return q


def announcement_q(user: User) -> Q:
    """Notices (library.Announcement): the sending office's subtree staff and leaders read them all (drafts
    too); everyone else the published, not withdrawn notices they were sent (their receipt row)."""
    part = _office_region_q(user, "office__", write=False)
    if part is None:
        return Q()
    if getattr(user, "is_authenticated", False):
        part |= Q(receipts__user=user, published_at__isnull=False, withdrawn_at__isnull=True)
    return part
# --- results use (结果运用, issue [11] item 6; docs/outcomes.md) --------------------------------------------
def outcome_decision_q(user: User, *, write: bool = False) -> Q:
    """Decisions taken on a school's results (outcomes.OutcomeDecision: 约谈, 通报表扬, 问责 …): staff and
    leaders of an office whose region holds the school (write: staff only), admins all. Cadre matters:
    the school's own accounts, supervisors and evaluators see none."""
    scope = get_scope(user)
    if scope.write_everything if write else scope.everything:
        return Q()
    codes = scope.write_region_codes if write else scope.region_codes
    parts = [Q(school__region_code__startswith=code) for code in codes]
    return reduce(or_, parts) if parts else _nothing("")
