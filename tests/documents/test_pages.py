"""The 公文管理 pages end to end: 拟稿 from the office's template, editing the text without ever losing a
data table, 送审 → 审核 → 签发 with the 机关代字 chosen, 修订 as a new version, 公开; the list's filters and
counts; templates (copy, validation with the line, preview) and the 发文字号 settings."""

from __future__ import annotations

import hashlib

import pytest
from django.urls import reverse

from dudao.documents import editing, services, wording
from dudao.documents.builtin import BUILTIN, install_builtin_templates
from dudao.documents.models import Document, DocumentKind, DocumentSeries, DocumentTemplate

pytestmark = pytest.mark.django_db


def _body_text(doc) -> str:
    return editing.blocks_to_text(Document.objects.get(pk=doc.pk).body)


def _form(doc, **changes) -> dict:
    doc = Document.objects.get(pk=doc.pk)
    data = {"title": doc.title, "masthead": doc.masthead, "addressee": doc.addressee, "body": _body_text(doc),
            "attachments": "\n".join(doc.attachments), "signatory": doc.signatory, "note": doc.note, "cc": doc.cc,
            "printer": doc.printer, "signer_name": doc.signer_name}
    data.update(changes)
    return data


def test_every_kind_has_a_builtin_template_that_renders_with_the_sample(db):
    install_builtin_templates()
    assert install_builtin_templates() == 0  # idempotent
    assert set(DocumentTemplate.objects.filter(office=None).values_list("kind", flat=True)) == set(DocumentKind.values)
    for template in DocumentTemplate.objects.filter(office=None):
        assert template.source.startswith("frameworks.md §4"), template.kind
        wording.check_template_text(template.body, field="body")
        shown = wording.preview(template)
        assert shown["blocks"][0]["type"] == "p" and any(b["type"] == "h1" for b in shown["blocks"]), template.kind
    assert set(BUILTIN) == set(DocumentKind.values)


def test_a_draft_from_the_page_uses_the_office_template_with_placeholders(cast, docs, client):
    client.force_login(cast.county_staff)
    response = client.post(reverse("documents:create"), {"office": docs.office.pk, "kind": "opinion", "title": ""})
    doc = Document.objects.filter(created_by=cast.county_staff, kind="opinion").get()
    assert response.status_code == 302 and response["Location"] == reverse("documents:edit", args=[doc.pk])
    assert doc.title == "关于对〔学校名称〕〔督导事项〕的督导意见书"
    assert doc.template.office is None and doc.status == "draft"
    assert [b["text"] for b in doc.body if b["type"] == "h1"] == ["一、总体评价", "二、主要成绩", "三、存在问题", "四、整改意见"]
    assert "宁乡市人民政府教育督导室" in doc.body[0]["text"] or docs.office.name in doc.body[0]["text"]
    # the office's own copy wins from then on
    own = wording.template_copy(by=cast.county_staff, office=docs.office, kind="opinion")
    wording.template_save(own, by=cast.county_staff, name="本室意见书", title="{{ school.name }}督导意见书",
                          masthead="宁乡市人民政府教育督导室", code="宁教督", body="一、总体评价\n{{ overall }}")
    client.post(reverse("documents:create"), {"office": docs.office.pk, "kind": "opinion", "title": ""})
    latest = Document.objects.filter(kind="opinion").order_by("-id").first()
    assert latest.template == own and latest.title == "〔学校名称〕督导意见书"


def test_a_leader_or_school_cannot_draft(cast, docs, client):
    for who in ("county_leader", "school_user", "supervisor"):
        client.force_login(getattr(cast, who))
        assert client.post(reverse("documents:create"), {"office": docs.office.pk, "kind": "notice"}).status_code == 403


def test_editing_the_text_keeps_the_data_table_and_the_keys(cast, docs, client):
    client.force_login(cast.county_staff)
    before = Document.objects.get(pk=docs.draft.pk).body
    table = next(b for b in before if b["type"] == "table")
    kept_key = next(b["key"] for b in before if b.get("text") == "检查开学准备情况。")
    text = _body_text(docs.draft)
    assert editing.marker(table) in text
    # the table moved to the end, a paragraph changed, a heading added
    new_text = "\n".join([line for line in text.splitlines() if line != editing.marker(table)] +
                         ["（一）补充要求", editing.marker(table)]).replace("请认真做好自查。", "请于3月1日前完成自查。")
    response = client.post(reverse("documents:edit", args=[docs.draft.pk]), _form(docs.draft, body=new_text))
    assert response.status_code == 302
    after = Document.objects.get(pk=docs.draft.pk).body
    assert [b["type"] for b in after] == ["h1", "p", "p", "h2", "table"]
    assert after[-1] == table  # the same rows, header and key
    assert next(b["key"] for b in after if b.get("text") == "检查开学准备情况。") == kept_key
    assert after[2]["text"] == "请于3月1日前完成自查。"


def test_deleting_a_table_marker_is_refused_and_the_text_kept(cast, docs, client):
    client.force_login(cast.county_staff)
    table = next(b for b in docs.draft.body if b["type"] == "table")
    text = "一、督导内容\n我改过的段落。"
    response = client.post(reverse("documents:edit", args=[docs.draft.pk]), _form(docs.draft, body=text))
    assert response.status_code == 400
    page = response.content.decode()
    assert "数据表格或图表不能删除" in page and editing.marker(table) in page and "我改过的段落。" in page
    assert Document.objects.get(pk=docs.draft.pk).body == docs.draft.body
    made_up = _body_text(docs.draft) + "\n【表格·abcdef1234】"
    response = client.post(reverse("documents:edit", args=[docs.draft.pk]), _form(docs.draft, body=made_up))
    assert response.status_code == 400 and "不是本文中的数据块" in response.content.decode()
    twice = _body_text(docs.draft) + "\n" + editing.marker(table)
    response = client.post(reverse("documents:edit", args=[docs.draft.pk]), _form(docs.draft, body=twice))
    assert response.status_code == 400 and "出现了不止一次" in response.content.decode()


def test_an_upward_document_needs_its_signer(cast, docs, client):
    client.force_login(cast.county_staff)
    response = client.post(reverse("documents:edit", args=[docs.draft.pk]), _form(docs.draft, upward="on", signer_name=""))
    assert response.status_code == 400 and "上行文须填写签发人" in response.content.decode()


def test_the_whole_flow_through_the_pages(cast, docs, client):
    wording.series_add(by=cast.county_staff, office=docs.office, code="宁教督函")
    client.force_login(cast.county_staff)
    d = docs.draft.pk
    assert client.post(reverse("documents:submit", args=[d])).status_code == 302
    client.force_login(cast.county_leader)
    assert client.post(reverse("documents:check", args=[d]), {"note": "同意"}).status_code == 302
    page = client.get(reverse("documents:detail", args=[d])).content.decode()
    assert '<option value="宁教督函">' in page and '<option value="宁教督" selected>' in page
    assert client.post(reverse("documents:sign", args=[d]), {"code": "宁教督函"}).status_code == 302
    doc = Document.objects.get(pk=d)
    assert doc.number == f"宁教督函〔{doc.issued_on.year}〕1号"  # its own series, starting at 1
    assert client.post(reverse("documents:sign", args=[d]), {"code": "宁教督函"}).status_code == 403  # once
    client.force_login(cast.county_staff)
    response = client.post(reverse("documents:revise", args=[d]), {**_form(doc, title="更正后的标题"), "reason": "更正标题"})
    assert response.status_code == 302
    v1, v2 = doc.versions.order_by("version")
    assert v2.snapshot["title"] == "更正后的标题" and v1.snapshot["title"] != "更正后的标题"
    assert v2.sha256 != v1.sha256 and Document.objects.get(pk=d).number == doc.number
    page = client.get(reverse("documents:detail", args=[d])).content.decode()
    assert v1.sha256 in page and v2.sha256 in page
    pdf = client.get(reverse("documents:version_file", args=[d, 1, "pdf"]))
    assert hashlib.sha256(b"".join(pdf.streaming_content)).hexdigest() == v1.sha256
    assert client.post(reverse("documents:publish", args=[d]), {"public": "1"}).status_code == 302
    assert Document.objects.published().filter(pk=d).exists()
    assert client.post(reverse("documents:publish", args=[d]), {"public": "0"}).status_code == 302
    assert not Document.objects.published().filter(pk=d).exists()
    history = client.get(reverse("documents:history", args=[d])).content.decode()
    for action in ("拟稿", "送审", "审核通过", "签发印发", "新版本", "公开", "撤回公开"):
        assert action in history, action
    assert "v2：更正标题" in history


def test_a_return_needs_its_reason_and_keeps_the_form(cast, docs, client):
    client.force_login(cast.county_leader)
    response = client.post(reverse("documents:return", args=[docs.signing.pk]), {"reason": ""})
    assert response.status_code == 400 and "这个字段是必填项" in response.content.decode() or "必填" in response.content.decode()
    response = client.post(reverse("documents:return", args=[docs.signing.pk]), {"reason": "请补充督导组成员"})
    assert response.status_code == 302
    doc = Document.objects.get(pk=docs.signing.pk)
    assert doc.status == "draft" and doc.events.order_by("-id").first().note == "请补充督导组成员"


def test_a_draft_preview_pdf_is_not_frozen(cast, docs, client):
    client.force_login(cast.county_staff)
    response = client.get(reverse("documents:draft_pdf", args=[docs.draft.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert not docs.draft.versions.exists()


def test_the_list_filters_and_counts(cast, docs, client):
    client.force_login(cast.county_leader)
    page = client.get(reverse("documents:list"))
    counts = page.context["counts"]
    assert (counts["draft"], counts["checking"], counts["signing"], counts["issued"]) == (1, 1, 1, 2)
    assert counts["todo"] == 2  # the leader may check the one waiting for 审核 and sign the one waiting for 签发
    client.force_login(cast.county_staff)
    staff = client.get(reverse("documents:list")).context["counts"]
    assert staff["todo"] == 0  # the one waiting for 审核 is their own draft; they do not sign
    todo = client.get(reverse("documents:list"), {"status": "todo"})
    assert list(todo.context["rows"]) == []
    issued = client.get(reverse("documents:list"), {"status": "issued"}).context["rows"]
    assert {d.pk for d in issued} == {docs.issued.pk, docs.other.pk}
    by_number = client.get(reverse("documents:list"), {"q": docs.other.number}).context["rows"]
    assert [d.pk for d in by_number] == [docs.other.pk]
    by_title = client.get(reverse("documents:list"), {"q": "食堂"}).context["rows"]
    assert [d.pk for d in by_title] == [docs.checking.pk]
    year = docs.issued.issued_on.year
    assert len(client.get(reverse("documents:list"), {"year": year}).context["rows"]) == 5
    assert len(client.get(reverse("documents:list"), {"year": year - 3}).context["rows"]) == 0
    assert len(client.get(reverse("documents:list"), {"kind": "report"}).context["rows"]) == 0
    empty = client.get(reverse("documents:list"), {"kind": "report"}).content.decode()
    assert "没有符合条件的公文" in empty
    assert client.get(reverse("documents:list"), {"year": "abc", "status": "nonsense", "page": "99"}).status_code == 200


def test_the_list_pages_by_thirty(cast, docs, client):
    from tests.documents.conftest import make_draft

    for n in range(30):
        make_draft(cast, docs.office, title=f"批量草稿{n}")
    client.force_login(cast.county_staff)
    first = client.get(reverse("documents:list"))
    assert len(first.context["rows"]) == 30 and first.context["page"].paginator.count == 35
    assert len(client.get(reverse("documents:list"), {"page": 2}).context["rows"]) == 5


# --- templates ------------------------------------------------------------------------------------------------
def test_a_template_syntax_error_names_the_line_and_keeps_the_text(cast, docs, client):
    own = wording.template_copy(by=cast.county_staff, office=docs.office, kind="notice")
    client.force_login(cast.county_staff)
    body = "第一行\n第二行 {% if school %}\n第三行"
    response = client.post(reverse("documents:template_edit", args=[own.pk]),
                           {"name": "本室通知书", "title": "标题", "masthead": "", "code": "宁教督", "body": body})
    assert response.status_code == 400
    page = response.content.decode()
    assert "第 2 行" in page and "模板语法错误" in page and "第二行 {% if school %}" in page
    assert DocumentTemplate.objects.get(pk=own.pk).body == own.body
    bad_tag = "一、内容\n{% load static %}{% static 'x' %}"
    response = client.post(reverse("documents:template_edit", args=[own.pk]),
                           {"name": "本室通知书", "title": "标题", "masthead": "", "code": "宁教督", "body": bad_tag})
    assert response.status_code == 400 and "第 2 行" in response.content.decode() and "load" in response.content.decode()
    with pytest.raises(Exception) as caught:
        wording.check_template_text("一\n二\n{{ school.name|nosuchfilter }}", field="body")
    assert "第 3 行" in str(caught.value)
    for tag in ("{% include 'base.html' %}", "{% extends 'base.html' %}", "{% debug %}", "{% url 'login' %}"):
        with pytest.raises(Exception) as caught:
            wording.check_template_text(tag, field="body")
        assert "不能使用" in str(caught.value), tag
    wording.check_template_text("{% if school %}{{ school.name|default:'' }}{% endif %}{% for x in items %}{{ x }}{% endfor %}",
                                field="body")


def test_a_template_is_previewed_with_sample_data_without_saving(cast, docs, client):
    own = wording.template_copy(by=cast.county_staff, office=docs.office, kind="notice")
    client.force_login(cast.county_staff)
    response = client.post(reverse("documents:template_edit", args=[own.pk]),
                           {"name": "本室通知书", "title": "致{{ school.name }}", "masthead": "", "code": "宁教督",
                            "body": "一、要求\n请{{ school.name }}于{{ deadline }}前报送。", "preview": "1"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "致宁乡市玉潭街道第一小学" in page and "请宁乡市玉潭街道第一小学于2026年4月5日前报送。" in page
    assert DocumentTemplate.objects.get(pk=own.pk).title == own.title  # not saved


def test_a_builtin_is_read_only_and_a_bad_code_is_refused(cast, docs, client):
    builtin = DocumentTemplate.objects.get(kind="notice", office=None)
    client.force_login(cast.county_staff)
    assert client.get(reverse("documents:template_edit", args=[builtin.pk])).status_code == 200
    assert client.post(reverse("documents:template_edit", args=[builtin.pk]), {"name": "x"}).status_code == 403
    own = wording.template_copy(by=cast.county_staff, office=docs.office, kind="notice")
    response = client.post(reverse("documents:template_edit", args=[own.pk]),
                           {"name": "本室通知书", "title": "", "masthead": "", "code": "NJD-1", "body": ""})
    assert response.status_code == 400 and "机关代字为 2 至 12 个汉字" in response.content.decode()


# --- 发文字号 ---------------------------------------------------------------------------------------------------
def test_the_series_page_shows_the_next_number_and_adds_a_code(cast, docs, client):
    client.force_login(cast.county_staff)
    year = docs.issued.issued_on.year
    page = client.get(reverse("documents:series")).content.decode()
    assert f"宁教督〔{year}〕3号" in page  # two issued in the fixture
    response = client.post(reverse("documents:series"), {"office": docs.office.pk, "code": "宁教督函"})
    assert response.status_code == 302
    assert f"宁教督函〔{year}〕1号" in client.get(reverse("documents:series")).content.decode()
    again = client.post(reverse("documents:series"), {"office": docs.office.pk, "code": "宁教督函"})
    assert again.status_code == 400 and "该机关代字已存在" in again.content.decode()
    assert "宁教督函" in wording.series_codes(docs.office)
    assert DocumentSeries.objects.get(office=docs.office, code="宁教督函").last_number == 0
    client.force_login(cast.county_leader)
    assert client.post(reverse("documents:series"), {"office": docs.office.pk, "code": "宁教督办"}).status_code == 403


def test_services_refuse_what_the_rules_refuse(cast, docs):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        wording.template_copy(by=cast.county_leader, office=docs.office, kind="notice")
    with pytest.raises(PermissionDenied):
        wording.series_add(by=cast.multi, office=docs.office, code="宁教督函")
    with pytest.raises(PermissionDenied):
        services.publish(docs.draft, by=cast.county_staff)


def test_the_draft_s_schools_are_chosen_on_the_edit_page(cast, docs, client):
    """Schools chosen become recipients; one still chosen keeps its row (and a read receipt it has);
    schools outside the office's area cannot be chosen."""
    services.share(docs.draft, by=cast.county_staff)
    services.mark_read(docs.draft, by=cast.school_user)
    client.force_login(cast.county_staff)
    page = client.get(reverse("documents:edit", args=[docs.draft.pk]))
    choices = {s.name for s in page.context["form"].fields["schools"].queryset}
    assert choices == {"测试宁乡一小", "测试宁乡二中", "测试宁乡三幼"}
    response = client.post(reverse("documents:edit", args=[docs.draft.pk]),
                           {**_form(docs.draft), "schools": [cast.A1.pk, cast.A3.pk]})
    assert response.status_code == 302
    rows = {r.school_id: r for r in Document.objects.get(pk=docs.draft.pk).recipients.all()}
    assert set(rows) == {cast.A1.pk, cast.A3.pk} and rows[cast.A1.pk].read_by == cast.school_user
    outside = client.post(reverse("documents:edit", args=[docs.draft.pk]), {**_form(docs.draft), "schools": [cast.B1.pk]})
    assert outside.status_code == 400
    assert set(Document.objects.get(pk=docs.draft.pk).recipients.values_list("school_id", flat=True)) == {cast.A1.pk, cast.A3.pk}
