"""The library pages read in English: the policy list with its filters, a policy, the notices and the
receipts. Titles of documents and notices, the offices and the readers are data and stay Chinese."""

from __future__ import annotations

from django.urls import reverse

from dudao.library.models import AnnouncementReceipt
from tests.english_ui import chinese_ui, english


def _data(cast, library) -> tuple[str, ...]:
    notice = library["notice"]
    units = tuple(AnnouncementReceipt.objects.filter(announcement=notice).values_list("unit", flat=True))
    names = tuple(u.full_name for u in (cast.school_user, cast.supervisor, cast.multi, cast.county_leader))
    return (notice.title, library["draft"].title, library["handbook"].title, *units, *names,
            f"{library['handbook'].title}")


def test_library_pages_in_english(cast, client, library):
    english(client)
    client.force_login(cast.county_staff)
    for url in (reverse("library:index"), reverse("library:policy", args=[library["handbook"].pk]),
                reverse("library:policy_create"), reverse("library:notices"), reverse("library:notice_create"),
                reverse("library:notice", args=[library["notice"].pk]),
                reverse("library:notice_receipts", args=[library["notice"].pk])):
        page = client.get(url)
        assert chinese_ui(page, data=_data(cast, library)) == [], url
    listing = client.get(reverse("library:index")).content.decode()
    assert "Policy library" in listing and "All categories" in listing
