"""Code lists (数据字典) that offices may extend, kept as data with their source."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from dudao.core.models import BaseModel


class DictionaryItem(BaseModel):
    """One entry of a code list, e.g. dict_type="visit_method", code="class_observation"."""

    dict_type = models.CharField(_("字典类型"), max_length=40, db_index=True)
    code = models.CharField(_("编码"), max_length=40)
    label = models.CharField(_("名称"), max_length=100)
    label_en = models.CharField(_("英文名称"), max_length=100, blank=True)
    order = models.PositiveIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)
    is_builtin = models.BooleanField(_("内置"), default=False, editable=False)
    source = models.CharField(_("依据"), max_length=200, blank=True)

    class Meta:
        ordering = ["dict_type", "order", "code"]
        verbose_name = _("数据字典")
        verbose_name_plural = _("数据字典")
        constraints = [models.UniqueConstraint(fields=["dict_type", "code"], name="dictionary_type_code_unique")]

    def __str__(self) -> str:
        return self.label
