"""The national regulations of domain-rules.md ("Official document numbers"), built into every library as
read-only entries: 文号, issuing body, dates, category and a summary of what Dudao takes from each. The full
texts are not reproduced here (the office attaches the official text); the grade of each 文号 is kept in
`source` as domain-rules.md gives it ([T] text seen, [S] secondary, [M] not verified). Where
domain-rules.md gives only the year, only `issued_year` is set (no invented day)."""

from __future__ import annotations

from datetime import date

from django.db import transaction

SOURCE = "docs: /work/shared/docs/domain-rules.md「Official document numbers」"

BUILTIN_POLICIES: list[dict] = [
    {"title": "教育督导条例", "number": "国务院令第624号", "issuer": "国务院", "category": "regulation",
     "issued_on": date(2012, 9, 9), "effective_on": date(2012, 10, 1), "grade": "T",
     "summary": "教育督导的基本法规：督导的内容（督政、督学、评估监测），督学的条件与职责，督导的实施程序（督导通知书、"
                "督导意见书、整改与复查），督导报告的公布，以及法律责任。县级以上人民政府设立教育督导机构，"
                "督学对中小学校、幼儿园实施经常性督导。"},
    {"title": "教育部关于加强督学责任区建设的意见", "number": "教督〔2012〕7号", "issuer": "教育部", "category": "normative",
     "issued_on": date(2012, 5, 4), "grade": "S",
     "summary": "按照学校数量与分布划分督学责任区，每个责任区配备督学，实行责任督学定期督导与随机督导相结合。"},
    {"title": "中小学校责任督学挂牌督导办法", "number": "国教督办〔2013〕7号", "issuer": "国务院教育督导委员会办公室",
     "category": "normative", "issued_year": 2013, "grade": "M",
     "summary": "每所学校挂牌，公布责任督学姓名、照片、联系方式和督导事项；一名责任督学负责5所左右学校，"
                "每月至少到校1次；八项经常性督导事项；发现问题及时督促整改，重大问题报告督导部门。"},
    {"title": "中小学校责任督学挂牌督导规程", "number": "", "issuer": "国务院教育督导委员会办公室", "category": "normative",
     "issued_year": 2014, "grade": "S",
     "summary": "挂牌督导的工作程序：督导前准备、进校督导（听课、查阅资料、座谈访谈、问卷调查）、督导反馈与记录、"
                "问题整改与报告。"},
    {"title": "中小学校责任督学工作守则", "number": "", "issuer": "国务院教育督导委员会办公室", "category": "normative",
     "issued_year": 2014, "grade": "S",
     "summary": "责任督学的工作纪律与职业操守：依法督导、客观公正、廉洁自律、保守秘密。"},
    {"title": "中小学校责任督学挂牌督导创新县（市、区）评估认定工作的通知", "number": "国教督办函〔2015〕32号",
     "issuer": "国务院教育督导委员会办公室", "category": "normative", "issued_year": 2015, "grade": "S",
     "summary": "创新县（市、区）的评估认定：机构健全、队伍建设、挂牌督导常态化、结果运用与信息化水平。"},
    {"title": "督学管理暂行办法", "number": "教督〔2016〕2号", "issuer": "教育部", "category": "normative",
     "issued_on": date(2016, 7, 29), "grade": "T",
     "summary": "督学的聘任条件、职责、培训（每年不少于规定学时）、考核与退出；兼职督学任期与回避。"},
    {"title": "县域义务教育均衡发展督导评估暂行办法", "number": "教督〔2012〕3号", "issuer": "教育部", "category": "normative",
     "issued_year": 2012, "grade": "M",
     "summary": "基本均衡的评估：小学、初中校际差异系数分别不高于0.65和0.55，公众满意度不低于85%。"},
    {"title": "县域义务教育优质均衡发展督导评估办法", "number": "教督〔2017〕6号", "issuer": "教育部", "category": "normative",
     "issued_year": 2017, "grade": "S",
     "summary": "优质均衡的评估：资源配置7项指标（差异系数小学≤0.50、初中≤0.45）、政府保障程度15项、"
                "教育质量9项、社会认可度（≥85%），并设一票否决情形。"},
    {"title": "对省级人民政府履行教育职责的评价办法", "number": "国办发〔2017〕49号", "issuer": "国务院办公厅",
     "category": "normative", "issued_year": 2017, "grade": "S",
     "summary": "每年对省级人民政府履行教育职责进行评价，评价结果作为考核、问责与奖励的重要依据；实施细则见"
                "国教督办〔2018〕2号。"},
    {"title": "关于深化新时代教育督导体制机制改革的意见", "number": "", "issuer": "中共中央办公厅、国务院办公厅",
     "category": "normative", "issued_year": 2020, "grade": "S",
     "summary": "完善督政、督学、评估监测三位一体的教育督导体系；强化结果运用，将督导结果作为考核、奖惩的重要依据；"
                "按照1:5左右的比例配备责任督学。"},
    {"title": "教育督导问责办法", "number": "国教督〔2021〕2号", "issuer": "国务院教育督导委员会", "category": "normative",
     "issued_on": date(2021, 7, 20), "effective_on": date(2021, 9, 1), "grade": "S",
     "summary": "对被督导单位及其相关责任人的问责情形与方式：公开批评、约谈、责令检查、通报批评、"
                "取消评优评先资格等，并移交有关机关处理。"},
    {"title": "义务教育质量评价指南", "number": "", "issuer": "教育部等六部门", "category": "normative",
     "issued_year": 2021, "grade": "S",
     "summary": "从县域、学校、学生三个层面评价义务教育质量，引导树立科学的教育质量观。"},
    {"title": "幼儿园保育教育质量评估指南", "number": "教基〔2022〕1号", "issuer": "教育部", "category": "normative",
     "issued_on": date(2022, 2, 10), "grade": "S",
     "summary": "办园方向、保育与安全、教育过程、环境创设、教师队伍5个方面15项关键指标、48个考查要点。"},
]


@transaction.atomic
def policies_install_builtin() -> int:
    """Add the built-in entries that are missing (by title); existing rows are left as they are. Returns
    how many were added."""
    from dudao.library.models import Policy
    from dudao.library.search import index_text

    have = set(Policy.objects.filter(office__isnull=True).values_list("title", flat=True))
    added = 0
    for entry in BUILTIN_POLICIES:
        if entry["title"] in have:
            continue
        data = {k: v for k, v in entry.items() if k != "grade"}
        if data.get("issued_on"):
            data["issued_year"] = data["issued_on"].year
        policy = Policy(office=None, source=f"{SOURCE} [{entry['grade']}]", **data)
        policy.search_text = index_text([policy.title, policy.number, policy.issuer, policy.summary])
        policy.save()
        added += 1
    return added
