"""Amount formats of the 达标测算 page (people and rooms whole, ㎡ and 万元 as base data keeps them)."""

from __future__ import annotations

from django import template

from dudao.monitoring.planning import Resource, format_amount

register = template.Library()


@register.filter
def amount(value, resource: Resource) -> str:
    return format_amount(value, resource)
