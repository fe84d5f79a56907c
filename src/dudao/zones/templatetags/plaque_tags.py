"""The public-address notice on every page that prints plaques: what the QR codes encode, and a
loud banner while that address is loopback or unset (parents' phones could not open it)."""

from __future__ import annotations

from django import template

from dudao.zones.plaques import PublicAddress, address_problem, public_address

register = template.Library()


@register.inclusion_tag("zones/_plaque_address.html")
def plaque_address(school=None, base: str | None = None) -> dict:
    """`school`: preview that school's exact QR content and code; `base`: judge an address already
    printed (a finished batch) instead of the current setting."""
    address = public_address() if base is None else PublicAddress(base=base, problem=address_problem(base))
    url = address.url_for(school.code) if school is not None else address.url_for("学校标识码")
    qr = ""
    if school is not None:
        import segno

        qr = segno.make(url, error="m").png_data_uri(border=2, scale=3)
    return {"address": address, "url": url, "qr": qr, "school": school}
