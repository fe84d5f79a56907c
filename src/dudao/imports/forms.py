from django import forms
from django.utils.translation import gettext_lazy as _

from dudao.imports.models import ImportKind


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("导入内容"), choices=ImportKind.choices)
    file = forms.FileField(label=_("文件"), help_text=_("支持 .xlsx、.xls、.csv（UTF-8 或 GBK），不超过 20 MB"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xls,.csv,.ods"}),
                           error_messages={"required": _("请选择要上传的文件。"),
                                           "empty": _("文件为空：请使用下载的模板填写后再上传。"),
                                           "invalid": _("上传的不是文件，请重新选择。")})
