"""The ledger on other apps' pages: a school's findings on its page, and "N problems to rectify,
M due in 5 days" on the home page of a school user or a supervisor. Both read through the scope."""

from __future__ import annotations

from django import template
from django.utils import timezone

from dudao import access
from dudao.findings import selectors

register = template.Library()


@register.inclusion_tag("findings/_school_section.html", takes_context=True)
def school_findings_section(context, school) -> dict:
    user = context["request"].user
    today = timezone.localdate()
    counts, rows = selectors.school_findings(user=user, school=school, today=today)
    labels = selectors.category_labels() if rows else {}
    return {
        "school": school, "counts": counts, "due_soon_days": selectors.DUE_SOON_DAYS,
        "rows": [(f, labels.get(f.category, f.category), (f.deadline - today).days, (today - f.deadline).days) for f in rows],
        "can_create": access.may_create_findings(user),
    }


@register.inclusion_tag("findings/_todo.html", takes_context=True)
def findings_todo(context) -> dict:
    return {"todo": selectors.todo_summary(user=context["request"].user), "due_soon_days": selectors.DUE_SOON_DAYS}
