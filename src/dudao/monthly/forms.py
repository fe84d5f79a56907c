from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _


class DraftForm(forms.Form):
    """Office and month (YYYY-MM, the browser's month picker) of a new summary."""

    office = forms.ModelChoiceField(label=_("督导室"), queryset=None, empty_label=None)
    month = forms.CharField(label=_("月份"), max_length=7,
                            widget=forms.TextInput(attrs={"type": "month", "placeholder": "2026-11"}),
                            error_messages={"required": _("请选择月份。")})

    def __init__(self, *args, offices, **kwargs):
        super().__init__(*args, **kwargs)
        from dudao.regions.models import Office

        self.fields["office"].queryset = Office.objects.filter(pk__in=[o.pk for o in offices]).select_related("region")
        self.fields["office"].error_messages["invalid_choice"] = _("请选择您可以起草的督导室。")

    def clean_month(self) -> tuple[int, int]:
        value = self.cleaned_data["month"].strip()
        match = re.fullmatch(r"(\d{4})-(\d{1,2})", value)
        if not match or not 1 <= int(match.group(2)) <= 12:
            raise forms.ValidationError(_("月份格式应为 年-月，例如 2026-11。"))
        return int(match.group(1)), int(match.group(2))
