"""The bases of a visit other than routine (issue [9] item 5): one field-capture mechanism.

A routine visit (挂牌) is the supervisor's, checked by `services.visit_save` itself: an active
supervisor record, the school assigned to them that day. A campaign inspection or a 随访·视导 is
recorded with the **same** phone form, drafts, photos, idempotent submission, server time and
location evidence; who may record it and what else it captures belong to the app that owns the
basis, which registers a `BasisRule` at start-up (campaigns/apps.py registers "campaign"; the
visits app registers "followup" itself, visits/followup.py) — visits never imports the apps above it.

A rule answers, for a visit's `basis_ref` (e.g. "campaign:12"):
- `may_record(user, school, ref, day)`: raise PermissionDenied (Chinese message) unless the user
  may record or edit such a visit at that school now;
- `check(ref, school, answers, submitting)`: the errors of the basis's own answers (`Visit.answers`,
  e.g. the framework's items), per field, as `visit_save` returns them;
- `on_submit(visit, by)`: in the submission's transaction (e.g. write the campaign's Score rows);
- `form(visit)`: the template (and its context) of the form's extra section, or None;
- `fixed_mode(ref)`: the mode the basis dictates (暗访), or None;
- `detail(visit)`: a section of the visit's detail page (shown to those who read the whole visit);
- `needs`: the visit's own fields its submission needs ("methods", "narrative").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from dudao.people.models import User
    from dudao.schools.models import School
    from dudao.visits.models import Visit


@dataclass(frozen=True)
class BasisRule:
    may_record: Callable[[User, School, str, date], None]
    check: Callable[[str, School, dict, bool], dict[str, list[str]]]
    on_submit: Callable[[Visit, User], None]
    form: Callable[[Visit], dict[str, Any] | None]
    # where the form goes back to (the basis's own list of schools), for the page's breadcrumbs
    home_url: Callable[[Visit], str] | None = None
    # a mode the basis dictates (a campaign in 暗访 mode: "unannounced"), or None: the form's choice
    fixed_mode: Callable[[str], str | None] | None = None
    # the submitted visit's own section on its detail page (template and context), for full readers
    detail: Callable[[Visit], dict[str, Any] | None] | None = None
    # the visit's own fields the submission needs ("methods", "narrative"), checked like a routine visit's
    needs: tuple[str, ...] = ()


_RULES: dict[str, BasisRule] = {}


def register_basis(basis: str, rule: BasisRule) -> None:
    _RULES[basis] = rule


def basis_rule(basis: str) -> BasisRule:
    """The rule of a non-routine basis; a basis nobody registered records nothing."""
    rule = _RULES.get(basis)
    if rule is None:
        raise PermissionDenied(_("这类督导记录暂不能在此填写。"))
    return rule

