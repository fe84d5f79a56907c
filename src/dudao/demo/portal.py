"""The demo's public results portal (issue [11] item 4): a 公示 of 宁乡's supervisor appointments open
today, and published documents to read on /public/.

Other parts of the demo publish their own reports and bulletins; when none is published yet (this
branch alone), one 督导报告 of a 宁乡 school and one 通报 of the office are drafted, checked, signed, issued
and published here through the documents services (nx_office drafts and publishes, nx_leader checks
and signs), so the portal is never empty. Idempotent: nothing the second time.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from dudao.documents import services as documents
from dudao.documents.models import Document
from dudao.people.models import User
from dudao.portal import services
from dudao.portal.models import Publicity
from dudao.regions.models import Office
from dudao.schools.models import School
from dudao.supervisors.models import Supervisor

NX = "430182"
PUBLICITY_TITLE = "宁乡市拟聘任兼职责任督学名单公示"
SOURCE = "demo.portal"


def _publicity(office: Office, staff: User) -> None:
    if Publicity.objects.filter(office=office, title=PUBLICITY_TITLE).exists():
        return
    names = list(Supervisor.objects.filter(office=office).order_by("id").values_list("name", flat=True)[:6])
    start = timezone.localdate()
    lines = ["经个人申报、单位推荐、资格审查和市人民政府教育督导委员会研究，拟聘任以下同志为宁乡市兼职责任督学，现予公示：",
             *[f"{i}. {name}" for i, name in enumerate(names or ["（名单见附件）"], start=1)],
             "公示期间，如对上述人员有异议，请以书面或电话形式向市人民政府教育督导室反映。反映情况应实事求是，"
             "以单位名义反映的须加盖公章，以个人名义反映的须署真实姓名。"]
    services.publicity_create(
        by=staff, office=office, kind="supervisor_appointment", title=PUBLICITY_TITLE, body="\n".join(lines),
        starts_on=start, ends_on=services.earliest_end("supervisor_appointment", start) + timedelta(days=2),
        contact=f"意见反映电话：{office.complaint_phone or office.phone or '0731-87880000'}")


def _publish_one(office: Office, staff: User, leader: User, *, kind: str, title: str, school: School | None,
                 body: list[dict], addressee: str) -> None:
    doc = documents.create_draft(by=staff, office=office, kind=kind, title=title, body=body, addressee=addressee,
                                 school=school, source=SOURCE)
    documents.submit(doc, by=staff)
    documents.check(doc, by=leader)
    doc = documents.issue(doc, by=leader, share=False)
    documents.publish(doc, by=staff)


def _documents(office: Office, staff: User, leader: User) -> None:
    if Document.objects.published().exists() or Document.objects.filter(source=SOURCE).exists():
        return
    school = School.objects.filter(region_code__startswith=NX, kind="primary", is_active=True).order_by("code").first()
    if school is not None:
        _publish_one(office, staff, leader, kind="report", school=school, addressee=school.name,
                     title=f"关于{school.name}责任督学挂牌督导情况的督导报告", body=[
                         {"type": "h1", "text": "一、基本情况"},
                         {"type": "p", "text": f"根据年度督导计划，责任督学对{school.name}开展了经常性督导，"
                                               "采取查阅资料、听课、座谈、实地查看等方式，全面了解学校办学情况。"},
                         {"type": "h1", "text": "二、主要成绩"},
                         {"type": "p", "text": "学校办学行为规范，课程开齐开足，课后服务覆盖面广，校园安全管理制度健全。"},
                         {"type": "h1", "text": "三、存在问题"},
                         {"type": "p", "text": "部分功能室使用率不高；教师培训记录不完整。"},
                         {"type": "h1", "text": "四、督导意见"},
                         {"type": "p", "text": "请学校对照问题制定整改方案，于30个工作日内将整改情况报市人民政府教育督导室。"},
                     ])
    _publish_one(office, staff, leader, kind="bulletin", school=None, addressee="各乡镇（街道）中心学校，市直各学校",
                 title="关于秋季开学工作专项督导情况的通报", body=[
                     {"type": "p", "text": "为确保秋季开学工作平稳有序，市人民政府教育督导室组织责任督学对全市中小学、"
                                           "幼儿园开学工作进行了专项督导。现将有关情况通报如下。"},
                     {"type": "h1", "text": "一、总体情况"},
                     {"type": "p", "text": "全市各学校开学准备充分，校舍安全排查到位，教材教辅按时到校。"},
                     {"type": "table", "header": ["项目", "督导学校数", "发现问题数"],
                      "rows": [["校园安全", "128", "9"], ["课程开设", "128", "4"], ["收费管理", "128", "1"]]},
                     {"type": "h1", "text": "二、下一步要求"},
                     {"type": "p", "text": "各学校要对照发现的问题立行立改，责任督学将开展跟踪回访。"},
                 ])


def build_ningxiang_portal() -> None:
    office = Office.objects.select_related("region").get(region__code=NX)
    staff = User.objects.get(username="nx_office")
    leader = User.objects.get(username="nx_leader")
    _publicity(office, staff)
    _documents(office, staff, leader)
