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


@register.inclusion_tag("_pagination.html", takes_context=True)
def paginate(context, page, bare: bool = False, param: str = "page"):
    """Page links for any list: previous, numbered pages with "…" between far ones, next. Each link
    is the current address with only `page` changed, so every filter and sort the user chose stays.
    `bare` renders the links alone, for a card footer that already holds other text; `param` names
    the page parameter of a second list on the same page."""
    request = context["request"]

    def url(number: int) -> str:
        params = request.GET.copy()
        params[param] = str(number)
        return "?" + params.urlencode()

    numbers = page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1) if page.has_other_pages() else []
    return {
        "page": page,
        "bare": bare,
        "links": [(n, url(n) if isinstance(n, int) else None) for n in numbers],
        "previous_url": url(page.previous_page_number()) if page.has_previous() else None,
        "next_url": url(page.next_page_number()) if page.has_next() else None,
    }


@register.filter
def source_title(source: str) -> str:
    """A stored "依据" as users read it (document title and article, never an internal label)."""
    from dudao.core.sources import readable

    return readable(source or "")
