"""The library world: the built-in national entries (migration 0002) plus one 宁乡 handbook and one
望城 local document; a 宁乡 notice to the whole subtree, published."""

from __future__ import annotations

import datetime as dt

import pytest

from dudao.library import services
from dudao.library.builtin import policies_install_builtin
from dudao.regions.models import Office


@pytest.fixture
def library(cast):
    policies_install_builtin()  # a flushed database (browser tests) has lost the migration's rows
    ningxiang = Office.objects.get(region__code="430182")
    wangcheng = Office.objects.get(region__code="430112")
    handbook = services.policy_create(by=cast.county_staff, office=ningxiang, data={
        "title": "宁乡市责任督学工作手册", "issuer": "宁乡市人民政府教育督导室", "category": "handbook",
        "issued_on": dt.date(2025, 3, 1), "summary": "责任督学每月进校督导的流程与记录要求。",
        "full_text": "第一章 总则\n责任督学应当按照挂牌督导办法，每月到校督导不少于一次。\n第二章 问题整改\n发现问题当场反馈，"
                     "限期整改，逾期未整改的报督导室约谈。"})
    local = services.policy_create(by=cast.multi, office=wangcheng, data={
        "title": "望城区校园安全专项督导实施方案", "number": "望教督〔2025〕2号", "issuer": "望城区人民政府教育督导室",
        "category": "local", "issued_on": dt.date(2025, 4, 8), "summary": "校园安全专项督导的范围与分工。"})
    notice = services.notice_save(by=cast.county_staff, office=ningxiang, title="关于报送十月督导记录的通知",
                                  body="请各校于10月31日前核对本校的督导记录。")
    services.notice_publish(by=cast.county_staff, notice=notice)
    draft = services.notice_save(by=cast.county_staff, office=ningxiang, title="草稿：寒假安全检查",
                                 body="尚未发布。", audience="schools")
    return {"handbook": handbook, "local": local, "notice": notice, "draft": draft,
            "ningxiang": ningxiang, "wangcheng": wangcheng}
