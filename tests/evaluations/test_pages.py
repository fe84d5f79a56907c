"""The dossier's figures agree between page, Excel export and API; the item form and evidence uploads."""

from __future__ import annotations

import re
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.xlsx import xlsx_rows


def test_page_excel_and_api_agree(cast, client, failing):
    client.force_login(cast.city_staff)
    page = client.get(reverse("evaluations:detail", kwargs={"pk": failing.pk})).content.decode()
    api = client.get(reverse("api-1:get_dossier", kwargs={"dossier_id": failing.pk})).json()
    sheet = xlsx_rows(client.get(reverse("evaluations:export", kwargs={"pk": failing.pk})))
    header, rows = sheet[0], sheet[1:]
    by_code = {r[header.index("代码")]: r for r in rows}
    api_items = {i["code"]: i for i in api["items"]}
    assert set(by_code) == set(api_items)
    for code in ("G5", "G9", "G7", "C1"):
        excel_value = Decimal(str(by_code[code][header.index("数值")]))
        assert excel_value == Decimal(str(api_items[code]["value"])), code
        shown = re.search(rf'data-item="{code}".*?data-testid="value">([0-9.]+)', page, re.S).group(1)
        assert Decimal(shown) == excel_value, code
        assert by_code[code][header.index("结论")] == api_items[code]["result"]
    assert (Decimal(str(by_code["G9"][header.index("数值")])), api_items["G9"]["result"]) == (Decimal("97.5"), "未达标")
    assert by_code["R-survey"][header.index("数值")] in (33.33, "33.33")
    assert api["status"] == "fail" and 'data-testid="overall"' in page
    assert [p["status"] for p in api["parts"]] == ["fail", "fail", "pass", "fail", "pass", "fail"]
    assert 'data-part="resources"' in page and "超过限值 0.45（超出 0.070）" in page


def test_item_form_keeps_what_was_typed_and_saves(cast, client, passing):
    client.force_login(cast.county_staff)
    url = reverse("evaluations:item", kwargs={"pk": passing.pk, "code": "G11"})
    refused = client.post(url, {"value": "12.5", "value2": "", "note": "轮岗名册"})
    assert refused.status_code == 400
    body = refused.content.decode()
    assert "请填写骨干教师占交流轮岗教师比例。" in body and 'value="12.5"' in body and "轮岗名册" in body
    assert client.post(url, {"value": "12.5", "value2": "18", "note": "轮岗名册"}).status_code == 302
    entry = passing.items.get(code="G11")
    assert (entry.value, entry.value2, entry.met) == (Decimal("12.5"), Decimal("18"), False)


def test_evidence_is_checked_and_served_through_the_dossier(cast, client, passing):
    client.force_login(cast.county_staff)
    url = reverse("evaluations:evidence_upload", kwargs={"pk": passing.pk})
    fake = SimpleUploadedFile("规划.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = client.post(url, {"code": "G1", "file": fake}, follow=True)
    assert "只支持 JPG、PNG、WebP 图片和 PDF" in response.content.decode()
    assert not passing.evidence.exists()
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    client.post(url, {"code": "G1", "file": SimpleUploadedFile("规划.pdf", pdf, content_type="application/pdf")})
    client.post(url, {"code": "G1", "file": SimpleUploadedFile("规划副本.pdf", pdf, content_type="application/pdf")})
    evidence = passing.evidence.get()  # the same bytes twice: kept once
    assert len(evidence.content_hash) == 64 and evidence.content_type == "application/pdf"
    served = client.get(reverse("evaluations:evidence", kwargs={"pk": evidence.pk}))
    assert served.status_code == 200 and served["Cache-Control"] == "private, no-store"
    client.force_login(cast.supervisor)
    assert client.get(reverse("evaluations:evidence", kwargs={"pk": evidence.pk})).status_code == 404


def test_menu_entry_for_the_offices_only(cast, client):
    for persona, shown in (("city_staff", True), ("county_leader", True), ("supervisor", False), ("school_user", False)):
        client.force_login(getattr(cast, persona))
        page = client.get(reverse("people:me")).content.decode()
        assert ('data-testid="nav-evaluations"' in page) == shown, persona
        if shown:
            assert page.index('data-testid="nav-campaigns"') < page.index('data-testid="nav-evaluations"')


def test_list_filters_and_empty_state(cast, client, failing):
    client.force_login(cast.city_staff)
    url = reverse("evaluations:list")
    assert f'data-dossier="{failing.pk}"' in client.get(url, {"kind": "quality", "year": "2025"}).content.decode()
    empty = client.get(url, {"kind": "basic"}).content.decode()
    assert f'data-dossier="{failing.pk}"' not in empty and "没有符合条件的申报材料" in empty
    assert f'data-dossier="{failing.pk}"' in client.get(url, {"q": "宁乡"}).content.decode()


def test_the_province_links_its_verification_and_submits_on_the_page(cast, client, passing, verification):
    from dudao.evaluations import services

    services.dossier_step(by=cast.county_staff, dossier=passing, name="apply")
    services.dossier_step(by=cast.city_staff, dossier=passing, name="city_forward")
    client.force_login(cast.province_staff)
    detail = reverse("evaluations:detail", kwargs={"pk": passing.pk})
    page = client.get(detail).content.decode()
    assert f'value="{verification.pk}"' in page and 'data-step="submit_national"' in page
    assert "请先关联省级实地核查的督政项目。" in page  # the button is disabled until then
    client.post(reverse("evaluations:campaign", kwargs={"pk": passing.pk}), {"campaign": verification.pk})
    response = client.post(reverse("evaluations:step", kwargs={"pk": passing.pk, "step": "submit_national"}),
                           {"note": "省级核查通过"})
    assert response.status_code == 302
    passing.refresh_from_db()
    assert (passing.state, passing.campaign_id) == ("national", verification.pk)
    history = client.get(detail).content.decode()
    assert "省级核查通过" in history and 'data-action="submit_national"' in history
