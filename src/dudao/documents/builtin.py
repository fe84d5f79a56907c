"""Built-in wording of every document type (公文模板, issue [11] item 1) and the data it is filled with.

The outlines and standard phrases follow frameworks.md §4 (composed from 《教育督导条例》 and the local
samples cited there, not quoted); each template names its source in `DocumentTemplate.source`.
`install_builtin_templates()` is idempotent: a migration and the demo call it; an office never edits a
built-in, it keeps its own copy (documents/wording.py).

The variables a template may use (docs/documents.md, "Templates") are the keys of `SAMPLE`: a builder
passes the same names with real values; a draft started by hand gets `PLACEHOLDERS` — bracketed
labels the drafter replaces — so no wording is ever left blank without a trace.
"""

from __future__ import annotations

from typing import Any

SOURCE = "frameworks.md §4"

# kind → (name, title, body). Bodies are Django template text: "一、" lines become level-1 headings,
# "（一）" level-2 (services.text_to_blocks).
BUILTIN: dict[str, tuple[str, str, str, str]] = {
    "notice": (
        "督导通知书", "关于对{{ school.name }}开展{{ campaign.name }}的通知", f"{SOURCE}.1 督导通知书；《教育督导条例》第十八条",
        """根据《教育督导条例》和{{ office.name }}年度工作安排，经研究，决定于{{ visit_date }}对你校{{ campaign.name }}情况进行督导。现将有关事项通知如下：
一、督导时间
{{ visit_date }}。
二、督导内容
对照督导检查细则，重点督导学校贯彻落实有关政策要求、规范办学行为和整改上次督导问题等情况。
三、督导方式
采取学校自查自评与实地督导相结合的方式，通过听取汇报、查阅资料、实地查看、随机访谈、问卷调查等方式进行。
四、工作要求
（一）请你校对照督导内容认真开展自查，形成自查报告，于{{ deadline }}前报送{{ office.name }}。
（二）请高度重视，如实提供有关资料，不得弄虚作假。
（三）联系人：{{ contact }}，联系电话：{{ phone }}。""",
    ),
    "opinion": (
        "督导意见书", "关于对{{ school.name }}{{ campaign.name }}的督导意见书", f"{SOURCE}.2 督导意见书；《教育督导条例》第二十一条",
        """根据《教育督导条例》有关规定，{{ office.name }}于{{ visit_date }}对你校{{ campaign.name }}情况进行了督导。督导组通过听取汇报、查阅资料、实地查看、座谈访谈、问卷调查等方式，对你校有关工作进行了全面了解。现提出督导意见如下：
一、总体评价
{{ overall }}
二、主要成绩
{{ strengths }}
三、存在问题
{{ problems }}
四、整改意见
请你校对照本意见书，制定整改方案，落实整改责任，于{{ deadline }}前将整改情况书面报告我室。我室将适时进行复查。
对本意见书有异议的，可自收到之日起十五日内向我室书面提出申辩。""",
    ),
    "rectification": (
        "整改通知书", "整改通知书", f"{SOURCE}.3 整改通知书；《教育督导条例》第二十二条",
        """{{ office.name }}于{{ visit_date }}对你校进行了督导，发现以下问题，现通知你校限期整改：
一、存在问题
{{ problems }}
二、整改要求
请你校高度重视，逐项制定整改措施，明确责任人和完成时限，于{{ deadline }}前完成整改。
三、整改报告
请于整改期限届满之日起五个工作日内将整改情况书面报告{{ office.name }}，并附佐证材料。我室将组织责任督学进行复查。""",
    ),
    "report": (
        "督导报告", "关于{{ region.name }}{{ campaign.name }}情况的报告", f"{SOURCE}.6 督导报告；《教育督导条例》第二十四条",
        """根据《教育督导条例》和有关工作安排，{{ office.name }}于{{ period }}组织开展了{{ campaign.name }}。现将有关情况报告如下：
一、基本情况
督导组通过听取汇报、查阅资料、实地查看、座谈访谈、问卷调查等方式，共督导学校{{ school_count }}所。
二、总体评价
{{ overall }}
三、主要成绩与经验
{{ strengths }}
四、存在的主要问题
{{ problems }}
五、意见和建议
{{ suggestions }}""",
    ),
    "bulletin": (
        "通报", "关于{{ campaign.name }}情况的通报", f"{SOURCE}.7 通报",
        """根据工作安排，{{ office.name }}于{{ period }}组织开展了{{ campaign.name }}，共抽查学校{{ school_count }}所。现将有关情况通报如下：
一、总体情况
{{ overall }}
二、主要做法和成效
{{ strengths }}
三、存在的问题
{{ problems }}
四、工作要求
各单位要对照本通报，举一反三，认真整改，于{{ deadline }}前将整改情况报送{{ office.name }}。我室将适时组织复查。
特此通报。""",
    ),
    "record_sheet": (
        "责任督学工作记录表", "{{ school.name }}责任督学工作记录表", f"{SOURCE}.8 责任督学工作记录表；《中小学校责任督学挂牌督导办法》",
        """责任督学：{{ supervisor.name }}
被督导学校：{{ school.name }}
督导时间：{{ visit_date }}
一、督导主要内容及情况记录
{{ content }}
二、存在的问题
{{ problems }}
三、意见和建议
{{ suggestions }}""",
    ),
    "monthly": (
        "工作月报", "{{ office.name }}{{ period }}工作月报", f"{SOURCE}；种子材料002 工作月报",
        """现将{{ period }}教育督导工作情况报告如下：
一、队伍建设
{{ team }}
二、经常性督导
{{ visits }}
三、专项督导
{{ campaigns }}
四、问题整改
{{ findings }}
五、下月工作安排
{{ next_month }}""",
    ),
    "self_assessment": (
        "自评报告", "{{ school.name }}{{ campaign.name }}自评报告", f"{SOURCE}.5 自评报告",
        """根据{{ office.name }}的通知要求，我校对照督导评估指标，认真开展了自查自评。现将有关情况报告如下：
一、基本情况
{{ overview }}
二、主要做法和工作成效
{{ strengths }}
三、存在不足及努力方向
{{ problems }}
四、自评结果
{{ result }}""",
    ),
    "announcement": (
        "通知", "关于{{ subject }}的通知", f"{SOURCE}.1 督导通知（通用）",
        """为做好{{ subject }}工作，现将有关事项通知如下：
一、工作内容
{{ content }}
二、工作要求
请各单位高度重视，认真组织，按时完成。
联系人：{{ contact }}，联系电话：{{ phone }}。
特此通知。""",
    ),
}

# Realistic values for the preview (docs/documents.md lists them): the same names a builder passes.
SAMPLE: dict[str, Any] = {
    "office": {"name": "宁乡市人民政府教育督导室"},
    "school": {"name": "宁乡市玉潭街道第一小学"},
    "region": {"name": "宁乡市"},
    "campaign": {"name": "2026年春季开学工作专项督导"},
    "supervisor": {"name": "张明"},
    "year": 2026,
    "period": "2026年3月",
    "visit_date": "2026年3月5日",
    "deadline": "2026年4月5日",
    "contact": "李华",
    "phone": "0731-87800000",
    "subject": "开展2026年春季开学工作专项督导",
    "school_count": 12,
    "overall": "学校开学准备工作扎实，总体情况良好。",
    "strengths": "1. 校园安全隐患排查到位。\n2. 课程开设齐全。",
    "problems": "1. 部分教室照明不达标。\n2. 食堂台账不完整。",
    "suggestions": "1. 限期更换不达标灯具。\n2. 完善食堂进货查验台账。",
    "content": "随机听课2节，查阅资料，座谈访谈教师5人次。",
    "overview": "学校现有教学班24个，学生1080人，教职工68人。",
    "result": "自评得分92分，等级为优秀。",
    "team": "本月新聘任责任督学2名，开展培训1次。",
    "visits": "责任督学本月开展经常性督导48校次。",
    "campaigns": "开展春季开学工作专项督导，覆盖学校36所。",
    "findings": "本月新增问题15个，完成整改12个，逾期未整改1个。",
    "next_month": "开展校园安全专项督导。",
}

# What a draft started by hand is filled with: a bracketed label the drafter replaces.
PLACEHOLDERS: dict[str, Any] = {
    "office": {"name": "〔督导室名称〕"},
    "school": {"name": "〔学校名称〕"},
    "region": {"name": "〔地区〕"},
    "campaign": {"name": "〔督导事项〕"},
    "supervisor": {"name": "〔责任督学〕"},
    "year": "〔年份〕",
    "period": "〔时间〕",
    "visit_date": "〔督导时间〕",
    "deadline": "〔期限〕",
    "contact": "〔联系人〕",
    "phone": "〔联系电话〕",
    "subject": "〔事项〕",
    "school_count": "〔数量〕",
    "overall": "〔总体评价〕",
    "strengths": "〔主要成绩〕",
    "problems": "〔存在问题〕",
    "suggestions": "〔意见和建议〕",
    "content": "〔主要内容〕",
    "overview": "〔基本情况〕",
    "result": "〔结果〕",
    "team": "〔队伍建设情况〕",
    "visits": "〔经常性督导情况〕",
    "campaigns": "〔专项督导情况〕",
    "findings": "〔问题整改情况〕",
    "next_month": "〔下月工作安排〕",
}


def install_builtin_templates(apps=None) -> int:
    """Create the built-in template of each kind that has none (an existing built-in keeps its
    wording: a later release changes it in a migration of its own). Returns how many were created.
    `apps`: the migration's app registry, or None for the live models."""
    from django.apps import apps as live

    model: Any = (apps or live).get_model("documents", "DocumentTemplate")
    have = set(model.objects.filter(office__isnull=True).values_list("kind", flat=True))
    created = 0
    for kind, (name, title, source, body) in BUILTIN.items():
        if kind in have:
            continue
        model.objects.create(kind=kind, office=None, name=name, title=title, body=body, source=source)
        created += 1
    return created
