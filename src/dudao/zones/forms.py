from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dudao.supervisors.models import Supervisor
from dudao.zones.models import Zone


class ZoneForm(forms.Form):
    name = forms.CharField(label=_("责任区名称"), max_length=64)
    head = forms.ModelChoiceField(label=_("责任区主任"), queryset=Supervisor.objects.none(), required=False)
    members = forms.ModelMultipleChoiceField(label=_("成员督学"), queryset=Supervisor.objects.none(), required=False,
                                             widget=forms.SelectMultiple(attrs={"size": 10}))
    office_address = forms.CharField(label=_("办公地点"), max_length=200, required=False)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)

    def __init__(self, *args, office, **kwargs):
        super().__init__(*args, **kwargs)
        team = Supervisor.objects.filter(office=office).active().order_by("kind", "name")
        self.fields["head"].queryset = team
        self.fields["members"].queryset = team
        self.fields["head"].label_from_instance = self.fields["members"].label_from_instance = (
            lambda s: f"{s.name}（{s.get_kind_display()}）"
        )


class AddSchoolsForm(forms.Form):
    school_ids = forms.TypedMultipleChoiceField(label=_("未划入责任区的学校"), coerce=int, required=False,
                                                widget=forms.CheckboxSelectMultiple)
    codes = forms.CharField(label=_("或填写学校标识码"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                            help_text=_("多个用逗号或换行分隔"))
    move = forms.BooleanField(label=_("已在其他责任区的学校改划到本责任区"), required=False)

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school_ids"].choices = [(s.pk, f"{s.name}（{s.get_kind_display()}）") for s in candidates]

    def codes_list(self) -> list[str]:
        raw = self.cleaned_data.get("codes", "")
        return [c.strip() for c in raw.replace("，", ",").replace("\n", ",").split(",") if c.strip()]

    def clean(self):
        data = super().clean()
        if not data.get("school_ids") and not self.codes_list():
            raise forms.ValidationError(_("请勾选学校或填写学校标识码。"))
        return data


class AssignForm(forms.Form):
    supervisor = forms.ModelChoiceField(label=_("责任督学"), queryset=Supervisor.objects.none())
    starts_on = forms.DateField(label=_("开始日期"), initial=timezone.localdate, widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    replace = forms.BooleanField(label=_("替换现任责任督学（现任的挂牌在前一天结束）"), required=False)
    reason = forms.CharField(label=_("原因"), max_length=200, required=False)

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supervisor"].queryset = candidates
        self.fields["supervisor"].label_from_instance = lambda s: f"{s.name}（{s.get_kind_display()}·{s.office.region.name}）"


class EndAssignmentForm(forms.Form):
    ends_on = forms.DateField(label=_("结束日期"), initial=timezone.localdate, widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    reason = forms.CharField(label=_("原因"), max_length=200)


class JoinZoneForm(forms.Form):
    zone = forms.ModelChoiceField(label=_("责任区"), queryset=Zone.objects.none())
    move = forms.BooleanField(label=_("从原责任区改划"), required=False)

    def __init__(self, *args, zones, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["zone"].queryset = zones
