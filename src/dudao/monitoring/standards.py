"""Balance-evaluation standards as data (domain-rules §4.1.1, §4.2, §9.4), with their sources.

Pure data, no Django: the indicator functions (`indicators.py`), the stored results, the CLI and
the dashboards all read these objects, so a corrected threshold is changed in one place. Each
number carries the document it comes from, its year, and the evidence grade of domain-rules.md
([T] text seen, [S] secondary, [I] implementations agree, [M] not verified — keep configurable).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

PRIMARY = "primary"
JUNIOR = "junior"
STAGES: tuple[str, ...] = (PRIMARY, JUNIOR)
STAGE_LABELS: dict[str, str] = {PRIMARY: "小学", JUNIOR: "初中"}

QUALITY_2017 = "quality_2017"
BASIC_2012 = "basic_2012"

QUALITY_SOURCE = "县域义务教育优质均衡发展督导评估办法（教督〔2017〕6号）"
BASIC_SOURCE = "县域义务教育均衡发展督导评估暂行办法（2012）"


@dataclass(frozen=True)
class Indicator:
    """One resource indicator: its value per school is `resource ÷ students` (× 100 for "每百名")."""

    code: str
    label: str
    unit: str
    # Per-school standard by stage (value must be ≥ it); None where the scheme sets none nationally.
    standard: dict[str, float] | None
    source: str
    year: int
    grade: str
    how: str  # how the value is computed from the yearly base data (schools.SchoolYearData)
    short: str = ""

    def standard_for(self, stage: str) -> float | None:
        return None if self.standard is None else self.standard.get(stage)


@dataclass(frozen=True)
class Scheme:
    code: str
    label: str
    source: str
    year: int
    indicators: tuple[Indicator, ...]
    # Limit for each single-indicator CV, by stage (优质均衡: every indicator tested separately).
    cv_limit: dict[str, float] | None = None
    cv_limit_grade: str = ""
    # Limit for the composite CV (mean of the single CVs), by stage (基本均衡).
    composite_cv_limit: dict[str, float] | None = None
    composite_cv_limit_grade: str = ""
    # Per-school rule: at least `school_min_met` indicators meet the standard, and every other one
    # reaches `school_rest_ratio` of its standard. None: the scheme has no national per-school rule.
    school_min_met: int | None = None
    school_rest_ratio: float | None = None
    school_rule_grade: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)

    @cached_property
    def codes(self) -> tuple[str, ...]:
        return tuple(i.code for i in self.indicators)

    def indicator(self, code: str) -> Indicator:
        for item in self.indicators:
            if item.code == code:
                return item
        raise KeyError(code)

    def standards_for(self, stage: str) -> dict[str, float] | None:
        """{code: standard} for the stage, or None when the scheme has no per-school standards."""
        if any(i.standard is None for i in self.indicators):
            return None
        return {i.code: i.standard[stage] for i in self.indicators}

    def cv_limit_for(self, stage: str) -> float | None:
        return None if self.cv_limit is None else self.cv_limit[stage]

    def composite_limit_for(self, stage: str) -> float | None:
        return None if self.composite_cv_limit is None else self.composite_cv_limit[stage]


QUALITY = Scheme(
    code=QUALITY_2017,
    label="优质均衡（2017）",
    source=QUALITY_SOURCE,
    year=2017,
    indicators=(
        Indicator("L1", "每百名学生拥有高于规定学历教师数", "人", {PRIMARY: 4.2, JUNIOR: 5.3}, QUALITY_SOURCE, 2017, "T",
                  "小学：专科及以上学历专任教师；初中：本科及以上；÷ 在校生数 × 100", "高于规定学历教师"),
        Indicator("L2", "每百名学生拥有县级以上骨干教师数", "人", {PRIMARY: 1.0, JUNIOR: 1.0}, QUALITY_SOURCE, 2017, "T",
                  "县级及以上骨干教师 ÷ 在校生数 × 100", "骨干教师"),
        Indicator("L3", "每百名学生拥有体育、艺术（美术、音乐）专任教师数", "人", {PRIMARY: 0.9, JUNIOR: 0.9}, QUALITY_SOURCE,
                  2017, "T", "（体育 + 音乐 + 美术专任教师）÷ 在校生数 × 100", "体艺教师"),
        Indicator("L4", "生均教学及辅助用房面积", "㎡", {PRIMARY: 4.5, JUNIOR: 5.8}, QUALITY_SOURCE, 2017, "S",
                  "（教学及辅助用房面积 − 室内体育用房面积）÷ 在校生数", "教学及辅助用房"),
        Indicator("L5", "生均体育运动场馆面积", "㎡", {PRIMARY: 7.5, JUNIOR: 10.2}, QUALITY_SOURCE, 2017, "S",
                  "体育运动场馆面积 ÷ 在校生数", "体育运动场馆"),
        Indicator("L6", "生均教学仪器设备值", "元", {PRIMARY: 2000.0, JUNIOR: 2500.0}, QUALITY_SOURCE, 2017, "S",
                  "教学仪器设备值（万元）× 10000 ÷ 在校生数", "教学仪器设备值"),
        Indicator("L7", "每百名学生拥有网络多媒体教室数", "间", {PRIMARY: 2.3, JUNIOR: 2.4}, QUALITY_SOURCE, 2017, "S",
                  "网络多媒体教室间数 ÷ 在校生数 × 100", "网络多媒体教室"),
    ),
    cv_limit={PRIMARY: 0.50, JUNIOR: 0.45},
    cv_limit_grade="S",
    school_min_met=6,
    school_rest_ratio=0.85,
    school_rule_grade="S",
    notes=(
        "每所学校至少 6 项指标达到标准，余项不低于标准的 85%；",
        "每项指标的校际差异系数：小学 ≤ 0.50，初中 ≤ 0.45；",
        "特殊教育学校、职业学校和在校生不足 50 人的教学点不参加资源配置指标计算。",
    ),
)

BASIC = Scheme(
    code=BASIC_2012,
    label="基本均衡（2012）",
    source=BASIC_SOURCE,
    year=2012,
    indicators=(
        Indicator("B1", "生均教学及辅助用房面积", "㎡", None, BASIC_SOURCE, 2012, "S",
                  "教学及辅助用房面积 ÷ 在校生数", "教学及辅助用房"),
        Indicator("B2", "生均体育运动场馆面积", "㎡", None, BASIC_SOURCE, 2012, "S",
                  "体育运动场馆面积 ÷ 在校生数", "体育运动场馆"),
        Indicator("B3", "生均教学仪器设备值", "元", None, BASIC_SOURCE, 2012, "S",
                  "教学仪器设备值（万元）× 10000 ÷ 在校生数", "教学仪器设备值"),
        Indicator("B4", "每百名学生拥有计算机台数", "台", None, BASIC_SOURCE, 2012, "S",
                  "计算机台数 ÷ 在校生数 × 100", "计算机"),
        Indicator("B5", "生均图书册数", "册", None, BASIC_SOURCE, 2012, "S", "图书册数 ÷ 在校生数", "图书"),
        Indicator("B6", "师生比（每百名学生拥有专任教师数）", "人", None, BASIC_SOURCE, 2012, "S",
                  "专任教师数 ÷ 在校生数 × 100", "师生比"),
        Indicator("B7", "每百名学生拥有高于规定学历教师数", "人", None, BASIC_SOURCE, 2012, "S",
                  "小学：专科及以上；初中：本科及以上；÷ 在校生数 × 100", "高于规定学历教师"),
        Indicator("B8", "每百名学生拥有中级及以上专业技术职务教师数", "人", None, BASIC_SOURCE, 2012, "S",
                  "（中级 + 高级职称教师）÷ 在校生数 × 100", "中级及以上职称教师"),
    ),
    composite_cv_limit={PRIMARY: 0.65, JUNIOR: 0.55},
    composite_cv_limit_grade="M",
    notes=(
        "综合差异系数 = 8 项单项差异系数的算术平均值：小学 ≤ 0.65，初中 ≤ 0.55（阈值待核实原文）；",
        "各校是否达到省定办学基本标准由各省规定，本办法不设全国统一的单校标准；",
        "民办学校、非县属学校（省市直属、高校附属、企业办）和教学点不纳入计算。",
    ),
)

SCHEMES: dict[str, Scheme] = {QUALITY.code: QUALITY, BASIC.code: BASIC}
DEFAULT_SCHEME = QUALITY_2017

# Scope rules (domain-rules §4.1 and §4.2): which schools the resource indicators count.
TEACHING_POINT_MIN_STUDENTS = 50  # 优质均衡: 教学点 with fewer students are left out

# Multi-stage schools (domain-rules §4.3, §9.4(e)): weights of a pupil of each stage when a whole
# school's resource totals are split into stage sections. primary : junior : senior = 1 : 1.1 : 1.32,
# which gives junior : senior = 1 : 1.2 for a complete secondary school. [L/S] Source:
# 省级均衡发展差异系数计算说明（九年一贯制 1:1.1；完全中学 1:1.2；十二年一贯制 1:1.1:1.32）
STAGE_SPLIT_WEIGHTS: dict[str, float] = {PRIMARY: 1.0, JUNIOR: 1.1, "senior": 1.32}


def get_scheme(code: str | None) -> Scheme:
    """The scheme with this code (None: the default, 优质均衡); KeyError names the valid codes."""
    key = code or DEFAULT_SCHEME
    try:
        return SCHEMES[key]
    except KeyError:
        raise KeyError(f"未知的评估办法“{key}”：可选 {', '.join(SCHEMES)}") from None
