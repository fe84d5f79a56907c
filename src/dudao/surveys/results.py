"""Results of questionnaires (问卷调查): distributions per question, the satisfaction index per school,
township and county against the survey's pass line (85 %, domain-rules §4.1.4 社会认可度 and §4.2 公众满意度),
comparisons across respondent groups and years, sample progress, and low scores as findings.

The index is one ratio of two sums over stored counts (see docs/surveys-results.md):

    index = Σ satisfied ÷ Σ rated × 100        (voided responses excluded)

where each `Response` carries `rated` (answered items `in_index`, a matrix row counting one) and
`satisfied` (those answered with an option flagged ``"satisfied": true``), counted when it was stored.
Per school and per region this is one GROUP BY over indexed columns, never a loop over responses.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from django.db.models import Count, Sum

from dudao.surveys.models import PASS_LINE, Response, Survey, SurveyLink

if TYPE_CHECKING:
    from dudao.regions.models import Region

CENT = Decimal("0.01")


def rate_of(satisfied: int, rated: int) -> Decimal | None:
    """Σsatisfied ÷ Σrated × 100, two places (half up); None when nothing was rated."""
    if not rated:
        return None
    return (Decimal(satisfied) * 100 / Decimal(rated)).quantize(CENT, rounding=ROUND_HALF_UP)


def passes(rate: Decimal | None, pass_line: Decimal) -> bool | None:
    return None if rate is None else rate >= pass_line


@dataclass(frozen=True)
class Recognition:
    """社会认可度 / 公众满意度 of one county for the county evaluation (evaluations app)."""

    rate: Decimal | None
    valid: int
    target: int
    pass_line: Decimal
    passes: bool | None
    surveys: list[int] = field(default_factory=list)


def county_recognition(region: Region, *, year: int, kind: str) -> Recognition:
    """The recognition rate of a county over every survey of `kind` held in `year` whose region is the
    county or inside it (a township's survey counts for its county). Not scoped: the caller (the
    county evaluation) decides who sees the dossier. Valid responses are the ones not voided; the pass
    line is the strictest of the surveys' (85 % by default)."""
    surveys = list(Survey.objects.filter(kind=kind, year=year, region__code__startswith=region.code)
                   .order_by("id").values_list("id", "pass_line"))
    ids = [pk for pk, _line in surveys]
    pass_line = max((line for _pk, line in surveys), default=PASS_LINE)
    if not ids:
        return Recognition(rate=None, valid=0, target=0, pass_line=pass_line, passes=None, surveys=[])
    sums = Response.objects.filter(survey_id__in=ids, voided=False).aggregate(
        n=Count("id"), rated=Sum("rated"), satisfied=Sum("satisfied"))
    target = SurveyLink.objects.filter(survey_id__in=ids).aggregate(t=Sum("target"))["t"] or 0
    rate = rate_of(sums["satisfied"] or 0, sums["rated"] or 0)
    return Recognition(rate=rate, valid=sums["n"] or 0, target=target, pass_line=pass_line,
                       passes=passes(rate, pass_line), surveys=ids)


__all__ = ["Recognition", "county_recognition", "passes", "rate_of"]
