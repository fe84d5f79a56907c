"""Forms of the office's pages: a region's own quota value (visits/quota.py keeps the versions)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dudao.visits.models import QuotaMetric, QuotaPeriod

ZONE_LEVEL_LABELS = {"city": _("市级责任区督学"), "county": _("县级责任区督学"), "province": _("省级督学（随访督导）")}
# Metrics that only make sense for city-zone supervisors (seed 001: counties they answer for, city-direct schools).
CITY_ONLY_METRICS = {QuotaMetric.VISITS_PER_COUNTY, QuotaMetric.VISITS_TO_CITY_DIRECT}
KIND_CHOICES = [("", _("全部督学")), ("full_time", _("专职督学")), ("part_time", _("兼职督学"))]


class QuotaOverrideForm(forms.Form):
    zone_level = forms.ChoiceField(label=_("适用督学"))
    supervisor_kind = forms.ChoiceField(label=_("督学类别"), choices=KIND_CHOICES, required=False)
    metric = forms.ChoiceField(label=_("统计口径"), choices=QuotaMetric.choices)
    period = forms.ChoiceField(label=_("周期"), choices=QuotaPeriod.choices)
    required = forms.IntegerField(label=_("至少次数"), min_value=0, max_value=200)
    valid_from = forms.DateField(label=_("生效日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                                 help_text=_("不早于本月1日：已结束的周期始终按当时的规则统计。"))
    source = forms.CharField(label=_("依据"), max_length=200,
                             help_text=_("文件名称和文号，如：宁乡市教育督导室关于加强责任督学挂牌督导工作的通知"))

    def __init__(self, *args, zone_levels: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["zone_level"].choices = [(level, ZONE_LEVEL_LABELS[level]) for level in zone_levels]

    def clean_valid_from(self):
        day = self.cleaned_data["valid_from"]
        first = timezone.localdate().replace(day=1)
        if day < first:
            raise forms.ValidationError(_("生效日期不能早于 %(day)s：已结束的周期不能改用新规则。") % {"day": first})
        return day

    def clean_source(self):
        source = self.cleaned_data["source"].strip()
        if not source:
            raise forms.ValidationError(_("请填写依据（文件名称和文号）。"))
        return source

    def clean(self):
        data = super().clean()
        if data.get("zone_level") != "city" and data.get("metric") in CITY_ONLY_METRICS:
            self.add_error("metric", _("“%(metric)s”只适用于市级责任区督学。") % {"metric": QuotaMetric(data["metric"]).label})
        return data
