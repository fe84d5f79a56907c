from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dudao.outcomes.models import DecisionKind


class DecisionForm(forms.Form):
    kind = forms.ChoiceField(label=_("运用方式"), choices=[("", "—")] + list(DecisionKind.choices))
    decided_on = forms.DateField(label=_("决定日期"), widget=forms.DateInput(attrs={"type": "date"}))
    basis = forms.CharField(label=_("依据"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}),
                            help_text=_("如：2026年专项督导结果、逾期未整改问题、会议纪要。"))
    document_number = forms.CharField(label=_("相关公文（发文字号）"), max_length=40, required=False,
                                      help_text=_("可选，如：宁督〔2026〕3号"))
    finding_id = forms.IntegerField(label=_("相关问题编号"), required=False, min_value=1,
                                    help_text=_("可选：整改台账中该校问题的编号"))

    def __init__(self, *args, user=None, school=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user, self.school = user, school
        if not self.is_bound:
            self.initial.setdefault("decided_on", timezone.localdate())

    def clean_document_number(self):
        from dudao.documents.models import Document

        number = (self.cleaned_data.get("document_number") or "").strip()
        if not number:
            return None
        document = Document.objects.visible_to(self.user).filter(number=number).first()
        if document is None:
            raise forms.ValidationError(_("找不到该发文字号的公文。"))
        return document

    def clean_finding_id(self):
        from dudao.findings.selectors import visible_findings

        pk = self.cleaned_data.get("finding_id")
        if not pk:
            return None
        finding = visible_findings(self.user).filter(pk=pk, school=self.school).first()
        if finding is None:
            raise forms.ValidationError(_("该校没有这个编号的问题。"))
        return finding
