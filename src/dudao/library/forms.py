from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from dudao.library.models import Audience, PolicyCategory, PolicyStatus


class PolicyForm(forms.Form):
    title = forms.CharField(label=_("标题"), max_length=200)
    number = forms.CharField(label=_("文号"), max_length=60, required=False, help_text=_("例如：湘教督〔2024〕3号"))
    issuer = forms.CharField(label=_("发布机关"), max_length=100)
    category = forms.ChoiceField(label=_("类别"), choices=PolicyCategory.choices, initial=PolicyCategory.LOCAL)
    issued_on = forms.DateField(label=_("发布日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    effective_on = forms.DateField(label=_("施行日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    status = forms.ChoiceField(label=_("效力"), choices=PolicyStatus.choices, initial=PolicyStatus.VALID)
    summary = forms.CharField(label=_("摘要"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    full_text = forms.CharField(label=_("全文"), required=False, widget=forms.Textarea(attrs={"rows": 12}),
                                help_text=_("粘贴全文后可按全文检索"))
    source = forms.CharField(label=_("来源"), max_length=300, required=False)
    attachment = forms.FileField(label=_("附件"), required=False,
                                 help_text=_("PDF、Word（docx）、Excel（xlsx）或图片，不超过 10 MB"))


class NoticeForm(forms.Form):
    title = forms.CharField(label=_("标题"), max_length=200)
    body = forms.CharField(label=_("正文"), widget=forms.Textarea(attrs={"rows": 10}))
    audience = forms.ChoiceField(label=_("发送范围"), choices=Audience.choices, initial=Audience.ALL)
    pinned = forms.BooleanField(label=_("置顶"), required=False)
    attachment = forms.FileField(label=_("附件"), required=False,
                                 help_text=_("PDF、Word（docx）、Excel（xlsx）或图片，不超过 10 MB"))


def with_office(form: forms.Form, offices: list) -> forms.Form:
    """An office choice in front of the form when the person keeps several offices' libraries."""
    if len(offices) > 1:
        form.fields = {"office": forms.ChoiceField(label=_("督导室"), choices=[(o.pk, o.name) for o in offices]),
                       **form.fields}
    return form
