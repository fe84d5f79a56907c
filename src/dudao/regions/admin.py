from django.contrib import admin

from dudao.regions.models import Office, Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "kind"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    raw_id_fields = ["parent"]


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin):
    list_display = ["name", "level", "region", "complaint_phone"]
    search_fields = ["name", "region__name", "region__code"]
    raw_id_fields = ["region"]
