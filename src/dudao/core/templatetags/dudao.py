from __future__ import annotations

from django import forms, template

register = template.Library()


@register.filter
def bootstrap(field):
    """Render a bound field's widget with the Tabler/Bootstrap class (and is-invalid on errors)."""
    widget = field.field.widget
    css = "form-select" if isinstance(widget, forms.Select | forms.SelectMultiple) else "form-control"
    if field.errors:
        css += " is-invalid"
    return field.as_widget(attrs={"class": css})
