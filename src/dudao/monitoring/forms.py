"""Forms of the monitoring pages: warnings → findings (one requirement and deadline for many)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dudao.findings.models import FindingSeverity

DEFAULT_REQUIREMENT = _("请对照均衡发展监测指标，制定整改方案，补足未达标的办学条件，并在整改期限前报送整改情况和佐证材料。")


class WarningsForm(forms.Form):
    """Which of the listed warnings to turn into findings, and the one requirement and deadline."""

    selected = forms.MultipleChoiceField(
        label=_("转为整改任务"), widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("请至少选择一所学校或一个县（市、区）。"),
                        "invalid_choice": _("所选项目已不在预警名单中（可能已生成整改任务或结果已更新），请刷新页面后重试。")},
    )
    requirement = forms.CharField(label=_("整改要求"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}),
                                  error_messages={"required": _("请填写整改要求。")})
    deadline = forms.DateField(label=_("整改期限"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                               error_messages={"required": _("请填写整改期限。"), "invalid": _("请填写有效的日期。")})
    severity = forms.ChoiceField(label=_("严重程度"), choices=FindingSeverity.choices, initial=FindingSeverity.NORMAL)

    def __init__(self, *args, choices: list[tuple[str, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["selected"].choices = choices

    def clean_requirement(self) -> str:
        text = self.cleaned_data["requirement"].strip()
        if not text:
            raise forms.ValidationError(_("请填写整改要求。"))
        return text

    def clean_deadline(self):
        day = self.cleaned_data["deadline"]
        if day < timezone.localdate():
            raise forms.ValidationError(_("整改期限不能早于今天。"))
        return day
