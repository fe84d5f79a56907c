from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from dudao.bulletins.models import BulletinTone, PeriodKind


class ComputeForm(forms.Form):
    """拟写通报: a campaign, or a period over the office's region subtree (one of the two)."""

    SOURCES = [("campaign", _("督导项目（专项/综合督导）")), ("period", _("通报周期（月度、季度、学期或年度）"))]

    office = forms.ChoiceField(label=_("督导室"))
    source = forms.ChoiceField(label=_("通报依据"), choices=SOURCES, initial="campaign", widget=forms.RadioSelect)
    campaign = forms.ChoiceField(label=_("督导项目"), required=False)
    period_kind = forms.ChoiceField(label=_("通报周期"), required=False,
                                    choices=[("", "—")] + list(PeriodKind.choices))
    day = forms.DateField(label=_("周期内任一日期"), required=False,
                          help_text=_("例如选择 2026-11-15 与“月度”，即通报 2026年11月。"),
                          widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    tone = forms.ChoiceField(label=_("通报类型"), choices=BulletinTone.choices, initial=BulletinTone.SITUATION)

    def __init__(self, *args, offices=(), campaigns=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].choices = [(str(o.pk), o.name) for o in offices]
        if len(offices) == 1:
            self.fields["office"].initial = str(offices[0].pk)
        self.fields["campaign"].choices = [("", "—")] + [(str(c.pk), f"{c.year} {c.name}") for c in campaigns]

    def clean(self):
        data = super().clean()
        if data.get("source") == "campaign":
            if not data.get("campaign"):
                self.add_error("campaign", _("请选择要通报的督导项目。"))
            data["period_kind"], data["day"] = "", None
        elif data.get("source") == "period":
            if not data.get("period_kind"):
                self.add_error("period_kind", _("请选择通报周期（月度、季度、学期或年度）。"))
            if not data.get("day"):
                self.add_error("day", _("请选择通报周期内的任一日期。"))
            data["campaign"] = ""
        return data
