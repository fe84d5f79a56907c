from __future__ import annotations

from django import forms

from dudao.system.models import DictionaryItem


class DictionaryItemForm(forms.ModelForm):
    class Meta:
        model = DictionaryItem
        fields = ["dict_type", "code", "label", "label_en", "order", "is_active", "source"]

    def clean_code(self) -> str:
        return self.cleaned_data["code"].strip()
