"""The items of a county evaluation as data: each part's items with their thresholds and sources.

优质均衡 (教督〔2017〕6号, domain-rules §4.1): resources (the 7 indicators, read from the stored
monitoring results, §4.1.1), the 15 government-guarantee items (§4.1.2), the 9 education-quality
items (§4.1.3), social recognition ≥ 85 % (§4.1.4), the entry conditions and the veto items
(§4.1.5). 基本均衡 (2012 暂行办法, §4.2): the provincial basic school standard, the resources
(comprehensive CV, from the stored monitoring results) and public satisfaction ≥ 85 %.

An item is either *measured* (a number against a threshold: `min` ≥, `max` ≤, `lt` <) or a
*judgement* (met / not met, entered by the county with its evidence) or a *veto* (does the thing
exist: yes fails the whole evaluation). `computed` names the base-data computation
(`computed.py`) that fills the item from the platform's yearly school data; such an item is not
typed in, and needs no upload (its evidence is the base data itself).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _


class DossierKind(models.TextChoices):
    QUALITY = "quality", _("优质均衡")
    BASIC = "basic", _("基本均衡")


class Part(models.TextChoices):
    RESOURCES = "resources", _("资源配置")
    STANDARD = "standard", _("办学基本标准")
    GUARANTEE = "guarantee", _("政府保障程度")
    QUALITY = "quality", _("教育质量")
    RECOGNITION = "recognition", _("社会认可度")
    CONDITIONS = "conditions", _("申报条件")
    VETO = "veto", _("一票否决及不予认定事项")


MIN, MAX, LT, JUDGEMENT, VETO = "min", "max", "lt", "judgement", "veto"
RULE_SIGNS = {MIN: "≥", MAX: "≤", LT: "<"}

SOURCE_2017 = "县域义务教育优质均衡发展督导评估办法（教督〔2017〕6号）"
SOURCE_2012 = "县域义务教育均衡发展督导评估暂行办法（2012）"
PASS_LINE = Decimal("85")  # 社会认可度 / 公众满意度 (domain-rules §4.1.4, §4.2)


@dataclass(frozen=True)
class Measure:
    """A second number an item is also judged on (e.g. rotation: ≥ 10 % of teachers and backbone
    teachers ≥ 20 % of those rotating)."""

    label: str
    rule: str
    threshold: Decimal
    unit: str = ""


@dataclass(frozen=True)
class ItemDef:
    code: str
    part: str
    label: str
    rule: str  # MIN / MAX / LT / JUDGEMENT / VETO
    threshold: Decimal | None = None
    unit: str = ""
    measure: str = ""  # what the number is (for MIN/MAX/LT)
    second: Measure | None = None
    evidence: tuple[str, ...] = ()  # the documents the dossier should hold for the item
    computed: str = ""  # a base-data computation in computed.py ("" = entered)
    source: str = SOURCE_2017
    note: str = ""  # how it is read, and how sure the wording is (domain-rules' markers)

    @property
    def numeric(self) -> bool:
        return self.rule in RULE_SIGNS

    @property
    def needs_evidence(self) -> bool:
        return bool(self.evidence) and not self.computed

    @property
    def standard(self) -> str:
        """The threshold in words: "≥ 95 %", "≤ 0 所"; "" for judgements and vetoes."""
        if not self.numeric:
            return ""
        text = f"{RULE_SIGNS[self.rule]} {_fmt(self.threshold)}{self.unit}"
        if self.second is not None:
            text += f"；{self.second.label} {RULE_SIGNS[self.second.rule]} {_fmt(self.second.threshold)}{self.second.unit}"
        return text


def _fmt(value: Decimal | None) -> str:
    if value is None:
        return ""
    return format(value.normalize(), "f")


def _d(text: str) -> Decimal:
    return Decimal(text)


def _g(code, label, rule, threshold=None, unit="", **kw) -> ItemDef:
    return ItemDef(code, Part.GUARANTEE, label, rule, _d(threshold) if threshold is not None else None, unit, **kw)


def _q(code, label, rule, threshold=None, unit="", **kw) -> ItemDef:
    return ItemDef(code, Part.QUALITY, label, rule, _d(threshold) if threshold is not None else None, unit, **kw)


def _v(code, label, **kw) -> ItemDef:
    return ItemDef(code, Part.VETO, label, VETO, evidence=kw.pop("evidence", ("情况说明或承诺书",)), **kw)


GUARANTEE = [
    _g("G1", "县域内义务教育学校规划布局合理，符合国家规定要求", JUDGEMENT,
       evidence=("县域义务教育学校布局规划及批复文件",), note="§4.1.2 第1项 [M]"),
    _g("G2", "县域内城乡义务教育学校建设标准、教师编制标准、生均公用经费基准定额、基本装备配置标准统一（“四统一”）", JUDGEMENT,
       evidence=("四统一相关政策文件",), note="§4.1.2 第2项 [M]"),
    _g("G3", "每12个班级配备音乐、美术专用教室1间以上，每间音乐专用教室不小于96平方米、美术专用教室不小于90平方米", MAX, "0", " 所",
       measure="未达要求的学校数", computed="art_rooms", evidence=("专用教室台账",),
       note="由年度基础数据计算：每校音乐、美术专用教室间数 ≥ ⌈班级数 ÷ 12⌉（至少1间），平均面积分别 ≥ 96、90 ㎡。"),
    _g("G4", "所有小学、初中规模不超过2000人，九年一贯制学校、十二年一贯制学校规模不超过2500人", MAX, "0", " 所",
       measure="超规模学校数", computed="school_size", evidence=("学校规模统计表",),
       note="由年度基础数据计算：学校各学段在校生之和。"),
    _g("G5", "小学、初中所有班级学生数分别不超过45人、50人", MAX, "0", " 个",
       measure="超标准班额班级数", computed="class_size", evidence=("班额统计表",),
       note="由年度基础数据计算。初中 46—55 人一档无法按 50 人拆分：该档有班级时本项需人工核实。"),
    _g("G6", "不足100名学生的村小学和教学点按100名学生核定公用经费", JUDGEMENT,
       evidence=("公用经费拨付文件及明细",), note="§4.1.2 第6项 [M]"),
    _g("G7", "特殊教育学校生均公用经费不低于6000元", MIN, "6000", " 元",
       measure="特殊教育学校生均公用经费（最低一所）", computed="special_funding", evidence=("特教经费拨付文件",),
       note="由年度基础数据计算（特殊教育学校的生均公用经费，取最低一所）；县内无特殊教育学校时需填报说明。一些地方标准为8000元 [I/L]。"),
    _g("G8", "全县义务教育学校教师平均工资收入水平不低于当地公务员平均工资收入水平，按规定足额核定教师绩效工资总量", JUDGEMENT,
       evidence=("教师与公务员工资收入对比表",), note="§4.1.2 第8项 [S]"),
    _g("G9", "教师5年360学时培训完成率达到100%", MIN, "100", "%", measure="培训完成率", computed="training",
       evidence=("教师培训学时统计表",), note="由年度基础数据计算：五年360学时培训达标教师 ÷ 专任教师。"),
    _g("G10", "县级教育行政部门在核定的教职工编制总额和岗位总量内，统筹分配各校教职工编制和岗位数量", JUDGEMENT,
       evidence=("编制和岗位统筹分配文件",), note="§4.1.2 第10项 [M]"),
    _g("G11", "全县每年交流轮岗教师的比例不低于符合交流条件教师总数的10%，其中骨干教师不低于交流轮岗教师总数的20%", MIN, "10", "%",
       measure="交流轮岗教师比例", second=Measure("骨干教师占交流轮岗教师比例", MIN, _d("20"), "%"),
       evidence=("交流轮岗名册及文件",), note="§4.1.2 第11项 [I]"),
    _g("G12", "专任教师持有教师资格证上岗率达到100%", MIN, "100", "%", measure="持证上岗率", computed="certified",
       evidence=("教师资格证统计表",), note="由年度基础数据计算：持教师资格证教师 ÷ 专任教师。"),
    _g("G13", "城区和镇区公办小学、初中（不含寄宿制学校）就近划片入学比例分别达到100%、95%", MIN, "100", "%",
       measure="城区就近划片入学比例", second=Measure("镇区就近划片入学比例", MIN, _d("95"), "%"),
       evidence=("招生入学方案及统计表",), note="§4.1.2 第13项 [I]"),
    _g("G14", "县域内优质高中招生名额分配比例不低于50%，并向农村初中倾斜", MIN, "50", "%", measure="名额分配比例",
       evidence=("高中招生名额分配文件",), note="§4.1.2 第14项 [I]"),
    _g("G15", "县域内留守儿童关爱体系健全，全部适龄残疾儿童少年、符合条件的随迁子女在公办学校和政府购买服务的民办学校就读的比例不低于85%",
       MIN, "85", "%", measure="随迁子女在公办学校和政府购买服务的民办学校就读比例",
       evidence=("留守儿童关爱制度文件", "随迁子女就读统计表"), note="§4.1.2 第15项 [I]"),
]

QUALITY = [
    _q("Q1", "全县初中三年巩固率达到95%以上", MIN, "95", "%", measure="初中三年巩固率", evidence=("学籍统计表",),
       note="§4.1.3 第1项 [S]"),
    _q("Q2", "全县残疾儿童少年入学率达到95%以上", MIN, "95", "%", measure="残疾儿童少年入学率", evidence=("残疾儿童入学统计表",),
       note="§4.1.3 第2项 [S]"),
    _q("Q3", "所有学校制定章程，实现学校管理与教学信息化", JUDGEMENT, evidence=("学校章程汇编", "信息化管理情况说明"),
       note="§4.1.3 第3项 [M]"),
    _q("Q4", "所有学校按照不低于学校年度公用经费预算总额的5%安排教师培训经费", MIN, "5", "%",
       measure="教师培训经费占公用经费比例（最低一所）", evidence=("学校经费预算表",), note="§4.1.3 第4项 [I]"),
    _q("Q5", "教师能熟练运用信息化手段组织教学，设施设备利用率达到较高水平", JUDGEMENT, evidence=("信息化教学应用情况说明",),
       note="§4.1.3 第5项 [M]"),
    _q("Q6", "所有学校德育工作、校园文化建设水平达到良好以上", JUDGEMENT, evidence=("德育和校园文化评估结果",),
       note="§4.1.3 第6项 [M]"),
    _q("Q7", "课程开齐开足，教学秩序规范，综合实践活动有效开展", JUDGEMENT, evidence=("课程表及课程实施情况",),
       note="§4.1.3 第7项 [M]"),
    _q("Q8", "无过重课业负担", JUDGEMENT, evidence=("学生课业负担监测报告",), note="§4.1.3 第8项 [M]"),
    _q("Q9", "在国家义务教育质量监测中，相关科目学生学业水平达到Ⅲ级以上，且校际差异率低于0.15", LT, "0.15", "",
       measure="校际差异率", second=Measure("学业水平等级（Ⅲ级记为3）", MIN, _d("3"), " 级"),
       evidence=("国家义务教育质量监测报告",), note="§4.1.3 第9项 [S]"),
]

CONDITIONS_QUALITY = [
    ItemDef("C1", Part.CONDITIONS, "通过基本均衡国家认定满3年", MIN, _d("3"), " 年", measure="认定以来年数",
            computed="since_basic", evidence=("基本均衡国家认定文件",),
            note="由申报年度减去基本均衡认定年份计算（认定日期在本页填写）。[T-Hebei；按全国适用]"),
    ItemDef("C2", Part.CONDITIONS, "基本均衡认定以来年度监测情况良好", JUDGEMENT, evidence=("历年均衡发展监测报告",),
            note="§4.1 申报条件 [T-Hebei]"),
]

VETO_QUALITY = [
    _v("V1", "以考试方式招生", note="一票否决 §4.1.5 [S]"),
    _v("V2", "违规择校", note="一票否决 §4.1.5 [S]"),
    _v("V3", "设置重点学校、重点班", note="一票否决 §4.1.5 [S]"),
    ItemDef("V4", Part.VETO, "社会认可度达不到85%", VETO, computed="recognition", note="一票否决 §4.1.5 [S]：由问卷结果（社会认可度一项）判定。"),
    _v("V5", "教职工编制不足或长期聘用编外教师", note="不予认定 §4.1.5 [M]"),
    _v("V6", "发生重大安全责任事故或严重违规违纪事件", note="不予认定 §4.1.5 [M]"),
    _v("V7", "申报材料弄虚作假", note="不予认定 §4.1.5 [M]"),
]

STANDARD_BASIC = [
    ItemDef("S1", Part.STANDARD, "县域内义务教育学校达到省定办学基本标准", MAX, _d("0"), " 所", measure="未达省定办学基本标准的学校数",
            evidence=("省定办学基本标准达标情况表",), source=SOURCE_2012,
            note="§4.2：省定标准由各省规定（全国申报表允许列 ≤ 10 项）[S/L]。"),
]

ITEMS: dict[str, list[ItemDef]] = {
    DossierKind.QUALITY: [*GUARANTEE, *QUALITY, *CONDITIONS_QUALITY, *VETO_QUALITY],
    DossierKind.BASIC: [*STANDARD_BASIC],
}
PARTS: dict[str, list[str]] = {
    DossierKind.QUALITY: [Part.RESOURCES, Part.GUARANTEE, Part.QUALITY, Part.RECOGNITION, Part.CONDITIONS, Part.VETO],
    DossierKind.BASIC: [Part.STANDARD, Part.RESOURCES, Part.RECOGNITION],
}
PART_NOTES: dict[str, str] = {
    Part.RESOURCES: "读取均衡发展监测的已存结果，不另行计算：每校7项指标至少6项达标、余项不低于标准的85%，且每项指标校际差异系数小学 ≤ 0.50、初中 ≤ 0.45（§4.1.1）。",
    Part.GUARANTEE: "15项全部达标（§4.1.2）。",
    Part.QUALITY: "9项全部达标（§4.1.3）。",
    Part.RECOGNITION: "问卷调查的认可（满意）比例不低于85%，且有效样本达到目标（§4.1.4、§4.2）。",
    Part.CONDITIONS: "通过基本均衡认定满3年，且此后年度监测情况良好（§4.1）。",
    Part.VETO: "任一事项存在即不予认定（§4.1.5）。",
    Part.STANDARD: "学校达到省定办学基本标准（§4.2）。",
}


def item_defs(kind: str) -> list[ItemDef]:
    return ITEMS[kind]


def item_def(kind: str, code: str) -> ItemDef:
    """The item of the kind with this code; KeyError otherwise."""
    for item in ITEMS[kind]:
        if item.code == code:
            return item
    raise KeyError(code)


def entered_defs(kind: str) -> list[ItemDef]:
    """Items a person fills in (not V4, which the questionnaires decide)."""
    return [i for i in ITEMS[kind] if i.computed != "recognition"]
