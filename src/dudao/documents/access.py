"""Who may act on a document (docs/documents.md). Reads go through `Document.objects.visible_to`.

- 拟稿/修改 (draft, edit): office staff of the document's office or above, and admins;
- 审核 (check): the same people or the office's leaders, but never the drafter (two pairs of eyes);
- 签发 (sign off and issue): a leader (领导) of the office or above, or an admin — the one act the
  read-only leader role performs;
- a unit reads what was sent to it and marks it read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dudao.access import can_manage_office, get_scope
from dudao.people.models import Role

if TYPE_CHECKING:
    from dudao.documents.models import Document, DocumentRecipient
    from dudao.people.models import User
    from dudao.regions.models import Office


def _leads(user: User, office: Office) -> bool:
    code = office.region.code
    return any(g.role == Role.OFFICE_LEADER and g.office_id and code.startswith(g.office.region.code)
               for g in user.role_grants.select_related("office__region"))


def may_draft(user: User, office: Office) -> bool:
    return can_manage_office(user, office)


def may_edit(user: User, document: Document) -> bool:
    return document.status == "draft" and can_manage_office(user, document.office)


def may_check(user: User, document: Document) -> bool:
    if document.status != "checking":
        return False
    if get_scope(user).write_everything:
        return True
    if document.created_by_id == user.pk:
        return False
    return can_manage_office(user, document.office) or _leads(user, document.office)


def may_sign(user: User, document: Document) -> bool:
    if document.status != "signing":
        return False
    return get_scope(user).write_everything or _leads(user, document.office)


def may_publish(user: User, document: Document) -> bool:
    return document.status == "issued" and can_manage_office(user, document.office)


def is_recipient(user: User, document: Document) -> bool:
    """The person reads the document as (an account of) one of its units."""
    scope = get_scope(user)
    for r in document.recipients.all():
        if r.school_id and r.school_id in scope.school_ids:
            return True
        if r.government_unit_id and r.government_unit_id in scope.government_unit_ids:
            return True
        if r.region_id and any(r.region.code.startswith(c) for c in scope.region_codes):
            return True
    return False


def own_school_ids(user: User) -> set[int]:
    """The schools the person holds a school account (学校用户) of — not the schools a supervisor reads."""
    from dudao.people.models import RoleGrant

    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    return set(RoleGrant.schools.through.objects.filter(
        rolegrant__user=user, rolegrant__role=Role.SCHOOL_USER).values_list("school_id", flat=True))


def answered_recipients(user: User, document: Document, *, write: bool = False) -> list[DocumentRecipient]:
    """The recipients the person answers for (read receipts, draft-review comments): a school's own
    accounts, a 政府单位用户 for their unit, an office's people for a region of their subtree — but
    never the sending office or those above it (they cover the sender too). `write`: only those who
    may act (office staff, not leaders) for a region."""
    scope = get_scope(user)
    if scope.is_empty and not scope.government_unit_ids:
        return []
    schools = own_school_ids(user)
    sender = document.office.region.code
    codes = [c for c in (scope.write_region_codes if write else scope.region_codes) if not sender.startswith(c)]
    return [r for r in document.recipients.select_related("region")
            if (r.school_id and r.school_id in schools)
            or (r.government_unit_id and r.government_unit_id in scope.government_unit_ids)
            or (r.region_id and any(r.region.code.startswith(c) for c in codes))]
