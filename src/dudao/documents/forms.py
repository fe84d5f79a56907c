from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from dudao.documents.models import DocumentKind
from dudao.schools.models import School


class CreateForm(forms.Form):
    office = forms.ChoiceField(label=_("督导室"))
    kind = forms.ChoiceField(label=_("文种"), choices=DocumentKind.choices)
    title = forms.CharField(label=_("标题"), max_length=200, required=False,
                            help_text=_("不填则按本督导室的模板生成，稿件中的〔 〕处请逐一填写。"))

    def __init__(self, *args, offices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].choices = [(str(o.pk), o.name) for o in offices]


class EditForm(forms.Form):
    """A draft (or, with `reason`, a new version of an issued document). The body is text; data
    blocks stand as marker lines (documents/editing.py)."""

    title = forms.CharField(label=_("标题"), max_length=200)
    masthead = forms.CharField(label=_("发文机关标志"), max_length=100)
    addressee = forms.CharField(label=_("主送机关"), max_length=300, required=False)
    body = forms.CharField(label=_("正文"), required=False, widget=forms.Textarea(attrs={"rows": 18}),
                           help_text=_("“一、”开头的行为一级标题，“（一）”开头的行为二级标题，其余每行为一段。"
                                       "【表格·…】【图表·…】行是系统生成的数据，可移动位置，不能删除或修改。"))
    attachments = forms.CharField(label=_("附件名称"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                                  help_text=_("每行一个附件名称，无需编号。"))
    signatory = forms.CharField(label=_("署名"), max_length=100, required=False)
    note = forms.CharField(label=_("附注"), max_length=200, required=False)
    cc = forms.CharField(label=_("抄送机关"), max_length=300, required=False)
    printer = forms.CharField(label=_("印发机关"), max_length=100, required=False)
    upward = forms.BooleanField(label=_("上行文（标注签发人）"), required=False)
    signer_name = forms.CharField(label=_("签发人"), max_length=32, required=False)
    schools = forms.ModelMultipleChoiceField(
        label=_("收文学校"), queryset=School.objects.none(), required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("送达后，所选学校可以阅读本文并留下阅读回执；按住 Ctrl 可多选。"))

    def __init__(self, *args, schools=None, **kwargs):
        super().__init__(*args, **kwargs)
        if "schools" in self.fields:
            self.fields["schools"].queryset = schools if schools is not None else School.objects.none()

    def clean(self):
        data = super().clean()
        if data.get("upward") and not (data.get("signer_name") or "").strip():
            self.add_error("signer_name", _("上行文须填写签发人。"))
        return data


class RevisionForm(EditForm):
    schools = None  # an issued document keeps the units it went to
    reason = forms.CharField(label=_("修改说明"), max_length=200,
                             help_text=_("修订将生成新版本，原版本保留；发文字号不变。"))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("退回理由"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class SignForm(forms.Form):
    code = forms.ChoiceField(label=_("机关代字"))

    def __init__(self, *args, codes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].choices = [(c, c) for c in codes]


class TemplateForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=100)
    title = forms.CharField(label=_("标题"), max_length=200, required=False,
                            help_text=_("可使用占位符，例如 {{ school.name }}"))
    masthead = forms.CharField(label=_("发文机关标志"), max_length=100, required=False)
    code = forms.CharField(label=_("机关代字"), max_length=20, required=False, help_text=_("例如：宁教督"))
    body = forms.CharField(label=_("正文模板"), required=False, widget=forms.Textarea(attrs={"rows": 18}))


class SeriesForm(forms.Form):
    office = forms.ChoiceField(label=_("督导室"))
    code = forms.CharField(label=_("机关代字"), max_length=20, help_text=_("例如：宁教督函"))

    def __init__(self, *args, offices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].choices = [(str(o.pk), o.name) for o in offices]
