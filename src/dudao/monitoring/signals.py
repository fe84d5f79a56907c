"""Base data or a school's basics changed → ask for a (debounced) recompute of the school's county.

Only single-row saves and deletes send signals; bulk writes (imports, the demo) do not, and the
import engine calls `services.monitoring_after_import` once per finished import instead.
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save


def _year_data_changed(sender, instance, **kwargs) -> None:
    from dudao.monitoring.services import MONITORED_STAGES, monitoring_request_recompute
    from dudao.schools.models import School

    if instance.stage not in MONITORED_STAGES:
        return
    code = School.objects.filter(pk=instance.school_id).values_list("region_code", flat=True).first()
    if code is None:  # the school itself is being deleted: its results go with it (CASCADE)
        return
    monitoring_request_recompute(year=instance.year, region_code=code[:6], trigger="data_change")


def _school_changed(sender, school, changed, old_region_code, **kwargs) -> None:
    """A school's kind, ownership, status or region changed: who is counted may differ, in its old
    county and its new one, for every year the school has monitored data."""
    from dudao.monitoring.services import MONITORED_STAGES, monitoring_request_recompute
    from dudao.schools.models import SchoolYearData

    years = sorted(set(SchoolYearData.objects.filter(school=school, stage__in=MONITORED_STAGES)
                       .values_list("year", flat=True)))
    for county in sorted({old_region_code[:6], school.region_code[:6]}):
        for year in years:
            monitoring_request_recompute(year=year, region_code=county, trigger="school_change")


def connect() -> None:
    from dudao.schools.models import SchoolYearData
    from dudao.schools.signals import school_basics_changed

    post_save.connect(_year_data_changed, sender=SchoolYearData, dispatch_uid="monitoring_year_data_saved")
    post_delete.connect(_year_data_changed, sender=SchoolYearData, dispatch_uid="monitoring_year_data_deleted")
    school_basics_changed.connect(_school_changed, dispatch_uid="monitoring_school_basics_changed")
