"""HTML input of the library's pages (parsing only; the services check and write)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from dudao.frameworks.models import FrameworkShape, Method, ScoringType, Weighting

MAX_TEXT = 4000


class FrameworkForm(forms.Form):
    owner = forms.ModelChoiceField(label=_("所属督导室"), queryset=None, empty_label=None)
    name = forms.CharField(label=_("名称"), max_length=200)
    shape = forms.ChoiceField(label=_("形式"), choices=FrameworkShape.choices)
    weighting = forms.ChoiceField(label=_("计分方式"), choices=Weighting.choices)
    total_score = forms.DecimalField(label=_("总分"), required=False, min_value=0, max_digits=8, decimal_places=2,
                                     help_text=_("分值累加时为一级指标分值之和；可留空，发布时自动计算"))
    topic = forms.CharField(label=_("主题"), max_length=64, required=False)
    source = forms.CharField(label=_("来源"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=MAX_TEXT)
    description = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=MAX_TEXT)
    file = forms.FileField(label=_("从 Excel 导入指标（可选）"), required=False,
                           help_text=_("使用导出的文件格式；全部校验通过才会保存"))

    def __init__(self, *args, offices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = offices


class FrameworkInfoForm(forms.Form):
    """The framework's description (any time) and the draft's settings."""

    name = forms.CharField(label=_("名称"), max_length=200)
    topic = forms.CharField(label=_("主题"), max_length=64, required=False)
    source = forms.CharField(label=_("来源"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=MAX_TEXT)
    description = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=MAX_TEXT)
    weighting = forms.ChoiceField(label=_("计分方式"), choices=Weighting.choices)
    total_score = forms.DecimalField(label=_("总分"), required=False, min_value=0, max_digits=8, decimal_places=2)
    note = forms.CharField(label=_("版本说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=MAX_TEXT)
    grade_bands = forms.CharField(
        label=_("等级线"), required=False, max_length=500,
        help_text=_("每个等级写“名称:最低分”，用分号分隔，如 优秀:90;良好:80;合格:60;不合格:0"))


class IndicatorForm(forms.Form):
    parent = forms.ChoiceField(label=_("上级指标"), required=False)
    code = forms.CharField(label=_("编号"), max_length=32)
    text = forms.CharField(label=_("内容"), widget=forms.Textarea(attrs={"rows": 2}), max_length=MAX_TEXT)
    scoring = forms.ChoiceField(label=_("评分类型"), choices=[("", _("（分组，不评分）")), *ScoringType.choices], required=False)
    max_score = forms.DecimalField(label=_("分值"), required=False, min_value=0, max_digits=8, decimal_places=2)
    weight = forms.DecimalField(label=_("权重"), required=False, min_value=0, max_value=1, max_digits=6, decimal_places=4,
                                help_text=_("百分制乘权重时填写，同级权重之和为 1"))
    levels = forms.CharField(label=_("等级"), required=False, max_length=1000,
                             help_text=_("如 好:10;中:6;差:2，可加描述：好:10:开齐开足"))
    evidence = forms.CharField(label=_("佐证材料"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                               max_length=MAX_TEXT, help_text=_("每行一项"))
    methods = forms.MultipleChoiceField(label=_("检查方式"), choices=Method.choices, required=False,
                                        widget=forms.CheckboxSelectMultiple)
    scoring_rule = forms.CharField(label=_("评分办法"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=MAX_TEXT)
    is_veto = forms.BooleanField(label=_("一票否决"), required=False)
    is_key = forms.BooleanField(label=_("重点项"), required=False)
    active = forms.BooleanField(label=_("启用"), required=False, initial=True)
    note = forms.CharField(label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=MAX_TEXT)
    order = forms.IntegerField(label=_("顺序"), required=False, min_value=0)

    def __init__(self, *args, parents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].choices = [("", _("（一级指标）")), *[(str(p.pk), f"{p.code} {p.text[:30]}") for p in parents]]


class CopyForm(forms.Form):
    owner = forms.ModelChoiceField(label=_("复制到"), queryset=None, empty_label=None)
    name = forms.CharField(label=_("新名称"), max_length=200, required=False)

    def __init__(self, *args, offices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = offices


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Excel 文件"), help_text=_("使用导出的文件格式；导入将替换草稿版本的全部指标和等级线"))
