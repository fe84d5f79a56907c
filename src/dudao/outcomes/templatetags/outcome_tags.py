"""结果运用 on the school's page: the decisions taken on the school, newest first.

The school page (schools app, a lower layer) never imports outcomes: its template loads this tag library
by name (`{% load outcome_tags %}`), which Django finds in INSTALLED_APPS — the same way the findings
ledger shows there (`finding_tags`). Offices only (`access.outcome_decision_q`); nothing for others."""

from __future__ import annotations

from django import template

from dudao.outcomes.selectors import may_record_decision, school_decisions

register = template.Library()


@register.inclusion_tag("outcomes/_school_section.html", takes_context=True)
def school_outcomes_section(context, school) -> dict:
    user = context["request"].user
    decisions = school_decisions(user, school, limit=10)
    return {"school": school, "decisions": decisions, "can_record": may_record_decision(user, school)}
