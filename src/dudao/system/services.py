"""Built-in code lists, shipped as data with their sources (editable by admins)."""

from __future__ import annotations

from django.db import transaction

from dudao.core.sources import DOCUMENTS, LEGACY, SCHOOL_CLASSIFICATION, cite
from dudao.system.models import DictionaryItem

DICTIONARY_TYPES: dict[str, str] = {
    "school_kind": "办学类型",
    "stage": "学段",
    "locality": "城乡类型",
    "supervision_item": "挂牌督导事项",
    "visit_method": "督导方式",
    "visit_focus": "督导重点",
    "problem_category": "问题类别",
    "supervisor_background": "督学来源背景",
    "teacher_title": "教师职称",
    "complaint_category": "群众反映类别",
    "accountability_trigger": "问责情形",
}

# (dict_type, code, label, label_en, source)
BUILTIN_ITEMS: list[tuple[str, str, str, str, str]] = [
    # 挂牌办法 Art 4 (domain-rules §2.3): the eight routine-supervision items.
    ("supervision_item", "1", "校务管理和制度执行情况", "School affairs management and execution of rules", cite("挂牌办法", 4)),
    ("supervision_item", "2", "招生、收费、择校情况", "Enrolment, fees, school choice", cite("挂牌办法", 4)),
    ("supervision_item", "3", "课程开设和课堂教学情况", "Curriculum provision and classroom teaching", cite("挂牌办法", 4)),
    ("supervision_item", "4", "学生学习、体育锻炼和课业负担情况", "Learning, physical exercise and workload", cite("挂牌办法", 4)),
    ("supervision_item", "5", "教师师德和专业发展情况", "Teachers' ethics and professional development", cite("挂牌办法", 4)),
    ("supervision_item", "6", "校园及周边安全情况，学生交通安全情况", "Campus and surrounding safety; traffic safety", cite("挂牌办法", 4)),
    ("supervision_item", "7", "食堂、食品、饮水及宿舍卫生情况", "Canteen, food, drinking water and dormitory hygiene", cite("挂牌办法", 4)),
    ("supervision_item", "8", "校风、教风、学风建设情况", "School, teaching and study ethos", cite("挂牌办法", 4)),
    # 挂牌办法 Art 6 and seed 001 (domain-rules §2.4).
    ("visit_method", "class_observation", "随机听课/推门听课", "Walk-in class observation", LEGACY["挂牌办法 第6条；湖南（种子001）"]),
    ("visit_method", "document_review", "查阅资料", "Document review", cite("挂牌办法", 6)),
    ("visit_method", "meeting", "列席会议", "Attending meetings", cite("挂牌办法", 6)),
    ("visit_method", "interview", "座谈走访", "Forums and visits", cite("挂牌办法", 6)),
    ("visit_method", "questionnaire", "问卷调查", "Questionnaire", cite("挂牌办法", 6)),
    ("visit_method", "patrol", "校园巡视", "Campus patrol", cite("挂牌办法", 6)),
    ("supervisor_background", "principal", "原校长（园长）", "Former principal", cite("挂牌办法", 2)),
    ("supervisor_background", "teacher", "教师", "Teacher", cite("挂牌办法", 2)),
    ("supervisor_background", "researcher", "教研员", "Teaching researcher", cite("挂牌办法", 2)),
    ("supervisor_background", "administrator", "教育行政人员", "Administrator", cite("挂牌办法", 2)),
    ("supervisor_background", "finance", "财务人员", "Finance", DOCUMENTS["县级实践"]),
    ("supervisor_background", "zone_head", "原督学责任区主任", "Former zone head", DOCUMENTS["县级实践"]),
    ("supervisor_background", "zone_supervisor", "原责任区专职督学", "Former zone supervisor", DOCUMENTS["县级实践"]),
    ("visit_method", "unannounced_check", "明查暗访", "Announced or unannounced check", DOCUMENTS["湖南"]),
    # Seed 001: the Hunan offices' focus topics for routine visits (the office may add its own).
    ("visit_focus", "balanced", "义务教育均衡发展", "Balanced compulsory education", DOCUMENTS["湖南"]),
    ("visit_focus", "conduct", "中小学办学行为", "School conduct", DOCUMENTS["湖南"]),
    ("visit_focus", "curriculum", "基础教育课程改革", "Curriculum reform", DOCUMENTS["湖南"]),
    ("visit_focus", "funds", "教育经费投入使用", "Use of education funds", DOCUMENTS["湖南"]),
    ("visit_focus", "performance_pay", "教师绩效工资落实", "Teachers' performance pay", DOCUMENTS["湖南"]),
    ("visit_focus", "safety", "学校安全工作", "School safety", DOCUMENTS["湖南"]),
    # Problem categories of the rectification ledger (a visit's problems become findings, issue [4]).
    ("problem_category", "safety", "校园安全隐患", "Safety hazard", cite("挂牌办法", 4, item="6")),
    ("problem_category", "hygiene", "食堂饮水宿舍卫生", "Canteen, water, dormitory hygiene", cite("挂牌办法", 4, item="7")),
    ("problem_category", "conduct", "办学行为不规范", "Irregular school conduct", DOCUMENTS["问责办法"]),
    ("problem_category", "fees", "招生收费择校", "Enrolment, fees, school choice", cite("挂牌办法", 4, item="2")),
    ("problem_category", "curriculum", "课程开设与课堂教学", "Curriculum and teaching", cite("挂牌办法", 4, item="3")),
    ("problem_category", "workload", "学生课业负担", "Student workload", cite("挂牌办法", 4, item="4")),
    ("problem_category", "ethics", "师德师风", "Teachers' ethics", cite("挂牌办法", 4, item="5")),
    ("problem_category", "management", "校务管理与制度执行", "School management", cite("挂牌办法", 4, item="1")),
    ("problem_category", "facilities", "办学条件与设施设备", "Facilities and equipment", cite("条例", 11)),
    ("problem_category", "other", "其他", "Other", ""),
    ("teacher_title", "senior", "高级", "Senior", "中小学教师职称制度"),
    ("teacher_title", "mid", "中级（一级）", "Intermediate", "中小学教师职称制度"),
    ("teacher_title", "junior", "初级及以下", "Junior or below", "中小学教师职称制度"),
    # What a parent picks on the public complaint form (issue [4]); most follow the 挂牌 items.
    ("complaint_category", "fees", "收费问题", "Fees", cite("挂牌办法", 4, item="2")),
    ("complaint_category", "teaching", "教学管理", "Teaching and school management", cite("挂牌办法", 4, item="1、3")),
    ("complaint_category", "safety", "学生安全", "Student safety", cite("挂牌办法", 4, item="6")),
    ("complaint_category", "ethics", "师德师风", "Teachers' ethics", cite("挂牌办法", 4, item="5")),
    ("complaint_category", "canteen", "食堂卫生", "Canteen and hygiene", cite("挂牌办法", 4, item="7")),
    ("complaint_category", "enrolment", "招生入学", "Enrolment", cite("挂牌办法", 4, item="2")),
    ("complaint_category", "workload", "课业负担", "Workload", cite("挂牌办法", 4, item="4")),
    ("complaint_category", "question", "咨询", "Question", ""),
    ("complaint_category", "other", "其他", "Other", ""),
    # 问责办法 (domain-rules §6.1): the six categories that trigger accountability (findings escalation).
    ("accountability_trigger", "policy", "贯彻落实党的教育方针和党中央、国务院教育决策部署不坚决不彻底", "Not implementing the Party's education policy and central decisions", DOCUMENTS["问责办法"]),
    ("accountability_trigger", "duties", "履行教育职责不到位", "Failing education duties", DOCUMENTS["问责办法"]),
    ("accountability_trigger", "key_tasks", "教育攻坚任务完成严重滞后", "Key education tasks seriously late", DOCUMENTS["问责办法"]),
    ("accountability_trigger", "conduct", "办学行为不规范", "Irregular school conduct", DOCUMENTS["问责办法"]),
    ("accountability_trigger", "quality", "教育教学质量下降", "Falling education quality", DOCUMENTS["问责办法"]),
    ("accountability_trigger", "safety", "安全问题多发或拒不接受教育督导", "Many safety problems or refusing supervision", DOCUMENTS["问责办法"]),
]


@transaction.atomic
def dictionaries_install_builtin() -> int:
    """Insert missing built-in entries; never overwrite what an office has edited."""
    from django.utils import translation

    from dudao.schools.models import Locality, SchoolKind, Stage

    items = list(BUILTIN_ITEMS)
    for enum, dict_type in ((SchoolKind, "school_kind"), (Stage, "stage"), (Locality, "locality")):
        with translation.override("zh-hans"):  # labels are stored in Chinese whatever the active language
            items += [(dict_type, c.value, str(c.label), c.value.replace("_", " "), SCHOOL_CLASSIFICATION) for c in enum]
    existing = set(DictionaryItem.objects.values_list("dict_type", "code"))
    new = [
        DictionaryItem(dict_type=t, code=c, label=label, label_en=en, source=src, order=i, is_builtin=True)
        for i, (t, c, label, en, src) in enumerate(items)
        if (t, c) not in existing
    ]
    DictionaryItem.objects.bulk_create(new)
    return len(new)
