"""Documents of the 宁乡 office (tests/personas.py) in every state, for the documents tests.

- `draft`    drafted by county_staff, addressed to A1 (not sent): the office reads it;
- `checking` sent for 审核 by county_staff (county_staff may not check it: the drafter);
- `signing`  checked by the admin, waiting for a leader's 签发;
- `issued`   signed by county_leader with 宁教督〔year〕1号, sent to A1 (the school and its supervisor read it);
- `other`    issued to A2 only (the A1 school account never reads it).
Each body holds a data table (a builder's block), so the editing tests can check it is kept.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from dudao.documents import services
from dudao.documents.builtin import install_builtin_templates
from dudao.documents.models import Document
from dudao.regions.models import Office

TABLE = {"type": "table", "header": ["学校", "问题数"], "rows": [["测试宁乡一小", "2"], ["测试宁乡二中", "1"]],
         "text": "表1 各校问题数"}


@dataclass
class Docs:
    office: Office
    draft: Document
    checking: Document
    signing: Document
    issued: Document
    other: Document


def make_draft(cast, office, *, school=None, title="关于开展秋季开学工作专项督导的通知"):
    school = school or cast.A1
    return services.create_draft(
        by=cast.county_staff, office=office, kind="notice", title=title,
        body=[{"type": "h1", "text": "一、督导内容"}, {"type": "p", "text": "检查开学准备情况。"}, TABLE,
              {"type": "p", "text": "请认真做好自查。"}],
        addressee="各中小学校", recipients=[{"school": school, "name": school.name}])


def to_signing(cast, doc):
    services.submit(doc, by=cast.county_staff)
    services.check(doc, by=cast.admin)
    return doc


@pytest.fixture
def docs(cast) -> Docs:
    install_builtin_templates()
    office = Office.objects.get(region__code="430182")
    draft = make_draft(cast, office, title="草稿：关于开展校园安全专项督导的通知")
    checking = make_draft(cast, office, title="待审核：关于开展食堂专项督导的通知")
    services.submit(checking, by=cast.county_staff)
    signing = to_signing(cast, make_draft(cast, office, title="待签发：关于开展双减专项督导的通知"))
    issued = services.issue(to_signing(cast, make_draft(cast, office, title="已印发：关于开展开学专项督导的通知")),
                            by=cast.county_leader, code="宁教督")
    other = services.issue(to_signing(cast, make_draft(cast, office, school=cast.A2, title="已印发：致二中的通知")),
                           by=cast.county_leader, code="宁教督")
    return Docs(office=office, draft=draft, checking=checking, signing=signing, issued=issued, other=other)
