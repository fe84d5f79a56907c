from django import forms
from django.utils.translation import gettext_lazy as _

from dudao.imports.models import ImportKind


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("导入内容"), choices=ImportKind.choices)
    file = forms.FileField(label=_("文件"), help_text=_("支持 .xlsx、.xls、.csv（UTF-8 或 GBK），不超过 20 MB"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xls,.csv,.ods"}))
