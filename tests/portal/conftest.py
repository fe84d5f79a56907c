"""Documents in every state of their life, for the portal's tests: only `published` may ever show.

`world` holds, for the 宁乡 office (430182) and the 望城 office (430112):
- draft, checking, signing: in the workflow;
- issued: issued, never published;
- published: issued and published (school report of A1, and an office bulletin);
- withdrawn: published, then withdrawn from publication (services.publish(public=False));
- other_unpublished: 望城's issued document, never published;
- other_published: 望城's published bulletin (B1).
Each title carries its state, so a page or file that leaks one says which.
"""

from __future__ import annotations

from datetime import date

import pytest

from dudao.documents import services
from dudao.regions.models import Office
from tests.campaigns.conftest import county_campaign, small_version  # noqa: F401 — fixtures for the grade column


def _draft(by, office, title, *, kind="report", school=None):
    return services.create_draft(by=by, office=office, kind=kind, title=title, school=school,
                                 body=[{"type": "h1", "text": "一、基本情况"}, {"type": "p", "text": f"{title}的正文。"},
                                       {"type": "table", "header": ["项目", "得分"], "rows": [["办学条件", "18"]]}],
                                 addressee="各中小学校")


def _to(doc, status, *, staff, leader, admin, code="宁教督", issued_on=None):
    if status == "draft":
        return doc
    services.submit(doc, by=staff)
    if status == "checking":
        return doc
    services.check(doc, by=admin)
    if status == "signing":
        return doc
    return services.issue(doc, by=leader, code=code, issued_on=issued_on, share=False)


FAKE_PDF = b"%PDF-1.7\n% portal test: the layout is tested in tests/documents\n%%EOF\n"


@pytest.fixture(autouse=True)
def _quick_files(monkeypatch):
    """Issuing renders the PDF and the Word file (WeasyPrint: seconds each); the portal serves the frozen
    file whatever it holds, so its tests freeze a small stand-in (the layout is tests/documents')."""
    from dudao.documents import docx, render

    monkeypatch.setattr(render, "render_pdf", lambda document: FAKE_PDF + document.title.encode())
    monkeypatch.setattr(docx, "render_docx", lambda document: b"PK docx stand-in")


@pytest.fixture
def world(cast):
    ningxiang = Office.objects.get(region__code="430182")
    wangcheng = Office.objects.get(region__code="430112")
    people = {"staff": cast.county_staff, "leader": cast.county_leader, "admin": cast.admin}
    docs = {}
    for state in ("draft", "checking", "signing", "issued"):
        docs[state] = _to(_draft(cast.county_staff, ningxiang, f"宁乡{state}稿督导报告", school=cast.A1), state, **people)
    docs["published"] = _to(_draft(cast.county_staff, ningxiang, "宁乡一小督导报告（已公开）", school=cast.A1), "issued",
                            issued_on=date(2026, 3, 2), **people)
    services.publish(docs["published"], by=cast.county_staff)
    docs["bulletin"] = _to(_draft(cast.county_staff, ningxiang, "宁乡春季开学督导通报（已公开）", kind="bulletin"), "issued",
                           issued_on=date(2025, 9, 10), **people)
    services.publish(docs["bulletin"], by=cast.county_staff)
    docs["withdrawn"] = _to(_draft(cast.county_staff, ningxiang, "宁乡withdrawn督导报告", school=cast.A2), "issued",
                            **people)
    services.publish(docs["withdrawn"], by=cast.county_staff)
    services.publish(docs["withdrawn"], by=cast.county_staff, public=False)
    # 望城: multi is its staff; its leader is the admin here (signing needs a leader or an admin)
    wc = {"staff": cast.multi, "leader": cast.admin, "admin": cast.admin}
    docs["other_unpublished"] = _to(_draft(cast.multi, wangcheng, "望城unpublished督导报告", school=cast.B1), "issued",
                                    code="望教督", **wc)
    docs["other_published"] = _to(_draft(cast.multi, wangcheng, "望城一小督导报告（已公开）", school=cast.B1), "issued",
                                  code="望教督", issued_on=date(2026, 4, 1), **wc)
    services.publish(docs["other_published"], by=cast.multi)
    return docs


HIDDEN = ("draft", "checking", "signing", "issued", "withdrawn", "other_unpublished")
SHOWN = ("published", "bulletin", "other_published")
