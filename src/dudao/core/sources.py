"""Where a rule or a list entry comes from, as users read it: a document's title, its 文号 and the
article — never the project's internal labels (seed numbers, evidence grades such as [S], or
sections of docs/domain-rules.md). Every user-visible "依据" of shipped defaults is built here.

`LEGACY` maps the labels stored by earlier versions to these titles; migration
system/0002_polish_source_titles rewrites stored rows with it.
"""

from __future__ import annotations

import re

# Short name (as in domain-rules.md's table of documents) -> the title users read.
DOCUMENTS: dict[str, str] = {
    "条例": "《教育督导条例》（国务院令第624号）",
    "责任区意见": "《教育部关于加强督学责任区建设的意见》（教督〔2012〕7号）",
    "挂牌办法": "《中小学校责任督学挂牌督导办法》（国教督办〔2013〕7号）",
    "督学办法": "《督学管理暂行办法》（教督〔2016〕2号）",
    "基本均衡办法": "《县域义务教育均衡发展督导评估暂行办法》（教督〔2012〕3号）",
    "优质均衡办法": "《县域义务教育优质均衡发展督导评估办法》（教督〔2017〕6号）",
    "问责办法": "《教育督导问责办法》（国教督〔2021〕2号）",
    # Seed 001: the Hunan provincial meeting on supervision zones (a local rule, not national).
    "湖南": "湖南省推进督学责任区工作会议部署（地方要求）",
    # Seed 002: a county office's working practice (a local example, not a rule).
    "县级实践": "县级教育督导室工作实践（地方做法）",
}
LOCAL_DEFAULT = "本地默认值（非国家规定，督导室可修改）"
SCHOOL_CLASSIFICATION = "教育事业统计学校（机构）分类"

_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 14 → 十四, 24 → 二十四 (article numbers up to 99)."""
    if n < 10:
        return _DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _DIGITS[tens]) + "十" + ("" if ones == 0 else _DIGITS[ones])


def cite(document: str, article: int | None = None, item: str = "", note: str = "") -> str:
    """《title》（文号）第N条第M项：note — `document` is a key of DOCUMENTS."""
    text = DOCUMENTS[document]
    if article is not None:
        text += f"第{chinese_number(article)}条"
    if item:
        text += "第" + re.sub(r"\d+", lambda m: chinese_number(int(m.group())), item) + "项"
    if note:
        text += f"：{note}"
    return text


def join(*parts: str) -> str:
    return "；".join(p for p in parts if p)


# Labels stored by earlier versions (dictionaries, policies, ladders, quota rules) -> titles.
LEGACY: dict[str, str] = {
    "挂牌办法 第6条；湖南（种子001）": join(cite("挂牌办法", 6), DOCUMENTS["湖南"]),
    "种子002": DOCUMENTS["县级实践"],
    "湖南（种子001）": DOCUMENTS["湖南"],
    "教育督导问责办法（国教督〔2021〕2号）[S]": DOCUMENTS["问责办法"],
    "domain-rules §9.1": SCHOOL_CLASSIFICATION,
    "domain-rules §1.8 [L]：整改报告30日内报送、异议答复30日内作出（地方规定，作默认值，可修改）":
        "地方规定：整改报告30日内报送、异议答复30日内作出（作默认值，督导室可修改）",
    "本地默认值（非国家规定，可在设置中修改）：逾期30天约谈（问责办法 §6.1 [S]）":
        LOCAL_DEFAULT + "：逾期30天约谈（" + DOCUMENTS["问责办法"] + "规定的问责方式）",
    "本地默认值（非国家规定，可在设置中修改）：逾期60天督导通报（问责办法 §6.1 [S]）":
        LOCAL_DEFAULT + "：逾期60天督导通报（" + DOCUMENTS["问责办法"] + "规定的问责方式）",
    "本地默认值（非国家规定，可在设置中修改）：逾期90天移交问责（问责办法 §6.1 [S]）":
        LOCAL_DEFAULT + "：逾期90天移交问责（" + DOCUMENTS["问责办法"] + "）",
    "本地默认值（domain-rules §9.1：投诉答复时限由地方规定），督导室可修改":
        LOCAL_DEFAULT + "：投诉答复时限由地方规定",
    # visits/quota.py (kept in step by the helper who owns that file)
    "中小学校责任督学挂牌督导办法 第六条：每月不得少于1次 [S]": cite("挂牌办法", 6, note="每月不得少于1次"),
    "教育督导条例 第十四条：每学期不得少于2次 [T]": cite("条例", 14, note="每学期不得少于2次"),
    "湖南：县级责任区督学每月至少到责任区督导4次（种子001）": DOCUMENTS["湖南"] + "：县级责任区督学每月至少到责任区督导4次",
    "湖南：每年应对责任区内所有学校督导1次以上（种子001）": DOCUMENTS["湖南"] + "：每年应对责任区内所有学校督导1次以上",
    "湖南：市级责任区督学每月至少到所负责的县市区督导1次（种子001）": DOCUMENTS["湖南"] + "：市级责任区督学每月至少到所负责的县市区督导1次",
    "湖南：市级责任区督学每月到市直学校督导2次（种子001）": DOCUMENTS["湖南"] + "：市级责任区督学每月到市直学校督导2次",
}

# What must never reach a user: seed numbers, evidence grades, the project's own documents.
INTERNAL_LABEL = re.compile(r"种子\s*0\d\d|seed 0\d\d|\[[STLIM]\]|domain-rules|frameworks\.md|requirements\.md|§\s*\d")


_SHORT_ARTICLE = re.compile(r"^(挂牌办法|条例) 第(\d+)条(?:第([\d、]+)项)?$")


def readable(source: str) -> str:
    """A stored source as users read it: the title for a known legacy label (or a short
    "挂牌办法 第4条第6项"), else unchanged."""
    if source in LEGACY:
        return LEGACY[source]
    match = _SHORT_ARTICLE.match(source)
    if match:
        return cite(match.group(1), int(match.group(2)), item=match.group(3) or "")
    if source == "问责办法":
        return DOCUMENTS["问责办法"]
    return source
