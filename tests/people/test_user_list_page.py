"""The user list (people:user_list) on the shared list page (includes/filter_block.html +
includes/list_page.html): the filters narrow the rows, the count and the export link follow them,
an HTMX request gets the results part only, and the batch enable/disable form wraps the rows."""

from __future__ import annotations

from django.urls import reverse

from tests.html_page import Html


def test_the_filters_the_count_and_the_export_link(cast, client):
    client.force_login(cast.admin)
    page = client.get(reverse("people:user_list"), {"q": "t_c", "role": "office_staff"}).content.decode()
    # t_city and t_county hold 督导室工作人员 and match "t_c"; t_leader (a leader) does not match either
    assert "共 2 个账号" in page
    assert "t_city" in page and "t_county" in page and "t_leader" not in page
    assert 'href="/people/users/?q=t_c&amp;role=office_staff&amp;export=1&amp;' in page
    assert 'data-testid="batch-disable"' in page and 'name="ids"' in page


def test_no_match_shows_the_empty_state(cast, client):
    client.force_login(cast.admin)
    page = client.get(reverse("people:user_list"), {"q": "没有这个人"}).content.decode()
    assert "共 0 个账号" in page and "没有符合条件的用户" in page and "export=1" not in page


def test_htmx_gets_only_the_results(cast, client):
    client.force_login(cast.county_staff)
    response = client.get(reverse("people:user_list"), {"q": "t_leader"}, HTTP_HX_REQUEST="true")
    text = response.content.decode()
    assert response.status_code == 200 and "<html" not in text and "共 1 个账号" in text
    assert Html(text).find_all("tr") and "t_leader" in text


def test_the_export_keeps_the_filters(cast, client):
    import io

    from python_calamine import CalamineWorkbook

    client.force_login(cast.admin)
    response = client.get(reverse("people:user_list"), {"q": "t_c", "role": "office_staff", "export": "1"})
    rows = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content))).get_sheet_by_index(0).to_python()
    assert sorted(r[0] for r in rows[1:]) == ["t_city", "t_county"]
