"""Links from the monitoring pages to what an app above builds on the results, without importing it.

Monitoring sits below the county evaluation (evaluations app): its resource verdict is one of the
four parts of 优质均衡, not the county's verdict. The evaluations app registers a function (in its
AppConfig.ready) that answers the county's dossier for a region, year and scheme, so the county
page can link to it; monitoring never imports evaluations.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from dudao.people.models import User


@dataclass(frozen=True)
class DossierLink:
    url: str
    label: str


DossierFinder = Callable[..., "DossierLink | None"]
_finders: list[DossierFinder] = []
# What the county verdict of the monitoring results is, in words (it is not the county's 优质均衡 verdict)
RESOURCE_LABELS = {
    "quality_2017": {"pass": _("资源配置指标达标（优质均衡四项之一）"), "fail": _("资源配置指标未达标（优质均衡四项之一）"),
                     "insufficient": _("资源配置数据不足（优质均衡四项之一）")},
    "basic_2012": {"pass": _("资源配置差异系数达标（基本均衡的一部分）"), "fail": _("资源配置差异系数未达标（基本均衡的一部分）"),
                   "insufficient": _("资源配置数据不足（基本均衡的一部分）")},
}


def register_dossier_finder(finder: DossierFinder) -> None:
    if finder not in _finders:
        _finders.append(finder)


def dossier_link(user: User, *, region_code: str, year: int | None, scheme: str) -> DossierLink | None:
    """The county's evaluation dossier the person sees, if an app registered a finder and there is one."""
    if not year:
        return None
    for finder in _finders:
        found = finder(user, region_code=region_code, year=year, scheme=scheme)
        if found is not None:
            return found
    return None


def resource_label(verdict: str, scheme: str) -> str:
    return str(RESOURCE_LABELS.get(scheme, {}).get(verdict, ""))
