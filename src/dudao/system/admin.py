from django.contrib import admin

from dudao.system.models import DictionaryItem


@admin.register(DictionaryItem)
class DictionaryItemAdmin(admin.ModelAdmin):
    list_display = ["dict_type", "code", "label", "order", "is_active"]
    list_filter = ["dict_type", "is_active"]
