"""The staff form of a 公示 (create and edit). The rules (period, dates, files) are the services'; the
form only parses, so a page and any later API give the same Chinese messages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from dudao.portal import rules


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ",".join(f".{e}" for e in rules.ATTACHMENT_EXTENSIONS)}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class PublicityForm(forms.Form):
    office = forms.ModelChoiceField(label=_("督导室"), queryset=None, empty_label=None)
    kind = forms.ChoiceField(label=_("公示事项"), choices=rules.PublicityKind.choices)
    title = forms.CharField(label=_("标题"), max_length=200)
    body = forms.CharField(label=_("公示内容"), max_length=20000, widget=forms.Textarea(attrs={"rows": 10}),
                           help_text=_("每段一行；名单可逐行列出。"))
    starts_on = forms.DateField(label=_("公示开始日期"), widget=DateInput())
    ends_on = forms.DateField(label=_("公示结束日期"), widget=DateInput(),
                              help_text=_("公示期按工作日计算（周末和法定节假日不计），督学聘任不少于 7 个工作日。"))
    contact = forms.CharField(label=_("意见反映方式"), max_length=200, required=False,
                              help_text=_("例如：公示期间如有异议，请致电 0731-xxxxxxxx 或来信反映"))
    attachments = MultipleFileField(label=_("附件"), required=False,
                                    help_text=_("可选，最多 5 个：PDF、Word、Excel 或图片，每个不超过 20 MB。"))

    def __init__(self, *args, offices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = offices
        self.fields["office"].label_from_instance = lambda o: o.name
