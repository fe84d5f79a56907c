from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from dudao.governance.models import GovernmentUnit, Opinion, RecheckResult, UnitKind


class UnitForm(forms.Form):
    region = forms.ChoiceField(label=_("所在区划"))
    name = forms.CharField(label=_("单位名称"), max_length=200)
    kind = forms.ChoiceField(label=_("类别"), choices=UnitKind.choices)
    parent = forms.ModelChoiceField(label=_("所属政府"), queryset=GovernmentUnit.objects.none(), required=False,
                                    help_text=_("政府部门必填，如 宁乡市教育局 属于 宁乡市人民政府。"))
    contact = forms.CharField(label=_("联系人"), max_length=50, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=30, required=False)
    active = forms.BooleanField(label=_("启用"), required=False, initial=True)

    def __init__(self, *args, regions=(), units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [(r.code, f"{r.code} {r.name}") for r in regions]
        if units is not None:
            self.fields["parent"].queryset = units.filter(kind=UnitKind.GOVERNMENT)


class OpinionForm(forms.ModelForm):
    class Meta:
        model = Opinion
        # 发文字号 and 成文日期 come from the document engine at 签发 (governance/documents.py)
        fields = ["basis", "process", "overall", "strengths", "problems", "requirements", "deadline"]
        widgets = {
            "basis": forms.Textarea(attrs={"rows": 2}), "process": forms.Textarea(attrs={"rows": 3}),
            "overall": forms.Textarea(attrs={"rows": 2}), "strengths": forms.Textarea(attrs={"rows": 4}),
            "problems": forms.Textarea(attrs={"rows": 5}), "requirements": forms.Textarea(attrs={"rows": 3}),
            "deadline": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }


class RecheckForm(forms.Form):
    result = forms.ChoiceField(label=_("复查结论"), choices=RecheckResult.choices, widget=forms.RadioSelect)
    note = forms.CharField(label=_("复查情况"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    checked_on = forms.DateField(label=_("复查日期"), required=False,
                                 widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
