from django.contrib import admin

from dudao.schools.models import School, SchoolYearData


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "ownership", "region"]
    list_filter = ["kind", "ownership", "locality"]
    search_fields = ["code", "name", "name_initials"]
    raw_id_fields = ["region"]


@admin.register(SchoolYearData)
class SchoolYearDataAdmin(admin.ModelAdmin):
    list_display = ["school", "year", "stage", "students", "classes", "teachers"]
    list_filter = ["year", "stage"]
    raw_id_fields = ["school"]
