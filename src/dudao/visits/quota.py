"""Quota rules as data: the national defaults and seed 001's Hunan values, with their sources.

Resolution: for an office, a zone level, a metric and a period kind, the rule of the nearest
office up the tree (county → city → province) wins; without one, the national default applies.
Among versions, the one in force on the period's first day is used — so a changed rule never
rewrites the past.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.db.models import Q

from dudao.core.sources import LEGACY
from dudao.regions.models import Office
from dudao.regions.selectors import offices_above
from dudao.visits.models import QuotaMetric, QuotaPeriod, QuotaRule

# (zone level, supervisor kind, metric, period, required, source) — domain-rules §9.3
NATIONAL_DEFAULTS = [
    ("county", "", QuotaMetric.VISITS_PER_ASSIGNED_SCHOOL, QuotaPeriod.MONTH, 1,
     LEGACY["中小学校责任督学挂牌督导办法 第六条：每月不得少于1次 [S]"]),
    ("county", "", QuotaMetric.VISITS_PER_ZONE_SCHOOL, QuotaPeriod.SEMESTER, 2,
     LEGACY["教育督导条例 第十四条：每学期不得少于2次 [T]"]),
    # The 挂牌办法 binds every responsible supervisor, so it holds for the 挂牌 schools of city
    # zones too (issue [6]); province-office supervisors (zone level "province") get no default.
    ("city", "", QuotaMetric.VISITS_PER_ASSIGNED_SCHOOL, QuotaPeriod.MONTH, 1,
     "《中小学校责任督学挂牌督导办法》第六条：责任督学对所挂牌学校每月督导不得少于1次"),
]
# Seed 001 (湖南省推进督学责任区工作会议讲话), applied by the Hunan provincial office.
HUNAN_DEFAULTS = [
    ("county", "", QuotaMetric.VISITS_PER_SUPERVISOR, QuotaPeriod.MONTH, 4, LEGACY["湖南：县级责任区督学每月至少到责任区督导4次（种子001）"]),
    ("county", "", QuotaMetric.VISITS_PER_ZONE_SCHOOL, QuotaPeriod.YEAR, 1, LEGACY["湖南：每年应对责任区内所有学校督导1次以上（种子001）"]),
    ("city", "", QuotaMetric.VISITS_PER_COUNTY, QuotaPeriod.MONTH, 1, LEGACY["湖南：市级责任区督学每月至少到所负责的县市区督导1次（种子001）"]),
    ("city", "", QuotaMetric.VISITS_TO_CITY_DIRECT, QuotaPeriod.MONTH, 2, LEGACY["湖南：市级责任区督学每月到市直学校督导2次（种子001）"]),
]
DEFAULTS_VALID_FROM = date(2013, 9, 1)  # 挂牌办法 (2013-09)


@transaction.atomic
def quota_rules_install_defaults() -> int:
    """Install the national defaults and, where a Hunan provincial office exists, seed 001's rules."""
    created = 0

    def ensure(office, zone_level, kind, metric, period, required, source) -> None:
        nonlocal created
        if not QuotaRule.objects.filter(office=office, zone_level=zone_level, supervisor_kind=kind, metric=metric, period=period).exists():
            QuotaRule.objects.create(office=office, zone_level=zone_level, supervisor_kind=kind, metric=metric, period=period,
                                     required=required, source=source, valid_from=DEFAULTS_VALID_FROM)
            created += 1

    for row in NATIONAL_DEFAULTS:
        ensure(None, *row)
    hunan = Office.objects.filter(region__code="43").first()
    if hunan:
        for row in HUNAN_DEFAULTS:
            ensure(hunan, *row)
    return created


@transaction.atomic
def quota_rule_change(*, rule: QuotaRule, required: int, valid_from: date, source: str) -> QuotaRule:
    """A new version from `valid_from`; the old one stays for the periods before."""
    from django.core.exceptions import ValidationError

    if valid_from <= rule.valid_from:
        raise ValidationError({"valid_from": f"新版本的生效日期必须晚于当前版本（{rule.valid_from}）。"})
    rule.valid_to = valid_from.fromordinal(valid_from.toordinal() - 1)
    rule.save(update_fields=["valid_to", "updated_at"])
    return QuotaRule.objects.create(office=rule.office, zone_level=rule.zone_level, supervisor_kind=rule.supervisor_kind,
                                    metric=rule.metric, period=rule.period, required=required, source=source,
                                    valid_from=valid_from, replaces=rule)


@transaction.atomic
def quota_rule_override(*, office: Office, zone_level: str, metric: str, period: str, required: int, valid_from: date,
                        source: str, supervisor_kind: str = "") -> QuotaRule:
    """A region sets its own value (e.g. a county asks for more than the province)."""
    current = QuotaRule.objects.filter(office=office, zone_level=zone_level, metric=metric, period=period,
                                       supervisor_kind=supervisor_kind, valid_to__isnull=True).first()
    if current:
        return quota_rule_change(rule=current, required=required, valid_from=valid_from, source=source)
    return QuotaRule.objects.create(office=office, zone_level=zone_level, supervisor_kind=supervisor_kind, metric=metric,
                                    period=period, required=required, source=source, valid_from=valid_from)


def rules_for(*, office: Office, zone_level: str, period_start: date, supervisor_kind: str = "") -> list[QuotaRule]:
    """The rules that apply, for a period starting on `period_start`, to the office's supervisors
    of a zone level — of one kind (专职/兼职) when given, else the rules for everyone.

    For each (metric, period) the nearest office wins; within one office a rule for the
    supervisor's kind wins over a rule for everyone; without any, the national default applies."""
    in_force = list(QuotaRule.objects.filter(zone_level=zone_level, valid_from__lte=period_start).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=period_start)).select_related("office__region"))
    chosen: dict[tuple[str, str], QuotaRule] = {}
    for owner in [*offices_above(office.region.code), None]:
        mine = [r for r in in_force if r.office_id == (owner.pk if owner else None)]
        for rule in sorted(mine, key=lambda r: r.supervisor_kind == ""):  # kind-specific first
            if rule.supervisor_kind in ("", supervisor_kind):
                chosen.setdefault((rule.metric, rule.period), rule)
    return sorted(chosen.values(), key=lambda r: (r.metric, r.period))
