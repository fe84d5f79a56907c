"""Forms of draft review (征求意见) and the units' inbox (documents/views_review.py)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from dudao.documents.models import AnswerKind, CommentKind
from dudao.documents.review import MAX_DAYS


class SendForm(forms.Form):
    days = forms.IntegerField(label=_("反馈期限（工作日）"), min_value=1, max_value=MAX_DAYS,
                              help_text=_("从发送次日起算，节假日和周末不计。"))
    note = forms.CharField(label=_("说明"), max_length=500, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}),
                           help_text=_("例如：请重点核对第二部分所列问题是否属实。"))


class CommentForm(forms.Form):
    block_key = forms.CharField(required=False, widget=forms.HiddenInput)
    kind = forms.ChoiceField(label=_("类型"), choices=CommentKind.choices, initial=CommentKind.OPINION,
                             widget=forms.RadioSelect)
    text = forms.CharField(label=_("意见内容"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(label=_("处理结果"), choices=AnswerKind.choices, widget=forms.RadioSelect)
    explanation = forms.CharField(label=_("处理说明"), max_length=2000, required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}),
                                  help_text=_("部分采纳或不采纳时须说明理由。"))

    def clean(self):
        data = super().clean()
        if data.get("answer") and data["answer"] != AnswerKind.ADOPTED and not (data.get("explanation") or "").strip():
            self.add_error("explanation", _("部分采纳或不采纳时，请说明理由。"))
        return data


class SettingsForm(forms.Form):
    days = forms.IntegerField(label=_("默认反馈期限（工作日）"), min_value=1, max_value=MAX_DAYS)
