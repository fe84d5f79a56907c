"""Forms of the evaluations pages: a new dossier, one item's entry, an upload, a step's comment."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from dudao.evaluations.items import JUDGEMENT, VETO, DossierKind, ItemDef

YES_NO = [("", _("请选择")), ("1", _("是")), ("0", _("否"))]


class DossierCreateForm(forms.Form):
    region = forms.ModelChoiceField(queryset=None, label=_("县（市、区）"), empty_label=None)
    kind = forms.ChoiceField(label=_("评估类型"), choices=DossierKind.choices)
    year = forms.IntegerField(label=_("申报年度（监测学年）"), min_value=2012, max_value=2100)
    basic_passed_on = forms.DateField(label=_("通过基本均衡国家认定日期"), required=False,
                                      widget=forms.DateInput(attrs={"type": "date"}))
    survey_year = forms.IntegerField(label=_("问卷调查年度"), required=False, min_value=2012, max_value=2100,
                                     help_text=_("社会认可度读取该年度的问卷调查；空：同申报年度"))

    def __init__(self, *args, counties, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = counties


class ItemForm(forms.Form):
    """The fields an item takes: its number(s) or its yes/no, a note; C1 also the recognition date."""

    value = forms.DecimalField(label=_("数值"), required=False, max_digits=14, decimal_places=4)
    value2 = forms.DecimalField(label=_("第二项数值"), required=False, max_digits=14, decimal_places=4)
    met = forms.TypedChoiceField(label=_("是否达标"), required=False, choices=YES_NO,
                                 coerce=lambda v: v == "1", empty_value=None)
    note = forms.CharField(label=_("说明"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    basic_passed_on = forms.DateField(label=_("通过基本均衡国家认定日期"), required=False,
                                      widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, item: ItemDef, computed: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.item = item
        if item.code != "C1":
            del self.fields["basic_passed_on"]
        if computed or item.code == "C1":
            for name in ("value", "value2", "met"):
                del self.fields[name]
            return
        if item.rule in (JUDGEMENT, VETO):
            del self.fields["value"], self.fields["value2"]
            self.fields["met"].label = _("是否存在该情形") if item.rule == VETO else _("是否达到要求")
        else:
            del self.fields["met"]
            self.fields["value"].label = f"{item.measure}（{item.unit.strip() or _('数值')}）"
            if item.second is None:
                del self.fields["value2"]
            else:
                self.fields["value2"].label = f"{item.second.label}（{item.second.unit.strip() or _('数值')}）"


class EvidenceForm(forms.Form):
    file = forms.FileField(label=_("佐证材料"), help_text=_("JPG、PNG、WebP 图片或 PDF、Word（docx）、Excel（xlsx），单个不超过 10 MB"))


class StepForm(forms.Form):
    note = forms.CharField(label=_("意见"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class CampaignForm(forms.Form):
    campaign = forms.ModelChoiceField(queryset=None, label=_("省级实地核查（督政项目）"), required=False)

    def __init__(self, *args, campaigns, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = campaigns
